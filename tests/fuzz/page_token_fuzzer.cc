// page_token_fuzzer: ListReferrals page tokens (DecodePageToken) from
// arbitrary text, and the round trip of a cursor made from the input: its
// token decodes to the same cursor.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/api/page_token.h"

namespace {

// The fingerprint the seeds were issued for (make_fuzz_seeds.cc).
constexpr char kFingerprint[] = "0123456789abcdef";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;  // NOLINT
  if (size == 0) return 0;
  const QueueOrder order =
      data[0] % 2 == 0 ? QueueOrder::kByDeadline : QueueOrder::kByPriority;
  const std::string token(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Arbitrary text never passes the MAC (the key is this process's).
  (void)DecodePageToken(token, order, kFingerprint);
  // Any cursor round-trips through its own token, in its order.
  QueueCursor cursor;
  cursor.priority = order == QueueOrder::kByPriority ? static_cast<int>(size) : 0;
  cursor.deadline_us = static_cast<int64_t>(size) * 1000003;
  // Ids are at most 64 characters (ReferralIdFromName).
  cursor.id = token.empty() ? "x" : token.substr(0, 64);
  absl::StatusOr<QueueCursor> again =
      DecodePageToken(EncodePageToken(cursor, order, kFingerprint), order,
                      kFingerprint);
  if (!again.ok() || again->priority != cursor.priority ||
      again->deadline_us != cursor.deadline_us || again->id != cursor.id) {
    std::abort();
  }
  return 0;
}
