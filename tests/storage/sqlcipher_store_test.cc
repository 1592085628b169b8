#include "tests/testing/open_store.h"

#include "gtest/gtest.h"
#include "server/storage/migrations.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOkAndHolds;
using ::safeguard::testing::ReadFileOrEmpty;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestKey;


const CallerIdentity kCaller{"suffolk-police", "system/athena", "00ff"};

TEST(SqlCipherStoreTest, NewDatabaseIsEncryptedAndMigrated) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  {
    auto store =
        ::safeguard::testing::OpenStore(path, TestKey(1));
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ((*store)->SchemaVersion(),
              static_cast<int>(SchemaMigrations().size()));
    SAFEGUARD_ASSERT_OK((*store)->RecordCaller(kCaller, absl::FromUnixSeconds(5)));
  }
  std::string bytes = ReadFileOrEmpty(path);
  ASSERT_GE(bytes.size(), 4096u);
  EXPECT_NE(bytes.substr(0, 15), "SQLite format 3");
  EXPECT_EQ(bytes.find("suffolk-police"), std::string::npos);

  // Reopening with the same key finds the data, at the same version.
  auto again =
      ::safeguard::testing::OpenStore(path, TestKey(1));
  ASSERT_TRUE(again.ok()) << again.status();
  absl::StatusOr<CallerRecord> record = (*again)->GetCaller(kCaller);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->calls, 1);
  EXPECT_EQ(record->first_seen, absl::FromUnixSeconds(5));
}

TEST(SqlCipherStoreTest, WrongKeyFailsClosedAndLeavesTheFileUntouched) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  ASSERT_TRUE(::safeguard::testing::OpenStore(path, TestKey(1)).ok());
  std::string before = ReadFileOrEmpty(path);

  EXPECT_THAT(::safeguard::testing::OpenStore(path, TestKey(2)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "database " + path +
                           " cannot be decrypted with this key (wrong key, or "
                           "not a safeguard database)"));
  EXPECT_EQ(ReadFileOrEmpty(path), before);
}

TEST(SqlCipherStoreTest, RecordCallerCountsCalls) {
  TempDir dir;
  auto store =
      ::safeguard::testing::OpenStore(dir.File("db"), TestKey(1));
  ASSERT_TRUE(store.ok());
  EXPECT_THAT((*store)->GetCaller(kCaller), StatusIs(absl::StatusCode::kNotFound));
  for (int i = 1; i <= 3; ++i) {
    SAFEGUARD_ASSERT_OK(
        (*store)->RecordCaller(kCaller, absl::FromUnixSeconds(100 * i)));
  }
  absl::StatusOr<CallerRecord> record = (*store)->GetCaller(kCaller);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->calls, 3);
  EXPECT_EQ(record->first_seen, absl::FromUnixSeconds(100));
  EXPECT_EQ(record->last_seen, absl::FromUnixSeconds(300));
}

TEST(MigrationsTest, AFailingMigrationAppliesNothing) {
  TempDir dir;
  absl::StatusOr<DatabasePtr> db =
      Database::Open(dir.File("db"), TestKey(1), Database::Options());
  ASSERT_TRUE(db.ok()) << db.status();
  const Migration migrations[] = {
      {1, "CREATE TABLE first (x INTEGER);"},
      {2, "CREATE TABLE second (y INTEGER); THIS IS NOT SQL;"},
  };
  EXPECT_THAT(ApplyMigrations(**db, migrations),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(ReadSchemaVersion(**db), IsOkAndHolds(0));
  absl::StatusOr<Statement> count = (*db)->Prepare(
      "SELECT count(*) FROM sqlite_master WHERE name IN ('first', 'second');");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(count->Step().ok());
  EXPECT_EQ(count->ColumnInt64(0), 0);

  // The good prefix then applies cleanly, and a re-run is a no-op.
  EXPECT_THAT(ApplyMigrations(**db, absl::MakeConstSpan(migrations, 1)),
              IsOkAndHolds(1));
  EXPECT_THAT(ApplyMigrations(**db, absl::MakeConstSpan(migrations, 1)),
              IsOkAndHolds(1));
}

TEST(MigrationsTest, RefusesADatabaseNewerThanThisBuild) {
  TempDir dir;
  absl::StatusOr<DatabasePtr> db =
      Database::Open(dir.File("db"), TestKey(1), Database::Options());
  ASSERT_TRUE(db.ok());
  const Migration two[] = {{1, "CREATE TABLE a (x);"}, {2, "CREATE TABLE b (y);"}};
  ASSERT_THAT(ApplyMigrations(**db, two), IsOkAndHolds(2));
  EXPECT_THAT(ApplyMigrations(**db, absl::MakeConstSpan(two, 1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "database " + dir.File("db") +
                           " has schema version 2, newer than this safeguardd "
                           "knows (1)"));
}

}  // namespace
}  // namespace safeguard
