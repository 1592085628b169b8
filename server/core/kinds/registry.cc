#include "server/core/kinds/kinds.h"

namespace safeguard {

absl::Span<const ReferralKindModule* const> ReferralKinds() {
  static const ReferralKindModule* const kKinds[] = {
      &NrmKind(), &ChannelKind(), &MaracKind(), &TargetHardeningKind()};
  return kKinds;
}

const ReferralKindModule* FindReferralKind(ReferralKind kind) {
  for (const ReferralKindModule* module : ReferralKinds()) {
    if (module->kind() == kind) return module;
  }
  return nullptr;
}

}  // namespace safeguard
