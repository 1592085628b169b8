#include "server/audit/parallel_verification.h"

#include <cstdint>
#include <map>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace safeguard {
namespace {

class ParallelVerification {
 public:
  absl::Status Run(AuditReader& reader, ChainVerifier& verifier) {
    std::vector<std::thread> walkers;
    for (int w = 0; w < kWalkers; ++w) {
      walkers.emplace_back([this, &reader, w] { Walk(reader, w); });
    }
    bool chain_ok = true;
    for (int64_t chunk = 0;; ++chunk) {
      Chunk mine;
      {
        absl::MutexLock lock(&mu_);
        wanted_ = chunk;
        mu_.Await(absl::Condition(this, &ParallelVerification::WantedIsReady));
        auto it = ready_.find(chunk);
        if (it == ready_.end()) break;  // a walker failed
        mine = std::move(it->second);
        ready_.erase(it);
      }
      for (const HashedEntry& e : mine.entries) {
        if (!(chain_ok = verifier.Add(e))) break;
      }
      if (!chain_ok || mine.last) break;
    }
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    for (std::thread& t : walkers) t.join();
    if (!chain_ok) return absl::OkStatus();  // the verifier reports it
    absl::MutexLock lock(&mu_);
    return error_;
  }

 private:
  static constexpr int kWalkers = 2;
  static constexpr int64_t kChunk = 4096, kChunksAhead = 4;

  struct Chunk {
    std::vector<HashedEntry> entries;
    bool last = false;  // no entries after these
  };
  // A walker may read `chunk` once it is close enough to what the checker
  // wants, so that no more than kChunksAhead chunks wait in memory.
  struct Turn {
    const ParallelVerification* self;
    int64_t chunk;
    bool Come() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return self->stop_ || chunk < self->wanted_ + kChunksAhead;
    }
  };

  void Walk(AuditReader& reader, int walker) {
    for (int64_t chunk = walker;; chunk += kWalkers) {
      {
        absl::MutexLock lock(&mu_);
        const Turn turn{this, chunk};
        mu_.Await(absl::Condition(&turn, &Turn::Come));
        if (stop_) return;
      }
      Chunk c;
      absl::Status s = reader.ForEach(
          1 + chunk * kChunk, [&](v1::AuditEntry& e) {
            c.entries.push_back(HashEntry(e));
            return static_cast<int64_t>(c.entries.size()) < kChunk;
          });
      const bool last = static_cast<int64_t>(c.entries.size()) < kChunk;
      c.last = last;
      absl::MutexLock lock(&mu_);
      if (!s.ok()) {
        if (error_.ok()) error_ = s;
        return;
      }
      ready_.emplace(chunk, std::move(c));
      if (last) return;
    }
  }

  bool WantedIsReady() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return !error_.ok() || ready_.count(wanted_) > 0;
  }

  absl::Mutex mu_;
  std::map<int64_t, Chunk> ready_ ABSL_GUARDED_BY(mu_);
  int64_t wanted_ ABSL_GUARDED_BY(mu_) = 0;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status VerifyInParallel(AuditReader& reader, ChainVerifier& verifier) {
  return ParallelVerification().Run(reader, verifier);
}

}  // namespace safeguard
