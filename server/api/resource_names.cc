#include "server/api/resource_names.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {
constexpr absl::string_view kPrefix = "referrals/";
}  // namespace

absl::StatusOr<std::string> ReferralIdFromName(absl::string_view name) {
  absl::string_view id = name;
  const bool plain = absl::ConsumePrefix(&id, kPrefix) && !id.empty() &&
                     id.size() <= 64 &&
                     absl::c_all_of(id, [](char c) {
                       return absl::ascii_isalnum(c) || c == '-' || c == '_';
                     });
  if (!plain) {
    return InvalidArgumentWithViolations(
        {{"name", "must be referrals/<referral id>"}});
  }
  return std::string(id);
}

std::string ReferralName(absl::string_view id) { return absl::StrCat(kPrefix, id); }

}  // namespace safeguard
