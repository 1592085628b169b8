#include "server/storage/database.h"

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

DatabaseKey Key() { return testing::TestKey(5); }

constexpr char kInsert[] = "INSERT INTO t (v) VALUES (?);";
constexpr char kCount[] = "SELECT count(*) FROM t;";

absl::Status Insert(Database& db, const std::string& value) {
  auto s = db.Prepare(kInsert);
  if (!s.ok()) return s.status();
  absl::Status bound = s->BindText(1, value);
  return bound.ok() ? s->Run() : bound;
}

int64_t Count(Database& db) {
  auto s = db.Prepare(kCount);
  if (!s.ok() || !s->Step().ok()) return -1;
  return s->ColumnInt64(0);
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.File("db"), Key(), Database::Options());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (v TEXT UNIQUE NOT NULL);").ok());
  }
  TempDir dir_;
  DatabasePtr db_;
};

TEST_F(DatabaseTest, StatementsAreParsedOnceAndReused) {
  const int64_t before = db_->prepared();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Insert(*db_, "v" + std::to_string(i)).ok());
    ASSERT_EQ(Count(*db_), i + 1);
  }
  EXPECT_EQ(db_->prepared() - before, 2);  // the insert and the count
}

TEST_F(DatabaseTest, AKeptStatementStartsWithNoBindingsAndNoRow) {
  ASSERT_TRUE(Insert(*db_, "a").ok());
  {
    auto s = db_->Prepare("SELECT v FROM t WHERE v = ?;");
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE(s->BindText(1, "a").ok());
    ASSERT_EQ(*s->Step(), true);  // left mid-result when returned
  }
  auto s = db_->Prepare("SELECT v FROM t WHERE v = ?;");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->Step(), false);  // NULL binding matches nothing
}

TEST_F(DatabaseTest, TheSameSqlCanBeInUseTwiceAtOnce) {
  ASSERT_TRUE(Insert(*db_, "a").ok());
  auto first = db_->Prepare(kCount);
  auto second = db_->Prepare(kCount);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(first->Step().ok());
  ASSERT_TRUE(second->Step().ok());
  EXPECT_EQ(first->ColumnInt64(0), 1);
  EXPECT_EQ(second->ColumnInt64(0), 1);
}

TEST_F(DatabaseTest, AStatementThatFailedIsReusable) {
  ASSERT_TRUE(Insert(*db_, "a").ok());
  EXPECT_THAT(Insert(*db_, "a"), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_TRUE(Insert(*db_, "b").ok());
  EXPECT_EQ(Count(*db_), 2);
}

TEST_F(DatabaseTest, ScriptsStillRunWhole) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (v) VALUES ('x'); "
                        "INSERT INTO t (v) VALUES ('y');")
                  .ok());
  EXPECT_EQ(Count(*db_), 2);
}

}  // namespace
}  // namespace safeguard
