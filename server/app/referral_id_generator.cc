#include "server/app/referral_id_generator.h"

#include <cstdint>
#include <cstdlib>

#include "openssl/rand.h"

namespace safeguard {

std::string ReferralIdGenerator::IdAt(absl::Time time) {
  // In ASCII order, so that ids compare as their bits do.
  static constexpr char kAlphabet[] = "234567abcdefghijklmnopqrstuvwxyz";
  uint8_t bytes[16];
  const uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(time));
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  if (RAND_bytes(bytes + 6, 10) != 1) std::abort();  // no entropy
  std::string id;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      id += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) id += kAlphabet[(buffer << (5 - bits)) & 31];
  return id;
}

}  // namespace safeguard
