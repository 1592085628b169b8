#include "server/storage/database_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openssl/crypto.h"
#include "openssl/rand.h"

namespace safeguard {
namespace {

absl::Status KeyFileError(const std::string& path, absl::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat("key file ", path, ": ", what));
}

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return true;
}

}  // namespace

DatabaseKey::DatabaseKey(DatabaseKey&& other) noexcept : bytes_(other.bytes_) {
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
}

DatabaseKey& DatabaseKey::operator=(DatabaseKey&& other) noexcept {
  bytes_ = other.bytes_;
  OPENSSL_cleanse(other.bytes_.data(), other.bytes_.size());
  return *this;
}

DatabaseKey::~DatabaseKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

std::string DatabaseKey::SqlCipherRawKey() const {
  std::string out = "x'";
  out.reserve(3 + 2 * kSize);
  for (uint8_t b : bytes_) absl::StrAppendFormat(&out, "%02x", b);
  out += "'";
  return out;
}

void WipeString(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

absl::StatusOr<DatabaseKey> ReadKeyFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return KeyFileError(path, errno == ENOENT ? "does not exist"
                                              : std::strerror(errno));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return KeyFileError(path, std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return KeyFileError(path, "is not a regular file");
  }
  if (st.st_uid != geteuid()) {
    close(fd);
    return KeyFileError(path, "is not owned by the user running safeguardd");
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    return KeyFileError(
        path, absl::StrFormat("group or others can access it (mode %04o); "
                              "run chmod 600 on it",
                              st.st_mode & 07777));
  }
  char buf[80];
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  if (n < 0) return KeyFileError(path, "cannot be read");
  std::string contents(buf, static_cast<size_t>(n));
  OPENSSL_cleanse(buf, sizeof(buf));

  std::array<uint8_t, DatabaseKey::kSize> bytes;
  absl::string_view text = contents;
  if (text.size() == DatabaseKey::kSize) {
    std::memcpy(bytes.data(), text.data(), DatabaseKey::kSize);
  } else {
    absl::ConsumeSuffix(&text, "\n");
    if (text.size() != 2 * DatabaseKey::kSize || !IsHex(text)) {
      WipeString(contents);
      return KeyFileError(
          path, "must hold a 256-bit key: 64 hex characters or 32 bytes");
    }
    std::string raw = absl::HexStringToBytes(text);
    std::memcpy(bytes.data(), raw.data(), DatabaseKey::kSize);
    WipeString(raw);
  }
  WipeString(contents);
  DatabaseKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

absl::Status CreateKeyFile(const std::string& path) {
  uint8_t bytes[DatabaseKey::kSize];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("no random bytes for a new key");
  }
  std::string hex = absl::BytesToHexString(absl::string_view(
                        reinterpret_cast<const char*>(bytes), sizeof(bytes))) +
                    "\n";
  OPENSSL_cleanse(bytes, sizeof(bytes));
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    WipeString(hex);
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(
          absl::StrCat("key file ", path, " already exists"));
    }
    return KeyFileError(path, std::strerror(errno));
  }
  bool ok = write(fd, hex.data(), hex.size()) ==
                static_cast<ssize_t>(hex.size()) &&
            fsync(fd) == 0;
  close(fd);
  WipeString(hex);
  if (!ok) {
    unlink(path.c_str());
    return KeyFileError(path, "cannot be written");
  }
  return absl::OkStatus();
}

}  // namespace safeguard
