#include "tests/testing/private_tmpfs.h"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace safeguard::testing {

absl::StatusOr<std::unique_ptr<PrivateTmpfs>> PrivateTmpfs::Mount(
    const std::string& mount_point, int64_t bytes, const std::string& scratch) {
  for (const char* tool : {"/usr/bin/unshare", "/usr/bin/nsenter"}) {
    if (access(tool, X_OK) != 0) {
      return absl::UnavailableError(absl::StrCat(tool, " is not installed"));
    }
  }
  if (geteuid() != 0) {
    return absl::UnavailableError("mounting a tmpfs needs root");
  }
  // The holder stays while this process lives: its parent.
  auto holder = std::make_unique<Subprocess>(
      std::vector<std::string>{
          "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh",
          "-c",
          absl::StrCat("mount -t tmpfs -o size=", bytes,
                       ",mode=0700 tmpfs \"$0\" && echo mounted && "
                       "while kill -0 $PPID 2>/dev/null; do sleep 1; done"),
          mount_point},
      scratch, scratch + "/tmpfs-holder.out");
  if (!holder->WaitForOutput("mounted\n", absl::Seconds(10))) {
    return absl::UnavailableError(absl::StrCat(
        "cannot mount a tmpfs in a private mount namespace: ",
        holder->Output()));
  }
  return std::unique_ptr<PrivateTmpfs>(
      new PrivateTmpfs(mount_point, std::move(holder)));
}

std::vector<std::string> PrivateTmpfs::Command(
    const std::vector<std::string>& argv) const {
  std::vector<std::string> out = {"/usr/bin/nsenter", "-t",
                                  std::to_string(holder_->pid()), "-m", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::string PrivateTmpfs::Path(const std::string& name) const {
  return absl::StrCat("/proc/", holder_->pid(), "/root", mount_point_, "/",
                      name);
}

int64_t PrivateTmpfs::FreeBytes() const {
  struct statvfs st;
  if (statvfs(Path("").c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

void PrivateTmpfs::Fill(const std::string& name, int64_t leave) const {
  int fd = open(Path(name).c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return;
  const std::string chunk(1 << 16, 'x');
  int64_t to_write = leave > 0 ? FreeBytes() - leave : INT64_MAX;
  while (to_write > 0) {
    ssize_t n = write(fd, chunk.data(),
                      static_cast<size_t>(std::min<int64_t>(
                          to_write, static_cast<int64_t>(chunk.size()))));
    if (n <= 0) break;
    to_write -= n;
  }
  close(fd);
}

}  // namespace safeguard::testing
