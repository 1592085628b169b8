#include "server/core/workflow.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "server/core/field_violations.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_validation.h"

namespace safeguard {
namespace {

absl::Span<const TransitionRule> RulesOf(ReferralKind kind) {
  const ReferralKindModule* module = FindReferralKind(kind);
  if (module == nullptr) return {};
  return module->rules();
}

absl::Span<const AssignmentRule> AssignmentRulesOf(ReferralKind kind) {
  const ReferralKindModule* module = FindReferralKind(kind);
  if (module == nullptr) return {};
  return module->assignment_rules();
}

bool HasActionsLeft(const Referral& r) {
  for (const TransitionRule& rule : RulesOf(r.kind)) {
    if (rule.from == r.state) return true;
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

// How far from today the dates an action records may be.
constexpr int kMaxDaysAhead = 366;
constexpr int kMaxDaysBehind = 30;

// The day a full date names, or nullopt for a partial or impossible one.
std::optional<absl::CivilDay> FullDay(const Date& d) {
  if (d.month == 0 || d.day == 0 || !IsValidDate(d)) return std::nullopt;
  return absl::CivilDay(d.year, d.month, d.day);
}

// Whether the details carry what `guard` asks for, in a sensible range.
absl::Status CheckGuard(Guard guard, const Referral& r,
                        const TransitionDetails& d, absl::string_view action,
                        absl::Time now, absl::TimeZone zone) {
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  switch (guard) {
    case Guard::kNone:
      return absl::OkStatus();
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
          *decided < absl::ToCivilDay(r.create_time, zone)) {
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
    case Guard::kVafAssessment:
      return d.vaf_assessment.has_value()
                 ? absl::OkStatus()
                 : MissingDetail("vaf_assessment", action);
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
    case Guard::kRecovery:
      return d.recovery.has_value() && !d.recovery->empty()
                 ? absl::OkStatus()
                 : MissingDetail("recovery.measures_recovered", action);
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
      return absl::OkStatus();
    }
    case Guard::kConsentWithdrawn: {
      if (!d.consent.has_value()) return MissingDetail("consent", action);
      std::vector<FieldViolation> bad;
      if (d.consent->status != ConsentStatus::kWithdrawn) {
        bad.push_back({"consent.status",
                       absl::StrCat("must be WITHDRAWN for ", action)});
      }
      if (d.consent->given_by == ConsentGiver::kUnspecified) {
        bad.push_back({"consent.given_by",
                       "is required: who withdrew consent"});
      }
      if (absl::StripAsciiWhitespace(d.consent->reason).empty()) {
        bad.push_back({"consent.reason",
                       absl::StrCat("is required for ", action)});
      }
      return bad.empty() ? absl::OkStatus()
                         : InvalidArgumentWithViolations(bad);
    }
    case Guard::kExternalReference:
      return d.external_reference.has_value() &&
                     !d.external_reference->value.empty()
                 ? absl::OkStatus()
                 : MissingDetail("external_reference", action);
  }
  return absl::InternalError("unknown guard");
}

}  // namespace

absl::Time KeepDeadline(const Referral& referral, const StepContext&) {
  return referral.deadline;
}

void RecordConsent(Referral& r, const StepContext& step) {
  r.consent = *step.details.consent;
  r.consent.recorded_by = step.actor.name;
  r.consent.record_time = step.now;
}

absl::Status ConsentWasGiven(const Referral& r, const StepContext&) {
  if (r.consent.status == ConsentStatus::kGiven) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "consent was not given for this referral, so it cannot be withdrawn");
}

void AddExternalReference(Referral& r, const StepContext& step) {
  r.external_references.push_back(*step.details.external_reference);
}

std::vector<TransitionRule> WorkflowRules() {
  std::vector<TransitionRule> rules;
  for (const ReferralKindModule* kind : ReferralKinds()) {
    rules.insert(rules.end(), kind->rules().begin(), kind->rules().end());
  }
  return rules;
}

absl::Status CheckAssignment(const Referral& referral, RoleSet actor_roles,
                             RoleSet assignee_roles, bool unassign) {
  bool may_assign_kind = false, any_now = false;
  RoleSet suited;
  for (const AssignmentRule& rule : AssignmentRulesOf(referral.kind)) {
    if (!rule.who.Intersects(actor_roles)) continue;
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
  for (const AssignmentRule& rule : AssignmentRulesOf(referral.kind)) {
    if (!rule.who.Intersects(actor_roles)) continue;
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
  for (const TransitionRule& rule : RulesOf(referral.kind)) {
    if (rule.from != referral.state || !rule.who.Intersects(roles)) continue;
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
      case Guard::kRecovery:
        it->details = ActionDetails::kRecovery;
        break;
      case Guard::kConsentGiven:
        it->details = ActionDetails::kConsentGiven;
        break;
      case Guard::kConsentRefused:
        it->details = ActionDetails::kConsentRefused;
        break;
      case Guard::kConsentWithdrawn:
        it->details = ActionDetails::kConsentWithdrawn;
        break;
      case Guard::kExternalReference:
        it->details = ActionDetails::kExternalReference;
        break;
      case Guard::kReason:
        it->reason_required = true;
        break;
      case Guard::kNone:
        break;
    }
  }
  return options;
}

std::vector<absl::string_view> WorkflowStates(ReferralKind kind) {
  std::vector<absl::string_view> states;
  auto add = [&](absl::string_view s) {
    if (!s.empty() && std::find(states.begin(), states.end(), s) == states.end()) {
      states.push_back(s);
    }
  };
  for (const TransitionRule& rule : RulesOf(kind)) {
    add(rule.from);
    add(rule.to);
  }
  return states;
}

std::vector<std::string> Workflow::AvailableActions(
    const Referral& referral) const {
  std::vector<std::string> actions;
  for (const TransitionRule& rule : RulesOf(referral.kind)) {
    if (rule.from != referral.state) continue;
    if (std::find(actions.begin(), actions.end(), rule.action) == actions.end()) {
      actions.emplace_back(rule.action);
    }
  }
  return actions;
}

absl::Status Workflow::Apply(Referral& referral, absl::string_view action,
                             const TransitionDetails& details,
                             const Actor& actor, absl::Time now,
                             const CaseFacts& facts) const {
  // Each kind's rules read its own form.
  if (KindOfForm(referral.form) != referral.kind) {
    return absl::InternalError("the referral's form is not of its kind");
  }
  std::vector<const TransitionRule*> candidates;
  for (const TransitionRule& rule : RulesOf(referral.kind)) {
    if (rule.from == referral.state && rule.action == action) {
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
  const StepContext step{details, actor, now, zone_, calendar_, config_, facts};
  absl::Status first_failure;
  for (const TransitionRule* rule : candidates) {
    absl::Status passed =
        CheckGuard(rule->guard, referral, details, action, now, zone_);
    if (passed.ok() && rule->check != nullptr) {
      passed = rule->check(referral, step);
    }
    if (!passed.ok()) {
      if (first_failure.ok()) first_failure = passed;
      continue;
    }
    TransitionRecord record;
    record.actor = actor.name;
    record.time = now;
    record.action = std::string(action);
    record.from_state = referral.state;
    record.to_state = std::string(rule->to);
    record.reason = details.reason;
    if (rule->effect != nullptr) rule->effect(referral, step);
    referral.state = std::string(rule->to);
    referral.history.push_back(std::move(record));
    referral.deadline = rule->deadline != nullptr
                            ? rule->deadline(referral, step)
                            : absl::InfiniteFuture();
    referral.update_time = now;
    return absl::OkStatus();
  }
  return first_failure;
}

}  // namespace safeguard
