// File: server/access/caller_limiter.h
//
// CallerLimiter: how many calls each caller has admitted and not finished,
// so that one partner's system cannot take every worker: past `max` a
// caller's new calls are refused (RESOURCE_EXHAUSTED) until some finish.
// Keyed by "<agency>/<principal>". Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_ACCESS_CALLER_LIMITER_H_
#define SAFEGUARD_SERVER_ACCESS_CALLER_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace safeguard {

class CallerLimiter {
 public:
  explicit CallerLimiter(int max) : max_(max) {}

  // False when `caller` has `max` calls in flight; else counts one more,
  // which Release() takes back.
  bool TryAcquire(const std::string& caller) {
    absl::MutexLock lock(&mu_);
    int& n = in_flight_[caller];
    if (n >= max_) return false;
    ++n;
    return true;
  }
  void Release(const std::string& caller) {
    absl::MutexLock lock(&mu_);
    auto it = in_flight_.find(caller);
    if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
  }

 private:
  const int max_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_CALLER_LIMITER_H_
