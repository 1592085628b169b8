// File: tests/testing/temp_dir.h
//
// TempDir: a fresh folder under $TEST_TMPDIR (or /tmp), removed with all its
// contents when the object is destroyed. One per test keeps tests isolated.
#ifndef SAFEGUARD_TESTS_TESTING_TEMP_DIR_H_
#define SAFEGUARD_TESTS_TESTING_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace safeguard::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::string pattern =
        std::string(base != nullptr ? base : "/tmp") + "/safeguard-test-XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_TEMP_DIR_H_
