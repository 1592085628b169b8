#include "bench/closed_loop.h"

#include <algorithm>

#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"

namespace safeguard::bench {

Latencies RunClosedLoop(int slots, absl::Duration duration, const AsyncOp& op) {
  struct Slot {
    int64_t i = 0;
    absl::Time begin;
    std::vector<int64_t> latencies;  // one call at a time per slot
  };
  std::vector<Slot> state(slots);
  std::atomic<int64_t> errors{0};
  absl::BlockingCounter finished(slots);
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  std::function<void(int)> next = [&](int s) {
    Slot& slot = state[s];
    if (absl::Now() >= end) {
      finished.DecrementCount();
      return;
    }
    slot.begin = absl::Now();
    op(s, slot.i++, [&, s](int outcome) {
      Slot& done = state[s];
      if (outcome == kExhausted) {
        finished.DecrementCount();
        return;
      }
      done.latencies.push_back(
          absl::ToInt64Microseconds(absl::Now() - done.begin));
      if (outcome == kFailed) ++errors;
      next(s);
    });
  };
  for (int s = 0; s < slots; ++s) next(s);
  finished.Wait();
  Latencies out;
  out.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  out.errors = errors;
  for (const Slot& slot : state) {
    out.us.insert(out.us.end(), slot.latencies.begin(), slot.latencies.end());
  }
  return out;
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  return static_cast<double>(sorted[std::min(
      sorted.size() - 1, static_cast<size_t>(p * sorted.size()))]);
}

}  // namespace safeguard::bench
