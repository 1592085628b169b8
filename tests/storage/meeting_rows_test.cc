// Meetings and actions in the SQLCipher store: a database written by the
// previous version (schema 7) takes the meeting tables when opened, with
// its referrals as they were; meetings and actions round-trip through their
// stored format; action lists filter, order and page as the agenda and the
// worklists need; a stale version is refused.
#include "server/storage/meeting_rows.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/storage/migrations.h"
#include "server/storage/person_index_rows.h"
#include "server/storage/sqlcipher_meeting_store.h"
#include "server/storage/stored_meeting.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::OpenStore;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestKey;

Meeting AMeeting(const std::string& id, const std::string& area, int64_t start) {
  Meeting m;
  m.id = id;
  m.kind = ReferralKind::kMarac;
  m.area = area;
  m.start_time = absl::FromUnixSeconds(start);
  m.chair = "Chair";
  m.venue = "https://meet.example/marac";
  m.state = MeetingState::kScheduled;
  m.version = 1;
  m.agencies = {"police", "health"};
  MeetingCase c;
  c.referral_id = "r1";
  c.listed_time = absl::FromUnixSeconds(start - 100);
  c.section = AgendaSection::kNewWithChildren;
  c.research = {{"police", "police/person/rep", "Two call-outs",
                 absl::FromUnixSeconds(start - 50)}};
  c.outcome = "Refer to the IDVA";
  m.cases = {c};
  m.attendance = {{"police", "PC Example", Presence::kApologiesInformationSent,
                   true, "council/person/coordinator",
                   absl::FromUnixSeconds(start)}};
  m.created_by = "council/person/coordinator";
  m.create_time = absl::FromUnixSeconds(start - 1000);
  m.update_time = absl::FromUnixSeconds(start - 10);
  return m;
}

PlanAction AnAction(const std::string& id, const std::string& owner, int day,
                    ActionStatus status) {
  PlanAction a;
  a.id = id;
  a.referral_id = "r1";
  a.meeting_id = "m1";
  a.kind = ReferralKind::kMarac;
  a.area = "babergh";
  a.description = "Flag the address";
  a.owner_agency = owner;
  a.owner = "Duty sergeant";
  a.due_date = {2026, 12, day};
  a.status = status;
  a.version = 1;
  a.create_time = absl::FromUnixSeconds(1);
  a.update_time = absl::FromUnixSeconds(2);
  return a;
}

std::vector<std::string> Ids(const ActionPage& page) {
  std::vector<std::string> out;
  for (const PlanAction& a : page.actions) out.push_back(a.id);
  return out;
}

class MeetingRowsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("safeguard.db");
    std::filesystem::copy_file(
        std::string(SAFEGUARD_SOURCE_DIR) + "/tests/data/schema-7.db", path_);
    auto opened = OpenStore(path_, TestKey(0x2a));
    ASSERT_TRUE(opened.ok()) << opened.status();
    opened_ = *std::move(opened);
    meetings_ = std::make_unique<SqlCipherMeetingStore>(*opened_.db);
  }

  absl::Status Write(absl::FunctionRef<absl::Status(WriteTransaction&)> body) {
    AuditRecord audit;
    return opened_.units->Write(audit, body);
  }

  TempDir dir_;
  std::string path_;
  testing::OpenedStore opened_;
  std::unique_ptr<SqlCipherMeetingStore> meetings_;
};

TEST_F(MeetingRowsTest, ADatabaseOfThePreviousVersionTakesTheMeetingTables) {
  EXPECT_EQ(opened_.db->schema_version(), SchemaMigrations().back().version);
  // The people its referrals name are in the person index, and the
  // clear-text MARAC pair keys are gone.
  auto count = [&](const char* sql) {
    int64_t n = -1;
    EXPECT_TRUE(opened_.db
                    ->With([&](Database& db) -> absl::Status {
                      auto s = db.Prepare(sql);
                      if (!s.ok()) return s.status();
                      auto row = s->Step();
                      if (!row.ok()) return row.status();
                      n = s->ColumnInt64(0);
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  };
  EXPECT_EQ(count("SELECT count(DISTINCT referral_id) FROM person_mentions;"),
            5);
  // All but the Duty to Notify, whose subject is never indexed.
  EXPECT_EQ(count("SELECT count(*) FROM referrals WHERE kind = 1 AND state = "
                  "'DTN_SUBMITTED' AND id NOT IN (SELECT referral_id FROM "
                  "person_mentions);"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM marac_pairs;"), 0);
  // Its MARAC cases' victims and perpetrators are also kept by when each
  // case was made, a row per case holding 13 bytes per index row.
  EXPECT_GT(count("SELECT count(*) FROM checked_mentions;"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM checked_mentions c JOIN referrals r "
                  "ON r.id = c.referral_id AND r.create_us = c.create_us AND "
                  "r.kind = 3;"),
            count("SELECT count(*) FROM checked_mentions;"));
  EXPECT_EQ(count("SELECT count(DISTINCT referral_id) FROM person_mentions "
                  "WHERE kind = 3 AND role IN (1, 2);"),
            count("SELECT count(*) FROM checked_mentions;"));
  EXPECT_EQ(count("SELECT 13 * count(*) FROM person_mentions WHERE kind = 3 "
                  "AND role IN (1, 2);"),
            count("SELECT sum(length(rows)) FROM checked_mentions;"));
  // The index written in key order on opening holds the rows a submission
  // writes: each referral indexed again leaves every row as it was.
  const auto rows = [&] {
    std::vector<std::string> out;
    EXPECT_TRUE(opened_.db
                    ->With([&](Database& db) -> absl::Status {
                      auto s = db.Prepare(
                          "SELECT key_hash, role, kind, referral_id, birth "
                          "FROM person_mentions UNION ALL "
                          "SELECT key_hash, role, kind, referral_id, birth "
                          "FROM person_mentions_new ORDER BY 1, 2, 3, 4;");
                      if (!s.ok()) return s.status();
                      while (true) {
                        auto row = s->Step();
                        if (!row.ok()) return row.status();
                        if (!*row) return absl::OkStatus();
                        out.push_back(absl::StrCat(
                            s->ColumnInt64(0), " ", s->ColumnInt64(1), " ",
                            s->ColumnInt64(2), " ", s->ColumnText(3), " ",
                            s->ColumnInt64(4)));
                      }
                    })
                    .ok());
    return out;
  };
  const std::vector<std::string> migrated = rows();
  EXPECT_GT(migrated.size(), 5u);
  EXPECT_TRUE(opened_.db->Write([&](Database& db) {
                return ForEachStoredReferral(
                    db, [&](const Referral& r,
                            const std::vector<NamedPerson>& people) {
                      return IndexPeopleRows(db, r, people);
                    });
              }).ok());
  EXPECT_EQ(rows(), migrated);
  // Each person they name has a person record of its own.
  EXPECT_EQ(count("SELECT count(DISTINCT referral_id) FROM person_links;"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM people;"),
            count("SELECT count(*) FROM person_links;"));
  EXPECT_EQ(count("SELECT count(*) FROM person_links WHERE origin_id != "
                  "person_id;"),
            0);
  // Every referral has the facts the reports count, received when it was
  // created, without any name.
  EXPECT_EQ(count("SELECT count(*) FROM report_facts;"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM report_facts f JOIN referrals r ON "
                  "r.id = f.referral_id AND r.create_us = f.received_us AND "
                  "r.kind = f.kind AND r.area = f.area;"),
            6);
  // Its referrals are still there, and it has no meetings yet.
  absl::StatusOr<QueuePage> page = opened_.referrals->List([] {
    QueueQuery q;
    VisibilityScope all;
    all.all = true;
    q.scopes = {all};
    return q;
  }());
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->referrals.size(), 6u);
  absl::StatusOr<MeetingPage> meetings = meetings_->ListMeetings({});
  ASSERT_TRUE(meetings.ok()) << meetings.status();
  EXPECT_TRUE(meetings->meetings.empty());
}

TEST_F(MeetingRowsTest, AMeetingReadsBackAsWritten) {
  const Meeting m = AMeeting("m1", "babergh", 1'800'000'000);
  SAFEGUARD_ASSERT_OK(Write([&](WriteTransaction& tx) {
    return tx.InsertMeeting(m);
  }));
  absl::StatusOr<Meeting> read = meetings_->GetMeeting("m1");
  ASSERT_TRUE(read.ok()) << read.status();
  storage::v1::StoredMeeting want, got;
  ToStored(m, &want);
  ToStored(*read, &got);
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());

  Meeting stale = m;
  stale.version = 3;
  EXPECT_THAT(Write([&](WriteTransaction& tx) {
                return tx.UpdateMeeting(stale, 2);
              }),
              StatusIs(absl::StatusCode::kAborted,
                       "the meeting has changed (version 1, not 2); read it "
                       "again and retry"));
  EXPECT_THAT(Write([&](WriteTransaction& tx) { return tx.InsertMeeting(m); }),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(meetings_->GetMeeting("m2"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(MeetingRowsTest, MeetingsListInStartOrderByKindAndArea) {
  SAFEGUARD_ASSERT_OK(Write([&](WriteTransaction& tx) -> absl::Status {
    for (const Meeting& m :
         {AMeeting("late", "babergh", 3000), AMeeting("early", "babergh", 1000),
          AMeeting("other", "ipswich", 2000)}) {
      absl::Status s = tx.InsertMeeting(m);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }));
  MeetingQuery q;
  q.kind = ReferralKind::kMarac;
  q.areas = {"babergh"};
  q.page_size = 1;
  absl::StatusOr<MeetingPage> first = meetings_->ListMeetings(q);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->meetings.size(), 1u);
  EXPECT_EQ(first->meetings[0].id, "early");
  EXPECT_TRUE(first->more);
  q.after = {first->meetings[0].start_time, first->meetings[0].id};
  absl::StatusOr<MeetingPage> second = meetings_->ListMeetings(q);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->meetings.size(), 1u);
  EXPECT_EQ(second->meetings[0].id, "late");
  EXPECT_FALSE(second->more);
  q = MeetingQuery();
  q.from = absl::FromUnixSeconds(1500);
  absl::StatusOr<MeetingPage> from = meetings_->ListMeetings(q);
  ASSERT_TRUE(from.ok()) << from.status();
  ASSERT_EQ(from->meetings.size(), 2u);
  EXPECT_EQ(from->meetings[0].id, "other");
}

TEST_F(MeetingRowsTest, ActionsFilterByOwnerStatusAndDueDayInDueOrder) {
  SAFEGUARD_ASSERT_OK(Write([&](WriteTransaction& tx) -> absl::Status {
    for (const PlanAction& a :
         {AnAction("a", "police", 20, ActionStatus::kOpen),
          AnAction("b", "police", 5, ActionStatus::kOpen),
          AnAction("c", "health", 1, ActionStatus::kNotDone),
          AnAction("d", "police", 2, ActionStatus::kDone)}) {
      absl::Status s = tx.InsertAction(a);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }));
  struct Case {
    const char* name;
    ActionQuery query;
    std::vector<std::string> want;
  } cases[] = {
      {"all, by due day", {}, {"c", "d", "b", "a"}},
      {"an agency's", [] {
         ActionQuery q;
         q.owner_agency = "police";
         return q;
       }(), {"d", "b", "a"}},
      {"outstanding in the area", [] {
         ActionQuery q;
         q.kind = ReferralKind::kMarac;
         q.areas = {"babergh"};
         q.statuses = {ActionStatus::kOpen, ActionStatus::kNotDone};
         return q;
       }(), {"c", "b", "a"}},
      {"overdue on the 10th", [] {
         ActionQuery q;
         q.statuses = {ActionStatus::kOpen};
         q.due_before = Date{2026, 12, 10};
         return q;
       }(), {"b"}},
      {"another area", [] {
         ActionQuery q;
         q.areas = {"ipswich"};
         return q;
       }(), {}},
      {"after b", [] {
         ActionQuery q;
         q.after = {Date{2026, 12, 5}, "b"};
         return q;
       }(), {"a"}},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ActionPage> page = meetings_->ListActions(c.query);
    ASSERT_TRUE(page.ok()) << c.name << ": " << page.status();
    EXPECT_EQ(Ids(*page), c.want) << c.name;
  }
  // A status change moves it between lists.
  PlanAction done = AnAction("b", "police", 5, ActionStatus::kDone);
  done.version = 2;
  SAFEGUARD_ASSERT_OK(Write([&](WriteTransaction& tx) {
    return tx.UpdateAction(done, 1);
  }));
  ActionQuery open;
  open.statuses = {ActionStatus::kOpen};
  absl::StatusOr<ActionPage> page = meetings_->ListActions(open);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Ids(*page), (std::vector<std::string>{"a"}));
  absl::StatusOr<PlanAction> read = meetings_->GetAction("b");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->status, ActionStatus::kDone);
  EXPECT_EQ(read->version, 2);
}

}  // namespace
}  // namespace safeguard
