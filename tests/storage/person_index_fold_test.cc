// The person index's two tables (person_index_rows.h), the fold between
// them, the folder that runs it, and the recent mentions a submission's
// repeat check reads (recent_mentions.h).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/core/kinds/kinds.h"
#include "server/core/person_index.h"
#include "server/core/status_macros.h"
#include "server/core/workflow.h"
#include "server/storage/person_index_folder.h"
#include "server/storage/person_index_rows.h"
#include "server/storage/recent_mentions.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOkAndHolds;
using ::safeguard::testing::OpenStore;
using ::safeguard::testing::TempDir;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

PersonFacts Person(const std::string& name, Date dob, int age = 0) {
  PersonFacts p;
  p.full_name = name;
  p.date_of_birth = dob;
  p.approximate_age = age;
  p.age_on = absl::CivilDay(2026, 9, 1);
  return p;
}

// r1..r9 each name one "John Example" (r9 two), made an hour apart, as
// `kind`'s subjects, with "Sam Sample" as the perpetrator of each.
struct Stored {
  std::string id;
  std::vector<PersonFacts> people;
};
std::vector<Stored> StoredPeople() {
  const auto john = [](Date dob, int age = 0) {
    return Person("John Example", dob, age);
  };
  PersonFacts with_nhs = john({1975, 1, 1});
  with_nhs.identifiers = {{PersonIdentifierType::kNhsNumber, "9434765919"}};
  return {
      {"r1", {john({1988, 4, 12})}},
      {"r2", {john({1988, 4, 13})}},
      {"r3", {john({1988, 4, 0})}},
      {"r4", {john({1988, 0, 0})}},
      {"r5", {john({1987, 4, 12})}},
      {"r6", {john({})}},
      {"r7", {john({}, 38)}},
      {"r8", {with_nhs}},
      {"r9", {john({1990, 1, 1}), john({1991, 1, 1})}},
  };
}

struct Lookup {
  std::string name;
  PersonFacts query;
  std::vector<std::string> found;
};
std::vector<Lookup> Lookups() {
  const auto john = [](Date dob, int age = 0) {
    return Person("John Example", dob, age);
  };
  PersonFacts full_with_nhs = john({1988, 4, 12});
  full_with_nhs.identifiers = {
      {PersonIdentifierType::kNhsNumber, "9434765919"}};
  return {
      {"full date", john({1988, 4, 12}), {"r9", "r7", "r6", "r4", "r3", "r1"}},
      {"year", john({1987, 0, 0}), {"r9", "r7", "r6", "r5"}},
      {"no date", john({}),
       {"r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"}},
      {"full date and an identifier", full_with_nhs,
       {"r8", "r9", "r7", "r6", "r4", "r3", "r1"}},
      {"someone else", Person("Robin Other", {1988, 4, 12}), {}},
  };
}

Referral Named(const std::string& id, ReferralKind kind, int hour) {
  Referral r;
  r.id = id;
  r.kind = kind;
  r.create_time = kT0 + absl::Hours(hour);
  return r;
}

std::vector<NamedPerson> AsPeople(const Stored& s) {
  std::vector<NamedPerson> named;
  for (const PersonFacts& p : s.people) {
    named.push_back({PersonRole::kSubject, static_cast<int>(named.size()), p});
  }
  named.push_back(
      {PersonRole::kPerpetrator, 0, Person("Sam Sample", {1980, 2, 2})});
  return named;
}

class PersonIndexFoldTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(nullptr); }

  void Open(RecentMentions* recent) {
    opened_ = {};
    auto opened = OpenStore(dir_.File("db"), testing::TestKey(7));
    ASSERT_TRUE(opened.ok()) << opened.status();
    opened_ = *std::move(opened);
    if (recent != nullptr) {
      opened_.units = std::make_unique<SqlCipherUnitOfWork>(*opened_.db, recent);
    }
  }

  std::unique_ptr<RecentMentions> LoadRecent(absl::Duration span,
                                             absl::Time now) {
    absl::StatusOr<std::unique_ptr<RecentMentions>> recent =
        opened_.db->With(
            [&](Database& db) { return RecentMentions::Load(db, span, now); });
    EXPECT_TRUE(recent.ok()) << recent.status();
    return recent.ok() ? *std::move(recent) : nullptr;
  }

  void IndexAll(ReferralKind kind) {
    AuditRecord audit;
    int hour = 0;
    SAFEGUARD_ASSERT_OK(opened_.units->Write(audit, [&](WriteTransaction& tx) {
      hour = 0;
      for (const Stored& s : StoredPeople()) {
        SAFEGUARD_RETURN_IF_ERROR(
            tx.IndexPeople(Named(s.id, kind, ++hour), AsPeople(s)));
      }
      return absl::OkStatus();
    }));
  }

  absl::StatusOr<int64_t> NewRows() {
    return opened_.db->Read(
        [](Database& db) { return CountNewPersonIndexRows(db); });
  }
  absl::StatusOr<int64_t> Fold(int64_t rows) {
    int64_t moved = -1;
    SAFEGUARD_RETURN_IF_ERROR(opened_.db->Write([&](Database& db) -> absl::Status {
      SAFEGUARD_ASSIGN_OR_RETURN(moved, FoldPersonIndexRows(db, rows));
      return absl::OkStatus();
    }));
    return moved;
  }

  // What a write's FindMentions and FindRecentMentions (since `since`)
  // give, and the read side's FindMentions.
  struct Found {
    std::vector<std::string> writer, recent, reader;
  };
  Found Find(ReferralKind kind, PersonRole role, const PersonFacts& query,
             absl::Time since = absl::InfinitePast()) {
    Found f;
    AuditRecord read;
    EXPECT_TRUE(opened_.units
                    ->Write(read,
                            [&](WriteTransaction& tx) -> absl::Status {
                              SAFEGUARD_ASSIGN_OR_RETURN(
                                  f.writer, tx.FindMentions(kind, role, query, 20));
                              SAFEGUARD_ASSIGN_OR_RETURN(
                                  f.recent, tx.FindRecentMentions(
                                                kind, role, query, since, 20));
                              return absl::OkStatus();
                            })
                    .ok());
    auto reader = opened_.referrals->FindMentions(kind, role, query, 20);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (reader.ok()) f.reader = *reader;
    return f;
  }

  TempDir dir_;
  testing::OpenedStore opened_;
};

TEST_F(PersonIndexFoldTest, ALookupFindsNewAndFoldedRowsAlike) {
  IndexAll(ReferralKind::kChannel);
  // 8 referrals of one John's keys and r9's two, and a perpetrator's each.
  absl::StatusOr<int64_t> total = NewRows();
  ASSERT_TRUE(total.ok()) << total.status();
  ASSERT_GT(*total, 20);
  struct Stage {
    std::string name;
    int64_t fold;      // rows folded before the lookups
    int64_t moved;     // what the fold says it moved
    int64_t left;      // new rows after it
  };
  const std::vector<Stage> stages = {
      {"all new", 0, 0, *total},
      {"seven folded", 7, 7, *total - 7},
      {"all folded", 1000, *total - 7, 0},
  };
  for (const Stage& stage : stages) {
    EXPECT_THAT(Fold(stage.fold), IsOkAndHolds(stage.moved)) << stage.name;
    EXPECT_THAT(NewRows(), IsOkAndHolds(stage.left)) << stage.name;
    for (const Lookup& c : Lookups()) {
      const Found f = Find(ReferralKind::kChannel, PersonRole::kSubject, c.query);
      EXPECT_EQ(f.writer, c.found) << stage.name << ": " << c.name;
      EXPECT_EQ(f.reader, c.found) << stage.name << ": " << c.name;
      // No recent mentions are kept for a unit of work without them.
      EXPECT_EQ(f.recent, c.found) << stage.name << ": " << c.name;
    }
    EXPECT_EQ(Find(ReferralKind::kChannel, PersonRole::kPerpetrator,
                   Person("Sam Sample", {1980, 2, 2}))
                  .reader.size(),
              9u)
        << stage.name;
    EXPECT_TRUE(Find(ReferralKind::kMarac, PersonRole::kSubject,
                     Person("John Example", {1988, 4, 12}))
                    .reader.empty())
        << stage.name;
  }
}

TEST_F(PersonIndexFoldTest, IndexingAgainReplacesFoldedAndNewRows) {
  const PersonFacts jo = Person("Jo Example", {1970, 1, 1});
  const PersonFacts kim = Person("Kim Example", {1971, 1, 1});
  const Referral r = Named("r1", ReferralKind::kChannel, 1);
  const auto index = [&](std::vector<NamedPerson> people) {
    AuditRecord audit;
    SAFEGUARD_ASSERT_OK(opened_.units->Write(audit, [&](WriteTransaction& tx) {
      return tx.IndexPeople(r, people);
    }));
  };
  index({{PersonRole::kSubject, 0, jo}});
  ASSERT_TRUE(Fold(1000).ok());
  index({{PersonRole::kSubject, 0, kim}});
  EXPECT_TRUE(
      Find(ReferralKind::kChannel, PersonRole::kSubject, jo).reader.empty());
  EXPECT_EQ(Find(ReferralKind::kChannel, PersonRole::kSubject, kim).reader,
            std::vector<std::string>{"r1"});
  index({});
  EXPECT_TRUE(
      Find(ReferralKind::kChannel, PersonRole::kSubject, kim).reader.empty());
  EXPECT_THAT(NewRows(), IsOkAndHolds(0));
}

TEST_F(PersonIndexFoldTest, RecentMentionsAnswerAsTheIndexAndSurviveARestart) {
  const absl::Duration span = absl::Hours(24 * 400);
  std::unique_ptr<RecentMentions> recent = LoadRecent(span, kT0);
  ASSERT_NE(recent, nullptr);
  Open(recent.get());
  IndexAll(ReferralKind::kMarac);
  // A victim's and a perpetrator's rows; none of another kind's.
  EXPECT_EQ(recent->referrals(), 9u);
  const size_t rows = recent->rows();
  EXPECT_GT(rows, 9u);

  for (int restart = 0; restart < 2; ++restart) {
    const std::string when = restart == 0 ? "as written" : "loaded again";
    for (const Lookup& c : Lookups()) {
      const Found f = Find(ReferralKind::kMarac, PersonRole::kSubject, c.query,
                           kT0);
      EXPECT_EQ(f.recent, c.found) << when << ": " << c.name;
      EXPECT_EQ(f.writer, c.found) << when << ": " << c.name;
      // Made at or after hour 5: r5 and later.
      std::vector<std::string> since_five;
      for (const std::string& id : c.found) {
        if (id >= "r5") since_five.push_back(id);
      }
      EXPECT_EQ(Find(ReferralKind::kMarac, PersonRole::kSubject, c.query,
                     kT0 + absl::Hours(5))
                    .recent,
                since_five)
          << when << ": " << c.name;
    }
    EXPECT_EQ(Find(ReferralKind::kMarac, PersonRole::kPerpetrator,
                   Person("Samuel Sample", {1980, 2, 2}), kT0)
                  .recent,
              (std::vector<std::string>{"r9", "r8", "r7", "r6", "r5", "r4",
                                        "r3", "r2", "r1"}))
        << when;
    // The server restarts: the same rows come back from checked_mentions.
    ASSERT_TRUE(Fold(1000).ok());
    Open(nullptr);
    recent = LoadRecent(span, kT0 + absl::Hours(2));
    ASSERT_NE(recent, nullptr);
    Open(recent.get());
    EXPECT_EQ(recent->referrals(), 9u) << when;
    EXPECT_EQ(recent->rows(), rows) << when;
  }

  const PersonFacts john = Person("John Example", {1988, 4, 12});
  // Only MARAC victims and perpetrators, and only back to where they were
  // loaded from: otherwise the person index answers.
  EXPECT_EQ(recent->Find(ReferralKind::kMarac, PersonRole::kChild, john, kT0,
                         20),
            std::nullopt);
  EXPECT_EQ(recent->Find(ReferralKind::kChannel, PersonRole::kSubject, john,
                         kT0, 20),
            std::nullopt);
  EXPECT_EQ(recent->Find(ReferralKind::kMarac, PersonRole::kSubject, john,
                         kT0 - span, 20),
            std::nullopt);
  // Referrals made before the span are not loaded.
  std::unique_ptr<RecentMentions> later =
      LoadRecent(span, kT0 + span + absl::Hours(5) + absl::Minutes(30));
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->referrals(), 4u);  // r6..r9
}

// Referrals older than the span are let go as later ones arrive; a lookup
// reaching back past what is held is left to the person index.
TEST_F(PersonIndexFoldTest, RecentMentionsLetGoOfWhatTheSpanLeaves) {
  std::unique_ptr<RecentMentions> recent = LoadRecent(absl::Hours(10), kT0);
  ASSERT_NE(recent, nullptr);
  const PersonFacts jo = Person("Jo Example", {1970, 1, 1});
  for (int hour = 1; hour <= 12; ++hour) {
    recent->Add(Named(absl::StrCat("r", 10 + hour), ReferralKind::kMarac, hour),
                {{PersonRole::kSubject, 0, jo}});
  }
  // At hour 12, those made before hour 2 are let go: r11.
  EXPECT_EQ(recent->referrals(), 11u);
  struct Case {
    std::string name;
    absl::Time since;
    std::optional<std::vector<std::string>> found;
  };
  const std::vector<Case> cases = {
      {"since hour 9", kT0 + absl::Hours(9),
       std::vector<std::string>{"r22", "r21", "r20", "r19"}},
      {"since hour 2, all that is held", kT0 + absl::Hours(2),
       std::vector<std::string>{"r22", "r21", "r20", "r19", "r18", "r17",
                                "r16", "r15", "r14", "r13", "r12"}},
      {"since hour 1, let go", kT0 + absl::Hours(1), std::nullopt},
      {"since before loading", kT0 - absl::Hours(11), std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(recent->Find(ReferralKind::kMarac, PersonRole::kSubject, jo,
                           c.since, 20),
              c.found)
        << c.name;
  }
  // A quarter let go, their rows go too.
  const size_t rows_before = recent->rows();
  recent->Add(Named("r30", ReferralKind::kMarac, 15),
              {{PersonRole::kSubject, 0, jo}});
  EXPECT_EQ(recent->referrals(), 9u);  // r15..r22 and r30
  EXPECT_LT(recent->rows(), rows_before);
  EXPECT_EQ(recent->Find(ReferralKind::kMarac, PersonRole::kSubject, jo,
                         kT0 + absl::Hours(5), 3),
            (std::vector<std::string>{"r30", "r22", "r21"}));
}

TEST_F(PersonIndexFoldTest, RecentMentionsKeepARolledBackWritesRows) {
  std::unique_ptr<RecentMentions> recent =
      LoadRecent(absl::Hours(24 * 400), kT0);
  ASSERT_NE(recent, nullptr);
  Open(recent.get());
  const PersonFacts jo = Person("Jo Example", {1970, 1, 1});
  AuditRecord audit;
  absl::Status refused = opened_.units->Write(audit, [&](WriteTransaction& tx) {
    SAFEGUARD_RETURN_IF_ERROR(
        tx.IndexPeople(Named("ghost", ReferralKind::kMarac, 1),
                       {{PersonRole::kSubject, 0, jo}}));
    return absl::FailedPreconditionError("refused");
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  // The index has nothing; the recent mentions give the id, which is not
  // found when read (FindRecentMentions' callers skip it).
  const Found f = Find(ReferralKind::kMarac, PersonRole::kSubject, jo, kT0);
  EXPECT_TRUE(f.writer.empty());
  EXPECT_EQ(f.recent, std::vector<std::string>{"ghost"});
  EXPECT_THAT(opened_.referrals->Get("ghost"),
              testing::StatusIs(absl::StatusCode::kNotFound));
}

// The MARAC repeat check through the recent mentions: an id they give that
// is not stored is skipped, and the earlier case is the repeat.
TEST_F(PersonIndexFoldTest, ARepeatCheckSkipsAnIdNotStored) {
  std::unique_ptr<RecentMentions> recent =
      LoadRecent(absl::Hours(24 * 400), kT0);
  ASSERT_NE(recent, nullptr);
  Open(recent.get());
  const auto marac = [](const std::string& id, int hour) {
    Referral r = Named(id, ReferralKind::kMarac, hour);
    r.reference = "MAR-" + id;
    r.state = "RECEIVED";
    r.version = 1;
    r.update_time = r.create_time;
    r.deadline = r.create_time;
    r.subjects = {{}};
    r.subjects[0].full_name = "Jonathan Example";
    r.subjects[0].date_of_birth = {1988, 4, 12};
    MaracForm form;
    form.perpetrator.full_name = "Sam Sample";
    form.perpetrator.date_of_birth = {1980, 2, 2};
    r.form = form;
    return r;
  };
  const Referral earlier = marac("earlier", 1);
  AuditRecord audit;
  SAFEGUARD_ASSERT_OK(opened_.units->Write(audit, [&](WriteTransaction& tx) {
    SAFEGUARD_RETURN_IF_ERROR(tx.InsertReferral(earlier));
    return tx.IndexPeople(earlier, MaracKind().PeopleNamed(earlier));
  }));
  const Referral ghost = marac("ghost", 2);
  AuditRecord refused;
  EXPECT_FALSE(opened_.units
                   ->Write(refused,
                           [&](WriteTransaction& tx) -> absl::Status {
                             SAFEGUARD_RETURN_IF_ERROR(tx.IndexPeople(
                                 ghost, MaracKind().PeopleNamed(ghost)));
                             return absl::FailedPreconditionError("refused");
                           })
                   .ok());

  // The recent mentions give the rolled-back case first.
  EXPECT_EQ(recent->Find(ReferralKind::kMarac, PersonRole::kSubject,
                         FactsOf(ghost.subjects[0], ghost.create_time), kT0,
                         20),
            (std::vector<std::string>{"ghost", "earlier"}));

  Referral draft = marac("now", 3);
  draft.subjects[0].full_name = "Jon Example";  // a nickname
  WorkflowConfig config;
  NewReferralHooks hooks;
  MaracKind().PrepareSubmission(config, draft.create_time, draft, hooks);
  ASSERT_TRUE(hooks.last_repeat);
  std::optional<absl::Time> last;
  AuditRecord check;
  SAFEGUARD_ASSERT_OK(opened_.units->Write(check, [&](WriteTransaction& tx) {
    SAFEGUARD_ASSIGN_OR_RETURN(last, hooks.last_repeat(tx, draft));
    return absl::OkStatus();
  }));
  EXPECT_EQ(last, earlier.create_time);
}

TEST_F(PersonIndexFoldTest, TheFolderFoldsOnceWritesPause) {
  IndexAll(ReferralKind::kChannel);
  absl::StatusOr<int64_t> total = NewRows();
  ASSERT_TRUE(total.ok()) << total.status();
  PersonIndexFolder::Options options;
  options.idle = absl::Milliseconds(50);
  options.poll = absl::Milliseconds(10);
  options.chunk_rows = 5;
  PersonIndexFolder folder(*opened_.db, options);
  folder.Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (folder.folded_rows() < *total && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  folder.Stop();
  EXPECT_EQ(folder.folded_rows(), *total);
  EXPECT_THAT(NewRows(), IsOkAndHolds(0));
  EXPECT_EQ(Find(ReferralKind::kChannel, PersonRole::kSubject,
                 Person("John Example", {}))
                .reader.size(),
            9u);
}

TEST_F(PersonIndexFoldTest, TheFolderFoldsWhileWritesRunOnlyPastItsLimit) {
  IndexAll(ReferralKind::kChannel);
  absl::StatusOr<int64_t> total = NewRows();
  ASSERT_TRUE(total.ok()) << total.status();
  PersonIndexFolder::Options options;
  options.idle = absl::Hours(1);  // never idle here
  options.poll = absl::Milliseconds(10);
  options.chunk_rows = 4;
  options.max_new_rows = *total - 10;
  PersonIndexFolder folder(*opened_.db, options);
  folder.Start();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (folder.folded_rows() < 12 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  // Three chunks of four bring the rows under the limit; then it waits.
  absl::SleepFor(absl::Milliseconds(200));
  folder.Stop();
  EXPECT_EQ(folder.folded_rows(), 12);
  EXPECT_THAT(NewRows(), IsOkAndHolds(*total - 12));
  // FoldAll folds the rest at once.
  EXPECT_THAT(folder.FoldAll(), IsOkAndHolds(*total - 12));
  EXPECT_THAT(NewRows(), IsOkAndHolds(0));
}

}  // namespace
}  // namespace safeguard
