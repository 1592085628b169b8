// File: server/core/id_generator.h
//
// IdGenerator: where referral ids come from. The server's implementation
// (server/app/referral_id_generator.h) makes time-ordered ids with 80
// random bits; tests use a
// sequence. Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_ID_GENERATOR_H_
#define SAFEGUARD_SERVER_CORE_ID_GENERATOR_H_

#include <string>

namespace safeguard {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A new, unguessable id of [a-z0-9] characters.
  virtual std::string NewId() = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_ID_GENERATOR_H_
