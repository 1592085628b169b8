// Integration: the partnership's reports through the real server. The
// analyst runs the year's report over the referrals just submitted and
// sees small numbers suppressed, but cannot read a referral; every figure
// needs the analyst's role and a written reason, which the audit log
// keeps; a lead runs the suppressed report only; a bad request names each
// field.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::ChannelSubmission;
using ::safeguard::testing::Context;
using ::safeguard::testing::MaracSubmission;
using ::safeguard::testing::NrmSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::safeguard::testing::Today;
using ::safeguard::testing::Violations;
using ::testing::ElementsAre;

constexpr char kAnalyst[] = "csp-analyst/person/analyst";
constexpr char kLead[] = "west-suffolk-council/person/safeguarding-lead";
constexpr char kReason[] = "Figures for the strategic assessment's annex";

// One row of a table: its label, then each cell's display text and status.
struct Row {
  std::string label;
  std::vector<std::string> display;
  std::vector<int> status;
};

Row RowOf(const v1::Report& report, const std::string& table,
          const std::string& label) {
  for (const v1::ReportTable& t : report.tables()) {
    if (t.id() != table) continue;
    for (const v1::ReportRow& r : t.rows()) {
      if (r.label() != label) continue;
      Row out{r.label(), {}, {}};
      for (const v1::ReportCell& c : r.cells()) {
        out.display.push_back(c.display());
        out.status.push_back(c.status());
        // A figure not shown carries no value.
        if (c.status() != v1::SHOWN) {
          EXPECT_EQ(c.value(), 0);
        }
      }
      return out;
    }
  }
  return Row{};
}

class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  std::string Submit(const std::string& who, const v1::Referral& r) {
    v1::Referral out;
    grpc::Status s = callers_->Submit(
        who, "req-" + std::to_string(++requests_), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  // The full report for the financial year (April to March) holding today.
  static v1::RunReportRequest ThisYear() {
    const v1::Date today = Today();
    const int start_year = today.month() >= 4 ? today.year() : today.year() - 1;
    v1::RunReportRequest request;
    request.set_report("reports/full");
    request.mutable_start_date()->set_year(start_year);
    request.mutable_start_date()->set_month(4);
    request.mutable_start_date()->set_day(1);
    request.mutable_end_date()->set_year(start_year + 1);
    request.mutable_end_date()->set_month(3);
    request.mutable_end_date()->set_day(31);
    return request;
  }

  static std::string ThisMonth() {
    const v1::Date today = Today();
    char label[8];
    std::snprintf(label, sizeof label, "%04d-%02d", today.year(),
                  today.month());
    return label;
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int requests_ = 0;
};

TEST_F(ReportsTest, TheAnalystRunsTheYearsReportButReadsNoReferral) {
  std::string channel;
  for (int i = 0; i < 6; ++i) {
    channel = Submit("probation-service/system/ndelius", ChannelSubmission());
  }
  Submit("suffolk-police/system/athena", NrmSubmission());
  Submit("leeway/person/idva", MaracSubmission(15, "Alex Example"));
  // The victim's equality monitoring answers, kept as given.
  v1::Referral marac = MaracSubmission(15, "Sam Sample");
  v1::VictimCharacteristics* victim = marac.mutable_marac()->mutable_victim();
  victim->set_age_band(v1::VictimCharacteristics::AGE_18_24);
  victim->set_sex(v1::VictimCharacteristics::FEMALE);
  victim->set_lgbt(v1::VictimCharacteristics::ANSWER_PREFER_NOT_TO_SAY);
  v1::Referral read;
  ASSERT_TRUE(callers_
                  ->Get("suffolk-county-council/person/marac-coordinator",
                        Submit("leeway/person/idva", marac), &read)
                  .ok());
  EXPECT_EQ(read.marac().victim().SerializeAsString(),
            victim->SerializeAsString());
  // The coordinator records what the victim said later: a correction,
  // kept in the history by path.
  v1::UpdateReferralRequest correct;
  correct.mutable_referral()->set_name(read.name());
  correct.mutable_referral()->set_version(read.version());
  v1::VictimCharacteristics* later =
      correct.mutable_referral()->mutable_marac()->mutable_victim();
  *later = *victim;
  later->set_disability(v1::VictimCharacteristics::ANSWER_NO);
  correct.mutable_update_mask()->add_paths("marac.victim");
  v1::Referral corrected;
  grpc::Status s = callers_->As("suffolk-county-council/person/marac-coordinator")
                       .UpdateReferral(Context().get(), correct, &corrected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(corrected.marac().victim().disability(),
            v1::VictimCharacteristics::ANSWER_NO);
  ASSERT_GT(corrected.history_size(), 0);
  const v1::TransitionRecord& step =
      corrected.history(corrected.history_size() - 1);
  EXPECT_EQ(step.action(), "correct");
  ASSERT_EQ(step.changes_size(), 1);
  EXPECT_EQ(step.changes(0).path(), "marac.victim.disability");

  v1::Report report;
  s = callers_->Reports(kAnalyst).RunReport(Context().get(), ThisYear(),
                                            &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(report.report(), "reports/full");
  EXPECT_TRUE(report.suppressed());
  EXPECT_EQ(report.threshold(), 5);
  // This month: 1 NRM, 6 Channel, 2 MARAC, no target hardening; 9 in all.
  // The 1 and the 2 are fewer than 5; nothing else gives them away.
  const Row month = RowOf(report, "received_by_month", ThisMonth());
  EXPECT_EQ(month.display,
            (std::vector<std::string>{"fewer than 5", "6", "fewer than 5", "0",
                                      "9"}));
  EXPECT_EQ(month.status,
            (std::vector<int>{v1::FEWER_THAN_THRESHOLD, v1::SHOWN,
                              v1::FEWER_THAN_THRESHOLD, v1::SHOWN, v1::SHOWN}));
  EXPECT_EQ(report.tables_size(), 22);

  // The analyst reads no referral, and lists none.
  v1::GetReferralRequest get;
  get.set_name(channel);
  EXPECT_EQ(callers_->As(kAnalyst).GetReferral(Context().get(), get, &read)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListReferralsResponse listed;
  EXPECT_EQ(callers_->As(kAnalyst)
                .ListReferrals(Context().get(), v1::ListReferralsRequest(),
                               &listed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Every figure needs a written reason, which the audit entry keeps.
  v1::RunUnsuppressedReportRequest all;
  *all.mutable_request() = ThisYear();
  s = callers_->Reports(kAnalyst).RunUnsuppressedReport(Context().get(), all,
                                                        &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Violations(s),
            (std::vector<FieldViolation>{
                {"reason", "is required: say why you are asking for every "
                           "figure, in at least 10 characters"}}));
  all.set_reason(kReason);
  auto context = Context();
  context->AddMetadata("x-request-id", "unsuppressed-1");
  s = callers_->Reports(kAnalyst).RunUnsuppressedReport(context.get(), all,
                                                        &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(report.suppressed());
  EXPECT_EQ(RowOf(report, "received_by_month", ThisMonth()).display,
            (std::vector<std::string>{"1", "6", "2", "0", "9"}));
  const std::vector<v1::AuditEntry> entries =
      callers_->AuditEntriesFor("unsuppressed-1");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].method(), "safeguard.v1.Reports/RunUnsuppressedReport");
  EXPECT_EQ(entries[0].reason(), kReason);
  EXPECT_EQ(entries[0].code(), 0);
}

TEST_F(ReportsTest, ALeadRunsTheSuppressedReportOnly) {
  v1::ListReportDefinitionsResponse definitions;
  grpc::Status s = callers_->Reports(kLead).ListReportDefinitions(
      Context().get(), v1::ListReportDefinitionsRequest(), &definitions);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<std::string> names;
  for (const v1::ReportDefinition& d : definitions.definitions()) {
    names.push_back(d.name());
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "reports/full", "reports/overview", "reports/marac",
                       "reports/nrm", "reports/channel",
                       "reports/target-hardening"}));
  v1::Report report;
  s = callers_->Reports(kLead).RunReport(Context().get(), ThisYear(), &report);
  ASSERT_TRUE(s.ok()) << s.error_message();

  v1::RunUnsuppressedReportRequest all;
  *all.mutable_request() = ThisYear();
  all.set_reason(kReason);
  s = callers_->Reports(kLead).RunUnsuppressedReport(Context().get(), all,
                                                     &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ReportsTest, ABadRequestNamesEachField) {
  v1::RunReportRequest request;
  request.set_report("reports/everything");
  request.mutable_start_date()->set_year(2026);
  request.mutable_start_date()->set_month(2);
  request.mutable_start_date()->set_day(30);
  v1::Report report;
  grpc::Status s =
      callers_->Reports(kAnalyst).RunReport(Context().get(), request, &report);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const char kWhole[] =
      "must be a whole date (year, month and day) from 2000 to 2100";
  EXPECT_EQ(Violations(s),
            (std::vector<FieldViolation>{
                {"start_date", kWhole},
                {"end_date", kWhole},
                {"report", "is not a report: ListReportDefinitions names them"}}));

  // Inside the unsuppressed request, the fields are named by their path.
  v1::RunUnsuppressedReportRequest all;
  *all.mutable_request() = ThisYear();
  all.mutable_request()->set_area("norfolk");
  all.set_reason(kReason);
  s = callers_->Reports(kAnalyst).RunUnsuppressedReport(Context().get(), all,
                                                        &report);
  EXPECT_EQ(Violations(s),
            (std::vector<FieldViolation>{
                {"request.area", "is not one of the partnership's areas"}}));
}

}  // namespace
}  // namespace safeguard
