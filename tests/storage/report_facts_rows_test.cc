// The report facts as stored (report_facts_format.h, report_facts_rows.h,
// sqlcipher_report_source.h): an encoding reads back as written, and
// garbage is refused; every workflow state has a code; a scan pages
// through the rows a query selects in key order, each once; the source
// visits each once across more pages than it reads ahead, and stops at a
// row that does not decode.
#include "server/storage/report_facts_rows.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/workflow.h"
#include "server/storage/database.h"
#include "server/storage/report_facts_format.h"
#include "server/storage/sqlcipher_report_source.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOk;
using ::safeguard::testing::StatusIs;

const absl::Time kReceived = absl::FromUnixSeconds(1'790'000'000);

ReportFacts Sample() {
  ReportFacts f;
  f.received = kReceived;
  f.referring_agency = "suffolk-police";
  f.reached = {
      {ReportStateCode("SUBMITTED"), kReceived},
      {ReportStateCode("HEARD"),
       kReceived + absl::Hours(24 * 14) + absl::Seconds(7)},
      {ReportStateCode("CANCELLED"), kReceived - absl::Seconds(5)}};
  f.child = true;
  f.nature = NrmNature::kDutyToNotify;
  f.exploitation = 0b10110;
  f.nationality = "Albanian";
  f.repeat = true;
  f.children = 3;
  f.victim.age_band = VictimCharacteristics::AgeBand::k65OrOver;
  f.victim.lgbt = VictimCharacteristics::Answer::kPreferNotToSay;
  f.measures_installed = 1u << 11;
  f.scheme = "suffolk-target-hardening";
  return f;
}

TEST(ReportFactsFormatTest, ReadsBackAsWritten) {
  const ReportFacts in = Sample();
  const std::string bytes = EncodeReportFacts(in);
  ReportFacts out;
  out.received = kReceived;
  out.reached = {{ReportStateCode("PCM"), kReceived}};  // replaced
  ASSERT_THAT(DecodeReportFacts(bytes, out), IsOk());
  EXPECT_EQ(out.reached, in.reached);
  EXPECT_EQ(out.referring_agency, in.referring_agency);
  EXPECT_EQ(out.child, in.child);
  EXPECT_EQ(out.nature, in.nature);
  EXPECT_EQ(out.exploitation, in.exploitation);
  EXPECT_EQ(out.nationality, in.nationality);
  EXPECT_EQ(out.repeat, in.repeat);
  EXPECT_EQ(out.children, in.children);
  EXPECT_EQ(out.victim.age_band, in.victim.age_band);
  EXPECT_EQ(out.victim.sex, in.victim.sex);
  EXPECT_EQ(out.victim.lgbt, in.victim.lgbt);
  EXPECT_EQ(out.measures_installed, in.measures_installed);
  EXPECT_EQ(out.scheme, in.scheme);
  // Coded states take a byte or two each.
  EXPECT_LT(bytes.size(), 100u);
}

TEST(ReportFactsFormatTest, RefusesWhatItDidNotWrite) {
  const std::string good = EncodeReportFacts(Sample());
  const std::vector<std::string> bad = {
      "", std::string(1, '\x02') + good.substr(1), good.substr(0, good.size() - 1),
      good + "x", std::string("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),
      // A state code past the list.
      good.substr(0, good.size() - 2) + std::string(1, '\x7f') +
          good.substr(good.size() - 1)};
  for (const std::string& b : bad) {
    ReportFacts out;
    EXPECT_THAT(DecodeReportFacts(b, out),
                StatusIs(absl::StatusCode::kDataLoss))
        << b.size();
  }
}

TEST(ReportFactsFormatTest, EveryWorkflowStateHasACode) {
  for (ReferralKind kind : {ReferralKind::kNrm, ReferralKind::kChannel,
                            ReferralKind::kMarac,
                            ReferralKind::kTargetHardening}) {
    for (absl::string_view state : WorkflowStates(kind)) {
      const StateCode code = ReportStateCode(state);
      ASSERT_NE(code, 0) << state;
      EXPECT_EQ(ReportStates()[code - 1], state);
    }
  }
  EXPECT_EQ(ReportStateCode("NOT_A_STATE"), 0);
}

// Writes `n` Channel referrals r0, r1, ... a day apart; every third (r2,
// r5, ...) in babergh, the rest in west-suffolk; the odd ones have reached
// the police gateway too.
// Checks what WriteReferrals wrote of the referral `f` is.
void ExpectWritten(const ReportFacts& f) {
  const int i = std::stoi(f.referral_id.substr(1));
  EXPECT_EQ(f.kind, ReferralKind::kChannel) << f.referral_id;
  EXPECT_EQ(f.area, i % 3 == 2 ? "babergh" : "west-suffolk") << f.referral_id;
  EXPECT_EQ(f.received, kReceived + absl::Hours(24 * i)) << f.referral_id;
  EXPECT_EQ(f.reached.size(), i % 2 == 1 ? 2u : 1u) << f.referral_id;
}

void WriteReferrals(testing::OpenedStore& opened, int n) {
  for (int i = 0; i < n; ++i) {
    Referral r;
    r.id = "r" + std::to_string(i);
    r.reference = "CHA-" + r.id;
    r.kind = ReferralKind::kChannel;
    r.form = ChannelForm();
    r.area = i % 3 == 2 ? "babergh" : "west-suffolk";
    r.referring_agency = "suffolk-police";
    r.create_time = kReceived + absl::Hours(24 * i);
    r.history = {{"x", r.create_time, "submit", "", "RECEIVED", "", {}}};
    r.state = "RECEIVED";
    if (i % 2 == 1) {
      r.history.push_back({"x", r.create_time + absl::Hours(1),
                           "begin_gateway", "RECEIVED", "POLICE_GATEWAY", "",
                           {}});
      r.state = "POLICE_GATEWAY";
    }
    AuditRecord audit;
    ASSERT_THAT(opened.units->Write(audit,
                                    [&](WriteTransaction& tx) {
                                      return tx.InsertReferral(r);
                                    }),
                IsOk());
  }
}

TEST(ReportFactsRowsTest, AScanPagesThroughTheRowsOnce) {
  testing::TempDir dir;
  auto opened = testing::OpenStore(dir.File("facts.db"), testing::TestKey(7));
  ASSERT_TRUE(opened.ok()) << opened.status();
  WriteReferrals(*opened, 5);
  FactsQuery query;
  query.area = "west-suffolk";
  std::vector<std::string> seen;
  int pages = 0;
  std::vector<ReportFacts> rows;
  std::optional<FactsKey> after = FactsKey();
  while (after.has_value()) {
    ++pages;
    absl::StatusOr<std::optional<FactsKey>> next =
        opened->db->Read([&](Database& db) {
          return ReadReportFactsRows(db, query, *after, 2, rows);
        });
    ASSERT_TRUE(next.ok()) << next.status();
    for (const ReportFacts& f : rows) {
      seen.push_back(f.referral_id);
      ExpectWritten(f);
    }
    after = *next;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"r0", "r1", "r3", "r4"}));
  EXPECT_EQ(pages, 3);  // 2, 2, then none
}

// 3 rows a read and 40 referrals: 14 pages, more than the source reads
// ahead of the one visited, so each page's storage is used again (for
// rows with other areas and other numbers of states reached).
TEST(SqlCipherReportSourceTest, VisitsEachRowOnceInKeyOrder) {
  testing::TempDir dir;
  auto opened = testing::OpenStore(dir.File("facts.db"), testing::TestKey(7));
  ASSERT_TRUE(opened.ok()) << opened.status();
  WriteReferrals(*opened, 40);
  SqlCipherReportSource source(*opened->db, /*rows_per_read=*/3);
  std::vector<std::string> seen;
  ASSERT_THAT(source.ForEachFacts(FactsQuery(),
                                  [&](const ReportFacts& f) {
                                    seen.push_back(f.referral_id);
                                    ExpectWritten(f);
                                  }),
              IsOk());
  std::vector<std::string> all;
  for (int i = 0; i < 40; ++i) all.push_back("r" + std::to_string(i));
  EXPECT_EQ(seen, all);

  FactsQuery babergh;
  babergh.area = "babergh";
  babergh.end = kReceived + absl::Hours(24 * 9);  // r0 to r8
  seen.clear();
  ASSERT_THAT(source.ForEachFacts(
                  babergh,
                  [&](const ReportFacts& f) { seen.push_back(f.referral_id); }),
              IsOk());
  EXPECT_EQ(seen, (std::vector<std::string>{"r2", "r5", "r8"}));
}

TEST(SqlCipherReportSourceTest, StopsAtARowThatDoesNotDecode) {
  testing::TempDir dir;
  auto opened = testing::OpenStore(dir.File("facts.db"), testing::TestKey(7));
  ASSERT_TRUE(opened.ok()) << opened.status();
  WriteReferrals(*opened, 40);
  ASSERT_THAT(opened->db->With([](Database& db) {
    return db.Exec(
        "UPDATE report_facts SET facts = x'02' WHERE referral_id = 'r25';");
  }),
              IsOk());
  SqlCipherReportSource source(*opened->db, /*rows_per_read=*/3);
  int visited = 0;
  EXPECT_THAT(source.ForEachFacts(FactsQuery(),
                                  [&](const ReportFacts&) { ++visited; }),
              StatusIs(absl::StatusCode::kDataLoss));
  // The pages before r25's (r0 to r23), and none after it.
  EXPECT_EQ(visited, 24);
}

}  // namespace
}  // namespace safeguard
