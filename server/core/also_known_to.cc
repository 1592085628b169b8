// ReferralService::AlsoKnownTo: where else the people a referral names may
// be known, through the person index and person matching.
#include <algorithm>
#include <map>

#include "server/core/person_index.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_service.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

// Referrals read for one person in one role of one kind, newest first.
constexpr int kMaxCandidates = 50;

constexpr PersonRole kRoles[] = {PersonRole::kSubject, PersonRole::kPerpetrator,
                                 PersonRole::kChild};

}  // namespace

absl::StatusOr<std::vector<KnownElsewhere>> ReferralService::AlsoKnownTo(
    const Referral& referral) {
  const ReferralKindModule* own = FindReferralKind(referral.kind);
  if (own == nullptr) return std::vector<KnownElsewhere>();
  std::map<std::string, Referral> read;  // the other referrals, by id
  std::vector<KnownElsewhere> out;
  for (const NamedPerson& person : own->PeopleNamed(referral)) {
    const std::vector<std::string> keys = MatchKeys(person.facts);
    for (const ReferralKindModule* kind : ReferralKinds()) {
      for (PersonRole role : kRoles) {
        SAFEGUARD_ASSIGN_OR_RETURN(
            std::vector<std::string> ids,
            store_.FindMentions(kind->kind(), role, keys, kMaxCandidates));
        for (const std::string& id : ids) {
          if (id == referral.id) continue;
          auto it = read.find(id);
          if (it == read.end()) {
            absl::StatusOr<Referral> other = store_.Get(id);
            if (absl::IsNotFound(other.status())) continue;
            if (!other.ok()) return other.status();
            it = read.emplace(id, *std::move(other)).first;
          }
          const Referral& other = it->second;
          // The most alike of the other's people in that role.
          MatchResult best;
          for (const NamedPerson& there : kind->PeopleNamed(other)) {
            if (there.role != role) continue;
            MatchResult m = Compare(person.facts, there.facts);
            if (m.score > best.score) best = std::move(m);
          }
          if (!best.is_candidate()) continue;
          out.push_back({other.id, other.kind, other.referring_agency,
                         other.state, other.create_time, PersonPath(person),
                         role, std::move(best)});
        }
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const KnownElsewhere& a, const KnownElsewhere& b) {
              if (a.match.score != b.match.score) {
                return a.match.score > b.match.score;
              }
              if (a.create_time != b.create_time) {
                return a.create_time > b.create_time;
              }
              return a.referral_id < b.referral_id;
            });
  if (out.size() > static_cast<size_t>(kMaxKnownElsewhere)) {
    out.resize(kMaxKnownElsewhere);
  }
  return out;
}

}  // namespace safeguard
