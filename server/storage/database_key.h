// File: server/storage/database_key.h
//
// DatabaseKey: a raw 256-bit SQLCipher key, read from a key file.
//
// A key file holds the key as 64 hexadecimal characters (an optional
// trailing newline is allowed) or as 32 raw bytes. It is a secret file
// (server/common/secret_file.h): a regular file, not a link, of the user
// running safeguardd, that group and others may not access (mode 0600 or
// 0400), so a key never sits where another account can read it.
//
// The key bytes are wiped when the key is destroyed. Move-only.
#ifndef SAFEGUARD_SERVER_STORAGE_DATABASE_KEY_H_
#define SAFEGUARD_SERVER_STORAGE_DATABASE_KEY_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "server/common/secret_file.h"  // WipeString, for SqlCipherRawKey

namespace safeguard {

class DatabaseKey {
 public:
  static constexpr size_t kSize = 32;

  explicit DatabaseKey(const std::array<uint8_t, kSize>& bytes)
      : bytes_(bytes) {}
  DatabaseKey(DatabaseKey&& other) noexcept;
  DatabaseKey& operator=(DatabaseKey&& other) noexcept;
  DatabaseKey(const DatabaseKey&) = delete;
  DatabaseKey& operator=(const DatabaseKey&) = delete;
  ~DatabaseKey();

  // The SQLCipher raw-key form, x'<64 hex>', for sqlite3_key(). The caller
  // must wipe the returned string (WipeString) when done with it.
  std::string SqlCipherRawKey() const;

  bool operator==(const DatabaseKey& other) const {
    return bytes_ == other.bytes_;
  }

 private:
  std::array<uint8_t, kSize> bytes_;
};

// Reads and checks a key file; errors name the file and the problem.
absl::StatusOr<DatabaseKey> ReadKeyFile(const std::string& path);

// Creates a new key file holding a random key as hex, mode 0600. Fails with
// kAlreadyExists if the file exists: a key is never overwritten.
absl::Status CreateKeyFile(const std::string& path);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_DATABASE_KEY_H_
