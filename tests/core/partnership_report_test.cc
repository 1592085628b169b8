// The partnership's reports (partnership_report.h) over a hand-built data
// set: fourteen referrals of the four kinds around the quarter April to
// June 2026, whose figures are worked out below by hand, case by case
// (deadlines across Good Friday, Easter Monday, the early May and the
// spring bank holidays). Run over the in-memory store and over a real
// SQLCipher file, whose report_facts rows are written with each referral.
#include "server/core/reports/partnership_report.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/memory_referral_store.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOk;
using ::safeguard::testing::StatusIs;
using ::testing::ElementsAre;
using Rows = std::vector<std::vector<std::string>>;

absl::TimeZone London() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &zone));
  return zone;
}

HolidayCalendar Calendar2026() {
  return *HolidayCalendar::Parse(
      "2026-01-01 New Year's Day\n"
      "2026-04-03 Good Friday\n"
      "2026-04-06 Easter Monday\n"
      "2026-05-04 Early May bank holiday\n"
      "2026-05-25 Spring bank holiday\n"
      "2026-08-31 Summer bank holiday\n"
      "2026-12-25 Christmas Day\n"
      "2026-12-28 Boxing Day (substitute day)\n",
      "test");
}

// A state reached, at a local time.
struct Step {
  const char* state;
  absl::CivilSecond at;
};

absl::CivilSecond At(int y, int m, int d, int h, int min = 0) {
  return absl::CivilSecond(y, m, d, h, min, 0);
}

Referral Make(const std::string& id, ReferralKind kind,
              const std::string& agency, const std::string& area,
              const std::vector<Step>& steps, ReferralForm form) {
  Referral r;
  r.id = id;
  r.reference = "REF-" + id;
  r.version = 1;
  r.kind = kind;
  r.referring_agency = agency;
  r.referrer = "person/referrer";
  r.area = area;
  r.form = std::move(form);
  r.subjects.emplace_back();
  std::string from;
  for (const Step& s : steps) {
    TransitionRecord t;
    t.actor = agency + "/person/referrer";
    t.time = absl::FromCivil(s.at, London());
    t.action = from.empty() ? "submit" : "step";
    t.from_state = from;
    t.to_state = s.state;
    r.history.push_back(t);
    from = s.state;
  }
  r.state = from;
  r.create_time = r.history.front().time;
  r.update_time = r.history.back().time;
  return r;
}

NrmForm Nrm(NrmNature nature, bool child,
            std::vector<ExploitationType> types) {
  NrmForm f;
  f.nature = nature;
  f.subject_is_child = child;
  f.exploitation_types = std::move(types);
  return f;
}

MaracForm Marac(bool repeat, int children, VictimCharacteristics victim) {
  MaracForm f;
  if (repeat) f.criteria = {MaracCriterion::kRepeat};
  f.children.resize(children);
  f.victim = victim;
  return f;
}

TargetHardeningForm Job(std::vector<SecurityMeasure> installed) {
  TargetHardeningForm f;
  f.scheme = "suffolk-target-hardening";
  f.measures_installed = std::move(installed);
  return f;
}

// The data set. Agencies: suffolk-police (police), west-suffolk-council
// (local authority), leeway (voluntary sector), suffolk-education (no type
// in the policy: other).
std::vector<Referral> DataSet() {
  using K = ReferralKind;
  using N = NrmNature;
  using E = ExploitationType;
  using M = SecurityMeasure;
  const std::string ws = "west-suffolk";
  VictimCharacteristics m1;
  m1.age_band = VictimCharacteristics::AgeBand::k25To34;
  m1.sex = VictimCharacteristics::Sex::kFemale;
  m1.ethnicity_group = VictimCharacteristics::EthnicityGroup::kWhite;
  m1.disability = VictimCharacteristics::Answer::kNo;
  std::vector<Referral> out = {
      // Channel. C1: gateway NFA on the 5th working day after 1 April
      // (2, 7, 8, 9, 10 April: Good Friday and Easter Monday skipped): met.
      Make("c1", K::kChannel, "west-suffolk-council", ws,
           {{"RECEIVED", At(2026, 4, 1, 10)},
            {"POLICE_GATEWAY", At(2026, 4, 1, 11)},
            {"NFA", At(2026, 4, 10, 12)}},
           ChannelForm()),
      // C2: PCM on 13 April, after the deadline (10 April): missed.
      Make("c2", K::kChannel, "suffolk-police", ws,
           {{"RECEIVED", At(2026, 4, 1, 10)},
            {"POLICE_GATEWAY", At(2026, 4, 2, 9)},
            {"PCM", At(2026, 4, 13, 9)}},
           ChannelForm()),
      // C3: information gathering on 29 May, the 5th working day after 21
      // May (22, 26, 27, 28, 29: the spring bank holiday skipped): met;
      // then panel and adoption.
      Make("c3", K::kChannel, "suffolk-education", ws,
           {{"RECEIVED", At(2026, 5, 21, 9)},
            {"POLICE_GATEWAY", At(2026, 5, 21, 10)},
            {"INFO_GATHERING", At(2026, 5, 29, 17)},
            {"PANEL", At(2026, 6, 10, 9)},
            {"ADOPTED", At(2026, 6, 20, 9)}},
           ChannelForm()),
      // C4: received in March (GMT), signposted on 2 April (BST), after
      // its deadline of 27 March: missed, decided in the period.
      Make("c4", K::kChannel, "suffolk-police", ws,
           {{"RECEIVED", At(2026, 3, 20, 10)},
            {"SIGNPOSTED", At(2026, 4, 2, 10)}},
           ChannelForm()),
      // C5: after the period.
      Make("c5", K::kChannel, "suffolk-police", ws,
           {{"RECEIVED", At(2026, 7, 2, 10)}, {"NFA", At(2026, 7, 3, 10)}},
           ChannelForm()),
      // NRM. N1: positive reasonable grounds on 5 May, the deadline being
      // 6 May (29, 30 April, 1, 5, 6 May: the early May holiday skipped).
      Make("n1", K::kNrm, "suffolk-police", ws,
           {{"NRM_SUBMITTED", At(2026, 4, 28, 10)},
            {"REF_ASSIGNED", At(2026, 4, 29, 10)},
            {"RG_PENDING", At(2026, 4, 29, 11)},
            {"RG_POSITIVE", At(2026, 5, 5, 15)}},
           Nrm(N::kNrmReferral, false, {E::kLabour})),
      // N2: a child; negative on 24 April, after the deadline of 21 April.
      Make("n2", K::kNrm, "suffolk-police", ws,
           {{"NRM_SUBMITTED", At(2026, 4, 14, 9)},
            {"RG_PENDING", At(2026, 4, 15, 9)},
            {"RG_NEGATIVE", At(2026, 4, 24, 9)}},
           Nrm(N::kNrmReferral, true, {E::kSexual, E::kCriminal})),
      // N3: a Duty to Notify report in Babergh, no exploitation recorded.
      Make("n3", K::kNrm, "suffolk-police", "babergh",
           {{"DTN_SUBMITTED", At(2026, 6, 1, 10)}},
           Nrm(N::kDutyToNotify, false, {})),
      // N4: received in 2025; positive conclusive grounds in the period.
      Make("n4", K::kNrm, "suffolk-police", ws,
           {{"NRM_SUBMITTED", At(2025, 10, 1, 10)},
            {"RG_POSITIVE", At(2025, 10, 6, 10)},
            {"RECOVERY_SUPPORT", At(2025, 10, 7, 10)},
            {"CG_PENDING", At(2025, 11, 7, 10)},
            {"CG_POSITIVE", At(2026, 5, 15, 10)}},
           Nrm(N::kNrmReferral, false, {E::kDomesticServitude})),
      // MARAC. M1: police, heard 16 April, a repeat, two children.
      Make("m1", K::kMarac, "suffolk-police", ws,
           {{"SUBMITTED", At(2026, 4, 2, 9)},
            {"COORDINATOR_SCREEN", At(2026, 4, 2, 10)},
            {"LISTED", At(2026, 4, 3, 9)},
            {"AGENCY_RESEARCH", At(2026, 4, 9, 9)},
            {"HEARD", At(2026, 4, 16, 9)}},
           Marac(true, 2, m1)),
      // M2: from Leeway, heard 14 May, closed 25 June.
      Make("m2", K::kMarac, "leeway", ws,
           {{"SUBMITTED", At(2026, 4, 20, 9)},
            {"COORDINATOR_SCREEN", At(2026, 4, 20, 10)},
            {"EMERGENCY_MARAC", At(2026, 4, 21, 9)},
            {"HEARD", At(2026, 5, 14, 9)},
            {"ACTIONS_OPEN", At(2026, 5, 14, 10)},
            {"ACTIONS_REVIEWED", At(2026, 6, 20, 9)},
            {"CLOSED", At(2026, 6, 25, 9)}},
           Marac(false, 0, VictimCharacteristics())),
      // M3: submitted at the end of June, not yet heard.
      Make("m3", K::kMarac, "suffolk-police", ws,
           {{"SUBMITTED", At(2026, 6, 29, 9)}},
           Marac(false, 0, VictimCharacteristics())),
      // Target hardening (48 hours). T1: installed after 36 hours: met.
      Make("t1", K::kTargetHardening, "leeway", ws,
           {{"REFERRED", At(2026, 5, 10, 8)},
            {"ELIGIBILITY", At(2026, 5, 10, 9)},
            {"ACCEPTED", At(2026, 5, 10, 10)},
            {"SURVEY_BOOKED", At(2026, 5, 10, 11)},
            {"INSTALLED", At(2026, 5, 11, 20)}},
           Job({M::kLocks, M::kVideoDoorbell})),
      // T2: installed after 71 hours: missed.
      Make("t2", K::kTargetHardening, "west-suffolk-council", ws,
           {{"REFERRED", At(2026, 5, 12, 8)},
            {"ELIGIBILITY", At(2026, 5, 12, 9)},
            {"ACCEPTED", At(2026, 5, 12, 10)},
            {"SURVEY_BOOKED", At(2026, 5, 12, 11)},
            {"INSTALLED", At(2026, 5, 15, 7)}},
           Job({M::kLocks})),
      // T3: installed in February; its 3-month review in the period.
      Make("t3", K::kTargetHardening, "leeway", ws,
           {{"REFERRED", At(2026, 2, 1, 8)},
            {"ACCEPTED", At(2026, 2, 1, 10)},
            {"INSTALLED", At(2026, 2, 2, 8)},
            {"ES_FLAG_SET", At(2026, 2, 3, 8)},
            {"REVIEW_3M", At(2026, 5, 5, 8)}},
           Job({M::kAlarm})),
  };
  return out;
}

Partnership TestPartnership() {
  Partnership p;
  p.areas = {"west-suffolk", "babergh"};
  p.workflow.service_hours_by_scheme["suffolk-target-hardening"] = 48;
  p.reports.adult_women_by_area = {{"west-suffolk", 20000},
                                   {"babergh", 30000}};
  p.reports.agency_types = {{"suffolk-police", "police"},
                            {"west-suffolk-council", "local authority"},
                            {"leeway", "voluntary sector"}};
  p.reports.type_order = {"police", "local authority", "voluntary sector"};
  return p;
}

enum class Store { kMemory, kSqlCipher };

class PartnershipReportTest : public ::testing::TestWithParam<Store> {
 protected:
  void SetUp() override {
    UnitOfWork* units = &memory_;
    source_ = &memory_;
    if (GetParam() == Store::kSqlCipher) {
      auto opened = testing::OpenStore(dir_.File("reports.db"),
                                       testing::TestKey(0x3c));
      ASSERT_TRUE(opened.ok()) << opened.status();
      opened_ = *std::move(opened);
      units = opened_.units.get();
      source_ = opened_.reports.get();
    }
    for (const Referral& r : DataSet()) {
      AuditRecord audit;
      ASSERT_THAT(units->Write(audit,
                               [&](WriteTransaction& tx) {
                                 return tx.InsertReferral(r);
                               }),
                  IsOk());
    }
    service_ = std::make_unique<ReportService>(*source_, calendar_, London(),
                                               clock_);
  }

  // The report for the quarter, every figure shown unless `suppress`.
  BuiltReport Run(const std::string& definition, bool suppress,
                  const std::string& area = "") {
    ReportSpec spec;
    spec.definition = definition;
    spec.start = absl::CivilDay(2026, 4, 1);
    spec.end = absl::CivilDay(2026, 6, 30);
    spec.area = area;
    spec.suppress = suppress;
    absl::StatusOr<BuiltReport> report = service_->Run(spec, partnership_);
    EXPECT_THAT(report, IsOk());
    return report.ok() ? *std::move(report) : BuiltReport();
  }

  // Each row of table `id`: its label, then each cell as displayed.
  static Rows Table(const BuiltReport& report, const std::string& id) {
    Rows out;
    for (const ReportTable& t : report.tables) {
      if (t.id != id) continue;
      for (const TableRow& r : t.rows) {
        std::vector<std::string> row = {r.label};
        for (size_t i = 0; i < r.cells.size(); ++i) {
          row.push_back(DisplayFigure(r.cells[i], t.columns[i].unit,
                                      report.policy));
        }
        out.push_back(std::move(row));
      }
    }
    return out;
  }

  testing::TempDir dir_;
  testing::OpenedStore opened_;
  testing::MemoryReferralStore memory_;
  ReportSource* source_ = nullptr;
  const HolidayCalendar calendar_ = Calendar2026();
  testing::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  const Partnership partnership_ = TestPartnership();
  std::unique_ptr<ReportService> service_;
};

TEST_P(PartnershipReportTest, ReceivedOpenAndOutcomes) {
  const BuiltReport r = Run("overview", /*suppress=*/false);
  // April: n1 n2 | c1 c2 | m1 m2; May: c3 | t1 t2; June: n3 | m3. c4 was
  // received in March, c5 in July, n4 in 2025, t3 in February.
  EXPECT_EQ(Table(r, "received_by_month"),
            (Rows{{"2026-04", "2", "2", "2", "0", "6"},
                  {"2026-05", "0", "1", "0", "2", "3"},
                  {"2026-06", "1", "0", "1", "0", "2"},
                  {"Total", "3", "3", "3", "2", "11"}}));
  EXPECT_EQ(Table(r, "received_by_agency_type"),
            (Rows{{"police", "3", "1", "2", "0", "6"},
                  {"local authority", "0", "1", "0", "1", "2"},
                  {"voluntary sector", "0", "0", "1", "1", "2"},
                  {"other", "0", "1", "0", "0", "1"},
                  {"Total", "3", "3", "3", "2", "11"}}));
  EXPECT_EQ(Table(r, "received_by_area"),
            (Rows{{"babergh", "1", "0", "0", "0", "1"},
                  {"west-suffolk", "2", "3", "3", "2", "10"},
                  {"Total", "3", "3", "3", "2", "11"}}));
  // Open on 1 July: n1 (RG_POSITIVE); c2 (PCM), c3 (ADOPTED); m1 (HEARD),
  // m3; t1, t2 (INSTALLED), t3 (REVIEW_3M). c5 was received after it.
  EXPECT_EQ(Table(r, "open_at_end"),
            (Rows{{"NRM", "1"},
                  {"Channel", "2"},
                  {"MARAC", "2"},
                  {"Target hardening", "3"},
                  {"Total", "8"}}));
  const Rows outcomes = Table(r, "outcomes");
  EXPECT_THAT(outcomes, ::testing::IsSupersetOf(Rows{
                            {"NRM: positive reasonable grounds", "1"},
                            {"NRM: negative reasonable grounds", "1"},
                            {"NRM: positive conclusive grounds", "1"},
                            {"NRM: withdrawn", "0"},
                            {"Channel: gateway, no further action", "1"},
                            {"Channel: gateway, signposted", "1"},
                            {"Channel: adopted by the panel", "1"},
                            {"MARAC: heard", "2"},
                            {"MARAC: closed", "1"},
                            {"Target hardening: accepted", "2"},
                            {"Target hardening: measures installed", "2"},
                            {"Target hardening: closed", "0"}}));
}

TEST_P(PartnershipReportTest, TimelinessAcrossBankHolidays) {
  const BuiltReport r = Run("overview", /*suppress=*/false);
  // Days to the decision: RG n1 7.21, n2 10.0; CG n4 226.0; gateway c3
  // 8.33, c1 9.08, c2 11.96, c4 12.96 (GMT to BST: 13 days less an hour);
  // panel c3 30.0; heard m1 14, m2 24; eligibility t1 t2 0.08; installed
  // t1 1.5, t2 2.96.
  EXPECT_EQ(Table(r, "time_to_decision"),
            (Rows{{"NRM: reasonable-grounds decision", "2", "8.6", "10.0"},
                  {"NRM: conclusive-grounds decision", "1", "226.0", "226.0"},
                  {"Channel: gateway assessment", "4", "10.5", "13.0"},
                  {"Channel: panel decision", "1", "30.0", "30.0"},
                  {"MARAC: heard", "2", "19.0", "24.0"},
                  {"Target hardening: eligibility decision", "2", "0.1",
                   "0.1"},
                  {"Target hardening: measures installed", "2", "2.2",
                   "3.0"}}));
  // Gateway: c1, c3 met; c2, c4 missed. RG: n1 met, n2 missed. Installed:
  // t1 met, t2 missed.
  EXPECT_EQ(Table(r, "deadlines_met"),
            (Rows{{"Channel gateway assessment within 5 working days", "2",
                   "2", "4", "50.0%"},
                  {"NRM reasonable-grounds decision within 5 working days",
                   "1", "1", "2", "50.0%"},
                  {"Target hardening measures installed within the scheme's "
                   "hours",
                   "1", "1", "2", "50.0%"}}));
}

TEST_P(PartnershipReportTest, EachKindsFigures) {
  const BuiltReport r = Run("full", /*suppress=*/false);
  EXPECT_EQ(Table(r, "marac_cases"),
            (Rows{{"Cases heard", "2"},
                  {"Repeat cases", "1"},
                  {"Referred by agencies other than the police", "1"},
                  {"Cases with children", "1"},
                  {"Children in the cases heard", "2"}}));
  // 2 cases among 50,000 adult women of both areas.
  EXPECT_EQ(Table(r, "marac_rates"), (Rows{{"Cases heard", "50.0%", "0.4"}}));
  EXPECT_EQ(Table(r, "marac_victim_sex"),
            (Rows{{"Not recorded", "1"},
                  {"Female", "1"},
                  {"Male", "0"},
                  {"Total", "2"}}));
  EXPECT_EQ(Table(r, "nrm_referrals"),
            (Rows{{"NRM referrals", "1", "1", "2"},
                  {"Duty to Notify reports", "1", "0", "1"},
                  {"Total", "2", "1", "3"}}));
  EXPECT_EQ(Table(r, "nrm_exploitation"),
            (Rows{{"Sexual", "0", "0", "0"},
                  {"Labour", "1", "0", "1"},
                  {"Domestic servitude", "0", "0", "0"},
                  {"Criminal", "0", "0", "0"},
                  {"Organ harvesting", "0", "0", "0"},
                  {"More than one type", "0", "1", "1"},
                  {"Not recorded", "1", "0", "1"},
                  {"Total", "2", "1", "3"}}));
  EXPECT_EQ(Table(r, "nrm_decisions"),
            (Rows{{"Reasonable grounds", "1", "1", "2", "50.0%"},
                  {"Conclusive grounds", "1", "0", "1", "100.0%"}}));
  EXPECT_EQ(Table(r, "channel_gateway"),
            (Rows{{"No further action", "1"},
                  {"Signposted", "1"},
                  {"Prevent case management", "1"},
                  {"Information gathering", "1"},
                  {"Total", "4"}}));
  EXPECT_EQ(Table(r, "channel_by_route"),
            (Rows{{"police", "1", "0", "0", "0"},
                  {"local authority", "1", "0", "0", "0"},
                  {"voluntary sector", "0", "0", "0", "0"},
                  {"other", "1", "1", "1", "0"},
                  {"Total", "3", "1", "1", "0"}}));
  EXPECT_EQ(Table(r, "th_jobs"),
            (Rows{{"Jobs referred", "2"},
                  {"Jobs completed (measures installed)", "2"},
                  {"3-month reviews done", "1"},
                  {"6-month reviews done", "0"}}));
  const Rows measures = Table(r, "th_measures");
  EXPECT_THAT(measures, ::testing::IsSupersetOf(Rows{{"Locks", "2"},
                                                     {"Video doorbell", "1"},
                                                     {"Alarm", "0"}}));
}

TEST_P(PartnershipReportTest, OneAreaCountsOnlyItsReferrals) {
  const BuiltReport r = Run("overview", /*suppress=*/false, "babergh");
  EXPECT_EQ(Table(r, "received_by_area"),
            (Rows{{"babergh", "1", "0", "0", "0", "1"},
                  {"Total", "1", "0", "0", "0", "1"}}));
  const BuiltReport marac = Run("marac", /*suppress=*/false, "babergh");
  EXPECT_EQ(Table(marac, "marac_rates"),
            (Rows{{"Cases heard", "not available", "0.0"}}));
}

TEST_P(PartnershipReportTest, SmallNumbersAreSuppressed) {
  const BuiltReport r = Run("overview", /*suppress=*/true);
  // Every month's count of a kind is 0 to 2: each 1 or 2 is fewer than 5,
  // and so is every total up to 4. No total then has exactly one hidden
  // part (11 = 6 + May's + June's, both hidden), so nothing more goes.
  EXPECT_EQ(Table(r, "received_by_month"),
            (Rows{{"2026-04", "fewer than 5", "fewer than 5", "fewer than 5",
                   "0", "6"},
                  {"2026-05", "0", "fewer than 5", "0", "fewer than 5",
                   "fewer than 5"},
                  {"2026-06", "fewer than 5", "0", "fewer than 5", "0",
                   "fewer than 5"},
                  {"Total", "fewer than 5", "fewer than 5", "fewer than 5",
                   "fewer than 5", "11"}}));
  // Medians and shares from fewer than 5 cases are not shown.
  EXPECT_EQ(Table(r, "deadlines_met")[0],
            (std::vector<std::string>{
                "Channel gateway assessment within 5 working days",
                "fewer than 5", "fewer than 5", "fewer than 5",
                "too few cases"}));
  EXPECT_EQ(Table(r, "time_to_decision")[2],
            (std::vector<std::string>{"Channel: gateway assessment",
                                      "fewer than 5", "too few cases",
                                      "too few cases"}));
  for (const ReportTable& t : r.tables) {
    for (const TableRow& row : t.rows) {
      for (const Figure& f : row.cells) {
        if (f.status != FigureStatus::kShown) {
          EXPECT_EQ(f.value, 0) << t.id;
        }
      }
    }
  }
}

TEST_P(PartnershipReportTest, RefusesWhatIsNotAReport) {
  ReportSpec spec;
  spec.definition = "everything";
  spec.start = absl::CivilDay(2026, 6, 30);
  spec.end = absl::CivilDay(2026, 4, 1);
  spec.area = "norfolk";
  absl::StatusOr<BuiltReport> r = service_->Run(spec, partnership_);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(
      FieldViolations(r.status()),
      ElementsAre(
          FieldViolation{"report",
                         "is not a report: ListReportDefinitions names them"},
          FieldViolation{"end_date", "must not be before start_date"},
          FieldViolation{"area", "is not one of the partnership's areas"}));
  spec.definition = "full";
  spec.area = "";
  spec.start = absl::CivilDay(2020, 1, 1);
  spec.end = absl::CivilDay(2026, 1, 1);
  EXPECT_THAT(FieldViolations(service_->Run(spec, partnership_).status()),
              ElementsAre(FieldViolation{
                  "end_date", "must be within 5 years of start_date"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, PartnershipReportTest,
                         ::testing::Values(Store::kMemory, Store::kSqlCipher),
                         [](const ::testing::TestParamInfo<Store>& info) {
                           return info.param == Store::kMemory ? "Memory"
                                                               : "SqlCipher";
                         });

}  // namespace
}  // namespace safeguard
