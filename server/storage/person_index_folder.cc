#include "server/storage/person_index_folder.h"

#include <utility>

#include "server/core/status_macros.h"
#include "server/storage/person_index_rows.h"

namespace safeguard {

void PersonIndexFolder::Start() {
  absl::MutexLock lock(&mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void PersonIndexFolder::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!started_ || stopping_) return;
    stopping_ = true;
  }
  thread_.join();
}

absl::StatusOr<int64_t> PersonIndexFolder::FoldChunk(int64_t rows) {
  int64_t moved = 0;
  const absl::Time start = absl::Now();
  SAFEGUARD_RETURN_IF_ERROR(db_.Write([&](Database& db) -> absl::Status {
    SAFEGUARD_ASSIGN_OR_RETURN(moved, FoldPersonIndexRows(db, rows));
    return absl::OkStatus();
  }));
  folded_rows_.fetch_add(moved);
  fold_ns_.fetch_add(absl::ToInt64Nanoseconds(absl::Now() - start));
  return moved;
}

absl::StatusOr<int64_t> PersonIndexFolder::FoldAll() {
  int64_t total = 0;
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(int64_t moved, FoldChunk(chunk_rows_));
    total += moved;
    if (moved < chunk_rows_) return total;
  }
}

void PersonIndexFolder::Run() {
  // Writes are seen through the commits they make; the folder's own are
  // left out by counting from after each of them.
  int64_t seen = db_.commits();
  absl::Time last_write = absl::Now();
  bool maybe_rows = true;  // rows may wait (as at start-up)
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.poll)) {
        return;
      }
    }
    const absl::Time now = absl::Now();
    if (db_.commits() != seen) {
      seen = db_.commits();
      last_write = now;
      maybe_rows = true;
    }
    if (!maybe_rows) continue;
    const bool idle = now - last_write >= options_.idle;
    absl::StatusOr<int64_t> waiting =
        db_.Read([](Database& db) { return CountNewPersonIndexRows(db); });
    // A failed count or fold is tried again at the next look; the rows it
    // leaves are still read from where they are.
    if (!waiting.ok()) continue;
    if (*waiting == 0) {
      maybe_rows = false;
      continue;
    }
    if (!idle && *waiting <= options_.max_new_rows) continue;
    // While writes are paused (or too many rows wait), one chunk after
    // another, looking between them for a write or a stop. The fold's own
    // commit is one; a write's, made meanwhile, counts as a write.
    const int64_t before = db_.commits();
    absl::StatusOr<int64_t> moved = FoldChunk(chunk_rows_);
    if (db_.commits() == before + 1) seen = before + 1;
    if (moved.ok() && *moved < chunk_rows_) maybe_rows = false;
  }
}

}  // namespace safeguard
