#include "tests/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/time/clock.h"

extern char** environ;

namespace safeguard::testing {

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

Subprocess::Subprocess(const std::vector<std::string>& argv,
                       const std::string& cwd, const std::string& output_path)
    : output_path_(output_path) {
  // Build everything the child needs before forking.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // Truncate here, not in the child, so no reader sees an older run's output.
  int out = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (out < 0) throw std::runtime_error("cannot create " + output_path);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(127);
    dup2(out, 1);
    dup2(out, 2);
    close(out);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(args[0], args.data(), environ);
    _exit(127);
  }
  close(out);
}

Subprocess::~Subprocess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
}

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  if (reaped_) return status_;
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    pid_t r = waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return status_;
    }
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

void Subprocess::Signal(int signal) {
  if (!reaped_) kill(pid_, signal);
}

bool Subprocess::WaitForOutput(const std::string& text,
                               absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (Output().find(text) != std::string::npos) return true;
    if (Wait(absl::ZeroDuration()).has_value()) {
      return Output().find(text) != std::string::npos;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

std::string Subprocess::Output() const { return ReadFileOrEmpty(output_path_); }

int RunProgram(const std::vector<std::string>& argv, const std::string& cwd,
               std::string* output, absl::Duration timeout) {
  char path[] = "/tmp/safeguard-run-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) close(fd);
  int code = -1;
  {
    Subprocess p(argv, cwd, path);
    std::optional<int> status = p.Wait(timeout);
    if (status.has_value() && WIFEXITED(*status)) code = WEXITSTATUS(*status);
    if (output != nullptr) *output = p.Output();
  }
  unlink(path);
  return code;
}

}  // namespace safeguard::testing
