// File: server/core/kinds/kinds.h
//
// The referral kinds' modules, one file each beside this one; only the
// registry (registry.cc) names them. See server/core/referral_kind.h.
#ifndef SAFEGUARD_SERVER_CORE_KINDS_KINDS_H_
#define SAFEGUARD_SERVER_CORE_KINDS_KINDS_H_

#include "server/core/referral_kind.h"

namespace safeguard {

const ReferralKindModule& NrmKind();
const ReferralKindModule& ChannelKind();
const ReferralKindModule& MaracKind();
const ReferralKindModule& TargetHardeningKind();

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_KINDS_KINDS_H_
