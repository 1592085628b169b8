#include "server/storage/rekey.h"
#include "server/storage/migrations.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_key.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestKey;


const CallerIdentity kCaller{"suffolk-police", "system/athena", "00ff"};

TEST(RekeyTest, DataOpensWithTheNewKeyOnly) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  {
    auto store = ::safeguard::testing::OpenStore(path, TestKey(1));
    ASSERT_TRUE(store.ok());
    SAFEGUARD_ASSERT_OK((*store)->RecordCaller(kCaller, absl::FromUnixSeconds(7)));
  }
  // A stale temp file from an interrupted run is cleared away.
  std::ofstream(RekeyTempPath(path)) << "left over";

  SAFEGUARD_ASSERT_OK(RekeyDatabase(path, TestKey(1), TestKey(2)));

  EXPECT_THAT(::safeguard::testing::OpenStore(path, TestKey(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("cannot be decrypted")));
  auto store = ::safeguard::testing::OpenStore(path, TestKey(2));
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<CallerRecord> record = (*store)->GetCaller(kCaller);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->first_seen, absl::FromUnixSeconds(7));
  EXPECT_EQ((*store)->SchemaVersion(),
            static_cast<int>(SchemaMigrations().size()));
  EXPECT_FALSE(std::ifstream(RekeyTempPath(path)).good());
}

TEST(RekeyTest, RefusesTheWrongOldKeyAndChangesNothing) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  ASSERT_TRUE(::safeguard::testing::OpenStore(path, TestKey(1)).ok());
  EXPECT_THAT(RekeyDatabase(path, TestKey(3), TestKey(2)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("cannot be decrypted")));
  EXPECT_TRUE(::safeguard::testing::OpenStore(path, TestKey(1)).ok());
}

TEST(RekeyTest, RefusesTheSameKey) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  ASSERT_TRUE(::safeguard::testing::OpenStore(path, TestKey(1)).ok());
  EXPECT_THAT(RekeyDatabase(path, TestKey(1), TestKey(1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the new key is the same as the old key"));
}

}  // namespace
}  // namespace safeguard
