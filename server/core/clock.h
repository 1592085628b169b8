// File: server/core/clock.h
//
// Clock: the time source of the domain core, injected so that tests control
// time. SystemClock reads the real UTC clock. Implementations are safe for
// concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_CLOCK_H_
#define SAFEGUARD_SERVER_CORE_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace safeguard {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_CLOCK_H_
