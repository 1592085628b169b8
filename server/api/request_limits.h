// File: server/api/request_limits.h
//
// CheckRequestLimits(): the bounds every request meets before anything else
// reads it, checked over the whole message by reflection in one place:
// each string's length in bytes, each repeated field's number of items,
// each enum's value (one the API defines; protobuf keeps unknown numbers),
// and a submitted referral's total size. A request that breaks any bound is
// INVALID_ARGUMENT with a violation per field (capped, see
// field_violations.h), and no per-field validation runs on it.
//
// The limits are in request_limits.cc, documented beside the API in
// proto/safeguard/v1/referral.proto. Pure; thread-safe.
#ifndef SAFEGUARD_SERVER_API_REQUEST_LIMITS_H_
#define SAFEGUARD_SERVER_API_REQUEST_LIMITS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace safeguard {

// Unless request_limits.cc names the field.
inline constexpr size_t kDefaultMaxStringBytes = 1000;
inline constexpr size_t kDefaultMaxItems = 20;
// A submitted referral, serialized.
inline constexpr size_t kMaxReferralBytes = 128 * 1024;

absl::Status CheckRequestLimits(const google::protobuf::Message& request);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_REQUEST_LIMITS_H_
