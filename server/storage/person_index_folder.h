// File: server/storage/person_index_folder.h
//
// PersonIndexFolder: moves the person index's new rows into its main index
// (FoldPersonIndexRows, person_index_rows.h) on a thread of its own, a
// chunk in key order per write: once the database's writes have paused
// for `idle`, and, whatever they do, while more than `max_new_rows` wait.
// A submission then writes its rows where they stay in memory, and the
// main index's pages, spread over the whole file, are read and written
// while the server is otherwise quiet.
//
// Borrows the SharedDatabase, which must outlive it. Thread-safe.
#ifndef SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_FOLDER_H_
#define SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_FOLDER_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/storage/shared_database.h"

namespace safeguard {

class PersonIndexFolder {
 public:
  struct Options {
    // How long writes must have paused before folding starts.
    absl::Duration idle = absl::Seconds(1);
    // New rows at which folding goes on while writes run.
    int64_t max_new_rows = 262144;
    // Rows a fold write moves.
    int64_t chunk_rows = 1024;
    // How often the thread looks.
    absl::Duration poll = absl::Milliseconds(200);
  };

  PersonIndexFolder(SharedDatabase& db, const Options& options)
      : db_(db),
        options_(options),
        chunk_rows_(std::max<int64_t>(1, options.chunk_rows)) {}
  PersonIndexFolder(const PersonIndexFolder&) = delete;
  PersonIndexFolder& operator=(const PersonIndexFolder&) = delete;
  ~PersonIndexFolder() { Stop(); }

  void Start() ABSL_LOCKS_EXCLUDED(mu_);
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

  // Folds every new row now; returns how many it moved.
  absl::StatusOr<int64_t> FoldAll();

  // Rows moved so far, and the time their writes took.
  int64_t folded_rows() const { return folded_rows_.load(); }
  absl::Duration fold_time() const {
    return absl::Nanoseconds(fold_ns_.load());
  }

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // One fold write of at most `rows`.
  absl::StatusOr<int64_t> FoldChunk(int64_t rows);

  SharedDatabase& db_;
  const Options options_;
  const int64_t chunk_rows_;  // at least 1
  std::atomic<int64_t> folded_rows_{0};
  std::atomic<int64_t> fold_ns_{0};

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_FOLDER_H_
