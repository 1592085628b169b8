// File: server/core/roles.h
//
// Role and RoleSet: what a caller may be in the partnership. The policy file
// grants roles to identities; the workflow tables (workflow.h) say which
// roles may take each action. Value types; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_ROLES_H_
#define SAFEGUARD_SERVER_CORE_ROLES_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace safeguard {

enum class Role : uint8_t {
  kReferrer,              // partner agency staff or case system
  kFirstResponder,        // NRM First Responder Organisation staff
  kAgencyLead,            // agency safeguarding lead / DSL
  kMaracCoordinator,      // MARAC coordinator or chair
  kChannelChair,          // local-authority Channel panel chair
  kPreventOfficer,        // police Prevent / CT case officer
  kSanctuaryCoordinator,  // target-hardening scheme coordinator
  kContractor,            // locksmith or installer
  kFireOfficer,           // fire and rescue (fire crime) officer
  kIdva,                  // independent domestic violence adviser
  kAuditor,
  kAdministrator,
  kMaracRepresentative,   // an agency's representative at MARAC meetings
  kChannelPartner,        // a Schedule 7 partner's Channel panel member
  kAnalyst,               // the partnership's community-safety analyst
};
inline constexpr int kRoleCount = 15;

// The policy-file name of a role, e.g. "marac_coordinator".
absl::string_view RoleName(Role role);
std::optional<Role> RoleFromName(absl::string_view name);

class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  constexpr bool Has(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool Intersects(RoleSet other) const {
    return (bits_ & other.bits_) != 0;
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr uint32_t bits() const { return bits_; }
  void Add(Role r) { bits_ |= Bit(r); }
  void AddAll(RoleSet other) { bits_ |= other.bits_; }
  constexpr RoleSet Intersect(RoleSet other) const {
    RoleSet out;
    out.bits_ = bits_ & other.bits_;
    return out;
  }
  // "referrer, agency_lead"
  std::string ToString() const;
  friend constexpr bool operator==(RoleSet a, RoleSet b) {
    return a.bits_ == b.bits_;
  }

 private:
  static constexpr uint32_t Bit(Role r) {
    return uint32_t{1} << static_cast<uint8_t>(r);
  }
  uint32_t bits_ = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_ROLES_H_
