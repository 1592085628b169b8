// policy_fuzzer: the access policy loader (CompiledPolicy::Parse) on
// arbitrary text; a policy it accepts is then asked every question a call
// asks: Decide for each governed method, View for each role and kind,
// IsFirstResponder.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"
#include "server/core/identity.h"
#include "server/policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;  // NOLINT
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> policy =
      CompiledPolicy::Parse(text, "fuzz.textproto");
  if (!policy.ok()) return 0;
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2025, 6, 2, 10, 0, 0),
                                         absl::UTCTimeZone());
  CallerIdentity callers[2];
  callers[0].agency = "suffolk-police";
  callers[0].principal = "system/athena";
  callers[1].agency = "csp-audit";
  callers[1].principal = "person/auditor";
  for (const CallerIdentity& caller : callers) {
    for (const std::string& method : GovernedMethods()) {
      AccessDecision d = (*policy)->Decide(caller, method);
      for (ReferralKind kind :
           {ReferralKind::kNrm, ReferralKind::kChannel, ReferralKind::kMarac,
            ReferralKind::kTargetHardening}) {
        (void)(*policy)->View(d.acting_roles, kind).Paths();
      }
    }
    (void)(*policy)->IsFirstResponder(caller.agency, now);
  }
  for (int r = 0; r < kRoleCount; ++r) {
    (void)(*policy)->View(RoleSet{static_cast<Role>(r)}, ReferralKind::kMarac);
  }
  return 0;
}
