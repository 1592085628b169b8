// File: server/access/worker_pool.h
//
// WorkerPool: a fixed set of threads that run blocking work (database calls)
// for the callback RPC handlers, whose reactor threads must never block.
//
// Schedule() never blocks. TrySchedule() refuses a task when `max_queued`
// tasks already wait, so that a burst of calls cannot queue without bound.
// The destructor runs every task already scheduled, then joins the
// threads. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_ACCESS_WORKER_POOL_H_
#define SAFEGUARD_SERVER_ACCESS_WORKER_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace safeguard {

class WorkerPool {
 public:
  explicit WorkerPool(int threads, size_t max_queued = 4096);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  // For work that must run (a step of a call already admitted).
  void Schedule(std::function<void()> task);
  // False, without running `task`, when the queue is full.
  bool TrySchedule(std::function<void()> task);
  // Tasks scheduled and not yet started.
  size_t queued() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  const size_t max_queued_;
  std::vector<std::thread> threads_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_WORKER_POOL_H_
