#include "server/storage/database_key.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "openssl/crypto.h"
#include "openssl/rand.h"
#include "server/common/secret_file.h"

namespace safeguard {
namespace {

constexpr absl::string_view kKeyFile = "key file";

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

absl::StatusOr<DatabaseKey> ReadKeyFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadSecretFile(kKeyFile, path);
  if (!contents.ok()) return contents.status();
  std::array<uint8_t, DatabaseKey::kSize> bytes;
  absl::string_view text = *contents;
  if (text.size() == DatabaseKey::kSize) {
    std::memcpy(bytes.data(), text.data(), DatabaseKey::kSize);
  } else {
    absl::ConsumeSuffix(&text, "\n");
    if (text.size() != 2 * DatabaseKey::kSize || !IsHex(text)) {
      WipeString(*contents);
      return absl::FailedPreconditionError(absl::StrCat(
          kKeyFile, " ", path,
          ": must hold a 256-bit key: 64 hex characters or 32 bytes"));
    }
    std::string raw = absl::HexStringToBytes(text);
    std::memcpy(bytes.data(), raw.data(), DatabaseKey::kSize);
    WipeString(raw);
  }
  WipeString(*contents);
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
  absl::Status created = CreateSecretFile(kKeyFile, path, hex);
  WipeString(hex);
  return created;
}

}  // namespace safeguard
