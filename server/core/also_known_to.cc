// ReferralService::AlsoKnownTo: where else the people a referral names may
// be known, through the person index, person matching and person records.
#include <algorithm>
#include <map>

#include "server/core/person_match.h"
#include "server/core/person_service.h"
#include "server/core/referral_kind.h"
#include "server/core/referral_service.h"
#include "server/core/status_macros.h"

namespace safeguard {

absl::StatusOr<std::vector<KnownElsewhere>> ReferralService::AlsoKnownTo(
    const Referral& referral) {
  const ReferralKindModule* own = FindReferralKind(referral.kind);
  if (own == nullptr) return std::vector<KnownElsewhere>();
  std::map<std::string, Referral> read;  // the other referrals, by id
  std::vector<KnownElsewhere> out;
  for (const NamedPerson& person : own->PeopleNamed(referral)) {
    PersonRecord record;  // empty if the mention has none
    absl::StatusOr<std::string> id =
        store_.PersonOf({referral.id, person.role, person.index});
    if (id.ok()) {
      SAFEGUARD_ASSIGN_OR_RETURN(record, store_.GetPerson(*id));
    } else if (!absl::IsNotFound(id.status())) {
      return id.status();
    }
    // The record holding a mention, or "" if none does.
    const auto record_of =
        [&](const MentionRef& m) -> absl::StatusOr<std::string> {
      absl::StatusOr<std::string> other = store_.PersonOf(m);
      if (absl::IsNotFound(other.status())) return std::string();
      return other;
    };
    std::vector<SimilarMention> similar;
    if (CandidatesScoreAlike(person.facts)) {
      // All alike, so the newest are shown: read no further than enough of
      // them to fill the list (the own referral and rejected records' not
      // counted). Confirmed mentions are added below either way.
      int shown = 0;
      SAFEGUARD_RETURN_IF_ERROR(VisitSimilarNewestFirst(
          store_, person.facts, read,
          [&](const SimilarMention& s) -> absl::StatusOr<bool> {
            similar.push_back(s);
            if (s.mention.referral_id != referral.id) {
              SAFEGUARD_ASSIGN_OR_RETURN(std::string other,
                                         record_of(s.mention));
              if (std::find(record.rejected.begin(), record.rejected.end(),
                            other) == record.rejected.end()) {
                ++shown;
              }
            }
            return shown < kMaxKnownElsewhere;
          }));
    } else {
      SAFEGUARD_ASSIGN_OR_RETURN(similar,
                                 FindSimilar(store_, person.facts, read));
    }
    // Mentions a coordinator confirmed that matching does not propose.
    for (const MentionRef& m : record.mentions) {
      if (m.referral_id == referral.id) continue;
      auto listed = std::find_if(
          similar.begin(), similar.end(),
          [&](const SimilarMention& s) { return s.mention == m; });
      if (listed != similar.end()) continue;
      SAFEGUARD_ASSIGN_OR_RETURN(const Referral* r,
                                 ReadCached(store_, read, m.referral_id));
      if (r == nullptr) continue;
      std::optional<NamedPerson> there = NamedAt(*r, m);
      if (!there) continue;
      similar.push_back({m, r, Compare(person.facts, there->facts)});
    }
    for (const SimilarMention& s : similar) {
      if (s.mention.referral_id == referral.id) continue;
      SAFEGUARD_ASSIGN_OR_RETURN(const std::string other_id,
                                 record_of(s.mention));
      if (std::find(record.rejected.begin(), record.rejected.end(),
                    other_id) != record.rejected.end()) {
        continue;
      }
      const Referral& r = *s.referral;
      KnownElsewhere k{r.id,   r.kind,         r.referring_agency,
                       r.state, r.create_time, PersonPath(person),
                       s.mention.role, s.match};
      k.person_record = record.id;
      k.other_person_record = other_id;
      k.confirmed = !record.id.empty() && other_id == record.id;
      out.push_back(std::move(k));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const KnownElsewhere& a, const KnownElsewhere& b) {
              if (a.confirmed != b.confirmed) return a.confirmed;
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
