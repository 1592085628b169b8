// page_token_fuzzer: ListReferrals page tokens (DecodePageToken) from
// arbitrary text. A token that decodes must encode back to one that
// decodes to the same cursor.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "server/rpc/page_token.h"

namespace {

// The fingerprint the seeds were issued for (make_fuzz_seeds.cc).
constexpr char kFingerprint[] = "0123456789abcdef";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace safeguard;  // NOLINT
  const std::string token(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<safeguard::QueueCursor> cursor =
      DecodePageToken(token, kFingerprint);
  if (!cursor.ok()) return 0;
  absl::StatusOr<safeguard::QueueCursor> again =
      DecodePageToken(EncodePageToken(*cursor, kFingerprint), kFingerprint);
  if (!again.ok() || again->priority != cursor->priority ||
      again->deadline_us != cursor->deadline_us || again->id != cursor->id) {
    std::abort();
  }
  return 0;
}
