#include "server/core/workflow.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/core/field_violations.h"
#include "server/core/referral_validation.h"

namespace safeguard {
namespace {

using R = Role;
using G = Guard;
using D = DeadlineRule;
using E = Effect;

constexpr ReferralKind kNrm = ReferralKind::kNrm;
constexpr ReferralKind kChannel = ReferralKind::kChannel;
constexpr ReferralKind kMarac = ReferralKind::kMarac;
constexpr ReferralKind kTh = ReferralKind::kTargetHardening;

// Who takes which kind of step.
constexpr RoleSet kFr{R::kFirstResponder};
constexpr RoleSet kFrOrLead{R::kFirstResponder, R::kAgencyLead};
constexpr RoleSet kAnyReferrer{R::kReferrer, R::kFirstResponder, R::kAgencyLead,
                               R::kIdva, R::kPreventOfficer, R::kFireOfficer,
                               R::kMaracCoordinator, R::kSanctuaryCoordinator,
                               R::kChannelChair};
constexpr RoleSet kPrevent{R::kPreventOfficer};
constexpr RoleSet kPanel{R::kChannelChair};
constexpr RoleSet kCoordinator{R::kMaracCoordinator};
constexpr RoleSet kSanctuary{R::kSanctuaryCoordinator};
constexpr RoleSet kSanctuaryOrContractor{R::kSanctuaryCoordinator,
                                         R::kContractor};
constexpr RoleSet kSanctuaryOrFire{R::kSanctuaryCoordinator, R::kFireOfficer};

// clang-format off
constexpr TransitionRule kRules[] = {
  // ---- NRM and Duty to Notify (domain.md 1.1) ----
  {kNrm, "", "submit", "NRM_SUBMITTED", G::kNrmReferralAllowed, kFr, D::kRgDecision, E::kNone},
  {kNrm, "", "submit", "DTN_SUBMITTED", G::kDutyToNotifyAllowed, kFr, D::kNone, E::kNone},
  {kNrm, "NRM_SUBMITTED", "record_sca_reference", "REF_ASSIGNED", G::kExternalReference, kFrOrLead, D::kKeep, E::kAddExternalReference},
  {kNrm, "REF_ASSIGNED", "await_rg_decision", "RG_PENDING", G::kNone, kFrOrLead, D::kKeep, E::kNone},
  {kNrm, "RG_PENDING", "record_rg_decision", "RG_POSITIVE", G::kScaPositive, kFrOrLead, D::kNone, E::kRecordRgDecision},
  {kNrm, "RG_PENDING", "record_rg_decision", "RG_NEGATIVE", G::kScaNegative, kFrOrLead, D::kNone, E::kRecordRgDecision},
  {kNrm, "RG_POSITIVE", "start_recovery_support", "RECOVERY_SUPPORT", G::kNone, kFrOrLead, D::kRecoveryPeriod, E::kStartRecoveryPeriod},
  {kNrm, "RECOVERY_SUPPORT", "await_cg_decision", "CG_PENDING", G::kNone, kFrOrLead, D::kKeep, E::kNone},
  {kNrm, "CG_PENDING", "record_cg_decision", "CG_POSITIVE", G::kScaPositive, kFrOrLead, D::kNone, E::kRecordCgDecision},
  {kNrm, "CG_PENDING", "record_cg_decision", "CG_NEGATIVE", G::kScaNegative, kFrOrLead, D::kNone, E::kRecordCgDecision},
  {kNrm, "RG_POSITIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, D::kNone, E::kNone},
  {kNrm, "RG_NEGATIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, D::kNone, E::kNone},
  {kNrm, "CG_POSITIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, D::kNone, E::kNone},
  {kNrm, "CG_NEGATIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, D::kNone, E::kNone},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_rg_decision", "RG_POSITIVE", G::kScaPositive, kFrOrLead, D::kNone, E::kRecordRgDecision},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_rg_decision", "RG_NEGATIVE", G::kScaNegative, kFrOrLead, D::kNone, E::kRecordRgDecision},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_cg_decision", "CG_POSITIVE", G::kScaPositive, kFrOrLead, D::kNone, E::kRecordCgDecision},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_cg_decision", "CG_NEGATIVE", G::kScaNegative, kFrOrLead, D::kNone, E::kRecordCgDecision},
  {kNrm, "RG_POSITIVE", "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "RECOVERY_SUPPORT", "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "CG_PENDING", "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "NRM_SUBMITTED", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "REF_ASSIGNED", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "RG_PENDING", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "RG_POSITIVE", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "RECOVERY_SUPPORT", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, D::kNone, E::kNone},
  {kNrm, "CG_PENDING", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, D::kNone, E::kNone},

  // ---- Channel / Prevent (domain.md 1.2) ----
  {kChannel, "", "submit", "RECEIVED", G::kNone, kAnyReferrer, D::kGateway, E::kNone},
  {kChannel, "RECEIVED", "begin_gateway", "POLICE_GATEWAY", G::kNone, kPrevent, D::kKeep, E::kNone},
  {kChannel, "POLICE_GATEWAY", "gateway_no_further_action", "NFA", G::kReason, kPrevent, D::kNone, E::kNone},
  {kChannel, "POLICE_GATEWAY", "gateway_signpost", "SIGNPOSTED", G::kReason, kPrevent, D::kNone, E::kNone},
  {kChannel, "POLICE_GATEWAY", "gateway_case_management", "PCM", G::kNone, kPrevent, D::kNone, E::kNone},
  {kChannel, "POLICE_GATEWAY", "gateway_information_gathering", "INFO_GATHERING", G::kNone, kPrevent, D::kNone, E::kNone},
  {kChannel, "INFO_GATHERING", "refer_to_panel", "PANEL", G::kVafAssessment, kPrevent, D::kNone, E::kAddVafAssessment},
  {kChannel, "PANEL", "panel_not_adopted", "NOT_ADOPTED", G::kReason, kPanel, D::kNone, E::kNone},
  {kChannel, "PANEL", "panel_adopted", "ADOPTED", G::kNone, kPanel, D::kNone, E::kNone},
  {kChannel, "ADOPTED", "seek_consent", "CONSENT_SOUGHT", G::kNone, kPanel, D::kNone, E::kNone},
  {kChannel, "CONSENT_SOUGHT", "record_consent_declined", "DECLINED", G::kConsentRefused, kPanel, D::kNone, E::kRecordConsent},
  {kChannel, "CONSENT_SOUGHT", "record_consent_given", "SUPPORT_PLAN", G::kConsentGiven, kPanel, D::kNone, E::kRecordConsent},
  {kChannel, "SUPPORT_PLAN", "review_vaf", "SUPPORT_PLAN", G::kVafAssessment, kPanel, D::kKeep, E::kAddVafAssessment},
  {kChannel, "SUPPORT_PLAN", "exit", "EXITED", G::kVafAssessment, kPanel, D::kFirstPostExitReview, E::kRecordExit},
  {kChannel, "EXITED", "complete_post_exit_review", "POST_EXIT_REVIEW_1", G::kNone, kPanel, D::kSecondPostExitReview, E::kNone},
  {kChannel, "POST_EXIT_REVIEW_1", "complete_post_exit_review", "POST_EXIT_REVIEW_2", G::kNone, kPanel, D::kNone, E::kNone},
  {kChannel, "POST_EXIT_REVIEW_2", "close", "CLOSED", G::kNone, kPanel, D::kNone, E::kNone},
  {kChannel, "PCM", "close", "CLOSED", G::kReason, kPrevent, D::kNone, E::kNone},

  // ---- MARAC (domain.md 1.3) ----
  {kMarac, "", "submit", "SUBMITTED", G::kNone, kAnyReferrer, D::kNone, E::kNone},
  {kMarac, "SUBMITTED", "begin_screening", "COORDINATOR_SCREEN", G::kNone, kCoordinator, D::kNone, E::kNone},
  {kMarac, "COORDINATOR_SCREEN", "return_to_referrer", "RETURNED", G::kReason, kCoordinator, D::kNone, E::kNone},
  {kMarac, "COORDINATOR_SCREEN", "defer", "DEFERRED", G::kReason, kCoordinator, D::kNone, E::kNone},
  {kMarac, "COORDINATOR_SCREEN", "list", "LISTED", G::kMeeting, kCoordinator, D::kMeetingDate, E::kSetMeeting},
  {kMarac, "COORDINATOR_SCREEN", "list_emergency", "EMERGENCY_MARAC", G::kMeeting, kCoordinator, D::kMeetingDate, E::kSetMeeting},
  {kMarac, "COORDINATOR_SCREEN", "transfer", "TRANSFERRED", G::kReason, kCoordinator, D::kNone, E::kNone},
  {kMarac, "DEFERRED", "list", "LISTED", G::kMeeting, kCoordinator, D::kMeetingDate, E::kSetMeeting},
  {kMarac, "LISTED", "begin_research", "AGENCY_RESEARCH", G::kNone, kCoordinator, D::kKeep, E::kNone},
  {kMarac, "AGENCY_RESEARCH", "record_hearing", "HEARD", G::kNone, kCoordinator, D::kNone, E::kNone},
  {kMarac, "EMERGENCY_MARAC", "record_hearing", "HEARD", G::kNone, kCoordinator, D::kNone, E::kNone},
  {kMarac, "HEARD", "open_actions", "ACTIONS_OPEN", G::kMeeting, kCoordinator, D::kMeetingDate, E::kSetMeeting},
  {kMarac, "ACTIONS_OPEN", "review_actions", "ACTIONS_REVIEWED", G::kNone, kCoordinator, D::kNone, E::kNone},
  {kMarac, "ACTIONS_REVIEWED", "close", "CLOSED", G::kNone, kCoordinator, D::kNone, E::kNone},

  // ---- Target hardening (domain.md 1.4) ----
  {kTh, "", "submit", "REFERRED", G::kNone, kAnyReferrer, D::kTargetHardeningService, E::kNone},
  {kTh, "REFERRED", "begin_eligibility", "ELIGIBILITY", G::kNone, kSanctuary, D::kKeep, E::kNone},
  {kTh, "ELIGIBILITY", "accept", "ACCEPTED", G::kTargetHardeningEligible, kSanctuary, D::kKeep, E::kNone},
  {kTh, "ELIGIBILITY", "decline", "DECLINED", G::kReason, kSanctuary, D::kNone, E::kNone},
  {kTh, "ACCEPTED", "book_survey", "SURVEY_BOOKED", G::kAppointment, kSanctuaryOrContractor, D::kKeep, E::kSetAppointment},
  {kTh, "SURVEY_BOOKED", "record_survey", "SURVEYED", G::kNone, kSanctuaryOrContractor, D::kKeep, E::kNone},
  {kTh, "SURVEYED", "order_works", "WORKS_ORDERED", G::kNone, kSanctuary, D::kKeep, E::kNone},
  {kTh, "WORKS_ORDERED", "record_installation", "INSTALLED", G::kInstallation, kSanctuaryOrContractor, D::kFirstReview, E::kRecordInstallation},
  {kTh, "INSTALLED", "set_emergency_flag", "ES_FLAG_SET", G::kNone, kSanctuaryOrFire, D::kKeep, E::kSetEmergencyFlag},
  {kTh, "ES_FLAG_SET", "complete_review", "REVIEW_3M", G::kNone, kSanctuary, D::kSecondReview, E::kNone},
  {kTh, "REVIEW_3M", "complete_review", "REVIEW_6M", G::kNone, kSanctuary, D::kNone, E::kNone},
  {kTh, "REVIEW_6M", "close", "CLOSED", G::kReason, kSanctuary, D::kNone, E::kClearEmergencyFlag},
};

// Case owners in any state with an action left; a locksmith only once the
// job is accepted (eligibility, and so consent, established) and until the
// works are done.
constexpr AssignmentRule kAssignmentRules[] = {
  {kNrm, "", kFrOrLead, kFrOrLead},
  {kChannel, "", RoleSet{R::kPreventOfficer, R::kChannelChair}, RoleSet{R::kPreventOfficer, R::kChannelChair}},
  {kMarac, "", kCoordinator, RoleSet{R::kMaracCoordinator, R::kIdva}},
  {kTh, "", kSanctuary, kSanctuary},
  {kTh, "ACCEPTED SURVEY_BOOKED SURVEYED WORKS_ORDERED", kSanctuary, RoleSet{R::kContractor}},
};
// clang-format on

bool HasActionsLeft(const Referral& r) {
  for (const TransitionRule& rule : kRules) {
    if (rule.kind == r.kind && rule.from == r.state) return true;
  }
  return false;
}

bool InStates(absl::string_view states, const Referral& r) {
  if (states.empty()) return HasActionsLeft(r);
  for (absl::string_view s : absl::StrSplit(states, ' ')) {
    if (s == r.state) return true;
  }
  return false;
}

absl::Status MissingDetail(absl::string_view field, absl::string_view action) {
  return InvalidArgumentWithViolations(
      {{std::string(field), absl::StrCat("is required for ", action)}});
}

// The Vulnerability Assessment Framework (Channel Duty Guidance 2015): 22
// factors, in order 13 engagement, 6 intent, 3 capability, each scored 0-3.
constexpr char kVafFramework[] = "vaf-2015";
constexpr size_t kVafEngagementFactors = 13;
constexpr size_t kVafIntentFactors = 6;
constexpr size_t kVafCapabilityFactors = 3;
constexpr int kVafMaxFactorScore = 3;
constexpr size_t kVafFactors =
    kVafEngagementFactors + kVafIntentFactors + kVafCapabilityFactors;

VafAssessment ScoredVaf(VafAssessment vaf, const std::string& by,
                        absl::Time now) {
  vaf.assess_time = now;
  vaf.assessed_by = by;
  vaf.engagement_total = vaf.intent_total = vaf.capability_total = 0;
  for (size_t i = 0; i < vaf.factor_scores.size(); ++i) {
    int& total = i < kVafEngagementFactors ? vaf.engagement_total
                 : i < kVafEngagementFactors + kVafIntentFactors
                     ? vaf.intent_total
                     : vaf.capability_total;
    total += vaf.factor_scores[i];
  }
  return vaf;
}

// How far from today the dates an action records may be.
constexpr int kMaxDaysAhead = 366;
constexpr int kMaxDaysBehind = 30;

// The day a full date names, or nullopt for a partial or impossible one.
std::optional<absl::CivilDay> FullDay(const Date& d) {
  if (d.month == 0 || d.day == 0 || !IsValidDate(d)) return std::nullopt;
  return absl::CivilDay(d.year, d.month, d.day);
}

const TransitionRecord* LastAction(const Referral& r, absl::string_view action) {
  for (auto it = r.history.rbegin(); it != r.history.rend(); ++it) {
    if (it->action == action) return &*it;
  }
  return nullptr;
}

}  // namespace

absl::Span<const TransitionRule> WorkflowRules() { return kRules; }

absl::Span<const AssignmentRule> AssignmentRules() { return kAssignmentRules; }

absl::Status CheckAssignment(const Referral& referral, RoleSet actor_roles,
                             RoleSet assignee_roles, bool unassign) {
  bool may_assign_kind = false, any_now = false;
  RoleSet suited;
  for (const AssignmentRule& rule : kAssignmentRules) {
    if (rule.kind != referral.kind || !rule.who.Intersects(actor_roles)) continue;
    may_assign_kind = true;
    if (!InStates(rule.states, referral)) continue;
    any_now = true;
    suited.AddAll(rule.assignee);
  }
  if (!may_assign_kind) {
    return absl::PermissionDeniedError(
        "the caller's roles may not assign referrals of this kind");
  }
  if (unassign) return absl::OkStatus();
  if (!any_now) {
    return absl::FailedPreconditionError(absl::StrCat(
        "nobody may be assigned a referral in state ", referral.state));
  }
  if (!suited.Intersects(assignee_roles)) {
    return InvalidArgumentWithViolations(
        {{"assignee", absl::StrCat("must hold one of the roles suited to this "
                                   "referral in its state: ",
                                   suited.ToString())}});
  }
  return absl::OkStatus();
}

bool MayAssignNow(const Referral& referral, RoleSet actor_roles) {
  for (const AssignmentRule& rule : kAssignmentRules) {
    if (rule.kind != referral.kind || !rule.who.Intersects(actor_roles)) continue;
    // An unassignment needs only the kind; an assignment, the state too.
    if (!referral.assignee.empty() || InStates(rule.states, referral)) {
      return true;
    }
  }
  return false;
}

std::vector<ActionOption> ActionOptions(const Referral& referral,
                                        RoleSet roles) {
  std::vector<ActionOption> options;
  for (const TransitionRule& rule : kRules) {
    if (rule.kind != referral.kind || rule.from != referral.state ||
        !rule.who.Intersects(roles)) {
      continue;
    }
    auto it = std::find_if(
        options.begin(), options.end(),
        [&](const ActionOption& o) { return o.action == rule.action; });
    if (it == options.end()) {
      options.push_back({std::string(rule.action), ActionDetails::kNone, false});
      it = std::prev(options.end());
    }
    switch (rule.guard) {
      case Guard::kScaPositive:
      case Guard::kScaNegative:
        it->details = ActionDetails::kScaDecision;
        break;
      case Guard::kVafAssessment:
        it->details = ActionDetails::kVafAssessment;
        break;
      case Guard::kMeeting:
        it->details = ActionDetails::kMeeting;
        break;
      case Guard::kAppointment:
        it->details = ActionDetails::kAppointment;
        break;
      case Guard::kInstallation:
        it->details = ActionDetails::kInstallation;
        break;
      case Guard::kConsentGiven:
        it->details = ActionDetails::kConsentGiven;
        break;
      case Guard::kConsentRefused:
        it->details = ActionDetails::kConsentRefused;
        break;
      case Guard::kExternalReference:
        it->details = ActionDetails::kExternalReference;
        break;
      case Guard::kReason:
        it->reason_required = true;
        break;
      case Guard::kNone:
      case Guard::kNrmReferralAllowed:
      case Guard::kDutyToNotifyAllowed:
      case Guard::kTargetHardeningEligible:
        break;
    }
  }
  return options;
}

std::vector<VafFramework> VafFrameworks() {
  return {{kVafFramework, static_cast<int>(kVafEngagementFactors),
           static_cast<int>(kVafIntentFactors),
           static_cast<int>(kVafCapabilityFactors), kVafMaxFactorScore}};
}

std::vector<absl::string_view> WorkflowStates(ReferralKind kind) {
  std::vector<absl::string_view> states;
  auto add = [&](absl::string_view s) {
    if (!s.empty() && std::find(states.begin(), states.end(), s) == states.end()) {
      states.push_back(s);
    }
  };
  for (const TransitionRule& rule : kRules) {
    if (rule.kind != kind) continue;
    add(rule.from);
    add(rule.to);
  }
  return states;
}

std::vector<std::string> Workflow::AvailableActions(
    const Referral& referral) const {
  std::vector<std::string> actions;
  for (const TransitionRule& rule : kRules) {
    if (rule.kind != referral.kind || rule.from != referral.state) continue;
    if (std::find(actions.begin(), actions.end(), rule.action) == actions.end()) {
      actions.emplace_back(rule.action);
    }
  }
  return actions;
}

absl::Status Workflow::CheckGuard(Guard guard, const Referral& r,
                                  const TransitionDetails& d,
                                  absl::string_view action,
                                  absl::Time now) const {
  const absl::CivilDay today = absl::ToCivilDay(now, zone_);
  switch (guard) {
    case Guard::kNone:
      return absl::OkStatus();
    case Guard::kNrmReferralAllowed: {
      const auto* nrm = std::get_if<NrmForm>(&r.form);
      if (nrm != nullptr && nrm->nature == NrmNature::kNrmReferral &&
          (nrm->subject_is_child || r.consent.status == ConsentStatus::kGiven)) {
        return absl::OkStatus();
      }
      return absl::FailedPreconditionError(
          "an NRM referral needs a child, or an adult's informed consent");
    }
    case Guard::kDutyToNotifyAllowed: {
      const auto* nrm = std::get_if<NrmForm>(&r.form);
      if (nrm != nullptr && nrm->nature == NrmNature::kDutyToNotify &&
          !nrm->subject_is_child) {
        return absl::OkStatus();
      }
      return absl::FailedPreconditionError(
          "a Duty to Notify is only for an adult who does not consent");
    }
    case Guard::kTargetHardeningEligible: {
      const auto* th = std::get_if<TargetHardeningForm>(&r.form);
      std::vector<std::string> unmet;
      if (r.consent.status != ConsentStatus::kGiven) {
        unmet.push_back("the victim's consent");
      }
      if (th == nullptr || th->perpetrator_resident) {
        unmet.push_back("the perpetrator not living at the property");
      }
      if (th == nullptr || (th->tenure != Tenure::kOwnerOccupier &&
                            !th->landlord_permission)) {
        unmet.push_back("the landlord's permission");
      }
      if (unmet.empty()) return absl::OkStatus();
      return absl::FailedPreconditionError(absl::StrCat(
          "not eligible for target hardening; missing: ",
          absl::StrJoin(unmet, ", ")));
    }
    case Guard::kScaPositive:
    case Guard::kScaNegative: {
      if (!d.sca_decision.has_value() ||
          d.sca_decision->outcome == ScaOutcome::kUnspecified) {
        return MissingDetail("sca_decision.outcome", action);
      }
      if (d.sca_decision->decision_date.empty()) {
        return MissingDetail("sca_decision.decision_date", action);
      }
      // A decision is made on a day, after the referral and not in future.
      const std::optional<absl::CivilDay> decided =
          FullDay(d.sca_decision->decision_date);
      if (!decided.has_value() || *decided > today ||
          *decided < absl::ToCivilDay(r.create_time, zone_)) {
        return InvalidArgumentWithViolations(
            {{"sca_decision.decision_date",
              "must be a full date from the referral's submission to today"}});
      }
      ScaOutcome want = guard == Guard::kScaPositive ? ScaOutcome::kPositive
                                                     : ScaOutcome::kNegative;
      return d.sca_decision->outcome == want
                 ? absl::OkStatus()
                 : absl::FailedPreconditionError("decision outcome differs");
    }
    case Guard::kReason:
      return d.reason.empty() ? MissingDetail("reason", action)
                              : absl::OkStatus();
    case Guard::kVafAssessment: {
      if (!d.vaf_assessment.has_value()) {
        return MissingDetail("vaf_assessment", action);
      }
      std::vector<FieldViolation> bad;
      const VafAssessment& vaf = *d.vaf_assessment;
      if (vaf.framework_version != kVafFramework) {
        bad.push_back({"vaf_assessment.framework_version",
                       absl::StrCat("must be ", kVafFramework)});
      } else if (vaf.factor_scores.size() != kVafFactors) {
        bad.push_back({"vaf_assessment.factor_scores",
                       absl::StrCat("must have ", kVafFactors,
                                    " scores (13 engagement, 6 intent, 3 "
                                    "capability)")});
      }
      for (size_t i = 0; i < vaf.factor_scores.size(); ++i) {
        if (vaf.factor_scores[i] < 0 ||
            vaf.factor_scores[i] > kVafMaxFactorScore) {
          bad.push_back({absl::StrCat("vaf_assessment.factor_scores[", i, "]"),
                         "must be from 0 to 3"});
        }
      }
      return bad.empty() ? absl::OkStatus() : InvalidArgumentWithViolations(bad);
    }
    case Guard::kMeeting: {
      if (!d.meeting_date.has_value() || d.meeting_date->empty()) {
        return MissingDetail("meeting.meeting_date", action);
      }
      // Listed to a meeting still to come, at most a year ahead.
      const std::optional<absl::CivilDay> day = FullDay(*d.meeting_date);
      if (!day.has_value() || *day < today || *day > today + kMaxDaysAhead) {
        return InvalidArgumentWithViolations(
            {{"meeting.meeting_date",
              absl::StrCat("must be a full date from today to ", kMaxDaysAhead,
                           " days ahead")}});
      }
      return absl::OkStatus();
    }
    case Guard::kAppointment: {
      if (!d.appointment_time.has_value() ||
          *d.appointment_time == absl::InfinitePast()) {
        return MissingDetail("appointment.appointment_time", action);
      }
      // Booked ahead, or recorded shortly after the visit.
      const absl::Time t = *d.appointment_time;
      if (t < now - absl::Hours(24 * kMaxDaysBehind) ||
          t > now + absl::Hours(24 * kMaxDaysAhead)) {
        return InvalidArgumentWithViolations(
            {{"appointment.appointment_time",
              absl::StrCat("must be from ", kMaxDaysBehind, " days ago to ",
                           kMaxDaysAhead, " days ahead")}});
      }
      return absl::OkStatus();
    }
    case Guard::kInstallation:
      return d.installation.has_value() && !d.installation->empty()
                 ? absl::OkStatus()
                 : MissingDetail("installation.measures_installed", action);
    case Guard::kConsentGiven:
    case Guard::kConsentRefused: {
      if (!d.consent.has_value()) return MissingDetail("consent", action);
      ConsentStatus want = guard == Guard::kConsentGiven
                               ? ConsentStatus::kGiven
                               : ConsentStatus::kRefused;
      if (d.consent->status != want) {
        return InvalidArgumentWithViolations(
            {{"consent.status",
              absl::StrCat("must be ", want == ConsentStatus::kGiven
                                           ? "GIVEN"
                                           : "REFUSED",
                           " for ", action)}});
      }
      // Channel: an adult decides; for an under-18, a parent or guardian.
      if (const auto* channel = std::get_if<ChannelForm>(&r.form)) {
        const ConsentGiver need = channel->subject_is_minor
                                      ? ConsentGiver::kParentOrGuardian
                                      : ConsentGiver::kSubject;
        if (d.consent->given_by != need) {
          return InvalidArgumentWithViolations(
              {{"consent.given_by",
                channel->subject_is_minor
                    ? "must be PARENT_OR_GUARDIAN for an under-18"
                    : "must be SUBJECT for an adult"}});
        }
      }
      return absl::OkStatus();
    }
    case Guard::kExternalReference:
      return d.external_reference.has_value() &&
                     !d.external_reference->value.empty()
                 ? absl::OkStatus()
                 : MissingDetail("external_reference", action);
  }
  return absl::InternalError("unknown guard");
}

absl::Time Workflow::Deadline(DeadlineRule rule, const Referral& r,
                              absl::Time now) const {
  switch (rule) {
    case DeadlineRule::kNone:
      return absl::InfiniteFuture();
    case DeadlineRule::kKeep:
      return r.deadline;
    case DeadlineRule::kRgDecision:
      return WorkingDaysDeadline(calendar_, now,
                                 config_.rg_decision_working_days, zone_);
    case DeadlineRule::kRecoveryPeriod:
      return CalendarDaysDeadline(now, config_.recovery_period_days, zone_);
    case DeadlineRule::kGateway:
      return WorkingDaysDeadline(calendar_, now, config_.gateway_working_days,
                                 zone_);
    case DeadlineRule::kTargetHardeningService: {
      const auto* th = std::get_if<TargetHardeningForm>(&r.form);
      int hours = config_.default_service_hours;
      if (th != nullptr) {
        auto it = config_.service_hours_by_scheme.find(th->scheme);
        if (it != config_.service_hours_by_scheme.end()) hours = it->second;
      }
      return HoursDeadline(now, hours);
    }
    case DeadlineRule::kMeetingDate: {
      const auto* marac = std::get_if<MaracForm>(&r.form);
      if (marac == nullptr || marac->meeting_date.day == 0) {
        return absl::InfiniteFuture();
      }
      absl::CivilDay day(marac->meeting_date.year, marac->meeting_date.month,
                         marac->meeting_date.day);
      return absl::FromCivil(absl::CivilSecond(day + 1), zone_) -
             absl::Seconds(1);
    }
    case DeadlineRule::kFirstReview:
      return MonthsDeadline(now, config_.first_review_months, zone_);
    case DeadlineRule::kSecondReview: {
      const TransitionRecord* installed = LastAction(r, "record_installation");
      return MonthsDeadline(installed != nullptr ? installed->time : now,
                            config_.second_review_months, zone_);
    }
    case DeadlineRule::kFirstPostExitReview:
    case DeadlineRule::kSecondPostExitReview: {
      const auto* channel = std::get_if<ChannelForm>(&r.form);
      absl::Time exit = channel != nullptr &&
                                channel->exit_time != absl::InfinitePast()
                            ? channel->exit_time
                            : now;
      return MonthsDeadline(exit,
                            rule == DeadlineRule::kFirstPostExitReview
                                ? config_.first_post_exit_review_months
                                : config_.second_post_exit_review_months,
                            zone_);
    }
  }
  return absl::InfiniteFuture();
}

void Workflow::ApplyEffect(Effect effect, Referral& r,
                           const TransitionDetails& d, const Actor& actor,
                           absl::Time now) const {
  switch (effect) {
    case Effect::kNone:
      return;
    case Effect::kRecordRgDecision:
      std::get<NrmForm>(r.form).reasonable_grounds = *d.sca_decision;
      return;
    case Effect::kRecordCgDecision:
      std::get<NrmForm>(r.form).conclusive_grounds = *d.sca_decision;
      return;
    case Effect::kStartRecoveryPeriod:
      std::get<NrmForm>(r.form).recovery_period_end =
          CalendarDaysDeadline(now, config_.recovery_period_days, zone_);
      return;
    case Effect::kAddVafAssessment:
    case Effect::kRecordExit: {
      ChannelForm& channel = std::get<ChannelForm>(r.form);
      channel.vaf_assessments.push_back(
          ScoredVaf(*d.vaf_assessment, actor.name, now));
      if (effect == Effect::kRecordExit) channel.exit_time = now;
      return;
    }
    case Effect::kSetMeeting:
      std::get<MaracForm>(r.form).meeting_date = *d.meeting_date;
      return;
    case Effect::kSetAppointment:
      std::get<TargetHardeningForm>(r.form).appointment_time =
          *d.appointment_time;
      return;
    case Effect::kRecordInstallation:
      std::get<TargetHardeningForm>(r.form).measures_installed =
          *d.installation;
      return;
    case Effect::kSetEmergencyFlag:
      std::get<TargetHardeningForm>(r.form).emergency_services_flag = true;
      return;
    case Effect::kClearEmergencyFlag:
      std::get<TargetHardeningForm>(r.form).emergency_services_flag = false;
      return;
    case Effect::kRecordConsent:
      r.consent = *d.consent;
      r.consent.recorded_by = actor.name;
      r.consent.record_time = now;
      return;
    case Effect::kAddExternalReference:
      r.external_references.push_back(*d.external_reference);
      return;
  }
}

absl::Status Workflow::Apply(Referral& referral, absl::string_view action,
                             const TransitionDetails& details,
                             const Actor& actor, absl::Time now) const {
  std::vector<const TransitionRule*> candidates;
  for (const TransitionRule& rule : kRules) {
    if (rule.kind == referral.kind && rule.from == referral.state &&
        rule.action == action) {
      candidates.push_back(&rule);
    }
  }
  if (candidates.empty()) {
    std::vector<std::string> allowed = AvailableActions(referral);
    // The caller's text is never echoed: only the allowed actions are named.
    return absl::FailedPreconditionError(absl::StrCat(
        "the action is not allowed from state ",
        referral.state.empty() ? "(new)" : referral.state, "; allowed: ",
        allowed.empty() ? "none (final state)" : absl::StrJoin(allowed, ", ")));
  }
  if (!candidates.front()->who.Intersects(actor.roles)) {
    return absl::PermissionDeniedError(
        absl::StrCat("action '", action, "' needs one of the roles: ",
                     candidates.front()->who.ToString()));
  }
  absl::Status first_failure;
  for (const TransitionRule* rule : candidates) {
    absl::Status guard =
        CheckGuard(rule->guard, referral, details, action, now);
    if (!guard.ok()) {
      if (first_failure.ok()) first_failure = guard;
      continue;
    }
    TransitionRecord record;
    record.actor = actor.name;
    record.time = now;
    record.action = std::string(action);
    record.from_state = referral.state;
    record.to_state = std::string(rule->to);
    record.reason = details.reason;
    ApplyEffect(rule->effect, referral, details, actor, now);
    referral.state = std::string(rule->to);
    referral.history.push_back(std::move(record));
    referral.deadline = Deadline(rule->deadline, referral, now);
    referral.update_time = now;
    return absl::OkStatus();
  }
  return first_failure;
}

}  // namespace safeguard
