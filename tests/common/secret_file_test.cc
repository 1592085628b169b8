#include "server/common/secret_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace safeguard {
namespace {

using ::safeguard::testing::IsOkAndHolds;
using ::safeguard::testing::StatusIs;
using ::safeguard::testing::TempDir;

std::string Write(const std::string& path, const std::string& contents,
                  mode_t mode) {
  std::ofstream(path, std::ios::binary) << contents;
  chmod(path.c_str(), mode);
  return path;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

TEST(SecretFileTest, ReadsPrivateRegularFilesWhole) {
  TempDir dir;
  const std::string largest(kMaxSecretFileBytes, 'k');
  struct Case {
    const char* name;
    std::string contents;
    mode_t mode;
  } cases[] = {
      {"mode 0600", "secret\n", 0600},
      {"mode 0400", "secret", 0400},
      {"empty", "", 0600},
      {"binary", std::string("\0\xff\n", 3), 0600},
      {"the largest allowed", largest, 0600},
  };
  for (const Case& c : cases) {
    const std::string path = Write(dir.File(c.name), c.contents, c.mode);
    EXPECT_THAT(ReadSecretFile("test key", path), IsOkAndHolds(c.contents))
        << c.name;
  }
}

TEST(SecretFileTest, RefusesFilesOthersCouldReachNamingThem) {
  TempDir dir;
  const std::string good = Write(dir.File("good"), "secret", 0600);
  ASSERT_EQ(symlink(good.c_str(), dir.File("link").c_str()), 0);
  ASSERT_EQ(mkfifo(dir.File("fifo").c_str(), 0600), 0);
  mkdir(dir.File("folder").c_str(), 0700);
  Write(dir.File("group readable"), "secret", 0640);
  Write(dir.File("group writable"), "secret", 0620);
  Write(dir.File("world readable"), "secret", 0604);
  Write(dir.File("too large"), std::string(kMaxSecretFileBytes + 1, 'k'),
        0600);
  struct Case {
    const char* name;  // the file's name in `dir`
    const char* problem;
  } cases[] = {
      {"missing", "does not exist"},
      {"link", "is a symbolic link; name the file itself"},
      {"fifo", "is not a regular file"},  // and does not block
      {"folder", "is not a regular file"},
      {"group readable",
       "group or others can access it (mode 0640); run chmod 600 on it"},
      {"group writable",
       "group or others can access it (mode 0620); run chmod 600 on it"},
      {"world readable",
       "group or others can access it (mode 0604); run chmod 600 on it"},
      {"too large", "is larger than 65536 bytes: not a key"},
  };
  for (const Case& c : cases) {
    const std::string path = dir.File(c.name);
    EXPECT_THAT(ReadSecretFile("test key", path),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         "test key " + path + ": " + c.problem))
        << c.name;
  }
}

TEST(SecretFileTest, RefusesAnotherUsersFile) {
  // Only root can give a file to another user. deploy/test.sh and CI run as
  // root, so this runs there; a developer's own account skips it, saying so.
  if (geteuid() != 0) {
    GTEST_SKIP() << "giving a file to another user needs root";
  }
  TempDir dir;
  const std::string path = Write(dir.File("theirs"), "secret", 0600);
  ASSERT_EQ(chown(path.c_str(), 65534, 65534), 0);
  EXPECT_THAT(ReadSecretFile("test key", path),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "test key " + path +
                           ": is not owned by the user running safeguardd"));
}

TEST(SecretFileTest, CreatesPrivateFilesAndNeverReplacesAnything) {
  TempDir dir;
  const std::string path = dir.File("new");
  SAFEGUARD_ASSERT_OK(CreateSecretFile("test key", path, "first"));
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_THAT(ReadSecretFile("test key", path), IsOkAndHolds("first"));

  const std::string dangling = dir.File("dangling");
  ASSERT_EQ(symlink(dir.File("target").c_str(), dangling.c_str()), 0);
  struct Case {
    const char* name;
    std::string path;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"an existing file", path, absl::StatusCode::kAlreadyExists,
       "test key " + path + " already exists"},
      {"a dangling link", dangling, absl::StatusCode::kAlreadyExists,
       "test key " + dangling + " already exists"},
      {"a missing folder", dir.File("none/new"),
       absl::StatusCode::kFailedPrecondition,
       "test key " + dir.File("none/new") + ": No such file or directory"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CreateSecretFile("test key", c.path, "second"),
                StatusIs(c.code, c.message))
        << c.name;
  }
  EXPECT_EQ(Contents(path), "first");
  EXPECT_FALSE(std::ifstream(dir.File("target")).good());
}

TEST(SecretFileTest, WipeStringZeroesEveryByte) {
  std::string s = "secret";
  WipeString(s);
  EXPECT_EQ(s, std::string(6, '\0'));
}

}  // namespace
}  // namespace safeguard
