// MARAC, the Multi-Agency Risk Assessment Conference for high-risk
// domestic abuse (domain.md 1.3; the DASH checklist is server/core/dash.h).
//
// Every MARAC referral goes to the coordinator's screening whether or not
// it meets a criterion, so that acceptance never depends on other people's
// records; the criteria (REPEAT among them) are computed inside the store's
// transaction, once the submission is known to be new.
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/algorithm/container.h"
#include "server/core/kinds/kinds.h"
#include "server/core/person_match.h"
#include "server/core/status_macros.h"
#include "server/core/unit_of_work.h"

namespace safeguard {
namespace {

using R = Role;
using G = Guard;

constexpr ReferralKind kMarac = ReferralKind::kMarac;
constexpr RoleSet kCoordinator{R::kMaracCoordinator};

// The end of the listed meeting's day.
absl::Time MeetingDay(const Referral& r, const StepContext& step) {
  const Date& d = std::get<MaracForm>(r.form).meeting_date;
  if (d.day == 0) return absl::InfiniteFuture();
  absl::CivilDay day(d.year, d.month, d.day);
  return absl::FromCivil(absl::CivilSecond(day + 1), step.zone) -
         absl::Seconds(1);
}

// The actions are reviewed once each is recorded done, not possible or not
// done: none is still open.
absl::Status NoOpenActions(const Referral&, const StepContext& step) {
  if (step.facts.open_actions == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the case has ", step.facts.open_actions,
      " open action(s): record each as done, not possible or not done "
      "first"));
}

void SetMeeting(Referral& r, const StepContext& step) {
  std::get<MaracForm>(r.form).meeting_date = *step.details.meeting_date;
}

template <MaracEnding kEnding>
void End(Referral& r, const StepContext&) {
  std::get<MaracForm>(r.form).ending = kEnding;
}

// Who sends a returned referral back: those who refer, not the coordinator
// who returned it.
constexpr RoleSet kResubmitters{R::kReferrer, R::kAgencyLead, R::kIdva,
                                R::kFirstResponder, R::kPreventOfficer,
                                R::kFireOfficer};

// clang-format off
constexpr TransitionRule kRules[] = {
  {kMarac, "", "submit", "SUBMITTED", G::kNone, kAnyReferrer, nullptr, nullptr},
  {kMarac, "SUBMITTED", "begin_screening", "COORDINATOR_SCREEN", G::kNone, kCoordinator, nullptr, nullptr},
  {kMarac, "COORDINATOR_SCREEN", "return_to_referrer", "RETURNED", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "COORDINATOR_SCREEN", "defer", "DEFERRED", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "COORDINATOR_SCREEN", "list", "LISTED", G::kMeeting, kCoordinator, MeetingDay, SetMeeting},
  {kMarac, "COORDINATOR_SCREEN", "list_emergency", "EMERGENCY_MARAC", G::kMeeting, kCoordinator, MeetingDay, SetMeeting},
  {kMarac, "COORDINATOR_SCREEN", "transfer", "TRANSFERRED", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "DEFERRED", "list", "LISTED", G::kMeeting, kCoordinator, MeetingDay, SetMeeting},
  {kMarac, "LISTED", "begin_research", "AGENCY_RESEARCH", G::kNone, kCoordinator, KeepDeadline, nullptr},
  {kMarac, "AGENCY_RESEARCH", "record_hearing", "HEARD", G::kNone, kCoordinator, nullptr, nullptr},
  {kMarac, "EMERGENCY_MARAC", "record_hearing", "HEARD", G::kNone, kCoordinator, nullptr, nullptr},
  {kMarac, "HEARD", "open_actions", "ACTIONS_OPEN", G::kMeeting, kCoordinator, MeetingDay, SetMeeting},
  {kMarac, "ACTIONS_OPEN", "review_actions", "ACTIONS_REVIEWED", G::kNone, kCoordinator, nullptr, nullptr, NoOpenActions},
  {kMarac, "ACTIONS_REVIEWED", "close", "CLOSED", G::kNone, kCoordinator, nullptr, nullptr},
  // A returned referral goes back to screening as the same referral (not a
  // repeat); a case withdrawn before it is heard ends there.
  {kMarac, "RETURNED", "resubmit", "SUBMITTED", G::kReason, kResubmitters, nullptr, nullptr},
  {kMarac, "SUBMITTED", "withdraw", "WITHDRAWN", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "COORDINATOR_SCREEN", "withdraw", "WITHDRAWN", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "DEFERRED", "withdraw", "WITHDRAWN", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "LISTED", "withdraw", "WITHDRAWN", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "AGENCY_RESEARCH", "withdraw", "WITHDRAWN", G::kReason, kCoordinator, nullptr, nullptr},
  {kMarac, "EMERGENCY_MARAC", "withdraw", "WITHDRAWN", G::kReason, kCoordinator, nullptr, nullptr},
};

// The states a case may end early from, and how: the victim moved away,
// declined all support, or died.
constexpr absl::string_view kOpenStates[] = {
    "SUBMITTED", "COORDINATOR_SCREEN", "DEFERRED",      "LISTED",
    "EMERGENCY_MARAC", "AGENCY_RESEARCH", "HEARD", "ACTIONS_OPEN",
    "ACTIONS_REVIEWED"};
struct Ending {
  absl::string_view action;
  RuleEffect effect;
};
constexpr Ending kEndings[] = {
    {"close_victim_moved_away", End<MaracEnding::kMovedAway>},
    {"close_victim_declined_support", End<MaracEnding::kDeclinedSupport>},
    {"close_victim_died", End<MaracEnding::kDied>},
};

// kRules, then every early ending from every open state.
absl::Span<const TransitionRule> Rules() {
  static const std::vector<TransitionRule>* const rules = [] {
    auto* all = new std::vector<TransitionRule>(std::begin(kRules),
                                                std::end(kRules));
    for (absl::string_view from : kOpenStates) {
      for (const Ending& e : kEndings) {
        all->push_back({kMarac, from, e.action, "CLOSED", G::kReason,
                        kCoordinator, nullptr, e.effect});
      }
    }
    return all;
  }();
  return *rules;
}

constexpr AssignmentRule kAssignmentRules[] = {
  {kMarac, "", kCoordinator, RoleSet{R::kMaracCoordinator, R::kIdva}},
};
// clang-format on

// At most this many earlier cases naming someone who may be the victim
// are compared for a repeat: the newest, which are the ones that count.
constexpr int kMaxRepeatCandidates = 200;

// The earlier case about the same victim and perpetrator made last, by
// matching (person_match.h): a name, a nickname, an alias or a spelling
// variant, with dates of birth that agree. Only cases made at or after
// `since` need be found (older ones cannot make a repeat).
absl::StatusOr<std::optional<absl::Time>> LastRepeat(WriteTransaction& tx,
                                                     const Referral& r,
                                                     absl::Time since) {
  const PersonFacts victim = FactsOf(r.subjects[0], r.create_time);
  const PersonFacts perpetrator =
      FactsOf(std::get<MaracForm>(r.form).perpetrator, r.create_time);
  SAFEGUARD_ASSIGN_OR_RETURN(
      std::vector<std::string> cases,
      tx.FindRecentMentions(kMarac, PersonRole::kSubject, victim, since,
                            kMaxRepeatCandidates));
  // People who match share a blocking key, so an earlier case whose
  // perpetrator matches is among the cases naming, as perpetrator, someone
  // with one of this perpetrator's keys. When that list is whole (under
  // the limit), only the cases on both lists are read.
  SAFEGUARD_ASSIGN_OR_RETURN(
      std::vector<std::string> with_perpetrator,
      tx.FindRecentMentions(kMarac, PersonRole::kPerpetrator, perpetrator,
                            since, kMaxRepeatCandidates));
  const bool whole =
      with_perpetrator.size() < static_cast<size_t>(kMaxRepeatCandidates);
  const std::set<std::string> perpetrator_cases(with_perpetrator.begin(),
                                                with_perpetrator.end());
  std::optional<absl::Time> last;
  for (const std::string& id : cases) {
    if (id == r.id) continue;
    if (whole && perpetrator_cases.count(id) == 0) continue;
    absl::StatusOr<Referral> earlier = tx.GetReferral(id);
    if (absl::IsNotFound(earlier.status())) continue;
    SAFEGUARD_RETURN_IF_ERROR(earlier.status());
    const auto* form = std::get_if<MaracForm>(&earlier->form);
    if (form == nullptr || earlier->subjects.empty()) continue;
    if (!Compare(victim, FactsOf(earlier->subjects[0], earlier->create_time))
             .is_candidate() ||
        !Compare(perpetrator, FactsOf(form->perpetrator, earlier->create_time))
             .is_candidate()) {
      continue;
    }
    if (!last.has_value() || earlier->create_time > *last) {
      last = earlier->create_time;
    }
  }
  return last;
}

class MaracModule final : public ReferralKindModule {
 public:
  ReferralKind kind() const override { return kMarac; }
  absl::string_view reference_prefix() const override { return "MAR"; }
  absl::Span<const TransitionRule> rules() const override { return Rules(); }
  absl::Span<const AssignmentRule> assignment_rules() const override {
    return kAssignmentRules;
  }

  void Validate(const Referral& r, const ValidationConfig& config,
                absl::CivilDay today, FieldChecker& c) const override {
    const MaracForm& f = std::get<MaracForm>(r.form);
    const std::string p = "referral.marac";
    c.AddAll(ValidateDash(f.dash, p + ".dash", config.marac));
    if (!r.subjects.empty() && r.subjects[0].full_name.empty()) {
      c.Add("referral.subjects[0].full_name", "is required (the victim)");
    }
    c.Text(p + ".perpetrator.full_name", f.perpetrator.full_name,
           kMaxNameBytes, true);
    CheckPerson(c, p + ".perpetrator", f.perpetrator, today);
    c.List(p + ".children", f.children.size(), 20);
    for (size_t i = 0; i < f.children.size(); ++i) {
      const std::string cp = absl::StrCat(p, ".children[", i, "]");
      c.Text(cp + ".full_name", f.children[i].full_name, kMaxNameBytes, true);
      CheckDate(c, cp + ".date_of_birth", f.children[i].date_of_birth, today);
      c.Text(cp + ".school", f.children[i].school, kMaxNameBytes);
    }
    c.Text(p + ".relationship", f.relationship, kMaxNameBytes, true);
    c.Text(p + ".repeat_claim", f.repeat_claim, kMaxShortTextBytes);
  }

  // SafeLives: repeats are heard as such; of the new cases, those with
  // children first.
  AgendaSection FirstListing(const Referral& r) const override {
    const MaracForm& f = std::get<MaracForm>(r.form);
    for (MaracCriterion c : f.criteria) {
      if (c == MaracCriterion::kRepeat) return AgendaSection::kRepeat;
    }
    return f.children.empty() ? AgendaSection::kNew
                              : AgendaSection::kNewWithChildren;
  }

  absl::Span<const CorrectableField> correctable_fields() const override {
    static constexpr CorrectableField kFields[] = {
        {"marac.perpetrator", &CopyFormField<&MaracForm::perpetrator>},
        {"marac.children", &CopyFormField<&MaracForm::children>},
        {"marac.relationship", &CopyFormField<&MaracForm::relationship>},
        {"marac.idva_referral", &CopyFormField<&MaracForm::idva_referral>},
        {"marac.victim", &CopyFormField<&MaracForm::victim>},
    };
    return kFields;
  }

  void ClearServerFields(ReferralForm& form) const override {
    MaracForm& f = std::get<MaracForm>(form);
    f.dash_score = 0;
    f.criteria.clear();
    f.meeting_date = Date();
    f.actions.clear();
    f.ending = MaracEnding::kUnspecified;
    f.repeat_claimed = false;
  }

  // The victim, the perpetrator and the children.
  absl::Span<const PersonRole> RolesNamed() const override {
    static constexpr PersonRole kRoles[] = {
        PersonRole::kSubject, PersonRole::kPerpetrator, PersonRole::kChild};
    return kRoles;
  }
  std::vector<NamedPerson> PeopleNamed(const Referral& r) const override {
    std::vector<NamedPerson> out = ReferralKindModule::PeopleNamed(r);
    const MaracForm& f = std::get<MaracForm>(r.form);
    out.push_back({PersonRole::kPerpetrator, 0,
                   FactsOf(f.perpetrator, r.create_time)});
    for (size_t i = 0; i < f.children.size(); ++i) {
      Person child;
      child.full_name = f.children[i].full_name;
      child.date_of_birth = f.children[i].date_of_birth;
      out.push_back({PersonRole::kChild, static_cast<int>(i),
                     FactsOf(child, r.create_time)});
    }
    return out;
  }

  // High priority at least; a repeat of an earlier case about the same
  // victim and perpetrator (LastRepeat), or one the referrer claims that
  // the server cannot see (an earlier case elsewhere, or before safeguard).
  void PrepareSubmission(const WorkflowConfig& config, absl::Time now,
                         Referral& draft,
                         NewReferralHooks& hooks) const override {
    if (draft.priority < Priority::kHigh) draft.priority = Priority::kHigh;
    const absl::Time since =
        EarliestWithinCalendarMonths(config.marac.repeat_months, now);
    hooks.last_repeat = [since](WriteTransaction& tx, const Referral& r) {
      return LastRepeat(tx, r, since);
    };
    hooks.complete = [now, marac_config = config.marac](
                         Referral& r, std::optional<absl::Time> last_repeat) {
      MaracForm& marac = std::get<MaracForm>(r.form);
      MaracAssessment assessment =
          AssessMarac(marac.dash, last_repeat, now, marac_config);
      marac.dash_score = assessment.score;
      marac.criteria = std::move(assessment.criteria);
      marac.repeat_claimed = false;
      if (!absl::StripAsciiWhitespace(marac.repeat_claim).empty() &&
          absl::c_find(marac.criteria, MaracCriterion::kRepeat) ==
              marac.criteria.end()) {
        marac.criteria.push_back(MaracCriterion::kRepeat);
        marac.repeat_claimed = true;
      }
    };
  }
};

}  // namespace

const ReferralKindModule& MaracKind() {
  static const ReferralKindModule* const kModule = new MaracModule();
  return *kModule;
}

}  // namespace safeguard
