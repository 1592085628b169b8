#include "server/storage/database_key.h"

#include <sys/stat.h>

#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

const std::string kHex =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

std::string Write(const TempDir& dir, const std::string& name,
                  const std::string& contents, mode_t mode) {
  std::string path = dir.File(name);
  std::ofstream(path, std::ios::binary) << contents;
  chmod(path.c_str(), mode);
  return path;
}

TEST(DatabaseKeyTest, ReadsHexAndRawKeys) {
  TempDir dir;
  std::string raw;
  for (int i = 0; i < 32; ++i) raw.push_back(static_cast<char>(i));
  absl::StatusOr<DatabaseKey> hex = ReadKeyFile(Write(dir, "hex", kHex, 0600));
  absl::StatusOr<DatabaseKey> hex_nl =
      ReadKeyFile(Write(dir, "hex_nl", kHex + "\n", 0400));
  absl::StatusOr<DatabaseKey> bytes = ReadKeyFile(Write(dir, "raw", raw, 0600));
  ASSERT_TRUE(hex.ok()) << hex.status();
  ASSERT_TRUE(hex_nl.ok()) << hex_nl.status();
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(hex->SqlCipherRawKey(), "x'" + kHex + "'");
  EXPECT_TRUE(*hex == *hex_nl);
  EXPECT_TRUE(*hex == *bytes);
}

TEST(DatabaseKeyTest, RefusesBadKeyFilesNamingThem) {
  TempDir dir;
  struct Case {
    const char* name;
    std::string contents;
    mode_t mode;
    const char* problem;
  } cases[] = {
      {"group readable", kHex, 0640,
       "group or others can access it (mode 0640); run chmod 600 on it"},
      {"world readable", kHex, 0604,
       "group or others can access it (mode 0604); run chmod 600 on it"},
      {"too short", kHex.substr(2), 0600,
       "must hold a 256-bit key: 64 hex characters or 32 bytes"},
      {"not hex", std::string(64, 'g'), 0600,
       "must hold a 256-bit key: 64 hex characters or 32 bytes"},
      {"empty", "", 0600,
       "must hold a 256-bit key: 64 hex characters or 32 bytes"},
      {"too long", kHex + kHex, 0600,
       "must hold a 256-bit key: 64 hex characters or 32 bytes"},
  };
  for (const Case& c : cases) {
    std::string path = Write(dir, c.name, c.contents, c.mode);
    EXPECT_THAT(ReadKeyFile(path),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "key file " + path + ": " + c.problem))
        << c.name;
  }
  EXPECT_THAT(ReadKeyFile(dir.File("missing")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "key file " + dir.File("missing") + ": does not exist"));
  EXPECT_THAT(ReadKeyFile(dir.path()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "key file " + dir.path() + ": is not a regular file"));
}

TEST(DatabaseKeyTest, CreatesPrivateKeyFilesAndNeverOverwrites) {
  TempDir dir;
  std::string path = dir.File("new.key");
  SAFEGUARD_ASSERT_OK(CreateKeyFile(path));
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  absl::StatusOr<DatabaseKey> first = ReadKeyFile(path);
  ASSERT_TRUE(first.ok()) << first.status();

  EXPECT_THAT(CreateKeyFile(path),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "key file " + path + " already exists"));
  absl::StatusOr<DatabaseKey> again = ReadKeyFile(path);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*first == *again);

  SAFEGUARD_ASSERT_OK(CreateKeyFile(dir.File("other.key")));
  absl::StatusOr<DatabaseKey> other = ReadKeyFile(dir.File("other.key"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(*first == *other);
}

}  // namespace
}  // namespace safeguard
