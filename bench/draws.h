// File: bench/draws.h
//
// DrawStream: pseudo-random draws (splitmix64) fixed by a seed, a purpose
// and an index, so that every value of a synthetic data set is a pure
// function of the index it belongs to (bench/people_data.h,
// bench/reports_data.h).
//
// Value type; thread-compatible.
#ifndef SAFEGUARD_BENCH_DRAWS_H_
#define SAFEGUARD_BENCH_DRAWS_H_

#include <cstdint>

namespace safeguard::bench {

class DrawStream {
 public:
  DrawStream(uint64_t seed, uint64_t purpose, uint64_t index)
      : state_(Mix(Mix(seed ^ (purpose << 56)) ^ index)) {}

  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  // From 0 to n - 1.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // From 0 (included) to 1 (not).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  static uint64_t Mix(uint64_t x) {  // splitmix64's finaliser
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_DRAWS_H_
