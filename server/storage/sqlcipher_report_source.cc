#include "server/storage/sqlcipher_report_source.h"

#include <deque>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/storage/report_facts_rows.h"

namespace safeguard {
namespace {

// Pages read ahead of the one being visited.
constexpr int kPagesAhead = 4;

// Pages of facts passed from the thread reading them to the one visiting
// them. Thread-safe.
class PageQueue {
 public:
  using Page = std::vector<ReportFacts>;

  // The reader: an empty page to fill.
  Page TakeEmpty() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &PageQueue::EmptyReady));
    Page page = std::move(empty_.back());
    empty_.pop_back();
    return page;
  }
  void PutFull(Page page) {
    absl::MutexLock lock(&mu_);
    full_.push_back(std::move(page));
  }
  // The reader's last word: every page is in, or reading failed.
  void Finish(absl::Status status) {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    status_ = std::move(status);
  }

  // The visitor: the next page, or nullopt after the last one read
  // (status() says whether reading failed after it).
  std::optional<Page> TakeFull() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &PageQueue::FullReady));
    if (full_.empty()) return std::nullopt;
    Page page = std::move(full_.front());
    full_.pop_front();
    return page;
  }
  void PutEmpty(Page page) {
    absl::MutexLock lock(&mu_);
    empty_.push_back(std::move(page));
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  bool EmptyReady() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !empty_.empty();
  }
  bool FullReady() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return finished_ || !full_.empty();
  }

  absl::Mutex mu_;
  std::vector<Page> empty_ ABSL_GUARDED_BY(mu_) =
      std::vector<Page>(kPagesAhead + 1);
  std::deque<Page> full_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status SqlCipherReportSource::ForEachFacts(
    const FactsQuery& query,
    absl::FunctionRef<void(const ReportFacts&)> visit) {
  PageQueue queue;
  // Pages are read on a thread of their own while this one visits them.
  std::thread reader([&] {
    std::optional<FactsKey> after = FactsKey();
    absl::Status status;
    while (after.has_value() && status.ok()) {
      PageQueue::Page page = queue.TakeEmpty();
      db_.AwaitFold();
      absl::StatusOr<std::optional<FactsKey>> next =
          db_.Read([&](Database& db) {
            return ReadReportFactsRows(db, query, *after, rows_per_read_, page);
          });
      if (next.ok()) {
        after = *std::move(next);
        queue.PutFull(std::move(page));
      } else {
        status = next.status();
      }
    }
    queue.Finish(std::move(status));
  });
  while (std::optional<PageQueue::Page> page = queue.TakeFull()) {
    for (const ReportFacts& facts : *page) visit(facts);
    queue.PutEmpty(*std::move(page));
  }
  reader.join();
  return queue.status();
}

}  // namespace safeguard
