// File: tests/testing/subprocess.h
//
// Subprocess: runs a program (safeguardd, safeguardctl, a script) with its
// standard output and error sent to one file, so tests can drive the real
// binaries: wait for a line, send signals, collect the exit status. The
// destructor kills a child that is still running. Not thread-safe.
#ifndef SAFEGUARD_TESTS_TESTING_SUBPROCESS_H_
#define SAFEGUARD_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace safeguard::testing {

class Subprocess {
 public:
  // Starts argv[0] (a path) in `cwd`, output to `output_path`.
  Subprocess(const std::vector<std::string>& argv, const std::string& cwd,
             const std::string& output_path);
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  // Waits up to `timeout` for the exit; returns the raw wait status, or
  // nullopt if it is still running.
  std::optional<int> Wait(absl::Duration timeout);
  void Signal(int signal);
  // Waits up to `timeout` for `text` to appear in the output.
  bool WaitForOutput(const std::string& text, absl::Duration timeout);
  std::string Output() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string output_path_;
};

// Runs a program to completion (up to `timeout`); returns its exit code, or
// -1 if it did not exit normally in time. Output goes to `output`.
int RunProgram(const std::vector<std::string>& argv, const std::string& cwd,
               std::string* output, absl::Duration timeout = absl::Seconds(60));

std::string ReadFileOrEmpty(const std::string& path);

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_SUBPROCESS_H_
