// File: server/storage/person_index_rows.h
//
// The person index (server/core/person_index.h) as rows: for each person a
// referral names, a row per blocking key (MatchKeys), holding the first 8
// bytes of the key's HMAC-SHA-256 under the database's own index key (made
// at random with the table, inside the encrypted file), the person's role,
// the referral's kind and id, and the person's date of birth as 20 bits of
// the HMAC of each of its BirthKeys (`birth`), so that a lookup rules out
// people whose date of birth disagrees without reading their referral.
// No name or date is kept in clear outside the referral's body.
//
// The rows are kept in two tables, and a lookup reads both:
// person_mentions, the main index, in key order (the keys are spread over
// the whole table, so writing a row there reads a page of it from disk);
// and person_mentions_new, where a referral's rows are written, in the
// order referrals are made, each write landing on pages that stay in
// memory. FoldPersonIndexRows moves new rows into the main index in key
// order, off the path of the writes that made them (PersonIndexFolder).
//
// The rows a submission's own checks read (CheckedOnSubmission) are also
// kept in checked_mentions, a row per referral (PackCheckedRows) by when it
// was made, from which RecentMentions loads the recent ones.
//
// Functions; thread-compatible through the Database they are given.
#ifndef SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_ROWS_H_
#define SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_ROWS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/core/person_index.h"
#include "server/storage/database.h"

namespace safeguard {

// One row of a referral's people: a blocking key's hash, and the person's
// role and date-of-birth code.
struct MentionRow {
  int64_t key;
  PersonRole role;
  int64_t birth;
};

// A referral's rows as checked_mentions keeps them, with 32 bits of each
// key's hash; and back, appended to `rows` (false if `packed` is not such).
std::string PackCheckedRows(const std::vector<MentionRow>& rows);
bool UnpackCheckedRows(absl::string_view packed, std::vector<MentionRow>& rows);

// The database's person index key.
absl::StatusOr<std::string> PersonIndexKey(Database& db);

// The rows of a referral's `people`, one for each key and role: where two
// people in one role share a key and their dates of birth differ, the row
// rules no one out (birth 0). In key and role order.
std::vector<MentionRow> MentionRowsOf(absl::string_view index_key,
                                      const std::vector<NamedPerson>& people);

// What a lookup for `person` reads: the hashes of its LookupKeys, in that
// order, each with whether a row's date of birth can rule it out (not for
// an identifier's key), and the person's date-of-birth code.
struct MentionLookup {
  std::vector<std::pair<int64_t, bool>> keys;
  int64_t birth = 0;
};
MentionLookup LookupOf(absl::string_view index_key, const PersonFacts& person);

// Whether two date-of-birth codes agree: equal hashes at every precision
// both have (a hash equal by chance only lets a referral be read).
bool BirthCodesAgree(int64_t a, int64_t b);

// The referrals of `kind` naming, in `role`, someone who may be `person`,
// as WriteTransaction::FindMentions describes them, at most `limit`: the
// keys in LookupKeys' order, each key's referrals newest first (referral
// ids sort by creation time).
absl::StatusOr<std::vector<std::string>> FindMentionRows(
    Database& db, ReferralKind kind, PersonRole role, const PersonFacts& person,
    int limit);

// Replaces the referral's rows with those of `people` (written as new
// rows, and in checked_mentions for those CheckedOnSubmission).
absl::Status IndexPeopleRows(Database& db, const Referral& referral,
                             const std::vector<NamedPerson>& people);

// Moves at most `max_rows` new rows, the first in key order, into the main
// index; returns how many it moved.
absl::StatusOr<int64_t> FoldPersonIndexRows(Database& db, int64_t max_rows);

// How many new rows wait to be folded.
absl::StatusOr<int64_t> CountNewPersonIndexRows(Database& db);

// Calls `fn` with each stored referral and the people it names (the kind
// module's PeopleNamed), for the migrations that index them.
absl::Status ForEachStoredReferral(
    Database& db,
    absl::FunctionRef<absl::Status(const Referral&,
                                   const std::vector<NamedPerson>&)>
        fn);

// Fills the empty person_mentions table with every stored referral's
// people, in key order, and then indexes it by referral.
absl::Status RebuildPersonIndex(Database& db);

// Fills the empty checked_mentions table from every stored referral.
absl::Status FillCheckedMentions(Database& db);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_ROWS_H_
