#include "server/api/page_token.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "openssl/crypto.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "openssl/rand.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

constexpr size_t kMacBytes = 16;

absl::Status BadToken() {
  return InvalidArgumentWithViolations(
      {{"page_token", "is not a page token for this query"}});
}

// HMAC-SHA256 of the fingerprint and payload under this process's key,
// truncated to kMacBytes.
std::string Mac(const std::string& fingerprint, absl::string_view payload) {
  static const std::string* const key = [] {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
    return new std::string(reinterpret_cast<char*>(bytes), sizeof(bytes));
  }();
  const std::string message = absl::StrCat(fingerprint, "\n", payload);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       out, &len);
  return std::string(reinterpret_cast<char*>(out), kMacBytes);
}

}  // namespace

std::string EncodePageToken(const QueueCursor& cursor, QueueOrder order,
                            const std::string& query_fingerprint) {
  const std::string payload =
      order == QueueOrder::kByPriority
          ? absl::StrCat(cursor.priority, "|", cursor.deadline_us, "|", cursor.id)
          : absl::StrCat(cursor.deadline_us, "|", cursor.id);
  return absl::WebSafeBase64Escape(
      absl::StrCat(Mac(query_fingerprint, payload), payload));
}

absl::StatusOr<QueueCursor> DecodePageToken(
    const std::string& token, QueueOrder order,
    const std::string& query_fingerprint) {
  std::string raw;
  if (token.size() > kMaxPageTokenBytes ||
      !absl::WebSafeBase64Unescape(token, &raw) || raw.size() <= kMacBytes) {
    return BadToken();
  }
  const absl::string_view payload = absl::string_view(raw).substr(kMacBytes);
  const std::string mac = Mac(query_fingerprint, payload);
  if (CRYPTO_memcmp(mac.data(), raw.data(), kMacBytes) != 0) return BadToken();
  const bool by_priority = order == QueueOrder::kByPriority;
  std::vector<absl::string_view> parts =
      absl::StrSplit(payload, absl::MaxSplits('|', by_priority ? 2 : 1));
  QueueCursor cursor;
  if (parts.size() != (by_priority ? 3u : 2u) ||
      (by_priority && !absl::SimpleAtoi(parts[0], &cursor.priority)) ||
      !absl::SimpleAtoi(parts[parts.size() - 2], &cursor.deadline_us) ||
      parts.back().empty()) {
    return BadToken();
  }
  cursor.id = std::string(parts.back());
  return cursor;
}

}  // namespace safeguard
