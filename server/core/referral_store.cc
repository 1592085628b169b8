#include "server/core/referral_store.h"

#include <limits>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace safeguard {

QueueCursor CursorOf(const Referral& r) {
  return {static_cast<int>(r.priority),
          r.has_deadline() ? absl::ToUnixMicros(r.deadline)
                           : std::numeric_limits<int64_t>::max(),
          r.id};
}

namespace {

// Whether `referrer` ("<agency>/<principal>") names r's referrer.
bool IsReferrer(const Referral& r, absl::string_view referrer) {
  return referrer.size() == r.referring_agency.size() + 1 + r.referrer.size() &&
         absl::StartsWith(referrer, r.referring_agency) &&
         referrer[r.referring_agency.size()] == '/' &&
         absl::EndsWith(referrer, r.referrer);
}

bool VisibleThrough(const Referral& r, const VisibilityScope& s) {
  if (!s.kinds.empty() && !absl::c_linear_search(s.kinds, r.kind)) return false;
  if (s.all) return true;
  if (!s.agencies.empty() &&
      !absl::c_linear_search(s.agencies, r.referring_agency)) {
    return false;
  }
  if (!s.areas.empty() && !absl::c_linear_search(s.areas, r.area)) return false;
  if (!s.referrer.empty() && !IsReferrer(r, s.referrer)) return false;
  if (!s.assignee.empty() && s.assignee != r.assignee) return false;
  // A scope with no restriction that is not `all` grants nothing.
  return !(s.agencies.empty() && s.areas.empty() && s.referrer.empty() &&
           s.assignee.empty());
}

}  // namespace

bool IsVisible(const Referral& r, const std::vector<VisibilityScope>& scopes) {
  for (const VisibilityScope& s : scopes) {
    if (VisibleThrough(r, s)) return true;
  }
  return false;
}

RoleSet RolesSeeing(const Referral& r,
                    const std::vector<VisibilityScope>& scopes) {
  RoleSet roles;
  for (const VisibilityScope& s : scopes) {
    if (VisibleThrough(r, s)) roles.AddAll(s.roles);
  }
  return roles;
}

std::string RulesSeeing(const Referral& r,
                        const std::vector<VisibilityScope>& scopes) {
  std::string out;
  for (const VisibilityScope& s : scopes) {
    if (!VisibleThrough(r, s) || s.rule.empty()) continue;
    if (out.find(s.rule) != std::string::npos) continue;
    out += out.empty() ? s.rule : "," + s.rule;
  }
  return out;
}

}  // namespace safeguard
