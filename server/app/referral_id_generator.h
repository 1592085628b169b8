// File: server/app/referral_id_generator.h
//
// ReferralIdGenerator: referral ids of 128 bits, the referral's creation
// time in milliseconds since the Unix epoch (48 bits) followed by 80 random
// bits from OpenSSL's CSPRNG, written as 26 base32 characters from an
// alphabet in ASCII order. Ids therefore sort by creation time, so a new
// referral's index entries land beside the last one's instead of on a
// random page of the encrypted database; the random part keeps ids
// unguessable. An id shows when its referral was created to anyone who
// sees the id, whatever their field view (policy/README.md says so; the
// shipped views that omit create_time show the deadline, which for target
// hardening is a fixed number of hours after it). Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_APP_REFERRAL_ID_GENERATOR_H_
#define SAFEGUARD_SERVER_APP_REFERRAL_ID_GENERATOR_H_

#include <string>

#include "absl/time/time.h"
#include "server/core/id_generator.h"

namespace safeguard {

class ReferralIdGenerator final : public IdGenerator {
 public:
  // IdGenerator
  std::string NewId(absl::Time created) override { return IdAt(created); }

  // The id for a referral created at `time`.
  static std::string IdAt(absl::Time time);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_REFERRAL_ID_GENERATOR_H_
