#include "server/rpc/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/core/field_violations.h"

namespace safeguard {
namespace {

absl::Status BadToken(absl::string_view why) {
  return InvalidArgumentWithViolations({{"page_token", std::string(why)}});
}

}  // namespace

std::string EncodePageToken(const QueueCursor& cursor,
                            const std::string& query_fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      "1|", query_fingerprint, "|", cursor.priority, "|", cursor.deadline_us,
      "|", cursor.id));
}

absl::StatusOr<QueueCursor> DecodePageToken(
    const std::string& token, const std::string& query_fingerprint) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return BadToken("is not a page token from this server");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits('|', 4));
  QueueCursor cursor;
  if (parts.size() != 5 || parts[0] != "1" ||
      !absl::SimpleAtoi(parts[2], &cursor.priority) ||
      !absl::SimpleAtoi(parts[3], &cursor.deadline_us) || parts[4].empty()) {
    return BadToken("is not a page token from this server");
  }
  if (parts[1] != query_fingerprint) {
    return BadToken("was issued for another filter or order");
  }
  cursor.id = parts[4];
  return cursor;
}

}  // namespace safeguard
