// File: server/core/id_generator.h
//
// IdGenerator: where referral ids come from. The server's implementation
// (server/app/referral_id_generator.h) makes ids that sort by creation time,
// with 80 random bits. Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_ID_GENERATOR_H_
#define SAFEGUARD_SERVER_CORE_ID_GENERATOR_H_

#include <string>

#include "absl/time/time.h"

namespace safeguard {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A new, unguessable id of [a-z0-9] characters for a referral created at
  // `created`. Ids sort, as text, in the order of their creation times (to
  // the millisecond): the person index gives each key's referrals newest
  // first by them, and a search by a name alone ranks by them.
  virtual std::string NewId(absl::Time created) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_ID_GENERATOR_H_
