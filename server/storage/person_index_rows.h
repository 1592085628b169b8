// File: server/storage/person_index_rows.h
//
// The person index (server/core/person_index.h) as rows: for each person a
// referral names, a row per blocking key (MatchKeys), holding the first 8
// bytes of the key's HMAC-SHA-256 under the database's own index key (made
// at random with the table, inside the encrypted file), the person's role,
// the referral's kind and id, and the person's date of birth as 20 bits of
// the HMAC of each of its BirthKeys (`birth`), so that a lookup rules out
// people whose date of birth disagrees without reading their referral.
// No name or date is kept in clear outside the referral's body. Run on the
// writer connection, inside its transaction.
//
// Functions; thread-compatible through the Database they are given.
#ifndef SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_ROWS_H_
#define SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_ROWS_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/core/person_index.h"
#include "server/storage/database.h"

namespace safeguard {

// The referrals of `kind` naming, in `role`, someone who may be `person`,
// as WriteTransaction::FindMentions describes them, at most `limit`: the
// keys in LookupKeys' order, each key's referrals newest first (referral
// ids sort by creation time).
absl::StatusOr<std::vector<std::string>> FindMentionRows(
    Database& db, ReferralKind kind, PersonRole role, const PersonFacts& person,
    int limit);

// Replaces the referral's rows with those of `people`.
absl::Status IndexPeopleRows(Database& db, const Referral& referral,
                             const std::vector<NamedPerson>& people);

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

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_PERSON_INDEX_ROWS_H_
