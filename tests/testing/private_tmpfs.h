// File: tests/testing/private_tmpfs.h
//
// PrivateTmpfs: a small disk for tests to fill: a tmpfs mounted at a
// folder in a mount namespace of its own (unshare -m), so that nothing
// outside it sees the mount and it vanishes with its processes. A holder
// process keeps the namespace (and ends when the test process does);
// programs run in it through Command() (nsenter), and the test reaches its
// files through Path() (/proc/<holder>/root). Needs root (CAP_SYS_ADMIN),
// unshare and nsenter. Not thread-safe.
#ifndef SAFEGUARD_TESTS_TESTING_PRIVATE_TMPFS_H_
#define SAFEGUARD_TESTS_TESTING_PRIVATE_TMPFS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/subprocess.h"

namespace safeguard::testing {

class PrivateTmpfs {
 public:
  // Mounts a tmpfs of `bytes` at `mount_point` (an existing, empty folder)
  // in a new mount namespace; `scratch` is a folder for the holder's output.
  // Fails, saying why, where that is not possible.
  static absl::StatusOr<std::unique_ptr<PrivateTmpfs>> Mount(
      const std::string& mount_point, int64_t bytes, const std::string& scratch);

  // `argv`, run inside the namespace.
  std::vector<std::string> Command(const std::vector<std::string>& argv) const;
  // The path, from outside the namespace, of `name` on the tmpfs.
  std::string Path(const std::string& name) const;
  // Free bytes on the tmpfs.
  int64_t FreeBytes() const;
  // Fills the tmpfs with a file named `name` until at most `leave` bytes are
  // free (0: until a write fails for want of space).
  void Fill(const std::string& name, int64_t leave = 0) const;

 private:
  PrivateTmpfs(std::string mount_point, std::unique_ptr<Subprocess> holder)
      : mount_point_(std::move(mount_point)), holder_(std::move(holder)) {}

  const std::string mount_point_;
  std::unique_ptr<Subprocess> holder_;
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_PRIVATE_TMPFS_H_
