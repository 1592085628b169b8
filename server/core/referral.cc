#include "server/core/referral.h"

namespace safeguard {

absl::string_view ReferralKindName(ReferralKind kind) {
  switch (kind) {
    case ReferralKind::kNrm:
      return "NRM";
    case ReferralKind::kChannel:
      return "CHANNEL";
    case ReferralKind::kMarac:
      return "MARAC";
    case ReferralKind::kTargetHardening:
      return "TARGET_HARDENING";
    case ReferralKind::kUnspecified:
      break;
  }
  return "REFERRAL_KIND_UNSPECIFIED";
}

ReferralKind KindOfForm(const ReferralForm& form) {
  switch (form.index()) {
    case 1:
      return ReferralKind::kNrm;
    case 2:
      return ReferralKind::kChannel;
    case 3:
      return ReferralKind::kMarac;
    case 4:
      return ReferralKind::kTargetHardening;
  }
  return ReferralKind::kUnspecified;
}

ReferralKind LinkTargetKind(LinkType type) {
  switch (type) {
    case LinkType::kMaracCase:
      return ReferralKind::kMarac;
    case LinkType::kTargetHardeningJob:
      return ReferralKind::kTargetHardening;
    case LinkType::kUnspecified:
      break;
  }
  return ReferralKind::kUnspecified;
}

LinkType ReverseLink(LinkType type) {
  switch (type) {
    case LinkType::kMaracCase:
      return LinkType::kTargetHardeningJob;
    case LinkType::kTargetHardeningJob:
      return LinkType::kMaracCase;
    case LinkType::kUnspecified:
      break;
  }
  return LinkType::kUnspecified;
}

}  // namespace safeguard
