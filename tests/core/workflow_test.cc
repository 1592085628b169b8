#include "server/core/workflow.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/core/field_violations.h"
#include "server/core/kinds/channel.h"
#include "server/core/referral_kind.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;

class WorkflowTest : public ::testing::Test {
 protected:
  static HolidayCalendar Calendar() {
    auto calendar = HolidayCalendar::Load(std::string(SAFEGUARD_SOURCE_DIR) +
                                          "/deploy/bank-holidays-england-and-"
                                          "wales.txt");
    EXPECT_TRUE(calendar.ok()) << calendar.status();
    return *std::move(calendar);
  }
  static absl::TimeZone London() {
    absl::TimeZone tz;
    EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &tz));
    return tz;
  }
  static absl::Time At(const char* rfc3339) {
    absl::Time t;
    std::string err;
    EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &err)) << err;
    return t;
  }

  // A referral of `kind` whose data satisfies every referral-side guard.
  static Referral Satisfying(ReferralKind kind) {
    Referral r;
    r.kind = kind;
    r.consent.status = ConsentStatus::kGiven;
    switch (kind) {
      case ReferralKind::kNrm: {
        NrmForm nrm;
        nrm.nature = NrmNature::kNrmReferral;
        r.form = nrm;
        break;
      }
      case ReferralKind::kChannel:
        r.form = ChannelForm();
        break;
      case ReferralKind::kMarac: {
        MaracForm marac;
        marac.criteria = {MaracCriterion::kVisibleHighRisk};
        r.form = marac;
        break;
      }
      case ReferralKind::kTargetHardening: {
        TargetHardeningForm th;
        th.tenure = Tenure::kOwnerOccupier;
        th.scheme = "one-visit";
        th.measures_installed = {SecurityMeasure::kLocks};  // to recover
        r.form = th;
        break;
      }
      case ReferralKind::kUnspecified:
        break;
    }
    return r;
  }

  static WorkflowConfig WithOneVisitScheme() {
    WorkflowConfig config;
    config.one_visit_schemes = {"one-visit"};
    return config;
  }

  // Details and referral data that satisfy `rule`'s guard.
  static TransitionDetails DetailsFor(const TransitionRule& rule, Referral& r) {
    TransitionDetails d;
    if (rule.to == "DTN_SUBMITTED") {  // the check on a Duty to Notify
      std::get<NrmForm>(r.form).nature = NrmNature::kDutyToNotify;
      r.consent.status = ConsentStatus::kRefused;
    }
    switch (rule.guard) {
      case Guard::kScaPositive:
        d.sca_decision = ScaDecision{ScaOutcome::kPositive, {2026, 11, 20}};
        break;
      case Guard::kScaNegative:
        d.sca_decision = ScaDecision{ScaOutcome::kNegative, {2026, 11, 20}};
        break;
      case Guard::kReason:
        d.reason = "recorded for the test";
        break;
      case Guard::kVafAssessment:
        d.vaf_assessment = VafAssessment();
        d.vaf_assessment->framework_version = "vaf-2015";
        d.vaf_assessment->factor_scores = std::vector<int>(22, 1);
        break;
      case Guard::kMeeting:
        d.meeting_date = Date{2026, 12, 10};
        break;
      case Guard::kAppointment:
        d.appointment_time = At("2026-11-25T10:00:00Z");
        break;
      case Guard::kInstallation:
        d.installation = std::vector<SecurityMeasure>{SecurityMeasure::kLocks};
        break;
      case Guard::kRecovery:
        d.recovery = std::vector<SecurityMeasure>{SecurityMeasure::kLocks};
        break;
      case Guard::kConsentGiven:
        d.consent = ConsentRecord();
        d.consent->status = ConsentStatus::kGiven;
        d.consent->legal_basis = LegalBasis::kConsent;
        d.consent->given_by = ConsentGiver::kSubject;
        break;
      case Guard::kConsentRefused:
        d.consent = ConsentRecord();
        d.consent->status = ConsentStatus::kRefused;
        d.consent->reason = "does not want support";
        d.consent->given_by = ConsentGiver::kSubject;
        break;
      case Guard::kExternalReference:
        d.external_reference = ExternalReference{ExternalSystem::kNrmCase, "NRM-1"};
        break;
      case Guard::kConsentWithdrawn:
        d.consent = ConsentRecord();
        d.consent->status = ConsentStatus::kWithdrawn;
        d.consent->reason = "no longer wants contact";
        d.consent->given_by = ConsentGiver::kSubject;
        break;
      default:
        break;
    }
    return d;
  }

  static Role AnyRoleOf(RoleSet roles) {
    for (int i = 0; i < kRoleCount; ++i) {
      if (roles.Has(static_cast<Role>(i))) return static_cast<Role>(i);
    }
    return Role::kAuditor;
  }

  HolidayCalendar calendar_ = Calendar();
  WorkflowConfig config_ = WithOneVisitScheme();
  Workflow workflow_{calendar_, London(), config_};
  absl::Time now_ = At("2026-11-20T09:00:00Z");  // a Friday
};

TEST_F(WorkflowTest, EveryRuleTakesItsTransition) {
  for (const TransitionRule& rule : WorkflowRules()) {
    std::string name = absl::StrCat(ReferralKindName(rule.kind), " ", rule.from,
                                    " --", rule.action, "--> ", rule.to);
    Referral r = Satisfying(rule.kind);
    r.state = std::string(rule.from);
    TransitionDetails d = DetailsFor(rule, r);
    Actor actor{"agency/person/x", RoleSet{AnyRoleOf(rule.who)}};
    absl::Status s = workflow_.Apply(r, rule.action, d, actor, now_);
    ASSERT_TRUE(s.ok()) << name << ": " << s;
    EXPECT_EQ(r.state, rule.to) << name;
    ASSERT_FALSE(r.history.empty()) << name;
    EXPECT_EQ(r.history.back().action, rule.action) << name;
    EXPECT_EQ(r.history.back().from_state, rule.from) << name;
    EXPECT_EQ(r.history.back().to_state, rule.to) << name;
    EXPECT_EQ(r.history.back().actor, "agency/person/x") << name;
    if (rule.deadline == nullptr) {
      EXPECT_FALSE(r.has_deadline()) << name;
    } else if (rule.deadline != &KeepDeadline) {
      EXPECT_TRUE(r.has_deadline()) << name;
    }
  }
}

TEST_F(WorkflowTest, EveryStateIsReachableFromSubmission) {
  for (ReferralKind kind : {ReferralKind::kNrm, ReferralKind::kChannel,
                            ReferralKind::kMarac, ReferralKind::kTargetHardening}) {
    std::set<std::string> seen = {""};
    std::deque<std::string> todo = {""};
    while (!todo.empty()) {
      std::string from = todo.front();
      todo.pop_front();
      for (const TransitionRule& rule : WorkflowRules()) {
        if (rule.kind == kind && rule.from == from &&
            seen.insert(std::string(rule.to)).second) {
          todo.emplace_back(rule.to);
        }
      }
    }
    for (absl::string_view state : WorkflowStates(kind)) {
      EXPECT_TRUE(seen.count(std::string(state)))
          << ReferralKindName(kind) << " " << state;
    }
  }
}

TEST_F(WorkflowTest, RefusedTransitionsNameTheAllowedActions) {
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* state;
    const char* action;
    const char* message;
  } cases[] = {
      {"NRM decision before the reference", ReferralKind::kNrm, "NRM_SUBMITTED",
       "record_rg_decision",
       "the action is not allowed from state NRM_SUBMITTED; "
       "allowed: record_sca_reference, withdraw, withdraw_consent"},
      {"Duty to Notify is final", ReferralKind::kNrm, "DTN_SUBMITTED", "withdraw",
       "the action is not allowed from state DTN_SUBMITTED; allowed: "
       "none (final state)"},
      {"Channel panel before gateway", ReferralKind::kChannel, "RECEIVED",
       "panel_adopted",
       "the action is not allowed from state RECEIVED; allowed: "
       "begin_gateway"},
      {"MARAC closing before hearing", ReferralKind::kMarac, "LISTED", "close",
       "the action is not allowed from state LISTED; allowed: "
       "begin_research, withdraw, close_victim_moved_away, close_victim_declined_support, "
       "close_victim_died"},
      {"target hardening install before order", ReferralKind::kTargetHardening,
       "SURVEYED", "record_installation",
       "the action is not allowed from state SURVEYED; "
       "allowed: order_works, cancel, withdraw_consent"},
      {"unknown action", ReferralKind::kTargetHardening, "REFERRED", "teleport",
       "the action is not allowed from state REFERRED; allowed: "
       "begin_eligibility, cancel, withdraw_consent"},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(c.kind);
    r.state = c.state;
    Referral before = r;
    Actor actor{"a/person/p", RoleSet{Role::kFirstResponder, Role::kAgencyLead,
                                      Role::kChannelChair, Role::kMaracCoordinator,
                                      Role::kSanctuaryCoordinator}};
    EXPECT_THAT(workflow_.Apply(r, c.action, {}, actor, now_),
                StatusIs(absl::StatusCode::kFailedPrecondition, c.message))
        << c.name;
    EXPECT_EQ(r.state, before.state) << c.name;
    EXPECT_TRUE(r.history.empty()) << c.name;
  }
}

TEST_F(WorkflowTest, RolesAreChecked) {
  Referral r = Satisfying(ReferralKind::kTargetHardening);
  r.state = "ELIGIBILITY";
  Actor contractor{"locks-ltd/person/fitter", RoleSet{Role::kContractor}};
  EXPECT_THAT(workflow_.Apply(r, "accept", {}, contractor, now_),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "action 'accept' needs one of the roles: "
                       "sanctuary_coordinator"));
  EXPECT_EQ(r.state, "ELIGIBILITY");
}

TEST_F(WorkflowTest, MissingDetailsAreFieldViolations) {
  Referral r = Satisfying(ReferralKind::kNrm);
  r.state = "RG_PENDING";
  Actor fr{"police/person/fr", RoleSet{Role::kFirstResponder}};
  absl::Status s = workflow_.Apply(r, "record_rg_decision", {}, fr, now_);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FieldViolations(s),
            (std::vector<FieldViolation>{
                {"sca_decision.outcome", "is required for record_rg_decision"}}));
  EXPECT_EQ(r.state, "RG_PENDING");
}

TEST_F(WorkflowTest, TargetHardeningEligibilityNamesWhatIsMissing) {
  Referral r = Satisfying(ReferralKind::kTargetHardening);
  r.state = "ELIGIBILITY";
  r.consent.status = ConsentStatus::kRefused;
  auto& th = std::get<TargetHardeningForm>(r.form);
  th.tenure = Tenure::kPrivateRent;
  th.perpetrator_resident = true;
  Actor coordinator{"sanctuary/person/c", RoleSet{Role::kSanctuaryCoordinator}};
  EXPECT_THAT(workflow_.Apply(r, "accept", {}, coordinator, now_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "not eligible for target hardening; missing: the "
                       "victim's consent, the perpetrator not living at the "
                       "property, the landlord's permission"));
  th.perpetrator_resident = false;
  th.landlord_permission = true;
  r.consent.status = ConsentStatus::kGiven;
  SAFEGUARD_EXPECT_OK(workflow_.Apply(r, "accept", {}, coordinator, now_));
  EXPECT_EQ(r.state, "ACCEPTED");
}

// After the second post-exit review the panel may extend the reviews, one
// interval at a time, until the limit after exit; then it closes or reopens.
TEST_F(WorkflowTest, PostExitReviewsExtendUntilTheLimitAfterExit) {
  Actor chair{"council/person/chair", RoleSet{Role::kChannelChair}};
  TransitionDetails why;
  why.reason = "support still in place";
  struct Case {
    const char* name;
    absl::Duration since_exit;
    absl::StatusCode code;
    absl::Duration next_review;  // from now, when extended
  } cases[] = {
      {"a year after exit: six months more", absl::Hours(24 * 365),
       absl::StatusCode::kOk, absl::Hours(24 * 181)},
      {"21 months after exit: to the limit", absl::Hours(24 * 639),
       absl::StatusCode::kOk, absl::Hours(24 * 91)},
      {"past the limit", absl::Hours(24 * 731),
       absl::StatusCode::kFailedPrecondition, absl::ZeroDuration()},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(ReferralKind::kChannel);
    r.state = "POST_EXIT_REVIEW_2";
    std::get<ChannelForm>(r.form).exit_time = now_ - c.since_exit;
    absl::Status s =
        workflow_.Apply(r, "extend_post_exit_reviews", why, chair, now_);
    ASSERT_EQ(s.code(), c.code) << c.name << ": " << s;
    if (!s.ok()) {
      EXPECT_EQ(s.message(),
                "post-exit reviews end 24 months after exit: close the case, "
                "or reopen it")
          << c.name;
      continue;
    }
    EXPECT_EQ(r.state, "POST_EXIT_REVIEW_2") << c.name;
    // Within a day either way of the interval (months are calendar months).
    EXPECT_LT(absl::AbsDuration(r.deadline - now_ - c.next_review),
              absl::Hours(24 * 3))
        << c.name;
  }
  Referral back = Satisfying(ReferralKind::kChannel);
  back.state = "POST_EXIT_REVIEW_2";
  SAFEGUARD_ASSERT_OK(workflow_.Apply(back, "reopen", why, chair, now_));
  EXPECT_EQ(back.state, "PANEL");
}

// Every state with no action out of it, kind by kind. Each has its reason
// in the README's "Where a referral ends" table: a change here is a change
// there.
TEST_F(WorkflowTest, TheStatesThatEndAReferral) {
  std::map<std::string, std::set<std::string>> ends;
  for (ReferralKind kind : {ReferralKind::kNrm, ReferralKind::kChannel,
                            ReferralKind::kMarac, ReferralKind::kTargetHardening}) {
    for (absl::string_view state : WorkflowStates(kind)) {
      bool leaves = false;
      for (const TransitionRule& rule : WorkflowRules()) {
        leaves = leaves || (rule.kind == kind && rule.from == state);
      }
      if (!leaves) ends[std::string(ReferralKindName(kind))].insert(std::string(state));
    }
  }
  EXPECT_EQ(ends, (std::map<std::string, std::set<std::string>>{
                      {"NRM", {"DTN_SUBMITTED", "WITHDRAWN",
                               "DISQUALIFIED_PUBLIC_ORDER",
                               "CONSENT_WITHDRAWN"}},
                      {"CHANNEL", {"NFA", "SIGNPOSTED", "NOT_ADOPTED",
                                   "DECLINED", "CLOSED", "CONSENT_WITHDRAWN"}},
                      {"MARAC", {"TRANSFERRED", "WITHDRAWN", "CLOSED"}},
                      {"TARGET_HARDENING", {"CANCELLED", "CLOSED"}},
                  }));
}

TEST_F(WorkflowTest, WaysOnFromWhereAReferralStopped) {
  TransitionDetails why;
  why.reason = "recorded for the test";
  const Actor referrer{"police/system/athena", RoleSet{Role::kReferrer}};
  const Actor coordinator{"council/person/marac",
                          RoleSet{Role::kMaracCoordinator}};
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* from;
    const char* action;
    const Actor* actor;
    int open_actions;
    absl::StatusCode code;
    const char* to;
  } cases[] = {
      {"a returned MARAC referral resubmitted by its referrer",
       ReferralKind::kMarac, "RETURNED", "resubmit", &referrer, 0,
       absl::StatusCode::kOk, "SUBMITTED"},
      {"not by the coordinator who returned it", ReferralKind::kMarac,
       "RETURNED", "resubmit", &coordinator, 0,
       absl::StatusCode::kPermissionDenied, "RETURNED"},
      {"a listed case withdrawn", ReferralKind::kMarac, "LISTED", "withdraw",
       &coordinator, 0, absl::StatusCode::kOk, "WITHDRAWN"},
      {"a heard case cannot be withdrawn", ReferralKind::kMarac, "HEARD",
       "withdraw", &coordinator, 0, absl::StatusCode::kFailedPrecondition,
       "HEARD"},
      {"the victim died, actions still open", ReferralKind::kMarac,
       "ACTIONS_OPEN", "close_victim_died", &coordinator, 2, absl::StatusCode::kOk,
       "CLOSED"},
      {"the victim moved away before screening", ReferralKind::kMarac,
       "SUBMITTED", "close_victim_moved_away", &coordinator, 0,
       absl::StatusCode::kOk, "CLOSED"},
      {"all support declined after the hearing", ReferralKind::kMarac,
       "HEARD", "close_victim_declined_support", &coordinator, 0,
       absl::StatusCode::kOk, "CLOSED"},
      {"a declined job re-referred", ReferralKind::kTargetHardening,
       "DECLINED", "re_refer", &referrer, 0, absl::StatusCode::kOk,
       "REFERRED"},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(c.kind);
    r.state = c.from;
    CaseFacts facts;
    facts.open_actions = c.open_actions;
    absl::Status s = workflow_.Apply(r, c.action, why, *c.actor, now_, facts);
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s;
    EXPECT_EQ(r.state, c.to) << c.name;
  }

  // How the case ended is recorded; a death for the partnership's DHR
  // decision.
  for (const auto& [action, ending] :
       std::vector<std::pair<std::string, MaracEnding>>{
           {"close_victim_moved_away", MaracEnding::kMovedAway},
           {"close_victim_declined_support", MaracEnding::kDeclinedSupport},
           {"close_victim_died", MaracEnding::kDied}}) {
    Referral r = Satisfying(ReferralKind::kMarac);
    r.state = "AGENCY_RESEARCH";
    SAFEGUARD_ASSERT_OK(workflow_.Apply(r, action, why, coordinator, now_));
    EXPECT_EQ(std::get<MaracForm>(r.form).ending, ending) << action;
    EXPECT_EQ(r.history.back().reason, "recorded for the test") << action;
  }
  // The re-referred job has a new service deadline, 48 hours from now.
  Referral job = Satisfying(ReferralKind::kTargetHardening);
  job.state = "DECLINED";
  SAFEGUARD_ASSERT_OK(workflow_.Apply(job, "re_refer", why, referrer, now_));
  EXPECT_EQ(job.deadline, now_ + absl::Hours(48));
}

// The recovery period runs from the positive reasonable-grounds decision's
// date; no conclusive-grounds decision falls inside it; a reconsideration
// is asked for within 30 days of the decision.
TEST_F(WorkflowTest, NrmDecisionsKeepTheStatutoryPeriods) {
  const absl::TimeZone london = London();
  const Actor fr{"police/system/athena", RoleSet{Role::kFirstResponder}};
  Referral r = Satisfying(ReferralKind::kNrm);
  r.state = "RG_POSITIVE";
  std::get<NrmForm>(r.form).reasonable_grounds = {ScaOutcome::kPositive,
                                                  {2026, 11, 16}};
  SAFEGUARD_ASSERT_OK(
      workflow_.Apply(r, "start_recovery_support", {}, fr, now_));
  EXPECT_EQ(absl::FormatTime(absl::RFC3339_sec,
                             std::get<NrmForm>(r.form).recovery_period_end,
                             london),
            "2026-12-16T23:59:59+00:00");
  EXPECT_EQ(r.deadline, std::get<NrmForm>(r.form).recovery_period_end);
  SAFEGUARD_ASSERT_OK(workflow_.Apply(r, "await_cg_decision", {}, fr, now_));

  struct CgCase {
    const char* name;
    Date decided;
    const char* now;
    absl::StatusCode code;
  } cg_cases[] = {
      {"on the period's last day", {2026, 12, 16}, "2026-12-17T09:00:00Z",
       absl::StatusCode::kInvalidArgument},
      {"the day after it", {2026, 12, 17}, "2026-12-17T09:00:00Z",
       absl::StatusCode::kOk},
  };
  for (const CgCase& c : cg_cases) {
    Referral at = r;
    TransitionDetails d;
    d.sca_decision = ScaDecision{ScaOutcome::kPositive, c.decided};
    absl::Status s = workflow_.Apply(at, "record_cg_decision", d, fr, At(c.now));
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s;
    if (s.ok()) {
      EXPECT_EQ(at.state, "CG_POSITIVE") << c.name;
      continue;
    }
    EXPECT_EQ(FieldViolations(s),
              (std::vector<FieldViolation>{
                  {"sca_decision.decision_date",
                   "must be after the recovery period, which ends on "
                   "2026-12-16"}}))
        << c.name;
  }

  struct ReconsiderationCase {
    const char* name;
    Date rg;
    Date cg;  // empty: none yet
    const char* state;
    absl::StatusCode code;
    const char* message;
  } reconsideration_cases[] = {
      {"30 days after a negative RG decision", {2026, 10, 21}, {},
       "RG_NEGATIVE", absl::StatusCode::kOk, ""},
      {"31 days after it", {2026, 10, 20}, {}, "RG_NEGATIVE",
       absl::StatusCode::kFailedPrecondition,
       "a reconsideration is asked for within 30 days of the decision; that "
       "was due by 2026-11-19"},
      {"counted from the CG decision once made", {2026, 8, 1},
       {2026, 11, 1}, "CG_NEGATIVE", absl::StatusCode::kOk, ""},
  };
  for (const ReconsiderationCase& c : reconsideration_cases) {
    Referral n = Satisfying(ReferralKind::kNrm);
    n.state = c.state;
    NrmForm& nrm = std::get<NrmForm>(n.form);
    nrm.reasonable_grounds = {ScaOutcome::kNegative, c.rg};
    if (!c.cg.empty()) nrm.conclusive_grounds = {ScaOutcome::kNegative, c.cg};
    TransitionDetails why;
    why.reason = "new evidence of control";
    absl::Status s =
        workflow_.Apply(n, "request_reconsideration", why, fr, now_);
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s;
    EXPECT_EQ(s.message(), c.message) << c.name;
  }
}

TEST_F(WorkflowTest, ChannelConsentComesFromWhoMayGiveIt) {
  Actor chair{"scc/person/chair", RoleSet{Role::kChannelChair}};
  using C = ConsentGiver;
  using A = CapacityAssessment;
  struct Case {
    const char* name;
    bool minor;
    C giver;
    A capacity;
    std::vector<FieldViolation> violations;  // empty: given
  } cases[] = {
      {"an adult, assessed as able", false, C::kSubject, A::kHasCapacity, {}},
      {"an adult, no assessment recorded", false, C::kSubject,
       A::kUnspecified, {}},
      {"an adult who lacks capacity", false, C::kSubject, A::kLacksCapacity,
       {{"consent.capacity",
         "a person assessed as lacking capacity cannot consent "
         "themselves"}}},
      {"an adult's parent", false, C::kParentOrGuardian, A::kUnspecified,
       {{"consent.given_by", "must be SUBJECT for an adult"}}},
      {"a minor's parent", true, C::kParentOrGuardian, A::kUnspecified, {}},
      {"the local authority for a minor in its care", true,
       C::kLocalAuthority, A::kUnspecified, {}},
      {"a minor alone", true, C::kSubject, A::kHasCapacity,
       {{"consent.given_by",
         "must be PARENT_OR_GUARDIAN or LOCAL_AUTHORITY for an under-18"}}},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(ReferralKind::kChannel);
    std::get<ChannelForm>(r.form).subject_is_minor = c.minor;
    r.state = "CONSENT_SOUGHT";
    TransitionDetails d;
    d.consent = ConsentRecord();
    d.consent->status = ConsentStatus::kGiven;
    d.consent->given_by = c.giver;
    d.consent->capacity = c.capacity;
    absl::Status s = workflow_.Apply(r, "record_consent_given", d, chair, now_);
    EXPECT_EQ(FieldViolations(s), c.violations) << c.name << ": " << s;
    if (!c.violations.empty()) continue;
    EXPECT_EQ(r.state, "SUPPORT_PLAN") << c.name;
    EXPECT_EQ(r.consent.given_by, c.giver) << c.name;
    EXPECT_EQ(r.consent.capacity, c.capacity) << c.name;
    EXPECT_EQ(r.consent.recorded_by, "scc/person/chair") << c.name;
  }
}

// Withdrawn consent ends Channel support, stops a target-hardening job
// (unassigned, the flag off) and ends NRM support, each referral staying
// as the record, with who recorded the withdrawal, when and why.
TEST_F(WorkflowTest, ConsentWithdrawnEndsWhatItAllowed) {
  TransitionDetails withdrawn;
  withdrawn.consent = ConsentRecord();
  withdrawn.consent->status = ConsentStatus::kWithdrawn;
  withdrawn.consent->given_by = ConsentGiver::kSubject;
  withdrawn.consent->reason = "wants no further contact";
  const Actor chair{"scc/person/chair", RoleSet{Role::kChannelChair}};
  const Actor sanctuary{"wsc/person/sanctuary",
                        RoleSet{Role::kSanctuaryCoordinator}};
  const Actor fr{"police/system/athena", RoleSet{Role::kFirstResponder}};
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* from;
    const Actor* actor;
    ConsentStatus consent_before;
    absl::StatusCode code;
    const char* to;
  } cases[] = {
      {"Channel support", ReferralKind::kChannel, "SUPPORT_PLAN", &chair,
       ConsentStatus::kGiven, absl::StatusCode::kOk, "CONSENT_WITHDRAWN"},
      {"a job with its measures in", ReferralKind::kTargetHardening,
       "ES_FLAG_SET", &sanctuary, ConsentStatus::kGiven,
       absl::StatusCode::kOk, "CONSENT_WITHDRAWN"},
      {"an adult's NRM referral in recovery", ReferralKind::kNrm,
       "RECOVERY_SUPPORT", &fr, ConsentStatus::kGiven, absl::StatusCode::kOk,
       "CONSENT_WITHDRAWN"},
      {"a child's NRM referral, which needed none", ReferralKind::kNrm,
       "RG_PENDING", &fr, ConsentStatus::kNotRequired,
       absl::StatusCode::kFailedPrecondition, "RG_PENDING"},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(c.kind);
    r.state = c.from;
    r.consent.status = c.consent_before;
    r.assignee = "locks-ltd/person/fitter";
    r.deadline = now_ + absl::Hours(24);
    if (c.kind == ReferralKind::kTargetHardening) {
      std::get<TargetHardeningForm>(r.form).emergency_services_flag = true;
    }
    absl::Status s =
        workflow_.Apply(r, "withdraw_consent", withdrawn, *c.actor, now_);
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s;
    EXPECT_EQ(r.state, c.to) << c.name;
    if (!s.ok()) {
      EXPECT_EQ(s.message(),
                "consent was not given for this referral, so it cannot be "
                "withdrawn")
          << c.name;
      continue;
    }
    EXPECT_EQ(r.consent.status, ConsentStatus::kWithdrawn) << c.name;
    EXPECT_EQ(r.consent.reason, "wants no further contact") << c.name;
    EXPECT_EQ(r.consent.recorded_by, c.actor->name) << c.name;
    EXPECT_EQ(r.consent.record_time, now_) << c.name;
    EXPECT_FALSE(r.has_deadline()) << c.name;
    if (c.kind == ReferralKind::kTargetHardening) {
      EXPECT_EQ(r.assignee, "") << c.name;
      EXPECT_FALSE(
          std::get<TargetHardeningForm>(r.form).emergency_services_flag)
          << c.name;
    }
  }

  // Without a reason, or with another status: every field named.
  Referral r = Satisfying(ReferralKind::kChannel);
  r.state = "SUPPORT_PLAN";
  TransitionDetails bare;
  bare.consent = ConsentRecord();
  bare.consent->status = ConsentStatus::kGiven;
  EXPECT_EQ(FieldViolations(
                workflow_.Apply(r, "withdraw_consent", bare, chair, now_)),
            (std::vector<FieldViolation>{
                {"consent.status", "must be WITHDRAWN for withdraw_consent"},
                {"consent.given_by", "is required: who withdrew consent"},
                {"consent.reason", "is required for withdraw_consent"}}));
}

TEST_F(WorkflowTest, VafScoringsAreCheckedAndTotalled) {
  Actor chair{"scc/person/chair", RoleSet{Role::kChannelChair}};
  Referral r = Satisfying(ReferralKind::kChannel);
  r.state = "SUPPORT_PLAN";
  TransitionDetails d;
  d.vaf_assessment = VafAssessment();
  d.vaf_assessment->framework_version = "vaf-2015";
  d.vaf_assessment->factor_scores = std::vector<int>(21, 1);
  d.vaf_assessment->factor_scores.push_back(4);
  absl::Status s = workflow_.Apply(r, "review_vaf", d, chair, now_);
  EXPECT_EQ(FieldViolations(s),
            (std::vector<FieldViolation>{
                {"vaf_assessment.factor_scores[21]", "must be from 0 to 3"}}));
  d.vaf_assessment->factor_scores.pop_back();
  EXPECT_EQ(FieldViolations(workflow_.Apply(r, "review_vaf", d, chair, now_)),
            (std::vector<FieldViolation>{
                {"vaf_assessment.factor_scores",
                 "must have 22 scores (13 engagement, 6 intent, 3 capability)"}}));
  d.vaf_assessment->factor_scores = std::vector<int>(22, 2);
  d.vaf_assessment->factor_scores[21] = 3;
  SAFEGUARD_ASSERT_OK(workflow_.Apply(r, "review_vaf", d, chair, now_));
  const VafAssessment& scored = std::get<ChannelForm>(r.form).vaf_assessments.back();
  EXPECT_EQ(scored.engagement_total, 26);
  EXPECT_EQ(scored.intent_total, 12);
  EXPECT_EQ(scored.capability_total, 7);
  EXPECT_EQ(scored.assessed_by, "scc/person/chair");
  EXPECT_EQ(r.state, "SUPPORT_PLAN");
}

TEST_F(WorkflowTest, DecisionOutcomeChoosesTheBranch) {
  Actor fr{"police/person/fr", RoleSet{Role::kFirstResponder}};
  for (ScaOutcome outcome : {ScaOutcome::kPositive, ScaOutcome::kNegative}) {
    Referral r = Satisfying(ReferralKind::kNrm);
    r.state = "RG_PENDING";
    TransitionDetails d;
    d.sca_decision = ScaDecision{outcome, {2026, 11, 19}};
    SAFEGUARD_ASSERT_OK(workflow_.Apply(r, "record_rg_decision", d, fr, now_));
    EXPECT_EQ(r.state, outcome == ScaOutcome::kPositive ? "RG_POSITIVE"
                                                        : "RG_NEGATIVE");
    EXPECT_EQ(std::get<NrmForm>(r.form).reasonable_grounds.outcome, outcome);
  }
}

TEST_F(WorkflowTest, StageDeadlines) {
  absl::TimeZone london = London();
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* state;
    const char* action;
    const char* deadline;  // RFC 3339
  } cases[] = {
      // Friday 20 Nov 2026 + 5 working days = Friday 27 Nov, end of day.
      {"NRM reasonable grounds", ReferralKind::kNrm, "", "submit",
       "2026-11-27T23:59:59Z"},
      {"Prevent gateway", ReferralKind::kChannel, "", "submit",
       "2026-11-27T23:59:59Z"},
      {"target hardening 48 hours", ReferralKind::kTargetHardening, "", "submit",
       "2026-11-22T09:00:00Z"},
      {"recovery period 30 days", ReferralKind::kNrm, "RG_POSITIVE",
       "start_recovery_support", "2026-12-20T23:59:59Z"},
      {"MARAC meeting", ReferralKind::kMarac, "COORDINATOR_SCREEN", "list",
       "2026-12-10T23:59:59Z"},
      {"first review 3 months", ReferralKind::kTargetHardening, "WORKS_ORDERED",
       "record_installation", "2027-02-20T23:59:59Z"},
      {"first post-exit review 6 months", ReferralKind::kChannel,
       "SUPPORT_PLAN", "exit", "2027-05-20T23:59:59+01:00"},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(c.kind);
    r.state = c.state;
    TransitionDetails d;
    for (const TransitionRule& rule : WorkflowRules()) {
      if (rule.kind == c.kind && rule.from == c.state && rule.action == c.action) {
        d = DetailsFor(rule, r);
        break;
      }
    }
    Actor actor{"a/person/p",
                RoleSet{Role::kFirstResponder, Role::kReferrer,
                        Role::kChannelChair, Role::kMaracCoordinator,
                        Role::kSanctuaryCoordinator}};
    SAFEGUARD_ASSERT_OK(workflow_.Apply(r, c.action, d, actor, now_)) << c.name;
    EXPECT_EQ(absl::FormatTime(absl::RFC3339_sec, r.deadline, london),
              absl::FormatTime(absl::RFC3339_sec, At(c.deadline), london))
        << c.name;
  }
}

TEST_F(WorkflowTest, ConfiguredSchemeHoursApply) {
  WorkflowConfig config;
  config.service_hours_by_scheme["surrey"] = 24 * 30;
  Workflow workflow(calendar_, London(), config);
  Referral r = Satisfying(ReferralKind::kTargetHardening);
  std::get<TargetHardeningForm>(r.form).scheme = "surrey";
  Actor referrer{"a/person/p", RoleSet{Role::kReferrer}};
  SAFEGUARD_ASSERT_OK(workflow.Apply(r, "submit", {}, referrer, now_));
  EXPECT_EQ(r.deadline, now_ + absl::Hours(24 * 30));
}

}  // namespace
}  // namespace safeguard

namespace safeguard {
namespace {

// The dates an action records must be ones the process allows.
TEST_F(WorkflowTest, ActionDatesOutsideWhatTheProcessAllowsAreRefused) {
  const Actor coordinator{"scc/person/c", RoleSet{Role::kMaracCoordinator}};
  const Actor sanctuary{"wsc/person/s", RoleSet{Role::kSanctuaryCoordinator}};
  const Actor fr{"police/person/fr", RoleSet{Role::kFirstResponder}};
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* state;
    const char* action;
    std::function<void(TransitionDetails&)> details;
    const Actor& actor;
    const char* field;  // nullptr: accepted
  };
  const auto meeting = [](Date d) {
    return [d](TransitionDetails& t) { t.meeting_date = d; };
  };
  const auto appointment = [](absl::Time at) {
    return [at](TransitionDetails& t) { t.appointment_time = at; };
  };
  const auto decision = [](Date d) {
    return [d](TransitionDetails& t) {
      t.sca_decision = ScaDecision{ScaOutcome::kPositive, d};
    };
  };
  const Case cases[] = {
      {"meeting in two weeks", ReferralKind::kMarac, "COORDINATOR_SCREEN",
       "list", meeting({2026, 12, 4}), coordinator, nullptr},
      {"meeting in month 13", ReferralKind::kMarac, "COORDINATOR_SCREEN",
       "list", meeting({2026, 13, 1}), coordinator, "meeting.meeting_date"},
      {"meeting on 31 November", ReferralKind::kMarac, "COORDINATOR_SCREEN",
       "list", meeting({2026, 11, 31}), coordinator, "meeting.meeting_date"},
      {"meeting without a day", ReferralKind::kMarac, "COORDINATOR_SCREEN",
       "list", meeting({2026, 12, 0}), coordinator, "meeting.meeting_date"},
      {"meeting yesterday", ReferralKind::kMarac, "COORDINATOR_SCREEN", "list",
       meeting({2026, 11, 19}), coordinator, "meeting.meeting_date"},
      {"meeting in two years", ReferralKind::kMarac, "COORDINATOR_SCREEN",
       "list", meeting({2028, 11, 20}), coordinator, "meeting.meeting_date"},
      {"appointment tomorrow", ReferralKind::kTargetHardening, "ACCEPTED",
       "book_survey", appointment(At("2026-11-21T10:00:00Z")), sanctuary,
       nullptr},
      {"appointment in year 0", ReferralKind::kTargetHardening, "ACCEPTED",
       "book_survey",
       appointment(absl::FromCivil(absl::CivilSecond(0, 1, 1),
                                   absl::UTCTimeZone())),
       sanctuary, "appointment.appointment_time"},
      {"appointment in 9999", ReferralKind::kTargetHardening, "ACCEPTED",
       "book_survey", appointment(At("9999-01-01T10:00:00Z")), sanctuary,
       "appointment.appointment_time"},
      {"appointment at INT64_MIN", ReferralKind::kTargetHardening, "ACCEPTED",
       "book_survey",
       appointment(absl::FromUnixSeconds(std::numeric_limits<int64_t>::min())),
       sanctuary, "appointment.appointment_time"},
      {"appointment left empty", ReferralKind::kTargetHardening, "ACCEPTED",
       "book_survey", appointment(absl::InfinitePast()), sanctuary,
       "appointment.appointment_time"},
      {"decision today", ReferralKind::kNrm, "RG_PENDING", "record_rg_decision",
       decision({2026, 11, 20}), fr, nullptr},
      {"decision tomorrow", ReferralKind::kNrm, "RG_PENDING",
       "record_rg_decision", decision({2026, 11, 21}), fr,
       "sca_decision.decision_date"},
      {"decision before the referral", ReferralKind::kNrm, "RG_PENDING",
       "record_rg_decision", decision({2026, 11, 1}), fr,
       "sca_decision.decision_date"},
      {"decision in month 0 of a year", ReferralKind::kNrm, "RG_PENDING",
       "record_rg_decision", decision({2026, 0, 0}), fr,
       "sca_decision.decision_date"},
  };
  for (const Case& c : cases) {
    Referral r = Satisfying(c.kind);
    r.state = c.state;
    r.create_time = At("2026-11-10T09:00:00Z");
    TransitionDetails d;
    c.details(d);
    const Referral before = r;
    absl::Status s = workflow_.Apply(r, c.action, d, c.actor, now_);
    if (c.field == nullptr) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s;
      continue;
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    ASSERT_EQ(FieldViolations(s).size(), 1u) << c.name;
    EXPECT_EQ(FieldViolations(s)[0].field, c.field) << c.name;
    EXPECT_EQ(r.state, before.state) << c.name;
  }
}

// Assignment is checked like an action: kind, state, who assigns, and the
// assignee's roles.
TEST(AssignmentTest, ByKindStateAssignerAndAssignee) {
  const RoleSet contractor{Role::kContractor};
  const RoleSet sanctuary{Role::kSanctuaryCoordinator};
  const RoleSet lead{Role::kAgencyLead};
  const RoleSet referrer{Role::kReferrer};
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* state;
    RoleSet actor;
    RoleSet assignee;
    bool unassign;
    absl::StatusCode want;
  };
  const Case cases[] = {
      {"locksmith on an accepted job", ReferralKind::kTargetHardening,
       "ACCEPTED", sanctuary, contractor, false, absl::StatusCode::kOk},
      {"locksmith before eligibility", ReferralKind::kTargetHardening,
       "REFERRED", sanctuary, contractor, false,
       absl::StatusCode::kInvalidArgument},
      {"locksmith on a cancelled job", ReferralKind::kTargetHardening,
       "CANCELLED", sanctuary, contractor, false,
       absl::StatusCode::kFailedPrecondition},
      {"coordinator as case owner on a new job", ReferralKind::kTargetHardening,
       "REFERRED", sanctuary, sanctuary, false, absl::StatusCode::kOk},
      {"a lead assigning a locksmith", ReferralKind::kTargetHardening,
       "ACCEPTED", lead, contractor, false,
       absl::StatusCode::kPermissionDenied},
      {"a referrer as assignee", ReferralKind::kTargetHardening, "ACCEPTED",
       sanctuary, referrer, false, absl::StatusCode::kInvalidArgument},
      {"an IDVA on a MARAC case", ReferralKind::kMarac, "LISTED",
       RoleSet{Role::kMaracCoordinator}, RoleSet{Role::kIdva}, false,
       absl::StatusCode::kOk},
      {"a locksmith on a MARAC case", ReferralKind::kMarac, "LISTED",
       RoleSet{Role::kMaracCoordinator}, contractor, false,
       absl::StatusCode::kInvalidArgument},
      {"unassigning a cancelled job", ReferralKind::kTargetHardening,
       "CANCELLED", sanctuary, RoleSet(), true, absl::StatusCode::kOk},
      {"a lead unassigning a job", ReferralKind::kTargetHardening, "ACCEPTED",
       lead, RoleSet(), true, absl::StatusCode::kPermissionDenied},
  };
  for (const Case& c : cases) {
    Referral r;
    r.kind = c.kind;
    r.state = c.state;
    absl::Status s = CheckAssignment(r, c.actor, c.assignee, c.unassign);
    EXPECT_EQ(s.code(), c.want) << c.name << ": " << s;
    if (c.want == absl::StatusCode::kInvalidArgument) {
      ASSERT_EQ(FieldViolations(s).size(), 1u) << c.name;
      EXPECT_EQ(FieldViolations(s)[0].field, "assignee") << c.name;
    }
  }
}

// The console's buttons: one option per action the roles may take, with
// what the action needs.
TEST(ActionOptionsTest, OnePerActionWithWhatItNeeds) {
  using D = ActionDetails;
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* state;
    RoleSet roles;
    std::vector<ActionOption> want;
  };
  const Case cases[] = {
      {"two rules, one decision", ReferralKind::kNrm, "RG_PENDING",
       RoleSet{Role::kFirstResponder},
       {{"record_rg_decision", D::kScaDecision, false},
        {"withdraw", D::kNone, true},
        {"withdraw_consent", D::kConsentWithdrawn, false}}},
      {"a referrer takes no NRM action", ReferralKind::kNrm, "RG_PENDING",
       RoleSet{Role::kReferrer}, {}},
      {"an external reference", ReferralKind::kNrm, "NRM_SUBMITTED",
       RoleSet{Role::kAgencyLead},
       {{"record_sca_reference", D::kExternalReference, false},
        {"withdraw", D::kNone, true},
        {"withdraw_consent", D::kConsentWithdrawn, false}}},
      {"a request needs only a reason, and only a first responder",
       ReferralKind::kNrm, "RG_POSITIVE", RoleSet{Role::kAgencyLead},
       {{"start_recovery_support", D::kNone, false},
        {"disqualify_public_order", D::kNone, true},
        {"withdraw", D::kNone, true},
        {"withdraw_consent", D::kConsentWithdrawn, false}}},
      {"consent either way", ReferralKind::kChannel, "CONSENT_SOUGHT",
       RoleSet{Role::kChannelChair},
       {{"record_consent_declined", D::kConsentRefused, false},
        {"record_consent_given", D::kConsentGiven, false}}},
      {"a VAF scoring", ReferralKind::kChannel, "INFO_GATHERING",
       RoleSet{Role::kPreventOfficer},
       {{"refer_to_panel", D::kVafAssessment, false}}},
      {"meetings and reasons", ReferralKind::kMarac, "COORDINATOR_SCREEN",
       RoleSet{Role::kMaracCoordinator},
       {{"return_to_referrer", D::kNone, true},
        {"defer", D::kNone, true},
        {"list", D::kMeeting, false},
        {"list_emergency", D::kMeeting, false},
        {"transfer", D::kNone, true},
        {"withdraw", D::kNone, true},
        {"close_victim_moved_away", D::kNone, true},
        {"close_victim_declined_support", D::kNone, true},
        {"close_victim_died", D::kNone, true}}},
      {"a guard on the referral needs nothing", ReferralKind::kTargetHardening,
       "ELIGIBILITY", RoleSet{Role::kSanctuaryCoordinator},
       {{"accept", D::kNone, false},
        {"decline", D::kNone, true},
        {"cancel", D::kNone, true},
        {"withdraw_consent", D::kConsentWithdrawn, false}}},
      {"an appointment", ReferralKind::kTargetHardening, "ACCEPTED",
       RoleSet{Role::kContractor},
       {{"book_survey", D::kAppointment, false}}},
      {"an installation", ReferralKind::kTargetHardening, "WORKS_ORDERED",
       RoleSet{Role::kContractor},
       {{"record_installation", D::kInstallation, false}}},
      {"a final state", ReferralKind::kTargetHardening, "CLOSED",
       RoleSet{Role::kSanctuaryCoordinator}, {}},
  };
  for (const Case& c : cases) {
    Referral r;
    r.kind = c.kind;
    r.state = c.state;
    std::vector<ActionOption> got = ActionOptions(r, c.roles);
    ASSERT_EQ(got.size(), c.want.size()) << c.name;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i], c.want[i]) << c.name << ": " << got[i].action;
    }
  }
}

// Every state of every workflow, for every role: an option exactly for the
// actions Apply() would let the role take, and with every role, exactly
// AvailableActions().
TEST_F(WorkflowTest, ActionOptionsAgreeWithTheRules) {
  const HolidayCalendar calendar = Calendar();
  const WorkflowConfig config;
  Workflow workflow(calendar, London(), config);
  for (const TransitionRule& from : WorkflowRules()) {
    Referral r;
    r.kind = from.kind;
    r.state = std::string(from.from);
    RoleSet all;
    for (int i = 0; i < kRoleCount; ++i) {
      const Role role = static_cast<Role>(i);
      all.Add(role);
      std::vector<std::string> want;
      for (const TransitionRule& rule : WorkflowRules()) {
        if (rule.kind != r.kind || rule.from != r.state ||
            !rule.who.Has(role) ||
            std::find(want.begin(), want.end(), rule.action) != want.end()) {
          continue;
        }
        want.emplace_back(rule.action);
      }
      std::vector<std::string> got;
      for (const ActionOption& o : ActionOptions(r, RoleSet{role})) {
        got.push_back(o.action);
      }
      EXPECT_EQ(got, want) << r.state << " as " << RoleName(role);
    }
    std::vector<std::string> got;
    for (const ActionOption& o : ActionOptions(r, all)) got.push_back(o.action);
    EXPECT_EQ(got, workflow.AvailableActions(r)) << r.state;
  }
}

TEST(AssignmentTest, MayAssignNowIsWhatCheckAssignmentAllowsSomeone) {
  const RoleSet sanctuary{Role::kSanctuaryCoordinator};
  struct Case {
    const char* name;
    ReferralKind kind;
    const char* state;
    const char* assignee;
    RoleSet actor;
    bool want;
  };
  const Case cases[] = {
      {"a new job", ReferralKind::kTargetHardening, "REFERRED", "", sanctuary,
       true},
      {"a cancelled job, unassigned", ReferralKind::kTargetHardening,
       "CANCELLED", "", sanctuary, false},
      {"a cancelled job, assigned: unassign", ReferralKind::kTargetHardening,
       "CANCELLED", "west-suffolk-council/person/x", sanctuary, true},
      {"a lead", ReferralKind::kTargetHardening, "REFERRED", "",
       RoleSet{Role::kAgencyLead}, false},
      {"a contractor", ReferralKind::kTargetHardening, "ACCEPTED", "",
       RoleSet{Role::kContractor}, false},
      {"a coordinator on a MARAC case", ReferralKind::kMarac, "LISTED", "",
       RoleSet{Role::kMaracCoordinator}, true},
      {"no roles", ReferralKind::kMarac, "LISTED", "", RoleSet(), false},
  };
  for (const Case& c : cases) {
    Referral r;
    r.kind = c.kind;
    r.state = c.state;
    r.assignee = c.assignee;
    EXPECT_EQ(MayAssignNow(r, c.actor), c.want) << c.name;
    // Agrees with CheckAssignment for an assignee suited to anything.
    RoleSet anyone;
    for (int i = 0; i < kRoleCount; ++i) anyone.Add(static_cast<Role>(i));
    const bool unassign = !r.assignee.empty();
    EXPECT_EQ(CheckAssignment(r, c.actor, anyone, unassign).ok(), c.want)
        << c.name;
  }
}

TEST_F(WorkflowTest, AOneVisitSchemeInstallsAtTheBookedSurvey) {
  TransitionDetails fitted;
  fitted.installation = std::vector<SecurityMeasure>{SecurityMeasure::kLocks};
  Actor locksmith{"safe-partnership/person/locksmith",
                  RoleSet{Role::kContractor}};
  Referral r = Satisfying(ReferralKind::kTargetHardening);
  r.state = "SURVEY_BOOKED";
  SAFEGUARD_ASSERT_OK(workflow_.Apply(r, "record_installation", fitted,
                                      locksmith, now_));
  EXPECT_EQ(r.state, "INSTALLED");
  EXPECT_EQ(std::get<TargetHardeningForm>(r.form).measures_installed,
            std::vector<SecurityMeasure>{SecurityMeasure::kLocks});
  EXPECT_EQ(r.deadline, At("2027-02-20T23:59:59Z"));  // the first review

  Referral two_visits = Satisfying(ReferralKind::kTargetHardening);
  two_visits.state = "SURVEY_BOOKED";
  std::get<TargetHardeningForm>(two_visits.form).scheme = "surrey";
  EXPECT_THAT(workflow_.Apply(two_visits, "record_installation", fitted,
                              locksmith, now_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the job's scheme surveys and installs at separate "
                       "visits: record the survey, then order the works"));
  EXPECT_EQ(two_visits.state, "SURVEY_BOOKED");
}

TEST_F(WorkflowTest, ACancelledJobLeavesItsAssigneeAndDeadline) {
  for (const char* state : {"REFERRED", "ELIGIBILITY", "ACCEPTED",
                            "SURVEY_BOOKED", "SURVEYED", "WORKS_ORDERED"}) {
    Referral r = Satisfying(ReferralKind::kTargetHardening);
    r.state = state;
    r.assignee = "safe-partnership/person/locksmith";
    r.deadline = now_ + absl::Hours(10);
    TransitionDetails why;
    why.reason = "moved away";
    Actor coordinator{"west-suffolk-council/person/sanctuary-coordinator",
                      RoleSet{Role::kSanctuaryCoordinator}};
    SAFEGUARD_ASSERT_OK(workflow_.Apply(r, "cancel", why, coordinator, now_));
    EXPECT_EQ(r.state, "CANCELLED") << state;
    EXPECT_EQ(r.assignee, "") << state;
    EXPECT_FALSE(r.has_deadline()) << state;
    EXPECT_EQ(r.history.back().reason, "moved away") << state;
  }
  Referral installed = Satisfying(ReferralKind::kTargetHardening);
  installed.state = "INSTALLED";
  Actor coordinator{"x/person/y", RoleSet{Role::kSanctuaryCoordinator}};
  EXPECT_THAT(workflow_.Apply(installed, "cancel", {}, coordinator, now_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the action is not allowed from state INSTALLED; "
                       "allowed: set_emergency_flag, recover_and_close, "
                       "withdraw_consent"));
}

TEST(ReferralKindsTest, EachKindIsOneModuleHoldingOnlyItsOwnRules) {
  struct Case {
    ReferralKind kind;
    const char* prefix;
  } cases[] = {
      {ReferralKind::kNrm, "NRM"},
      {ReferralKind::kChannel, "CHA"},
      {ReferralKind::kMarac, "MAR"},
      {ReferralKind::kTargetHardening, "THD"},
  };
  ASSERT_EQ(ReferralKinds().size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const Case& c = cases[i];
    const ReferralKindModule* module = FindReferralKind(c.kind);
    ASSERT_NE(module, nullptr) << ReferralKindName(c.kind);
    EXPECT_EQ(ReferralKinds()[i], module) << ReferralKindName(c.kind);
    EXPECT_EQ(module->kind(), c.kind);
    EXPECT_EQ(module->reference_prefix(), c.prefix);
    ASSERT_FALSE(module->rules().empty());
    EXPECT_EQ(module->rules().front().action, "submit");
    for (const TransitionRule& rule : module->rules()) {
      EXPECT_EQ(rule.kind, c.kind) << rule.action;
    }
    for (const AssignmentRule& rule : module->assignment_rules()) {
      EXPECT_EQ(rule.kind, c.kind);
    }
  }
  EXPECT_EQ(FindReferralKind(ReferralKind::kUnspecified), nullptr);
  EXPECT_EQ(FindReferralKind(static_cast<ReferralKind>(99)), nullptr);
}

TEST_F(WorkflowTest, AFormOfAnotherKindIsRefusedBeforeAnyRule) {
  Referral r = Satisfying(ReferralKind::kMarac);
  r.form = NrmForm();
  Actor actor{"agency/person/x", RoleSet{Role::kReferrer}};
  EXPECT_THAT(workflow_.Apply(r, "submit", {}, actor, now_),
              StatusIs(absl::StatusCode::kInternal,
                       "the referral's form is not of its kind"));
  EXPECT_EQ(r.state, "");
  EXPECT_TRUE(r.history.empty());
}

TEST(VafFrameworksTest, TheOneTheWorkflowChecks) {
  std::vector<VafFramework> frameworks = VafFrameworks();
  ASSERT_EQ(frameworks.size(), 1u);
  EXPECT_EQ(frameworks[0].version, "vaf-2015");
  EXPECT_EQ(frameworks[0].engagement_factors, 13);
  EXPECT_EQ(frameworks[0].intent_factors, 6);
  EXPECT_EQ(frameworks[0].capability_factors, 3);
  EXPECT_EQ(frameworks[0].max_factor_score, 3);
}

}  // namespace
}  // namespace safeguard
