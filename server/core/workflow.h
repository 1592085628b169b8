// File: server/core/workflow.h
//
// The referral workflows as data, and Workflow, their one interpreter. Each
// TransitionRule is one row of (kind, from state, action, to state, guard,
// who, deadline, effect, check); each kind's table lives in its module
// (server/core/kinds/, found through referral_kind.h) and is that kind's
// whole state machine. Workflow checks the details an action carries, the
// roles and the kind's own condition, applies the kind's effect and sets the
// stage deadline. No workflow decision lives anywhere else.
//
// Submission is the action "submit" from the empty state.
//
// Workflow is immutable after construction and safe for concurrent use. It
// does not own the HolidayCalendar or the WorkflowConfig, which must
// outlive it.
#ifndef SAFEGUARD_SERVER_CORE_WORKFLOW_H_
#define SAFEGUARD_SERVER_CORE_WORKFLOW_H_

#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/core/referral.h"
#include "server/core/roles.h"
#include "server/core/working_days.h"

namespace safeguard {

// What the details given with an action must carry for a rule to apply:
// the vocabulary every kind shares (TransitionDetails). A condition on the
// referral itself is the rule's `check`, its kind's own.
enum class Guard {
  kNone,
  kScaPositive,        // a positive SCA decision
  kScaNegative,        // a negative SCA decision
  kReason,             // a written reason
  kVafAssessment,      // a VAF scoring
  kMeeting,            // a meeting date
  kAppointment,        // an appointment time
  kInstallation,       // the measures installed
  kConsentGiven,       // consent given
  kConsentRefused,     // consent refused
  kConsentWithdrawn,   // consent withdrawn, with why
  kExternalReference,  // an external reference
  kRecovery,           // the measures taken back
};

struct WorkflowConfig;
struct TransitionDetails;
struct Actor;

// What the store knows of the referral beyond its record, for a kind's
// checks: how many of its actions (meeting.h) are still open.
struct CaseFacts {
  int open_actions = 0;
};

// What a rule's functions see of the step being taken.
struct StepContext {
  const TransitionDetails& details;
  const Actor& actor;
  absl::Time now;
  absl::TimeZone zone;
  const HolidayCalendar& calendar;
  const WorkflowConfig& config;
  const CaseFacts& facts;
};

// A kind's condition on the referral (or on details beyond their shape):
// kFailedPrecondition for the referral, kInvalidArgument with violations
// for the details.
using RuleCheck = absl::Status (*)(const Referral& referral,
                                   const StepContext& step);
// The new stage's deadline (InfiniteFuture for none), computed once the
// effect has applied.
using RuleDeadline = absl::Time (*)(const Referral& referral,
                                    const StepContext& step);
// What the action records on the referral besides the state; runs only
// once the guard and the check have passed.
using RuleEffect = void (*)(Referral& referral, const StepContext& step);

struct TransitionRule {
  ReferralKind kind;
  absl::string_view from;
  absl::string_view action;
  absl::string_view to;
  Guard guard;
  RoleSet who;
  RuleDeadline deadline;  // nullptr: the new stage has no deadline
  RuleEffect effect;      // nullptr: only the state changes
  RuleCheck check = nullptr;
};

// Shared by the kinds' tables: the deadline carries over; the consent given
// or refused is recorded, by the actor, now; the external reference given
// is added.
absl::Time KeepDeadline(const Referral& referral, const StepContext& step);
void RecordConsent(Referral& referral, const StepContext& step);
// A withdrawal: only a referral whose consent was given.
absl::Status ConsentWasGiven(const Referral& referral, const StepContext& step);
void AddExternalReference(Referral& referral, const StepContext& step);

// Every rule of every kind, kind by kind (tests and tools; the workflow
// reads each kind's own).
std::vector<TransitionRule> WorkflowRules();

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
  kRecovery,
  kConsentWithdrawn,
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

// The states of a kind's workflow, in table order.
std::vector<absl::string_view> WorkflowStates(ReferralKind kind);

// Timescales; where domain.md says "not confirmed", these are the defaults
// an operator may change.
struct WorkflowConfig {
  int rg_decision_working_days = 5;
  // Counted from the positive reasonable-grounds decision's date.
  int recovery_period_days = 30;
  // A reconsideration is asked for within this many days of the decision.
  int reconsideration_request_days = 30;
  int gateway_working_days = 5;
  // Target hardening service deadline per scheme; schemes not listed get
  // default_service_hours (the seed report's local scheme: 48 hours).
  int default_service_hours = 48;
  std::map<std::string, int> service_hours_by_scheme;
  // Schemes that survey and install in one visit.
  std::set<std::string> one_visit_schemes;
  int first_review_months = 3;
  int second_review_months = 6;
  int first_post_exit_review_months = 6;
  int second_post_exit_review_months = 12;
  int post_exit_review_limit_months = 24;
  MaracCriteriaConfig marac;
};

// What an action may carry besides its name.
struct TransitionDetails {
  std::string reason;
  std::optional<ScaDecision> sca_decision;
  std::optional<VafAssessment> vaf_assessment;
  std::optional<Date> meeting_date;
  // The meeting the referral is listed to (meeting.h), by id: its date is
  // the meeting_date, and the case joins its agenda.
  std::string meeting_id;
  std::optional<absl::Time> appointment_time;
  std::optional<std::vector<SecurityMeasure>> installation;
  std::optional<ConsentRecord> consent;
  std::optional<ExternalReference> external_reference;
  std::optional<std::vector<SecurityMeasure>> recovery;
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
  // the details its guard needs (kInvalidArgument with field violations),
  // and its kind's check. Where several rules share the action, the first
  // whose guard and check pass applies; if none does, the first failure is
  // returned. On success sets the state, the effect's fields and the
  // deadline, and appends to the history; the caller bumps the version. On
  // failure `referral` is unchanged.
  absl::Status Apply(Referral& referral, absl::string_view action,
                     const TransitionDetails& details, const Actor& actor,
                     absl::Time now,
                     const CaseFacts& facts = CaseFacts()) const;

  // The actions that exist from the referral's state, whoever takes them.
  std::vector<std::string> AvailableActions(const Referral& referral) const;

 private:
  const HolidayCalendar& calendar_;
  const absl::TimeZone zone_;
  const WorkflowConfig& config_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_WORKFLOW_H_
