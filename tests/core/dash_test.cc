// File: tests/core/dash_test.cc
//
// Tests of the DASH risk checklist validation and the MARAC referral
// criteria (server/core/dash.h). Times are fixed UTC instants; no clock.
#include "server/core/dash.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace safeguard {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

using Violations = std::vector<std::pair<std::string, std::string>>;
using Names = std::vector<std::string>;

constexpr char kPrefix[] = "referral.marac.dash";
constexpr char kRationaleRequired[] =
    "is required for professional judgement (at least 20 characters)";
constexpr char kMustBeAnswered[] = "must be answered (yes, no or not known)";
constexpr char kMust24[] =
    "must have 24 answers for question set safelives-2009";
// 20 characters once trimmed.
constexpr char kGoodRationale[] = "Threats to kill her.";

absl::Time Utc(int year, int month, int day, int hour = 0, int minute = 0,
               int second = 0) {
  return absl::FromCivil(
      absl::CivilSecond(year, month, day, hour, minute, second),
      absl::UTCTimeZone());
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s.data(), s.size());
  return out;
}

// A valid safelives-2009 form: `yes` "yes" answers, then "no" answers.
DashForm FormWithYes(int yes) {
  DashForm form;
  form.question_set_version = "safelives-2009";
  for (int i = 0; i < 24; ++i) {
    form.answers.push_back(i < yes ? DashAnswer::kYes : DashAnswer::kNo);
  }
  return form;
}

// Readable on failure, unlike the structs.
Violations AsPairs(const std::vector<FieldViolation>& violations) {
  Violations out;
  for (const FieldViolation& v : violations) {
    out.emplace_back(v.field, v.description);
  }
  return out;
}

Names CriterionNames(const MaracAssessment& assessment) {
  Names out;
  for (MaracCriterion c : assessment.criteria) {
    out.emplace_back(MaracCriterionName(c));
  }
  return out;
}

// ---- Question sets ---------------------------------------------------------

TEST(DashQuestionSetTest, FindsSafeLives2009) {
  const DashQuestionSet* set = FindDashQuestionSet("safelives-2009");
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->version, "safelives-2009");
  ASSERT_EQ(set->questions.size(), 24u);
  EXPECT_EQ(set->questions[0], "Has the current incident resulted in injury?");
  EXPECT_EQ(set->questions[1], "Are you very frightened?");
  EXPECT_EQ(set->questions[9], "Is the abuse happening more often?");
  EXPECT_EQ(set->questions[23],
            "Do you know if the abuser has ever been in trouble with the "
            "police or has a criminal history?");
  std::set<std::string> distinct(set->questions.begin(), set->questions.end());
  EXPECT_EQ(distinct.size(), 24u);
  EXPECT_EQ(distinct.count(""), 0u);
  EXPECT_EQ(FindDashQuestionSet("safelives-2009"), set);  // one instance
}

TEST(DashQuestionSetTest, UnknownVersionsAreNull) {
  struct Case {
    const char* name;
    const char* version;
  } cases[] = {
      {"empty", ""},
      {"other case", "SafeLives-2009"},
      {"trailing space", "safelives-2009 "},
      {"other year", "safelives-2010"},
      {"unversioned", "safelives"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FindDashQuestionSet(c.version), nullptr) << c.name;
  }
}

// ---- Scoring ---------------------------------------------------------------

TEST(DashScoreTest, CountsYesAnswers) {
  constexpr DashAnswer Y = DashAnswer::kYes;
  constexpr DashAnswer N = DashAnswer::kNo;
  constexpr DashAnswer K = DashAnswer::kNotKnown;
  constexpr DashAnswer U = DashAnswer::kUnanswered;
  struct Case {
    const char* name;
    std::vector<DashAnswer> answers;
    int score;
  } cases[] = {
      {"no answers", {}, 0},
      {"all no", std::vector<DashAnswer>(24, N), 0},
      {"all not known", std::vector<DashAnswer>(24, K), 0},
      {"all yes", std::vector<DashAnswer>(24, Y), 24},
      {"mixed", {Y, N, K, Y, U, Y, N}, 3},
      {"unanswered does not count", {U, U, Y}, 1},
      {"outside the enum does not count", {static_cast<DashAnswer>(9), Y}, 1},
  };
  for (const Case& c : cases) {
    DashForm form;
    form.question_set_version = "safelives-2009";
    form.answers = c.answers;
    EXPECT_EQ(DashScore(form), c.score) << c.name;
    EXPECT_EQ(
        AssessMarac(form, std::nullopt, Utc(2025, 6, 15), MaracCriteriaConfig())
            .score,
        c.score)
        << c.name;
  }
}

// ---- Visible high risk -----------------------------------------------------

TEST(MaracAssessmentTest, VisibleHighRiskFromThreshold) {
  struct Case {
    const char* name;
    int yes;
    int threshold;
    Names criteria;
  } cases[] = {
      {"none", 0, 14, {}},
      {"13 is not high risk", 13, 14, {}},
      {"14 is high risk", 14, 14, {"VISIBLE_HIGH_RISK"}},
      {"24 is high risk", 24, 14, {"VISIBLE_HIGH_RISK"}},
      {"configured 10: 9", 9, 10, {}},
      {"configured 10: 10", 10, 10, {"VISIBLE_HIGH_RISK"}},
  };
  for (const Case& c : cases) {
    MaracCriteriaConfig config;
    config.high_risk_threshold = c.threshold;
    MaracAssessment a =
        AssessMarac(FormWithYes(c.yes), std::nullopt, Utc(2025, 6, 15), config);
    EXPECT_EQ(a.score, c.yes) << c.name;
    EXPECT_EQ(CriterionNames(a), c.criteria) << c.name;
    EXPECT_EQ(a.qualifies(), !c.criteria.empty()) << c.name;
  }
}

// ---- Professional judgement ------------------------------------------------

TEST(MaracAssessmentTest, ProfessionalJudgementNeedsRationale) {
  struct Case {
    const char* name;
    bool claimed;
    std::string rationale;
    int min_chars;
    Names criteria;
    Violations violations;
  } cases[] = {
      {"claimed without rationale",
       true,
       "",
       20,
       {},
       {{"referral.marac.dash.professional_judgement_rationale",
         kRationaleRequired}}},
      {"claimed with whitespace only",
       true,
       " \t\n  ",
       20,
       {},
       {{"referral.marac.dash.professional_judgement_rationale",
         kRationaleRequired}}},
      {"claimed with 19 characters after trimming",
       true,
       "   Threatened to kill.  \n",
       20,
       {},
       {{"referral.marac.dash.professional_judgement_rationale",
         kRationaleRequired}}},
      {"claimed with 20 characters",
       true,
       kGoodRationale,
       20,
       {"PROFESSIONAL_JUDGEMENT"},
       {}},
      {"claimed with 20 characters inside whitespace",
       true,
       std::string("  ") + kGoodRationale + "\n",
       20,
       {"PROFESSIONAL_JUDGEMENT"},
       {}},
      {"19 two-byte characters are 19 characters",
       true,
       Repeat("\xc3\xa9", 19),
       20,
       {},
       {{"referral.marac.dash.professional_judgement_rationale",
         kRationaleRequired}}},
      {"20 two-byte characters are 20 characters",
       true,
       Repeat("\xc3\xa9", 20),
       20,
       {"PROFESSIONAL_JUDGEMENT"},
       {}},
      {"not claimed, rationale ignored", false, "", 20, {}, {}},
      {"not claimed, good rationale ignored",
       false,
       kGoodRationale,
       20,
       {},
       {}},
      {"configured 5: 5 characters",
       true,
       "Fear.",
       5,
       {"PROFESSIONAL_JUDGEMENT"},
       {}},
      {"configured 5: 4 characters",
       true,
       "Fear",
       5,
       {},
       {{"referral.marac.dash.professional_judgement_rationale",
         "is required for professional judgement (at least 5 characters)"}}},
      {"configured 0: still not empty",
       true,
       "  ",
       0,
       {},
       {{"referral.marac.dash.professional_judgement_rationale",
         "is required for professional judgement"}}},
      {"configured 0: one character",
       true,
       "x",
       0,
       {"PROFESSIONAL_JUDGEMENT"},
       {}},
  };
  for (const Case& c : cases) {
    MaracCriteriaConfig config;
    config.min_rationale_chars = c.min_chars;
    DashForm form = FormWithYes(5);  // well below 14
    form.professional_judgement = c.claimed;
    form.professional_judgement_rationale = c.rationale;
    EXPECT_EQ(AsPairs(ValidateDash(form, kPrefix, config)), c.violations)
        << c.name;
    MaracAssessment a =
        AssessMarac(form, std::nullopt, Utc(2025, 6, 15), config);
    EXPECT_EQ(a.score, 5) << c.name;
    EXPECT_EQ(CriterionNames(a), c.criteria) << c.name;
  }
}

TEST(MaracAssessmentTest, ProfessionalJudgementNeverRemovesVisibleHighRisk) {
  struct Case {
    const char* name;
    int yes;
    bool claimed;
    const char* rationale;
    Names criteria;
  } cases[] = {
      {"14, not claimed", 14, false, "", {"VISIBLE_HIGH_RISK"}},
      {"14, claimed without rationale", 14, true, "", {"VISIBLE_HIGH_RISK"}},
      {"14, claimed with rationale",
       14,
       true,
       kGoodRationale,
       {"VISIBLE_HIGH_RISK", "PROFESSIONAL_JUDGEMENT"}},
      {"24, claimed with rationale",
       24,
       true,
       kGoodRationale,
       {"VISIBLE_HIGH_RISK", "PROFESSIONAL_JUDGEMENT"}},
      {"13, claimed with rationale",
       13,
       true,
       kGoodRationale,
       {"PROFESSIONAL_JUDGEMENT"}},
  };
  for (const Case& c : cases) {
    DashForm form = FormWithYes(c.yes);
    form.professional_judgement = c.claimed;
    form.professional_judgement_rationale = c.rationale;
    MaracAssessment a = AssessMarac(form, std::nullopt, Utc(2025, 6, 15),
                                    MaracCriteriaConfig());
    EXPECT_EQ(a.score, c.yes) << c.name;
    EXPECT_EQ(CriterionNames(a), c.criteria) << c.name;
    EXPECT_TRUE(a.qualifies()) << c.name;
  }
}

// ---- Escalation ------------------------------------------------------------

TEST(MaracAssessmentTest, EscalationFromIncidentCount) {
  struct Case {
    const char* name;
    int incidents;
    int threshold;
    Names criteria;
  } cases[] = {
      {"none", 0, 3, {}},
      {"2 incidents", 2, 3, {}},
      {"3 incidents", 3, 3, {"ESCALATION"}},
      {"10 incidents", 10, 3, {"ESCALATION"}},
      {"negative (invalid) count", -1, 3, {}},
      {"configured 5: 4 incidents", 4, 5, {}},
      {"configured 5: 5 incidents", 5, 5, {"ESCALATION"}},
      {"configured 2: 2 incidents", 2, 2, {"ESCALATION"}},
  };
  for (const Case& c : cases) {
    MaracCriteriaConfig config;
    config.escalation_incidents = c.threshold;
    DashForm form = FormWithYes(1);
    form.incidents_last_period = c.incidents;
    MaracAssessment a =
        AssessMarac(form, std::nullopt, Utc(2025, 6, 15), config);
    EXPECT_EQ(CriterionNames(a), c.criteria) << c.name;
  }
}

// ---- Repeat ----------------------------------------------------------------

TEST(MaracAssessmentTest, RepeatFromPreviousReferralForPair) {
  const absl::Time now = Utc(2025, 6, 15, 12);
  struct Case {
    const char* name;
    std::optional<absl::Time> previous;
    absl::Time now;
    int months;
    Names criteria;
  } cases[] = {
      {"no previous referral", std::nullopt, now, 12, {}},
      {"364 days ago", now - absl::Hours(364 * 24), now, 12, {"REPEAT"}},
      {"366 days ago", now - absl::Hours(366 * 24), now, 12, {}},
      {"2025-03-01, now 2026-02-28",
       Utc(2025, 3, 1),
       Utc(2026, 2, 28),
       12,
       {"REPEAT"}},
      {"2025-03-01, now 2026-03-02", Utc(2025, 3, 1), Utc(2026, 3, 2), 12, {}},
      {"exactly 12 months", Utc(2024, 6, 15, 12), now, 12, {"REPEAT"}},
      {"12 months and a second", Utc(2024, 6, 15, 11, 59, 59), now, 12, {}},
      {"12 months and a nanosecond",
       Utc(2024, 6, 15, 12) - absl::Nanoseconds(1),
       now,
       12,
       {}},
      {"sub-second, exactly 12 months",
       Utc(2024, 6, 15, 12) + absl::Milliseconds(500),
       now + absl::Milliseconds(500),
       12,
       {"REPEAT"}},
      {"same instant", now, now, 12, {"REPEAT"}},
      {"recorded after now", now + absl::Hours(1), now, 12, {"REPEAT"}},
      {"leap day + 12 months is 1 March",
       Utc(2024, 2, 29, 10),
       Utc(2025, 3, 1, 10),
       12,
       {"REPEAT"}},
      {"leap day + 12 months and a second",
       Utc(2024, 2, 29, 10),
       Utc(2025, 3, 1, 10, 0, 1),
       12,
       {}},
      {"configured 6: exactly 6 months",
       Utc(2025, 1, 10),
       Utc(2025, 7, 10),
       6,
       {"REPEAT"}},
      {"configured 6: 6 months and a day",
       Utc(2025, 1, 10),
       Utc(2025, 7, 11),
       6,
       {}},
      {"configured 6: 31 August + 6 months is 3 March",
       Utc(2025, 8, 31),
       Utc(2026, 3, 3),
       6,
       {"REPEAT"}},
      {"configured 6: 31 August + 6 months and a second",
       Utc(2025, 8, 31),
       Utc(2026, 3, 3, 0, 0, 1),
       6,
       {}},
  };
  for (const Case& c : cases) {
    MaracCriteriaConfig config;
    config.repeat_months = c.months;
    MaracAssessment a = AssessMarac(FormWithYes(0), c.previous, c.now, config);
    EXPECT_EQ(CriterionNames(a), c.criteria) << c.name;
  }
}

// ---- Combinations and configurations ---------------------------------------

TEST(MaracAssessmentTest, CombinedCriteriaInEnumOrder) {
  const absl::Time now = Utc(2025, 6, 15);
  struct Case {
    const char* name;
    int yes;
    bool judgement;
    int incidents;
    std::optional<absl::Time> previous;
    Names criteria;
  } cases[] = {
      {"all four",
       20,
       true,
       4,
       Utc(2025, 5, 1),
       {"VISIBLE_HIGH_RISK", "PROFESSIONAL_JUDGEMENT", "ESCALATION", "REPEAT"}},
      {"escalation and repeat",
       3,
       false,
       3,
       Utc(2024, 9, 1),
       {"ESCALATION", "REPEAT"}},
      {"high risk and repeat",
       14,
       false,
       0,
       Utc(2025, 6, 1),
       {"VISIBLE_HIGH_RISK", "REPEAT"}},
      {"judgement and escalation",
       2,
       true,
       5,
       std::nullopt,
       {"PROFESSIONAL_JUDGEMENT", "ESCALATION"}},
      {"nothing", 13, false, 2, Utc(2024, 6, 14), {}},
  };
  for (const Case& c : cases) {
    DashForm form = FormWithYes(c.yes);
    form.professional_judgement = c.judgement;
    form.professional_judgement_rationale = c.judgement ? kGoodRationale : "";
    form.incidents_last_period = c.incidents;
    MaracAssessment a =
        AssessMarac(form, c.previous, now, MaracCriteriaConfig());
    EXPECT_EQ(a.score, c.yes) << c.name;
    EXPECT_EQ(CriterionNames(a), c.criteria) << c.name;
    EXPECT_EQ(a.qualifies(), !c.criteria.empty()) << c.name;
  }
}

TEST(MaracAssessmentTest, KentLikeConfigCountsEscalationOverSixMonths) {
  MaracCriteriaConfig kent;
  kent.escalation_months = 6;
  const absl::Time now = Utc(2025, 6, 15);
  // Incidents 2, 5 and 7 months ago.
  const absl::Time incidents[] = {Utc(2025, 4, 15), Utc(2025, 1, 15),
                                  Utc(2024, 11, 15)};
  struct Case {
    const char* name;
    MaracCriteriaConfig config;
    int counted;
    Names criteria;
  } cases[] = {
      {"default: 12 months", MaracCriteriaConfig(), 3, {"ESCALATION"}},
      {"Kent-like: 6 months", kent, 2, {}},
  };
  for (const Case& c : cases) {
    DashForm form = FormWithYes(2);
    for (absl::Time t : incidents) {
      if (IsWithinCalendarMonths(t, c.config.escalation_months, now)) {
        ++form.incidents_last_period;
      }
    }
    EXPECT_EQ(form.incidents_last_period, c.counted) << c.name;
    EXPECT_EQ(ValidateDash(form, kPrefix, c.config).size(), 0u) << c.name;
    EXPECT_EQ(CriterionNames(AssessMarac(form, std::nullopt, now, c.config)),
              c.criteria)
        << c.name;
  }
}

TEST(MaracCriterionNameTest, NamesEveryCriterion) {
  struct Case {
    MaracCriterion criterion;
    const char* name;
  } cases[] = {
      {MaracCriterion::kVisibleHighRisk, "VISIBLE_HIGH_RISK"},
      {MaracCriterion::kProfessionalJudgement, "PROFESSIONAL_JUDGEMENT"},
      {MaracCriterion::kEscalation, "ESCALATION"},
      {MaracCriterion::kRepeat, "REPEAT"},
      {static_cast<MaracCriterion>(99), "UNKNOWN"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MaracCriterionName(c.criterion), c.name) << c.name;
  }
}

// ---- Validation ------------------------------------------------------------

TEST(ValidateDashTest, AcceptsValidForms) {
  DashForm all_not_known = FormWithYes(0);
  for (DashAnswer& a : all_not_known.answers) a = DashAnswer::kNotKnown;
  DashForm judgement = FormWithYes(24);
  judgement.professional_judgement = true;
  judgement.professional_judgement_rationale = kGoodRationale;
  judgement.incidents_last_period = 7;
  struct Case {
    const char* name;
    DashForm form;
    const char* prefix;
  } cases[] = {
      {"all no", FormWithYes(0), kPrefix},
      {"all not known", all_not_known, kPrefix},
      {"all yes with judgement", judgement, kPrefix},
      {"empty prefix", FormWithYes(14), ""},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ValidateDash(c.form, c.prefix), IsEmpty()) << c.name;
  }
}

TEST(ValidateDashTest, ReportsEveryViolation) {
  DashForm several = FormWithYes(10);
  several.answers[3] = DashAnswer::kUnanswered;
  several.answers[17] = DashAnswer::kUnanswered;
  several.professional_judgement = true;
  several.professional_judgement_rationale = "Too short.";
  several.incidents_last_period = -2;

  DashForm unknown_set = FormWithYes(0);
  unknown_set.question_set_version = "safelives-2099";

  DashForm unknown_set_no_answers;
  unknown_set_no_answers.question_set_version = "dash-custom";

  DashForm missing_set = FormWithYes(0);
  missing_set.question_set_version = "";

  DashForm too_few = FormWithYes(0);
  too_few.answers.pop_back();

  DashForm too_many = FormWithYes(0);
  too_many.answers.push_back(DashAnswer::kNo);

  DashForm no_answers = FormWithYes(0);
  no_answers.answers.clear();

  DashForm few_and_unanswered = FormWithYes(0);
  few_and_unanswered.answers.resize(23);
  few_and_unanswered.answers[0] = DashAnswer::kUnanswered;

  DashForm outside_enum = FormWithYes(0);
  outside_enum.answers[5] = static_cast<DashAnswer>(7);

  DashForm everything = FormWithYes(0);
  everything.question_set_version = "unknown";
  everything.answers[23] = DashAnswer::kUnanswered;
  everything.professional_judgement = true;
  everything.incidents_last_period = -1;

  DashForm no_prefix = several;

  struct Case {
    const char* name;
    DashForm form;
    const char* prefix;
    Violations violations;
  } cases[] = {
      {"several at once",
       several,
       kPrefix,
       {{"referral.marac.dash.answers[3]", kMustBeAnswered},
        {"referral.marac.dash.answers[17]", kMustBeAnswered},
        {"referral.marac.dash.professional_judgement_rationale",
         kRationaleRequired},
        {"referral.marac.dash.incidents_last_period", "must not be negative"}}},
      {"unknown question set",
       unknown_set,
       kPrefix,
       {{"referral.marac.dash.question_set_version",
         "is not a known question set"}}},
      {"unknown question set, no answers",
       unknown_set_no_answers,
       kPrefix,
       {{"referral.marac.dash.question_set_version",
         "is not a known question set"}}},
      {"missing question set",
       missing_set,
       kPrefix,
       {{"referral.marac.dash.question_set_version", "is required"}}},
      {"23 answers",
       too_few,
       kPrefix,
       {{"referral.marac.dash.answers", kMust24}}},
      {"25 answers",
       too_many,
       kPrefix,
       {{"referral.marac.dash.answers", kMust24}}},
      {"no answers",
       no_answers,
       kPrefix,
       {{"referral.marac.dash.answers", kMust24}}},
      {"23 answers, one unanswered",
       few_and_unanswered,
       kPrefix,
       {{"referral.marac.dash.answers", kMust24},
        {"referral.marac.dash.answers[0]", kMustBeAnswered}}},
      {"answer outside the enum",
       outside_enum,
       kPrefix,
       {{"referral.marac.dash.answers[5]", kMustBeAnswered}}},
      {"everything wrong",
       everything,
       kPrefix,
       {{"referral.marac.dash.question_set_version",
         "is not a known question set"},
        {"referral.marac.dash.answers[23]", kMustBeAnswered},
        {"referral.marac.dash.professional_judgement_rationale",
         kRationaleRequired},
        {"referral.marac.dash.incidents_last_period", "must not be negative"}}},
      {"empty prefix",
       no_prefix,
       "",
       {{"answers[3]", kMustBeAnswered},
        {"answers[17]", kMustBeAnswered},
        {"professional_judgement_rationale", kRationaleRequired},
        {"incidents_last_period", "must not be negative"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AsPairs(ValidateDash(c.form, c.prefix)), c.violations) << c.name;
  }
}

TEST(ValidateDashTest, NeverQuotesSubmittedValues) {
  DashForm form = FormWithYes(0);
  form.question_set_version = "victim-jane-doe";
  form.professional_judgement = true;
  form.professional_judgement_rationale = "Jane";
  form.incidents_last_period = -12345;
  EXPECT_THAT(
      AsPairs(ValidateDash(form, kPrefix)),
      ElementsAre(Pair("referral.marac.dash.question_set_version",
                       "is not a known question set"),
                  Pair("referral.marac.dash.professional_judgement_rationale",
                       kRationaleRequired),
                  Pair("referral.marac.dash.incidents_last_period",
                       "must not be negative")));
}

// The repeat check looks no further back than EarliestWithinCalendarMonths:
// nothing before it is within the months, at the edges of short months and
// across a leap day.
TEST(EarliestWithinCalendarMonthsTest, NothingEarlierIsWithin) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  struct Case {
    std::string name;
    absl::CivilSecond now;
    int months;
  };
  const std::vector<Case> cases = {
      {"a year, mid-month", absl::CivilSecond(2026, 6, 15, 12, 0, 0), 12},
      {"a year, from 1 March after a leap day",
       absl::CivilSecond(2025, 3, 1, 0, 0, 0), 12},
      {"six months, 3 March", absl::CivilSecond(2026, 3, 3, 9, 30, 0), 6},
      {"one month, 1 March", absl::CivilSecond(2026, 3, 1, 0, 0, 1), 1},
      {"two years, 31 December",
       absl::CivilSecond(2026, 12, 31, 23, 59, 59), 24},
  };
  for (const Case& c : cases) {
    const absl::Time now = absl::FromCivil(c.now, utc);
    const absl::Time earliest = EarliestWithinCalendarMonths(c.months, now);
    // Every hour up to a week before it is outside the months.
    for (int h = 1; h <= 24 * 7; ++h) {
      EXPECT_FALSE(IsWithinCalendarMonths(earliest - absl::Hours(h), c.months,
                                          now))
          << c.name << ", " << h << " h before";
    }
    // And the day that precedes it holds nothing within them either, while
    // `months` of 28 days back is within.
    EXPECT_FALSE(IsWithinCalendarMonths(earliest, c.months, now)) << c.name;
    EXPECT_TRUE(IsWithinCalendarMonths(now - absl::Hours(24 * 28) * c.months,
                                       c.months, now))
        << c.name;
  }
}

}  // namespace
}  // namespace safeguard
