// File: server/storage/referral_rows.h
//
// How a referral is kept in the `referrals` table: its body (a serialized
// safeguard.storage.v1.StoredReferral, stored_referral.h) plus the columns
// the triage queue filters and sorts on. Shared by the reads
// (SqlCipherReferralStore) and the writes (SqlCipherUnitOfWork).
//
// Functions of the connection they are given; thread-compatible.
#ifndef SAFEGUARD_SERVER_STORAGE_REFERRAL_ROWS_H_
#define SAFEGUARD_SERVER_STORAGE_REFERRAL_ROWS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/core/referral.h"
#include "server/storage/database.h"

namespace safeguard {

// The row's columns, in the order BindReferralRow binds them (14).
inline constexpr char kReferralColumns[] =
    "id, reference, kind, state, area, priority, deadline_us, assignee, "
    "referring_agency, referrer_name, version, create_us, update_us, body";

// Binds parameters 1 to 14 from `referral`.
absl::Status BindReferralRow(Statement& statement, const Referral& referral);

// A stored body; kDataLoss if it does not parse.
absl::StatusOr<Referral> ParseReferralBody(absl::string_view body);

// The referral with that id; kNotFound if there is none.
absl::StatusOr<Referral> LoadReferral(Database& db, const std::string& id);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_REFERRAL_ROWS_H_
