// File: server/rpc/page_token.h
//
// Page tokens for ListReferrals: the sort key of the last referral of a page
// plus a fingerprint of the query, so a token cannot be replayed against
// another filter or order. Opaque to clients (web-safe base64). Stateless;
// thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_PAGE_TOKEN_H_
#define SAFEGUARD_SERVER_RPC_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/core/referral_store.h"

namespace safeguard {

std::string EncodePageToken(const QueueCursor& cursor,
                            const std::string& query_fingerprint);

// kInvalidArgument (as a "page_token" field violation) if the token is
// malformed or was issued for another query.
absl::StatusOr<QueueCursor> DecodePageToken(const std::string& token,
                                            const std::string& query_fingerprint);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_PAGE_TOKEN_H_
