#include "server/api/api_methods.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace safeguard {

std::string FullMethodName(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat(method.service()->full_name(), "/", method.name());
}

absl::Status CheckEveryMethodHasARule(const CompiledPolicy& policy,
                                      const std::string& policy_file) {
  for (const std::string& name : GovernedMethods()) {
    if (!policy.HasRuleFor(name)) {
      return absl::FailedPreconditionError(
          absl::StrCat("policy file ", policy_file, ": no rule names ", name,
                       "; every method of the API needs one"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ApiMethods> ApiMethods::Build(std::vector<ApiMethod> methods) {
  ApiMethods out;
  for (ApiMethod& m : methods) {
    std::string name = FullMethodName(*m.descriptor);
    out.by_name_.emplace(std::move(name), std::move(m));
  }
  const std::vector<std::string> governed = GovernedMethods();
  for (const std::string& name : governed) {
    if (out.by_name_.count(name) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("method ", name, " has no implementation"));
    }
  }
  if (out.by_name_.size() != governed.size()) {
    return absl::FailedPreconditionError(
        "an implemented method is not in a safeguard.v1 service");
  }
  return out;
}

const ApiMethod* ApiMethods::Find(absl::string_view full_name) const {
  auto it = by_name_.find(full_name);
  return it == by_name_.end() ? nullptr : &it->second;
}

const ApiMethod& ApiMethods::Get(absl::string_view full_name) const {
  const ApiMethod* m = Find(full_name);
  if (m == nullptr) std::abort();  // a programming error, caught by tests
  return *m;
}

std::vector<const ApiMethod*> ApiMethods::All() const {
  std::vector<const ApiMethod*> out;
  for (const auto& [name, m] : by_name_) out.push_back(&m);
  return out;
}

}  // namespace safeguard
