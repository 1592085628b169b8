#include "server/core/person_service.h"

#include <algorithm>
#include <utility>

#include "server/core/field_violations.h"
#include "server/core/referral_kind.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

// Referrals read for one kind and role of a person, newest first.
constexpr int kMaxReferralsPerRole = 50;

// Adds `s` to the record holding it in `out` (a new one at the end when
// none there holds it yet), unless that record is in `skip`.
absl::Status AddToRecords(ReferralStore& store, const SimilarMention& s,
                          const std::vector<std::string>& skip,
                          std::vector<PersonCandidate>& out) {
  absl::StatusOr<std::string> person = store.PersonOf(s.mention);
  if (absl::IsNotFound(person.status())) return absl::OkStatus();
  if (!person.ok()) return person.status();
  if (std::find(skip.begin(), skip.end(), *person) != skip.end()) {
    return absl::OkStatus();
  }
  auto it = std::find_if(out.begin(), out.end(), [&](const PersonCandidate& c) {
    return c.person_id == *person;
  });
  if (it == out.end()) {
    out.push_back({*person, s.match, {}});
    it = out.end() - 1;
  }
  it->mentions.push_back(s.mention);
  return absl::OkStatus();
}

// Groups `similar` by the record holding each, best first, skipping the
// records in `skip`.
absl::StatusOr<std::vector<PersonCandidate>> ByRecord(
    ReferralStore& store, const std::vector<SimilarMention>& similar,
    const std::vector<std::string>& skip, int limit) {
  std::vector<PersonCandidate> out;
  for (const SimilarMention& s : similar) {
    SAFEGUARD_RETURN_IF_ERROR(AddToRecords(store, s, skip, out));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const PersonCandidate& a, const PersonCandidate& b) {
                     return a.match.score > b.match.score;
                   });
  if (out.size() > static_cast<size_t>(limit)) out.resize(limit);
  return out;
}

PersonMergeEntry Now(const CallContext& ctx, const Clock& clock) {
  return {"", clock.Now(), ctx.Name()};
}

// Names in `audit` the referrals whose mentions record `id` holds, as the
// answer will show them.
absl::Status Disclose(WriteTransaction& tx, const std::string& id,
                      AuditRecord& audit) {
  SAFEGUARD_ASSIGN_OR_RETURN(PersonRecord after, tx.GetPerson(id));
  audit.disclosed.clear();
  for (const MentionRef& m : after.mentions) {
    if (std::find(audit.disclosed.begin(), audit.disclosed.end(),
                  m.referral_id) == audit.disclosed.end()) {
      audit.disclosed.push_back(m.referral_id);
    }
  }
  return absl::OkStatus();
}

// Two records read in `tx`; kNotFound, the same for either, if one is not.
absl::StatusOr<std::pair<PersonRecord, PersonRecord>> ReadPair(
    WriteTransaction& tx, const std::string& a, const std::string& b) {
  absl::StatusOr<PersonRecord> first = tx.GetPerson(a);
  absl::StatusOr<PersonRecord> second = tx.GetPerson(b);
  if (absl::IsNotFound(first.status()) || absl::IsNotFound(second.status())) {
    return absl::NotFoundError("no such person record");
  }
  if (!first.ok()) return first.status();
  if (!second.ok()) return second.status();
  return std::make_pair(*std::move(first), *std::move(second));
}

}  // namespace

absl::StatusOr<const Referral*> ReadCached(ReferralStore& store,
                                           std::map<std::string, Referral>& read,
                                           const std::string& id) {
  auto it = read.find(id);
  if (it != read.end()) return &it->second;
  absl::StatusOr<Referral> r = store.Get(id);
  if (absl::IsNotFound(r.status())) return nullptr;
  if (!r.ok()) return r.status();
  return &read.emplace(id, *std::move(r)).first->second;
}

std::optional<NamedPerson> NamedAt(const Referral& referral,
                                   const MentionRef& mention) {
  const ReferralKindModule* kind = FindReferralKind(referral.kind);
  if (kind == nullptr) return std::nullopt;
  for (NamedPerson& p : kind->PeopleNamed(referral)) {
    if (p.role == mention.role && p.index == mention.index) return std::move(p);
  }
  return std::nullopt;
}

namespace {

// A referral the person index gives for someone in one kind and role.
struct IndexedMention {
  const ReferralKindModule* kind;
  PersonRole role;
  std::string referral_id;
};

// The referrals the person index gives for `facts`: for each kind and role,
// at most kMaxReferralsPerRole (FindMentions' order).
absl::StatusOr<std::vector<IndexedMention>> FindIndexed(
    ReferralStore& store, const PersonFacts& facts) {
  std::vector<IndexedMention> out;
  for (const ReferralKindModule* kind : ReferralKinds()) {
    for (PersonRole role : kind->RolesNamed()) {
      SAFEGUARD_ASSIGN_OR_RETURN(
          std::vector<std::string> ids,
          store.FindMentions(kind->kind(), role, facts, kMaxReferralsPerRole));
      for (std::string& id : ids) out.push_back({kind, role, std::move(id)});
    }
  }
  return out;
}

// Appends to `out` the people in `at`'s referral and role who may be
// `facts`' person.
absl::Status AppendSimilar(ReferralStore& store, const PersonFacts& facts,
                           const IndexedMention& at,
                           std::map<std::string, Referral>& read,
                           std::vector<SimilarMention>& out) {
  SAFEGUARD_ASSIGN_OR_RETURN(const Referral* r,
                             ReadCached(store, read, at.referral_id));
  if (r == nullptr) return absl::OkStatus();
  for (const NamedPerson& there : at.kind->PeopleNamed(*r)) {
    if (there.role != at.role) continue;
    MatchResult m = Compare(facts, there.facts);
    if (!m.is_candidate()) continue;
    out.push_back({{at.referral_id, at.role, there.index}, r, std::move(m)});
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<SimilarMention>> FindSimilar(
    ReferralStore& store, const PersonFacts& facts,
    std::map<std::string, Referral>& read) {
  std::vector<SimilarMention> out;
  SAFEGUARD_ASSIGN_OR_RETURN(std::vector<IndexedMention> indexed,
                             FindIndexed(store, facts));
  for (const IndexedMention& at : indexed) {
    SAFEGUARD_RETURN_IF_ERROR(AppendSimilar(store, facts, at, read, out));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SimilarMention& a, const SimilarMention& b) {
                     if (a.match.score != b.match.score) {
                       return a.match.score > b.match.score;
                     }
                     return a.referral->create_time > b.referral->create_time;
                   });
  return out;
}

absl::Status VisitSimilarNewestFirst(
    ReferralStore& store, const PersonFacts& facts,
    std::map<std::string, Referral>& read,
    absl::FunctionRef<absl::StatusOr<bool>(const SimilarMention&)> visit) {
  SAFEGUARD_ASSIGN_OR_RETURN(std::vector<IndexedMention> indexed,
                             FindIndexed(store, facts));
  std::stable_sort(indexed.begin(), indexed.end(),
                   [](const IndexedMention& a, const IndexedMention& b) {
                     return a.referral_id > b.referral_id;
                   });
  bool go_on = true;
  for (size_t i = 0; i < indexed.size(); ++i) {
    // A referral is finished, in all its roles, before stopping.
    if (!go_on && indexed[i].referral_id != indexed[i - 1].referral_id) break;
    std::vector<SimilarMention> similar;
    SAFEGUARD_RETURN_IF_ERROR(
        AppendSimilar(store, facts, indexed[i], read, similar));
    for (const SimilarMention& s : similar) {
      SAFEGUARD_ASSIGN_OR_RETURN(go_on, visit(s));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PeopleFound> PersonService::Search(const PersonFacts& query,
                                                  int limit) {
  PeopleFound found;
  if (!CandidatesScoreAlike(query)) {
    SAFEGUARD_ASSIGN_OR_RETURN(std::vector<SimilarMention> similar,
                               FindSimilar(store_, query, found.referrals));
    SAFEGUARD_ASSIGN_OR_RETURN(found.people,
                               ByRecord(store_, similar, {}, limit));
    return found;
  }
  // Every candidate scores alike, so the answer is the `limit` records
  // mentioned last: the referrals are read newest first until that many
  // records are found, not all of them. A record's mentions are those in
  // the referrals read.
  const size_t most = static_cast<size_t>(std::max(limit, 1));
  SAFEGUARD_RETURN_IF_ERROR(VisitSimilarNewestFirst(
      store_, query, found.referrals,
      [&](const SimilarMention& s) -> absl::StatusOr<bool> {
        SAFEGUARD_RETURN_IF_ERROR(AddToRecords(store_, s, {}, found.people));
        return found.people.size() < most;
      }));
  if (found.people.size() > most) found.people.resize(most);
  return found;
}

absl::StatusOr<PersonView> PersonService::Get(const std::string& id) {
  return Read(id, /*with_candidates=*/true);
}

absl::StatusOr<PersonView> PersonService::Read(const std::string& id,
                                               bool with_candidates) {
  PersonView view;
  SAFEGUARD_ASSIGN_OR_RETURN(view.record, store_.GetPerson(id));
  std::vector<MentionRef> present;
  std::vector<SimilarMention> similar;
  for (const MentionRef& m : view.record.mentions) {
    SAFEGUARD_ASSIGN_OR_RETURN(const Referral* r,
                               ReadCached(store_, view.referrals, m.referral_id));
    if (r == nullptr) continue;
    present.push_back(m);
    std::optional<NamedPerson> person = NamedAt(*r, m);
    if (!person || !with_candidates) continue;
    SAFEGUARD_ASSIGN_OR_RETURN(
        std::vector<SimilarMention> more,
        FindSimilar(store_, person->facts, view.referrals));
    similar.insert(similar.end(), more.begin(), more.end());
  }
  std::stable_sort(present.begin(), present.end(),
                   [&](const MentionRef& a, const MentionRef& b) {
                     return view.referrals.at(a.referral_id).create_time >
                            view.referrals.at(b.referral_id).create_time;
                   });
  view.record.mentions = std::move(present);
  std::stable_sort(similar.begin(), similar.end(),
                   [](const SimilarMention& a, const SimilarMention& b) {
                     return a.match.score > b.match.score;
                   });
  std::vector<std::string> skip = view.record.rejected;
  skip.push_back(id);
  SAFEGUARD_ASSIGN_OR_RETURN(view.candidates,
                             ByRecord(store_, similar, skip, kMaxCandidates));
  return view;
}

absl::StatusOr<PersonView> PersonService::Merge(const CallContext& ctx,
                                                const std::string& into,
                                                int64_t version,
                                                const std::string& from) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  audit->people = {into, from};
  if (into == from) {
    return InvalidArgumentWithViolations(
        {{"other", "must be another person record"}});
  }
  SAFEGUARD_RETURN_IF_ERROR(units_.Write(
      *audit, [&](WriteTransaction& tx) -> absl::Status {
        SAFEGUARD_ASSIGN_OR_RETURN(auto pair, ReadPair(tx, into, from));
        const PersonRecord& kept = pair.first;
        const PersonRecord& gone = pair.second;
        if (kept.version != version) {
          return absl::AbortedError(
              "the person record has changed; read it again and retry");
        }
        if (!kept.merged_into.id.empty()) {
          return absl::FailedPreconditionError(
              "the record to keep was merged into another; merge into that "
              "one");
        }
        if (!gone.merged_into.id.empty()) {
          return absl::FailedPreconditionError(
              "the other record was merged into another already");
        }
        SAFEGUARD_RETURN_IF_ERROR(tx.MergePerson(from, into, Now(ctx, clock_)));
        return Disclose(tx, into, *audit);
      }));
  return Read(into, /*with_candidates=*/false);
}

absl::StatusOr<PersonView> PersonService::Unmerge(const CallContext& ctx,
                                                  const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  audit->people = {id};
  SAFEGUARD_RETURN_IF_ERROR(units_.Write(
      *audit, [&](WriteTransaction& tx) -> absl::Status {
        SAFEGUARD_ASSIGN_OR_RETURN(PersonRecord p, tx.GetPerson(id));
        if (p.merged_into.id.empty()) {
          return absl::FailedPreconditionError(
              "the record was not merged into another");
        }
        audit->people = {id, p.merged_into.id};
        SAFEGUARD_RETURN_IF_ERROR(tx.UnmergePerson(id));
        return Disclose(tx, id, *audit);
      }));
  return Read(id, /*with_candidates=*/false);
}

absl::StatusOr<PersonView> PersonService::Reject(const CallContext& ctx,
                                                 const std::string& id,
                                                 const std::string& other) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditRecord* const audit, AuditOf(ctx));
  audit->people = {id, other};
  if (id == other) {
    return InvalidArgumentWithViolations(
        {{"other", "must be another person record"}});
  }
  SAFEGUARD_RETURN_IF_ERROR(units_.Write(
      *audit, [&](WriteTransaction& tx) -> absl::Status {
        SAFEGUARD_ASSIGN_OR_RETURN(auto pair, ReadPair(tx, id, other));
        const PersonRecord& a = pair.first;
        const PersonRecord& b = pair.second;
        if (!a.merged_into.id.empty() || !b.merged_into.id.empty()) {
          return absl::FailedPreconditionError(
              "a record merged into another cannot be compared: use the "
              "record it was merged into");
        }
        if (std::find(a.rejected.begin(), a.rejected.end(), other) !=
            a.rejected.end()) {
          return absl::OkStatus();  // already recorded: nothing changes
        }
        SAFEGUARD_RETURN_IF_ERROR(tx.RejectMatch(id, other, Now(ctx, clock_)));
        return Disclose(tx, id, *audit);
      }));
  return Read(id, /*with_candidates=*/false);
}

}  // namespace safeguard
