// File: server/api/api_methods.h
//
// ApiMethods: every governed method (policy.h's GovernedMethods(): each
// method of each safeguard.v1 service) with its ApiMethod, by full name.
// Build() refuses a governed method without an ApiMethod and an ApiMethod
// that is not governed, so that a new RPC cannot be served by one transport
// and not another. Transports derive their routes from it.
//
// Immutable once built; thread-safe.
#ifndef SAFEGUARD_SERVER_API_API_METHODS_H_
#define SAFEGUARD_SERVER_API_API_METHODS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/api/api_method.h"
#include "server/policy/policy.h"

namespace safeguard {

class ApiMethods {
 public:
  static absl::StatusOr<ApiMethods> Build(std::vector<ApiMethod> methods);

  // Null if `full_name` ("safeguard.v1.Service/Method") is not governed.
  const ApiMethod* Find(absl::string_view full_name) const;
  // REQUIRES: `full_name` is governed.
  const ApiMethod& Get(absl::string_view full_name) const;
  std::vector<const ApiMethod*> All() const;

 private:
  std::map<std::string, ApiMethod, std::less<>> by_name_;
};

// FAILED_PRECONDITION naming `policy_file` and the method if a governed
// method has no rule in `policy`: a route nobody may call is a policy that
// was not updated with the API, refused at start-up.
absl::Status CheckEveryMethodHasARule(const CompiledPolicy& policy,
                                      const std::string& policy_file);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_API_METHODS_H_
