// File: server/core/workflow.h
//
// The four referral workflows as data. Each TransitionRule is one row of
// (kind, from state, action, to state, guard, who, deadline, effect): the
// table in workflow.cc is the whole state machine, read by Workflow, which
// checks guards and roles, applies effects and sets stage deadlines. No
// workflow decision lives anywhere else.
//
// Submission is the action "submit" from the empty state.
//
// Workflow is immutable after construction and safe for concurrent use. It
// does not own the HolidayCalendar or the WorkflowConfig, which must
// outlive it.
#ifndef SAFEGUARD_SERVER_CORE_WORKFLOW_H_
#define SAFEGUARD_SERVER_CORE_WORKFLOW_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/core/referral.h"
#include "server/core/roles.h"
#include "server/core/working_days.h"

namespace safeguard {

// A condition on the referral, or on the details given with an action, that
// must hold for a rule to apply.
enum class Guard {
  kNone,
  kNrmReferralAllowed,       // a child, or an adult who gave consent
  kDutyToNotifyAllowed,      // an adult notified without consent
  kTargetHardeningEligible,  // consent, perpetrator absent, tenure/permission
  kScaPositive,              // details carry a positive SCA decision
  kScaNegative,              // details carry a negative SCA decision
  kReason,                   // a written reason is given
  kVafAssessment,            // details carry a VAF scoring
  kMeeting,                  // details carry a meeting date
  kAppointment,              // details carry an appointment time
  kInstallation,             // details carry the measures installed
  kConsentGiven,             // details carry consent given (parent for a minor)
  kConsentRefused,           // details carry consent refused
  kExternalReference,        // details carry an external reference
};

// How the stage deadline changes when a rule applies.
enum class DeadlineRule {
  kNone,                    // the new stage has no deadline
  kKeep,                    // the deadline carries over
  kRgDecision,              // reasonable-grounds decision, N working days
  kRecoveryPeriod,          // recovery period, at least N calendar days
  kGateway,                 // Prevent gateway assessment, N working days
  kTargetHardeningService,  // survey and measures, N hours from referral
  kMeetingDate,             // the end of the listed meeting day
  kFirstReview,             // target hardening review, N months from install
  kSecondReview,            // target hardening review, M months from install
  kFirstPostExitReview,     // Channel, N months after exit
  kSecondPostExitReview,    // Channel, M months after exit
};

// What the action records on the referral besides the state.
enum class Effect {
  kNone,
  kRecordRgDecision,
  kRecordCgDecision,
  kStartRecoveryPeriod,
  kAddVafAssessment,
  kRecordExit,
  kSetMeeting,
  kSetAppointment,
  kRecordInstallation,
  kSetEmergencyFlag,
  kClearEmergencyFlag,
  kRecordConsent,
  kAddExternalReference,
};

struct TransitionRule {
  ReferralKind kind;
  absl::string_view from;
  absl::string_view action;
  absl::string_view to;
  Guard guard;
  RoleSet who;
  DeadlineRule deadline;
  Effect effect;
};

// Every rule of every workflow.
absl::Span<const TransitionRule> WorkflowRules();

// Assignment, checked like an action: who may assign a referral of a kind
// to whom, and in which states. `states` lists them, separated by spaces;
// empty means every state that has an action left (not a final one). The
// assigner must hold a role in `who`, the assignee a role in `assignee`.
struct AssignmentRule {
  ReferralKind kind;
  absl::string_view states;
  RoleSet who;
  RoleSet assignee;
};
absl::Span<const AssignmentRule> AssignmentRules();

// Whether `actor` may assign `referral`, as it is now, to someone holding
// `assignee_roles`; for an unassignment (`unassign`), only whether the
// actor may assign the kind at all. kPermissionDenied when the actor's
// roles may not assign the kind, kFailedPrecondition when nobody may be
// assigned in its state, and a violation on "assignee" when the assignee
// holds no role suited to it there.
absl::Status CheckAssignment(const Referral& referral, RoleSet actor_roles,
                             RoleSet assignee_roles, bool unassign);

// Whether a caller holding `actor_roles` may assign `referral` to someone
// now, or unassign it (it has an assignee and the roles may assign its
// kind): whether some AssignReferral call could pass CheckAssignment.
bool MayAssignNow(const Referral& referral, RoleSet actor_roles);

// What an action needs besides its name, from its rules' guards (a guard
// on the referral itself needs nothing from the caller).
enum class ActionDetails {
  kNone,
  kScaDecision,  // positive or negative
  kVafAssessment,
  kMeeting,
  kAppointment,
  kInstallation,
  kConsentGiven,
  kConsentRefused,
  kExternalReference,
};

// An action that exists from a referral's state, for a caller.
struct ActionOption {
  std::string action;
  ActionDetails details = ActionDetails::kNone;
  bool reason_required = false;

  friend bool operator==(const ActionOption& a, const ActionOption& b) {
    return a.action == b.action && a.details == b.details &&
           a.reason_required == b.reason_required;
  }
};

// The actions a caller holding `roles` may take on `referral` from its
// state, one per action, in table order. Guards on the referral itself
// (e.g. target-hardening eligibility) are checked only when the action is
// taken.
std::vector<ActionOption> ActionOptions(const Referral& referral,
                                        RoleSet roles);

// A Vulnerability Assessment Framework the workflow accepts:
// VafAssessment::factor_scores holds engagement_factors scores, then
// intent_factors, then capability_factors, each 0 to max_factor_score.
struct VafFramework {
  std::string version;
  int engagement_factors = 0;
  int intent_factors = 0;
  int capability_factors = 0;
  int max_factor_score = 0;
};

// Every framework the workflow accepts (today "vaf-2015").
std::vector<VafFramework> VafFrameworks();

// The states of a kind's workflow, in table order.
std::vector<absl::string_view> WorkflowStates(ReferralKind kind);

// Timescales; where domain.md says "not confirmed", these are the defaults
// an operator may change.
struct WorkflowConfig {
  int rg_decision_working_days = 5;
  int recovery_period_days = 30;
  int gateway_working_days = 5;
  // Target hardening service deadline per scheme; schemes not listed get
  // default_service_hours (the seed report's local scheme: 48 hours).
  int default_service_hours = 48;
  std::map<std::string, int> service_hours_by_scheme;
  int first_review_months = 3;
  int second_review_months = 6;
  int first_post_exit_review_months = 6;
  int second_post_exit_review_months = 12;
  MaracCriteriaConfig marac;
};

// What an action may carry besides its name.
struct TransitionDetails {
  std::string reason;
  std::optional<ScaDecision> sca_decision;
  std::optional<VafAssessment> vaf_assessment;
  std::optional<Date> meeting_date;
  std::optional<absl::Time> appointment_time;
  std::optional<std::vector<SecurityMeasure>> installation;
  std::optional<ConsentRecord> consent;
  std::optional<ExternalReference> external_reference;
};

// Who is acting: "<agency>/<principal>" and the roles the policy grants.
struct Actor {
  std::string name;
  RoleSet roles;
};

class Workflow {
 public:
  Workflow(const HolidayCalendar& calendar, absl::TimeZone zone,
           const WorkflowConfig& config)
      : calendar_(calendar), zone_(zone), config_(config) {}
  Workflow(const Workflow&) = delete;
  Workflow& operator=(const Workflow&) = delete;

  // Takes `action` on `referral` in place: checks that the action exists
  // from the current state (else kFailedPrecondition naming the allowed
  // actions), that the actor's roles may take it (else kPermissionDenied),
  // and its guard (kInvalidArgument with field violations for missing
  // details, kFailedPrecondition for a condition on the referral). On
  // success sets the state, the deadline and the effect's fields, and
  // appends to the history; the caller bumps the version. On failure
  // `referral` is unchanged.
  absl::Status Apply(Referral& referral, absl::string_view action,
                     const TransitionDetails& details, const Actor& actor,
                     absl::Time now) const;

  // The actions that exist from the referral's state, whoever takes them.
  std::vector<std::string> AvailableActions(const Referral& referral) const;


 private:
  absl::Status CheckGuard(Guard guard, const Referral& referral,
                          const TransitionDetails& details,
                          absl::string_view action, absl::Time now) const;
  absl::Time Deadline(DeadlineRule rule, const Referral& referral,
                      absl::Time now) const;
  void ApplyEffect(Effect effect, Referral& referral,
                   const TransitionDetails& details, const Actor& actor,
                   absl::Time now) const;

  const HolidayCalendar& calendar_;
  const absl::TimeZone zone_;
  const WorkflowConfig& config_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_WORKFLOW_H_
