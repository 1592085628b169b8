#include "server/api/resource_names.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/core/field_violations.h"

namespace safeguard {
absl::StatusOr<std::string> IdFromName(absl::string_view name,
                                       absl::string_view collection,
                                       absl::string_view field) {
  absl::string_view id = name;
  const bool plain = absl::ConsumePrefix(&id, collection) &&
                     absl::ConsumePrefix(&id, "/") && !id.empty() &&
                     id.size() <= 64 &&
                     absl::c_all_of(id, [](char c) {
                       return absl::ascii_isalnum(c) || c == '-' || c == '_';
                     });
  if (!plain) {
    return InvalidArgumentWithViolations(
        {{std::string(field),
          absl::StrCat("must be ", collection, "/<",
                       absl::StripSuffix(collection, "s"), " id>")}});
  }
  return std::string(id);
}

std::string NameOf(absl::string_view collection, absl::string_view id) {
  return absl::StrCat(collection, "/", id);
}

absl::StatusOr<std::string> ReferralIdFromName(absl::string_view name) {
  return IdFromName(name, "referrals", "name");
}

std::string ReferralName(absl::string_view id) {
  return NameOf("referrals", id);
}

}  // namespace safeguard
