// File: server/api/page_token.h
//
// Page tokens for ListReferrals: the sort key of the last referral of a
// page in the query's order (the priority only when ordering by priority,
// which the caller's view must show), authenticated with HMAC-SHA256 under
// a key of this server process together with a fingerprint of the query
// and its caller. A token cannot be forged, altered, or replayed against
// another filter, order or caller; after a restart a client lists from the
// start again. Opaque to clients (web-safe base64). Thread-safe.
#ifndef SAFEGUARD_SERVER_API_PAGE_TOKEN_H_
#define SAFEGUARD_SERVER_API_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/core/referral_store.h"

namespace safeguard {

// The longest token DecodePageToken reads.
inline constexpr size_t kMaxPageTokenBytes = 512;

std::string EncodePageToken(const QueueCursor& cursor, QueueOrder order,
                            const std::string& query_fingerprint);

// kInvalidArgument (as a "page_token" field violation) if the token is
// malformed, altered, or was issued for another query, caller or process.
absl::StatusOr<QueueCursor> DecodePageToken(const std::string& token,
                                            QueueOrder order,
                                            const std::string& query_fingerprint);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_PAGE_TOKEN_H_
