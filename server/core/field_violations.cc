#include "server/core/field_violations.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace safeguard {
namespace {

// Payload: one violation a line, "<field>\t<description>". Neither part may
// hold a tab or a newline; both are written by our own validators.
constexpr char kPayloadUrl[] = "type.safeguard/field_violations";

std::string Clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\n') c = ' ';
  }
  return s;
}

}  // namespace

absl::Status InvalidArgumentWithViolations(
    const std::vector<FieldViolation>& violations) {
  std::vector<std::string> fields;
  std::string payload;
  for (size_t i = 0; i < violations.size() && i < kMaxFieldViolations; ++i) {
    const FieldViolation& v = violations[i];
    fields.push_back(v.field);
    absl::StrAppend(&payload, Clean(v.field), "\t", Clean(v.description),
                    "\n");
  }
  if (violations.size() > kMaxFieldViolations) {
    fields.push_back("...");
    absl::StrAppend(&payload, "...\t",
                    violations.size() - kMaxFieldViolations,
                    " more fields are invalid\n");
  }
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat("invalid fields: ", absl::StrJoin(fields, ", ")));
  status.SetPayload(kPayloadUrl, absl::Cord(payload));
  return status;
}

std::vector<FieldViolation> FieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return out;
  for (absl::string_view line :
       absl::StrSplit(std::string(*payload), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, '\t');
    out.push_back({std::move(kv.first), std::move(kv.second)});
  }
  return out;
}

}  // namespace safeguard
