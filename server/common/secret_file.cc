#include "server/common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openssl/crypto.h"

namespace safeguard {
namespace {

absl::Status FileError(absl::string_view what, const std::string& path,
                       absl::string_view problem) {
  return absl::FailedPreconditionError(
      absl::StrCat(what, " ", path, ": ", problem));
}

// Closes the descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd() { close(fd_); }
  int get() const { return fd_; }

 private:
  const int fd_;
};

// The problem with the open file `fd` as a secret file, or "".
std::string Problem(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return "is not a regular file";
  if (st.st_uid != geteuid()) {
    return "is not owned by the user running safeguardd";
  }
  if ((st.st_mode & 077) != 0) {
    return absl::StrFormat(
        "group or others can access it (mode %04o); run chmod 600 on it",
        st.st_mode & 07777);
  }
  return "";
}

}  // namespace

void WipeString(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

absl::StatusOr<std::string> ReadSecretFile(absl::string_view what,
                                           const std::string& path) {
  const int fd =
      open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return FileError(what, path, "does not exist");
    if (errno == ELOOP) {
      return FileError(what, path, "is a symbolic link; name the file itself");
    }
    return FileError(what, path, std::strerror(errno));
  }
  const ScopedFd closer(fd);
  if (std::string problem = Problem(fd); !problem.empty()) {
    return FileError(what, path, problem);
  }
  // One byte more than allowed tells a file that is too large.
  std::string contents(kMaxSecretFileBytes + 1, '\0');
  size_t size = 0;
  while (size < contents.size()) {
    const ssize_t n = read(fd, contents.data() + size, contents.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      WipeString(contents);
      return FileError(what, path, "cannot be read");
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  if (size > kMaxSecretFileBytes) {
    WipeString(contents);
    return FileError(what, path,
                     absl::StrCat("is larger than ", kMaxSecretFileBytes,
                                  " bytes: not a key"));
  }
  contents.resize(size);  // the bytes beyond were never written
  return contents;
}

absl::Status CreateSecretFile(absl::string_view what, const std::string& path,
                              absl::string_view contents) {
  // O_EXCL refuses whatever is there, a symbolic link included.
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat(what, " ", path, " already exists"));
    }
    return FileError(what, path, std::strerror(errno));
  }
  bool ok = true;
  while (ok && !contents.empty()) {
    const ssize_t n = write(fd, contents.data(), contents.size());
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) contents.remove_prefix(static_cast<size_t>(n));
  }
  ok = ok && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok) {
    unlink(path.c_str());
    return FileError(what, path, "cannot be written");
  }
  return absl::OkStatus();
}

}  // namespace safeguard
