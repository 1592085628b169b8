// File: server/common/sha256.h
//
// SHA-256, the one place the server computes it: raw digests for the audit
// hash chain, lower-case hex for fingerprints (certificates, idempotent
// requests). No protobuf, no OpenSSL in the interface.
//
// Thread-safe: each thread keeps its own digest context.
#ifndef SAFEGUARD_SERVER_COMMON_SHA256_H_
#define SAFEGUARD_SERVER_COMMON_SHA256_H_

#include <cstddef>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace safeguard {

inline constexpr size_t kSha256Size = 32;

// SHA-256 of `bytes`: kSha256Size raw bytes.
std::string Sha256(absl::string_view bytes);
// SHA-256 of the concatenation of `parts`, without copying them together.
std::string Sha256(std::initializer_list<absl::string_view> parts);
// SHA-256 of `bytes`, as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view bytes);
// HMAC-SHA-256 of `message` under `key`: kSha256Size raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view message);

// SHA-256 of bytes given in pieces (a file read in blocks). Owns its
// digest context; not thread-safe; FinishHex() once, last.
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  ~Sha256Stream();
  void Update(absl::string_view bytes);
  // The digest as 64 lower-case hex digits.
  std::string FinishHex();

 private:
  void* ctx_;  // EVP_MD_CTX*, owned
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_SHA256_H_
