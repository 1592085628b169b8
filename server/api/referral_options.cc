#include "server/api/referral_options.h"

#include "server/core/referral_store.h"
#include "server/core/workflow.h"
#include "server/policy/policy.h"

namespace safeguard {
namespace {

constexpr char kTransitionMethod[] = "safeguard.v1.Referrals/TransitionReferral";
constexpr char kAssignMethod[] = "safeguard.v1.Referrals/AssignReferral";

// The roles in which the caller would act on `referral` in `method`: none
// unless the policy lets it call the method and a scope reaches it.
RoleSet ActingRoles(const Referral& referral, const ResolvedCall& call,
                    const char* method) {
  const AccessDecision decision =
      call.policy->Decide(call.context.identity, method);
  if (!decision.allowed) return RoleSet();
  return RolesSeeing(referral, decision.scopes);
}

v1::ActionDetails ToProto(ActionDetails details) {
  switch (details) {
    case ActionDetails::kNone:
      return v1::ACTION_DETAILS_UNSPECIFIED;
    case ActionDetails::kScaDecision:
      return v1::SCA_DECISION;
    case ActionDetails::kVafAssessment:
      return v1::VAF_ASSESSMENT;
    case ActionDetails::kMeeting:
      return v1::MEETING;
    case ActionDetails::kAppointment:
      return v1::APPOINTMENT;
    case ActionDetails::kInstallation:
      return v1::INSTALLATION;
    case ActionDetails::kRecovery:
      return v1::RECOVERY;
    case ActionDetails::kConsentGiven:
      return v1::CONSENT_GIVEN;
    case ActionDetails::kConsentRefused:
      return v1::CONSENT_REFUSED;
    case ActionDetails::kConsentWithdrawn:
      return v1::CONSENT_WITHDRAWN;
    case ActionDetails::kExternalReference:
      return v1::EXTERNAL_REFERENCE;
  }
  return v1::ACTION_DETAILS_UNSPECIFIED;
}

}  // namespace

void SetCallerOptions(const Referral& referral, const ResolvedCall& call,
                      v1::Referral* out) {
  out->clear_available_actions();
  for (const ActionOption& option : ActionOptions(
           referral, ActingRoles(referral, call, kTransitionMethod))) {
    v1::ActionOption* o = out->add_available_actions();
    o->set_action(option.action);
    o->set_details(ToProto(option.details));
    o->set_reason_required(option.reason_required);
  }
  out->set_assignable(
      MayAssignNow(referral, ActingRoles(referral, call, kAssignMethod)));
}

}  // namespace safeguard
