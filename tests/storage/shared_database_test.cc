#include "server/storage/shared_database.h"

#include <atomic>
#include <filesystem>
#include <vector>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

DatabaseKey Key() { return testing::TestKey(3); }

absl::Status Insert(Database& db, const std::string& value) {
  auto s = db.Prepare("INSERT INTO t (v) VALUES (?);");
  if (!s.ok()) return s.status();
  absl::Status bound = s->BindText(1, value);
  return bound.ok() ? s->Run() : bound;
}

// A database with the table t (v TEXT UNIQUE) the tests write to.
absl::StatusOr<std::unique_ptr<SharedDatabase>> OpenWithTable(
    const std::string& path,
    const SharedDatabase::Options& options = SharedDatabase::Options()) {
  auto db = SharedDatabase::Open(path, Key(), options);
  if (!db.ok()) return db.status();
  absl::Status created = (*db)->With(
      [](Database& d) { return d.Exec("CREATE TABLE t (v TEXT UNIQUE);"); });
  if (!created.ok()) return created;
  return db;
}

int64_t Count(SharedDatabase& db, const std::string& where = "1") {
  return db.With([&](Database& d) -> int64_t {
    auto s = d.Prepare("SELECT count(*) FROM t WHERE " + where + ";");
    if (!s.ok() || !s->Step().ok()) return -1;
    return s->ColumnInt64(0);
  });
}

TEST(SharedDatabaseTest, ConcurrentWritersShareACommitAndFailAlone) {
  TempDir dir;
  const std::string path = dir.File("db");
  auto db = OpenWithTable(path);
  ASSERT_TRUE(db.ok()) << db.status();
  const int64_t commits_before = (*db)->commits();

  // Hold the connection so that every writer queues up behind the first.
  absl::Notification release;
  absl::Notification holding;
  std::thread holder([&] {
    (*db)->With([&](Database&) {
      holding.Notify();
      release.WaitForNotification();
      return 0;
    });
  });
  holding.WaitForNotification();
  constexpr int kWriters = 8;
  std::vector<absl::Status> results(kWriters);
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      results[i] = (*db)->Write([&, i](Database& d) -> absl::Status {
        absl::Status s = Insert(d, absl::StrCat("row-", i));
        if (!s.ok() || i != 5) return s;
        return absl::InvalidArgumentError("writer 5 refuses after writing");
      });
    });
  }
  // Release only once all eight are queued.
  for (int tries = 0; (*db)->writes_waiting() < kWriters && tries < 2000;
       ++tries) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ((*db)->writes_waiting(), kWriters);
  release.Notify();
  for (std::thread& w : writers) w.join();
  holder.join();

  for (int i = 0; i < kWriters; ++i) {
    if (i == 5) {
      EXPECT_THAT(results[i], StatusIs(absl::StatusCode::kInvalidArgument));
    } else {
      SAFEGUARD_EXPECT_OK(results[i]) << i;
    }
  }
  // One commit for the first writer, one for the seven queued behind it.
  EXPECT_LE((*db)->commits() - commits_before, 2);
  EXPECT_EQ(Count(**db), kWriters - 1);
  EXPECT_EQ(Count(**db, "v = 'row-5'"), 0);

  // Durable: a fresh connection sees every acknowledged row.
  db->reset();
  auto reopened = SharedDatabase::Open(path, Key());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(Count(**reopened), kWriters - 1);
}

TEST(SharedDatabaseTest, AConstraintFailureRollsBackOnlyThatWrite) {
  TempDir dir;
  auto db = OpenWithTable(dir.File("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  SAFEGUARD_ASSERT_OK((*db)->Write([](Database& d) { return Insert(d, "a"); }));
  EXPECT_THAT((*db)->Write([](Database& d) -> absl::Status {
    absl::Status s = Insert(d, "b");
    return s.ok() ? Insert(d, "a") : s;  // the second insert collides
  }),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(Count(**db), 1);
  EXPECT_EQ(Count(**db, "v = 'b'"), 0);
}

TEST(SharedDatabaseTest, OnlyARefusalBeforeAnyWriteSkipsTheSavepointRerun) {
  struct Case {
    const char* name;
    bool writes_first;
    absl::Status error;
    int runs;  // 2: rolled back and run again inside a savepoint
  } cases[] = {
      {"version conflict before writing", false,
       absl::AbortedError("stale"), 1},
      {"not found before writing", false, absl::NotFoundError("gone"), 1},
      {"storage error before writing", false,
       absl::DataLossError("page check failed"), 2},
      {"refusal after writing", true, absl::AbortedError("stale"), 2},
  };
  for (const Case& c : cases) {
    TempDir dir;
    auto db = OpenWithTable(dir.File("db"));
    ASSERT_TRUE(db.ok()) << db.status();
    int runs = 0;
    EXPECT_THAT((*db)->Write([&](Database& d) -> absl::Status {
      ++runs;
      if (c.writes_first) {
        absl::Status s = Insert(d, "half");
        if (!s.ok()) return s;
      }
      return c.error;
    }),
                StatusIs(c.error.code()))
        << c.name;
    EXPECT_EQ(runs, c.runs) << c.name;
    EXPECT_EQ(Count(**db), 0) << c.name;  // nothing of it was kept
    SAFEGUARD_EXPECT_OK(
        (*db)->Write([](Database& d) { return Insert(d, "half"); }));
    EXPECT_EQ(Count(**db), 1) << c.name;
  }
}

TEST(SharedDatabaseTest, TheWalIsCheckpointedInTheBackground) {
  TempDir dir;
  const std::string path = dir.File("db");
  SharedDatabase::Options options;
  options.checkpoint_pages = 8;
  auto db = OpenWithTable(path, options);
  ASSERT_TRUE(db.ok()) << db.status();
  const auto before = std::filesystem::file_size(path);
  for (int i = 0; i < 40; ++i) {
    SAFEGUARD_ASSERT_OK((*db)->Write([i](Database& d) {
      return Insert(d, absl::StrCat(i, std::string(3000, 'x')));
    }));
  }
  for (int i = 0; i < 500 && (*db)->checkpoints() == 0; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GE((*db)->checkpoints(), 1);
  // The rows' pages reached the database file itself.
  EXPECT_GE(std::filesystem::file_size(path), before + 40 * 3000);
  EXPECT_EQ(Count(**db), 40);
}

// A read never takes the writer's connection: a commit goes on while a
// read is under way, however idle the writer was when the read began.
TEST(SharedDatabaseTest, ACommitDoesNotWaitForARead) {
  TempDir dir;
  auto db = OpenWithTable(dir.File("db"));
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Notification reading, done_writing;
  std::thread reader([&] {
    (*db)->Read([&](Database&) {
      reading.Notify();
      // Held until the write below is acknowledged (or the test gives up).
      done_writing.WaitForNotificationWithTimeout(absl::Seconds(10));
      return 0;
    });
  });
  reading.WaitForNotification();
  const absl::Time start = absl::Now();
  EXPECT_TRUE((*db)->Write([](Database& d) { return Insert(d, "x"); }).ok());
  done_writing.Notify();
  reader.join();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(Count(**db), 1);
}

// A read that runs past its budget is interrupted, and the connection
// serves the next read.
TEST(SharedDatabaseTest, AReadPastItsBudgetIsInterrupted) {
  TempDir dir;
  SharedDatabase::Options options;
  options.readers = 1;
  options.read_budget = absl::Milliseconds(50);
  auto db = OpenWithTable(dir.File("db"), options);
  ASSERT_TRUE(db.ok()) << db.status();
  auto count_to = [&](int64_t n) {
    return (*db)->Read([&](Database& d) -> absl::StatusOr<int64_t> {
      auto s = d.Prepare(absl::StrCat(
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
          "WHERE x < ",
          n, ") SELECT count(*) FROM c;"));
      if (!s.ok()) return s.status();
      absl::StatusOr<bool> row = s->Step();
      if (!row.ok()) return row.status();
      return s->ColumnInt64(0);
    });
  };
  EXPECT_THAT(count_to(int64_t{1} << 40).status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "step: the read ran past its time budget"));
  absl::StatusOr<int64_t> small = count_to(1000);
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_EQ(*small, 1000);
}

// Writers that never pause cannot grow the WAL without bound: past twice
// its checkpoint threshold it is folded in and truncated between commits.
TEST(SharedDatabaseTest, TheWalStaysBoundedUnderWritersThatNeverPause) {
  TempDir dir;
  SharedDatabase::Options options;
  options.checkpoint_pages = 256;
  const std::string path = dir.File("db");
  auto db = OpenWithTable(path, options);
  ASSERT_TRUE(db.ok()) << db.status();
  std::atomic<bool> stop{false};
  std::atomic<int64_t> largest{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        ASSERT_TRUE((*db)->Write([&](Database& d) {
                       return Insert(d, absl::StrCat(w, "-", i,
                                                     std::string(2000, 'p')));
                     }).ok());
      }
    });
  }
  const absl::Time end = absl::Now() + absl::Seconds(3);
  while (absl::Now() < end) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path + "-wal", error);
    if (!error) largest = std::max<int64_t>(largest, static_cast<int64_t>(size));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop = true;
  for (std::thread& t : writers) t.join();
  // Twice the threshold, plus what is committed while a passive checkpoint
  // runs: well under what the writers put through (tens of MiB a second).
  const int64_t page = 4096 + 24;
  EXPECT_LT(largest.load(), 4 * 256 * page) << (*db)->wal_truncations();
  EXPECT_GT((*db)->wal_truncations(), 0);
}

}  // namespace
}  // namespace safeguard
