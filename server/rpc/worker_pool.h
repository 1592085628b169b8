// File: server/rpc/worker_pool.h
//
// WorkerPool: a fixed set of threads that run blocking work (database calls)
// for the callback RPC handlers, whose reactor threads must never block.
//
// Schedule() never blocks. The destructor runs every task already scheduled,
// then joins the threads. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_RPC_WORKER_POOL_H_
#define SAFEGUARD_SERVER_RPC_WORKER_POOL_H_

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
  explicit WorkerPool(int threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  void Schedule(std::function<void()> task);
  // Tasks scheduled and not yet started.
  size_t queued() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_WORKER_POOL_H_
