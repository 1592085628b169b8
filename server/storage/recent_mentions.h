// File: server/storage/recent_mentions.h
//
// RecentMentions: the person index rows (person_index_rows.h) that a
// submission's own checks read (CheckedOnSubmission: a MARAC case's victim
// and perpetrator, for a repeat), of the referrals made within a recent
// span, held in memory, so that those checks read no page of the person
// index, whose keys are spread over the whole file. Loaded, when the
// server starts, from checked_mentions, where the rows are kept by when
// their referral was made; IndexPeopleRows writes them there, and the
// write transaction adds them here (Add) as it does.
//
// It may give more referrals than the person index would, never fewer:
// the rows of a write that was then rolled back, and those a correction
// replaced, stay here until the server restarts; and it keeps 32 bits of
// each key's hash. Its callers read and compare each referral it gives (as
// the repeat check does), and skip one not found.
//
// Memory: about 16 bytes a row and 100 a referral (some 30 MiB for the
// 93,216 MARAC cases, 1.1 million rows, of a year at a million referrals
// in three); loading sorts the rows first, in as much again.
//
// Thread-safe.
#ifndef SAFEGUARD_SERVER_STORAGE_RECENT_MENTIONS_H_
#define SAFEGUARD_SERVER_STORAGE_RECENT_MENTIONS_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/core/person_index.h"
#include "server/storage/database.h"
#include "server/storage/person_index_rows.h"

namespace safeguard {

class RecentMentions {
 public:
  // Loads the rows of the referrals made at or after `now - span` from
  // `db` (at start-up, before writes run). Referrals older than that are
  // let go as time passes.
  static absl::StatusOr<std::unique_ptr<RecentMentions>> Load(
      Database& db, absl::Duration span, absl::Time now);

  RecentMentions(const RecentMentions&) = delete;
  RecentMentions& operator=(const RecentMentions&) = delete;

  // Adds the rows of `referral`'s `people` that CheckedOnSubmission.
  void Add(const Referral& referral, const std::vector<NamedPerson>& people)
      ABSL_LOCKS_EXCLUDED(mu_);

  // FindMentionRows for the referrals made at or after `since`, when
  // CheckedOnSubmission(kind, role) and every referral made since then is
  // held (neither before loading nor let go since); otherwise nullopt (ask
  // the person index).
  std::optional<std::vector<std::string>> Find(ReferralKind kind,
                                               PersonRole role,
                                               const PersonFacts& person,
                                               absl::Time since, int limit)
      const ABSL_LOCKS_EXCLUDED(mu_);

  // Rows and referrals held (for tests and benchmarks).
  size_t rows() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t referrals() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // A referral held, numbered in the order it was added.
  struct Held {
    std::string id;
    absl::Time made;
  };
  // One row: 32 bits of the key's hash, the referral's number and the
  // role, the date-of-birth code; ordered by key first.
  struct Row {
    uint32_t key;
    uint32_t referral_role;  // number << 2 | role (2^30 adds a process)
    int64_t birth;
    bool operator<(const Row& o) const {
      return key != o.key ? key < o.key
             : referral_role != o.referral_role ? referral_role < o.referral_role
                                                : birth < o.birth;
    }
  };

  RecentMentions(std::string index_key, absl::Duration span,
                 absl::Time loaded_from)
      : index_key_(std::move(index_key)),
        span_(span),
        held_from_(loaded_from) {}

  void AddRow(absl::string_view id, absl::Time made, PersonRole role,
              int64_t key, int64_t birth) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Lets go of the referrals made before `now - span_`, and, once they are
  // a quarter of those held, of their rows.
  void Expire(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string index_key_;
  const absl::Duration span_;

  mutable absl::Mutex mu_;
  // Every referral made since then is held.
  absl::Time held_from_ ABSL_GUARDED_BY(mu_);
  std::deque<Held> held_ ABSL_GUARDED_BY(mu_);  // number first_ + i
  uint32_t first_ ABSL_GUARDED_BY(mu_) = 0;
  uint32_t let_go_ ABSL_GUARDED_BY(mu_) = 0;  // since rows were last swept
  absl::flat_hash_map<std::string, uint32_t> number_of_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<Row> rows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_RECENT_MENTIONS_H_
