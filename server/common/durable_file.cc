#include "server/common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/common/sha256.h"

namespace safeguard {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path, int err) {
  return absl::UnavailableError(
      absl::StrCat("cannot ", what, " ", path, ": ", std::strerror(err)));
}

}  // namespace

absl::Status FsyncPath(const std::string& path, bool directory) {
  int fd = open(path.c_str(),
                (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return Errno("open", path, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  if (rc != 0) return Errno("fsync", path, err);
  return absl::OkStatus();
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status WriteNewFile(const std::string& path, absl::string_view contents) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0600);
  if (fd < 0) return Errno("create", path, errno);
  size_t done = 0;
  int err = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      err = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (err == 0 && fsync(fd) != 0) err = errno;
  close(fd);
  if (err != 0) {
    unlink(path.c_str());
    return Errno("write", path, err);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path,
                                          int64_t max_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path, errno);
  std::string out;
  char block[65536];
  int err = 0;
  while (true) {
    ssize_t n = read(fd, block, sizeof(block));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    out.append(block, static_cast<size_t>(n));
    if (static_cast<int64_t>(out.size()) > max_bytes) {
      close(fd);
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is larger than ", max_bytes, " bytes"));
    }
  }
  close(fd);
  if (err != 0) return Errno("read", path, err);
  return out;
}

absl::StatusOr<FileDigest> DigestFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path, errno);
  Sha256Stream hash;
  FileDigest digest;
  static constexpr size_t kBlock = 1 << 20;
  std::string block(kBlock, '\0');
  int err = 0;
  while (true) {
    ssize_t n = read(fd, block.data(), kBlock);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    hash.Update(absl::string_view(block.data(), static_cast<size_t>(n)));
    digest.bytes += n;
  }
  close(fd);
  if (err != 0) return Errno("read", path, err);
  digest.sha256_hex = hash.FinishHex();
  return digest;
}

}  // namespace safeguard
