#include "server/core/roles.h"

#include "absl/strings/str_cat.h"

namespace safeguard {
namespace {

constexpr absl::string_view kNames[kRoleCount] = {
    "referrer",          "first_responder",       "agency_lead",
    "marac_coordinator", "channel_chair",         "prevent_officer",
    "sanctuary_coordinator", "contractor",        "fire_officer",
    "idva",              "auditor",               "administrator",
    "marac_representative", "channel_partner",   "analyst",
};

}  // namespace

absl::string_view RoleName(Role role) {
  return kNames[static_cast<int>(role)];
}

std::optional<Role> RoleFromName(absl::string_view name) {
  for (int i = 0; i < kRoleCount; ++i) {
    if (kNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::string RoleSet::ToString() const {
  std::string out;
  for (int i = 0; i < kRoleCount; ++i) {
    Role r = static_cast<Role>(i);
    if (Has(r)) absl::StrAppend(&out, out.empty() ? "" : ", ", RoleName(r));
  }
  return out;
}

}  // namespace safeguard
