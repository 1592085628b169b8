// File: server/storage/person_record_rows.h
//
// Person records (server/core/person_record.h) as rows:
//   people           one row per record: version, creation, and where and
//                    when it was merged (empty when it stands alone);
//   person_links     one row per mention: the record made for it (origin)
//                    and the record holding it now (the origin's merge
//                    root), so that an unmerge gives each mention back;
//   person_rejections  pairs of records said not to be the same person.
// A record's id is its creation time in milliseconds (12 hex digits), so
// that new records and their links are written side by side, then 80
// random bits (20 hex digits). Run on the connection given, inside its
// transaction for the writes.
//
// Functions; thread-compatible through the Database they are given.
#ifndef SAFEGUARD_SERVER_STORAGE_PERSON_RECORD_ROWS_H_
#define SAFEGUARD_SERVER_STORAGE_PERSON_RECORD_ROWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/core/person_record.h"
#include "server/storage/database.h"

namespace safeguard {

// Gives each of `people` not yet linked a record of its own, made at the
// referral's update time, and unlinks the referral's other mentions.
absl::Status LinkPeopleRows(Database& db, const Referral& referral,
                            const std::vector<NamedPerson>& people);

absl::StatusOr<PersonRecord> LoadPersonRow(Database& db, const std::string& id);
absl::StatusOr<std::string> PersonOfRow(Database& db, const MentionRef& m);

absl::Status MergePersonRows(Database& db, const std::string& from,
                             const std::string& into,
                             const PersonMergeEntry& how);
absl::Status UnmergePersonRows(Database& db, const std::string& id);
absl::Status RejectMatchRows(Database& db, const std::string& a,
                             const std::string& b, const PersonMergeEntry& how);

// Links every stored referral's people (a database from before records).
absl::Status BackfillPersonRecords(Database& db);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_PERSON_RECORD_ROWS_H_
