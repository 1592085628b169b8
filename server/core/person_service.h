// File: server/core/person_service.h
//
// PersonService: the domain side of safeguard.v1.People. It finds the
// people who may be one described (a search, a record's candidates, a
// referral's "also known to") through the person index and matching
// (FindSimilar), reads person records with the referrals naming them, and
// merges, unmerges and rejects records in one unit of work with the call's
// audit entry. What of a referral a caller may see is the API's to decide:
// the results carry the referrals read.
//
// Does not own its collaborators; they must outlive it. Thread-safe as
// they are.
#ifndef SAFEGUARD_SERVER_CORE_PERSON_SERVICE_H_
#define SAFEGUARD_SERVER_CORE_PERSON_SERVICE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/core/clock.h"
#include "server/core/person_record.h"
#include "server/core/referral_service.h"
#include "server/core/referral_store.h"
#include "server/core/unit_of_work.h"

namespace safeguard {

// The person `mention` names in `referral`, as matching sees them, if the
// referral still names one there.
std::optional<NamedPerson> NamedAt(const Referral& referral,
                                   const MentionRef& mention);

// Referral `id` from `read`, read from `store` into it if need be; null if
// there is no such referral.
absl::StatusOr<const Referral*> ReadCached(ReferralStore& store,
                                           std::map<std::string, Referral>& read,
                                           const std::string& id);

// A person named in a stored referral who may be the person looked for.
struct SimilarMention {
  MentionRef mention;
  const Referral* referral = nullptr;  // in the cache FindSimilar was given
  MatchResult match;
};

// The mentions of people who may be `facts`' person (candidates), most
// alike first: for each kind and role, at most 50 referrals sharing a
// blocking key, newest first. Referrals read are kept in `read` (by id),
// and read from it when already there.
absl::StatusOr<std::vector<SimilarMention>> FindSimilar(
    ReferralStore& store, const PersonFacts& facts,
    std::map<std::string, Referral>& read);

// FindSimilar's mentions for a person whose candidates all score alike
// (CandidatesScoreAlike), in the order they rank: newest referral first (by
// id, so to the millisecond), each referral's in its kind and role order.
// Each is given to `visit`, which answers whether to go on; the referral
// in hand is finished first, and no other is read.
absl::Status VisitSimilarNewestFirst(
    ReferralStore& store, const PersonFacts& facts,
    std::map<std::string, Referral>& read,
    absl::FunctionRef<absl::StatusOr<bool>(const SimilarMention&)> visit);

// A record that may be the person looked for.
struct PersonCandidate {
  std::string person_id;
  MatchResult match;                  // its best matching mention's
  std::vector<MentionRef> mentions;   // those that matched, most alike first
};

struct PeopleFound {
  std::vector<PersonCandidate> people;
  std::map<std::string, Referral> referrals;  // those the mentions name
};

struct PersonView {
  PersonRecord record;                 // mentions newest referral first
  std::vector<PersonCandidate> candidates;
  std::map<std::string, Referral> referrals;  // those the mentions name
};

class PersonService {
 public:
  static constexpr int kMaxCandidates = 20;

  PersonService(ReferralStore& store, UnitOfWork& units, const Clock& clock)
      : store_(store), units_(units), clock_(clock) {}
  PersonService(const PersonService&) = delete;
  PersonService& operator=(const PersonService&) = delete;

  // The records holding people who may be `query`'s person, most alike
  // first, at most `limit` (1 or more). When all candidates score alike
  // (CandidatesScoreAlike: a name alone), the records mentioned last, newest
  // first (by referral id: to the millisecond), reading only as many
  // referrals as finding them takes; a record's mentions are then those in
  // the referrals read.
  absl::StatusOr<PeopleFound> Search(const PersonFacts& query, int limit);

  // kNotFound for no such record. A record merged into another has no
  // mentions and no candidates.
  absl::StatusOr<PersonView> Get(const std::string& id);

  // The changes: each commits with ctx.audit (naming the records in its
  // `people`, and in `disclosed` the referrals the answer names) and
  // answers with the record as it is after, without candidates.
  //   Merge: `from` joins `into` (read at `version`: else kAborted); both
  //     must stand alone (kFailedPrecondition) and differ
  //     (kInvalidArgument).
  //   Unmerge: `id` must have been merged into another record.
  //   Reject: `id` and `other` must stand alone and be different records.
  absl::StatusOr<PersonView> Merge(const CallContext& ctx,
                                   const std::string& into, int64_t version,
                                   const std::string& from);
  absl::StatusOr<PersonView> Unmerge(const CallContext& ctx,
                                     const std::string& id);
  absl::StatusOr<PersonView> Reject(const CallContext& ctx,
                                    const std::string& id,
                                    const std::string& other);

 private:
  absl::StatusOr<PersonView> Read(const std::string& id, bool with_candidates);

  ReferralStore& store_;
  UnitOfWork& units_;
  const Clock& clock_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_PERSON_SERVICE_H_
