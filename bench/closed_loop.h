// File: bench/closed_loop.h
//
// The load generator's closed loop, which every scenario of safeguard_bench
// measures with: `slots` clients, each with one call in flight, the next
// started from the completion of the last on gRPC's callback threads, so
// the generator needs no thread per client; and Call(), which starts one
// unary call through a generated stub's callback interface.
//
// RunClosedLoop() blocks until the loop has ended; `op` is called from
// gRPC's threads, at most one call per slot at a time. Percentile() is a
// pure function.
#ifndef SAFEGUARD_BENCH_CLOSED_LOOP_H_
#define SAFEGUARD_BENCH_CLOSED_LOOP_H_

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace safeguard::bench {

// What one operation reports.
enum Outcome { kFailed = 0, kDone = 1, kExhausted = 2 };

// `op(slot, i, done)` starts call `i` of `slot` and calls `done(outcome)`
// when it has finished.
using Done = std::function<void(int)>;
using AsyncOp = std::function<void(int, int64_t, Done)>;

// What one run of the loop measured.
struct Latencies {
  std::vector<int64_t> us;  // one per finished call, in no order
  int64_t errors = 0;
  double seconds = 0;
};

// Runs `slots` calls in flight for `duration`, or until an operation
// reports kExhausted (nothing left to work on).
Latencies RunClosedLoop(int slots, absl::Duration duration, const AsyncOp& op);

// The value at fraction `p` (0.5 for the median) of `sorted`; 0 if empty.
double Percentile(const std::vector<int64_t>& sorted, double p);

// Starts one unary call through a generated stub's callback interface:
// `start(context, request, response, callback)`; `done` gets its outcome,
// and `answered` (if set) the response of a call that succeeded, first.
// The first failure of the process is printed.
template <typename Request, typename Response, typename Start>
void Call(Request request, Start start, Done done,
          std::function<void(const Response&)> answered = nullptr) {
  struct Pending {
    grpc::ClientContext context;
    Request request;
    Response response;
  };
  auto pending = std::make_shared<Pending>();
  pending->request = std::move(request);
  start(&pending->context, &pending->request, &pending->response,
        [pending, done = std::move(done),
         answered = std::move(answered)](grpc::Status status) {
          static std::atomic<bool> reported{false};
          if (!status.ok() && !reported.exchange(true)) {
            std::fprintf(stderr, "first error: %d %s\n", status.error_code(),
                         status.error_message().c_str());
          }
          if (status.ok() && answered) answered(pending->response);
          done(status.ok() ? kDone : kFailed);
        });
}

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_CLOSED_LOOP_H_
