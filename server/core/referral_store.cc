#include "server/core/referral_store.h"

#include <algorithm>
#include <limits>

namespace safeguard {
namespace {

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

QueueCursor CursorOf(const Referral& r) {
  return {static_cast<int>(r.priority),
          r.has_deadline() ? absl::ToUnixMicros(r.deadline)
                           : std::numeric_limits<int64_t>::max(),
          r.id};
}

bool IsVisible(const Referral& r, const std::vector<VisibilityScope>& scopes) {
  const std::string referrer = r.referring_agency + "/" + r.referrer;
  for (const VisibilityScope& s : scopes) {
    if (!s.kinds.empty() && !Contains(s.kinds, r.kind)) continue;
    if (s.all) return true;
    if (!s.agencies.empty() && !Contains(s.agencies, r.referring_agency)) continue;
    if (!s.areas.empty() && !Contains(s.areas, r.area)) continue;
    if (!s.referrer.empty() && s.referrer != referrer) continue;
    if (!s.assignee.empty() && s.assignee != r.assignee) continue;
    if (s.agencies.empty() && s.areas.empty() && s.referrer.empty() &&
        s.assignee.empty()) {
      continue;  // a scope with no restriction and not `all` grants nothing
    }
    return true;
  }
  return false;
}

}  // namespace safeguard
