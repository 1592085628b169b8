#include "server/common/proto_time.h"

namespace safeguard {

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts,
                         absl::Time unset) {
  if (ts.seconds() == 0 && ts.nanos() == 0) return unset;
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
    out->Clear();
    return;
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

}  // namespace safeguard
