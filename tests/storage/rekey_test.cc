#include "server/storage/rekey.h"
#include "server/storage/migrations.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

DatabaseKey KeyOf(uint8_t fill) {
  std::array<uint8_t, DatabaseKey::kSize> bytes;
  bytes.fill(fill);
  return DatabaseKey(bytes);
}

const CallerIdentity kCaller{"suffolk-police", "system/athena", "00ff"};

TEST(RekeyTest, DataOpensWithTheNewKeyOnly) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  {
    auto store = ::safeguard::testing::OpenStore(path, KeyOf(1));
    ASSERT_TRUE(store.ok());
    SAFEGUARD_ASSERT_OK((*store)->RecordCaller(kCaller, absl::FromUnixSeconds(7)));
  }
  // A stale temp file from an interrupted run is cleared away.
  std::ofstream(RekeyTempPath(path)) << "left over";

  SAFEGUARD_ASSERT_OK(RekeyDatabase(path, KeyOf(1), KeyOf(2)));

  EXPECT_THAT(::safeguard::testing::OpenStore(path, KeyOf(1)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("cannot be decrypted")));
  auto store = ::safeguard::testing::OpenStore(path, KeyOf(2));
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
  ASSERT_TRUE(::safeguard::testing::OpenStore(path, KeyOf(1)).ok());
  EXPECT_THAT(RekeyDatabase(path, KeyOf(3), KeyOf(2)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::HasSubstr("cannot be decrypted")));
  EXPECT_TRUE(::safeguard::testing::OpenStore(path, KeyOf(1)).ok());
}

TEST(RekeyTest, RefusesTheSameKey) {
  TempDir dir;
  std::string path = dir.File("safeguard.db");
  ASSERT_TRUE(::safeguard::testing::OpenStore(path, KeyOf(1)).ok());
  EXPECT_THAT(RekeyDatabase(path, KeyOf(1), KeyOf(1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "the new key is the same as the old key"));
}

}  // namespace
}  // namespace safeguard
