// File: server/common/proto_time.h
//
// absl::Time to and from google.protobuf.Timestamp, for every message that
// carries a time (the API's, the stored formats, the audit log's).
//
// Stateless functions; thread-safe.
#ifndef SAFEGUARD_SERVER_COMMON_PROTO_TIME_H_
#define SAFEGUARD_SERVER_COMMON_PROTO_TIME_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace safeguard {

// Unset timestamps are absl::InfinitePast() (or `unset` where given).
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts,
                         absl::Time unset = absl::InfinitePast());
// Infinite times leave `out` cleared.
void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_PROTO_TIME_H_
