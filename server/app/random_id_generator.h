// File: server/app/random_id_generator.h
//
// RandomIdGenerator: referral ids of 128 random bits from OpenSSL's CSPRNG,
// written as 26 lower-case base32 characters. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_APP_RANDOM_ID_GENERATOR_H_
#define SAFEGUARD_SERVER_APP_RANDOM_ID_GENERATOR_H_

#include <string>

#include "server/core/id_generator.h"

namespace safeguard {

class RandomIdGenerator final : public IdGenerator {
 public:
  // IdGenerator
  std::string NewId() override;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_RANDOM_ID_GENERATOR_H_
