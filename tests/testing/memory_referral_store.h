// File: tests/testing/memory_referral_store.h
//
// MemoryReferralStore: a ReferralStore, MeetingStore and UnitOfWork in
// memory, so that core tests and the request fuzzer run ReferralService and
// MeetingService over the same transaction interface as the server. Every body runs twice, as the
// server's group commit may run it, so a body that is not safe to run
// again shows. Keeps no audit entries (a change's is marked committed) and
// lists no referrals (meetings and actions it lists, unpaged; report facts
// it computes from each referral). Not
// thread-safe: one call at a time.
#ifndef SAFEGUARD_TESTS_TESTING_MEMORY_REFERRAL_STORE_H_
#define SAFEGUARD_TESTS_TESTING_MEMORY_REFERRAL_STORE_H_

#include <algorithm>
#include <map>
#include <tuple>
#include <set>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/core/meeting_store.h"
#include "server/core/referral_store.h"
#include "server/core/reports/report_source.h"
#include "server/core/unit_of_work.h"

namespace safeguard::testing {

class MemoryReferralStore final : public ReferralStore,
                                  public MeetingStore,
                                  public UnitOfWork,
                                  public ReportSource {
 public:
  // Replaces the stored referral as it is, with no checks.
  void Put(const Referral& referral) { data_.referrals[referral.id] = referral; }

  // ReferralStore
  absl::StatusOr<Referral> Get(const std::string& id) override {
    auto it = data_.referrals.find(id);
    if (it == data_.referrals.end()) {
      return absl::NotFoundError("no such referral");
    }
    return it->second;
  }
  absl::StatusOr<QueuePage> List(const QueueQuery& query) override {
    return QueuePage();
  }
  absl::StatusOr<std::vector<std::string>> FindMentions(
      ReferralKind kind, PersonRole role, const PersonFacts& person,
      int limit) override {
    return Mentions(data_, kind, role, person, limit);
  }
  absl::StatusOr<PersonRecord> GetPerson(const std::string& id) override {
    return LoadPerson(data_, id);
  }
  absl::StatusOr<std::string> PersonOf(const MentionRef& mention) override {
    return FindPerson(data_, mention);
  }

  // ReportSource: the facts of each stored referral, selected as the
  // SQLCipher store's query selects them.
  absl::Status ForEachFacts(
      const FactsQuery& q,
      absl::FunctionRef<void(const ReportFacts&)> visit) override {
    for (const auto& [id, r] : data_.referrals) {
      const ReportFacts f = FactsOf(r);
      if (f.received >= q.end || f.ended < q.start) continue;
      if (q.kind != ReferralKind::kUnspecified && f.kind != q.kind) continue;
      if (!q.area.empty() && f.area != q.area) continue;
      visit(f);
    }
    return absl::OkStatus();
  }

  // MeetingStore
  absl::StatusOr<Meeting> GetMeeting(const std::string& id) override {
    auto it = data_.meetings.find(id);
    if (it == data_.meetings.end()) return absl::NotFoundError("no meeting");
    return it->second;
  }
  absl::StatusOr<MeetingPage> ListMeetings(const MeetingQuery& q) override {
    MeetingPage page;
    for (const auto& [id, m] : data_.meetings) {
      if (q.kind != ReferralKind::kUnspecified && m.kind != q.kind) continue;
      if (!q.areas.empty() && !Has(q.areas, m.area)) continue;
      page.meetings.push_back(m);
    }
    return page;
  }
  absl::StatusOr<PlanAction> GetAction(const std::string& id) override {
    auto it = data_.actions.find(id);
    if (it == data_.actions.end()) return absl::NotFoundError("no action");
    return it->second;
  }
  absl::StatusOr<ActionPage> ListActions(const ActionQuery& q) override {
    ActionPage page;
    for (const auto& [id, a] : data_.actions) {
      if (q.kind != ReferralKind::kUnspecified && a.kind != q.kind) continue;
      if (!q.areas.empty() && !Has(q.areas, a.area)) continue;
      if (!q.owner_agency.empty() && a.owner_agency != q.owner_agency) continue;
      if (!q.meeting_id.empty() && a.meeting_id != q.meeting_id) continue;
      if (!q.referral_id.empty() && a.referral_id != q.referral_id) continue;
      if (!q.statuses.empty() &&
          std::find(q.statuses.begin(), q.statuses.end(), a.status) ==
              q.statuses.end()) {
        continue;
      }
      page.actions.push_back(a);
    }
    return page;
  }

  // UnitOfWork: the body runs twice, each time on a copy, as the server's
  // group commit may run it; the second run is kept if it succeeds.
  absl::Status Write(
      AuditRecord& audit,
      absl::FunctionRef<absl::Status(WriteTransaction&)> body) override {
    Transaction discarded(data_);
    absl::Status status = body(discarded);
    if (!status.ok()) return status;
    Transaction tx(data_);
    status = body(tx);
    if (!status.ok()) return status;
    if (tx.changed) {
      data_ = std::move(tx.data);
      audit.committed = true;
    }
    return absl::OkStatus();
  }

 private:
  struct Data {
    std::map<std::string, Referral> referrals;
    std::map<std::string, SubmissionRecord> submissions;
    std::map<std::string, int> sequences;
    // The person index: (key, role, kind), the referrals with it and the
    // BirthKeys of the person there (none when two people there differ).
    std::map<std::tuple<std::string, PersonRole, ReferralKind>,
             std::map<std::string, std::vector<std::string>>>
        mentions;
    std::map<std::string, Meeting> meetings;
    std::map<std::string, PlanAction> actions;
    // Person records: each record's version, creation and merge; each
    // mention's (referral, role, index) origin and current record; the
    // rejected pairs (smaller id first).
    struct PersonRow {
      int64_t version = 1;
      absl::Time create_time;
      PersonMergeEntry merged_into;
    };
    std::map<std::string, PersonRow> people;
    std::map<std::tuple<std::string, PersonRole, int>,
             std::pair<std::string, std::string>>
        links;
    std::set<std::pair<std::string, std::string>> rejections;
    int people_made = 0;
  };

  static std::string Root(const Data& data, std::string id) {
    while (!data.people.at(id).merged_into.id.empty()) {
      id = data.people.at(id).merged_into.id;
    }
    return id;
  }
  static std::vector<std::string> Members(const Data& data,
                                          const std::string& id) {
    std::vector<std::string> out = {id};
    for (size_t i = 0; i < out.size(); ++i) {
      for (const auto& [other, row] : data.people) {
        if (row.merged_into.id == out[i]) out.push_back(other);
      }
    }
    return out;
  }
  static absl::StatusOr<PersonRecord> LoadPerson(const Data& data,
                                                 const std::string& id) {
    auto it = data.people.find(id);
    if (it == data.people.end()) {
      return absl::NotFoundError("no such person record");
    }
    PersonRecord p;
    p.id = id;
    p.version = it->second.version;
    p.create_time = it->second.create_time;
    p.merged_into = it->second.merged_into;
    for (const auto& [at, link] : data.links) {
      if (link.second == id) {
        p.mentions.push_back(
            {std::get<0>(at), std::get<1>(at), std::get<2>(at)});
      }
    }
    for (const auto& [other, row] : data.people) {
      if (row.merged_into.id == id) {
        PersonMergeEntry entry = row.merged_into;
        entry.id = other;
        p.merged.push_back(entry);
      }
    }
    for (const std::string& member : Members(data, id)) {
      for (const auto& [a, b] : data.rejections) {
        if (a != member && b != member) continue;
        std::string root = Root(data, a == member ? b : a);
        if (root != id && !Has(p.rejected, root)) p.rejected.push_back(root);
      }
    }
    std::sort(p.rejected.begin(), p.rejected.end());
    return p;
  }
  static absl::StatusOr<std::string> FindPerson(const Data& data,
                                                const MentionRef& m) {
    auto it = data.links.find({m.referral_id, m.role, m.index});
    if (it == data.links.end()) {
      return absl::NotFoundError("the mention has no person record");
    }
    return it->second.second;
  }

  // The referrals `data` indexes with any of `keys`, as the store finds
  // them: keys strongest first, each key's referrals newest first, at most
  // `limit` in all.
  static std::vector<std::string> Mentions(const Data& data, ReferralKind kind,
                                           PersonRole role,
                                           const PersonFacts& person,
                                           int limit) {
    std::vector<std::string> out;
    const std::vector<std::string> birth = BirthKeys(person);
    for (const std::string& key : LookupKeys(person)) {
      auto it = data.mentions.find({key, role, kind});
      if (it == data.mentions.end()) continue;
      std::vector<std::string> ids;
      for (const auto& [id, there] : it->second) {
        if (IsIdentifierKey(key) || BirthKeysAgree(birth, there)) {
          ids.push_back(id);
        }
      }
      std::sort(ids.begin(), ids.end(),
                [&](const std::string& a, const std::string& b) {
                  return data.referrals.at(a).create_time >
                         data.referrals.at(b).create_time;
                });
      for (const std::string& id : ids) {
        if (static_cast<int>(out.size()) >= limit) return out;
        if (!Has(out, id)) out.push_back(id);
      }
    }
    return out;
  }

  static bool Has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }

  // Inserting and updating `T`s in `rows`, as the store does.
  template <typename T>
  static absl::Status Insert(std::map<std::string, T>& rows, const T& row,
                             bool& changed) {
    if (!rows.emplace(row.id, row).second) {
      return absl::AlreadyExistsError("id taken");
    }
    changed = true;
    return absl::OkStatus();
  }
  template <typename T>
  static absl::Status Update(std::map<std::string, T>& rows, const T& row,
                             int64_t expected_version, bool& changed) {
    auto it = rows.find(row.id);
    if (it == rows.end()) return absl::NotFoundError("no such row");
    if (it->second.version != expected_version) {
      return absl::AbortedError("version changed");
    }
    it->second = row;
    changed = true;
    return absl::OkStatus();
  }

  struct Transaction final : WriteTransaction {
    explicit Transaction(const Data& from) : data(from) {}

    absl::StatusOr<Referral> GetReferral(const std::string& id) override {
      auto it = data.referrals.find(id);
      if (it == data.referrals.end()) {
        return absl::NotFoundError("no such referral");
      }
      return it->second;
    }
    absl::Status InsertReferral(const Referral& referral) override {
      if (!data.referrals.emplace(referral.id, referral).second) {
        return absl::AlreadyExistsError("referral id taken");
      }
      changed = true;
      return absl::OkStatus();
    }
    absl::Status UpdateReferral(const Referral& referral,
                                int64_t expected_version) override {
      auto it = data.referrals.find(referral.id);
      if (it == data.referrals.end()) {
        return absl::NotFoundError("no such referral");
      }
      if (it->second.version != expected_version) {
        return absl::AbortedError("version changed");
      }
      it->second = referral;
      changed = true;
      return absl::OkStatus();
    }
    absl::StatusOr<std::string> NextReference(
        const std::string& prefix) override {
      changed = true;
      return absl::StrFormat("%s-%06d", prefix, ++data.sequences[prefix]);
    }
    absl::StatusOr<std::optional<SubmissionRecord>> FindSubmission(
        const std::string& key) override {
      auto it = data.submissions.find(key);
      if (it == data.submissions.end()) return std::nullopt;
      return it->second;
    }
    absl::Status RecordSubmission(const std::string& key,
                                  const SubmissionRecord& record) override {
      data.submissions[key] = record;
      changed = true;
      return absl::OkStatus();
    }
    absl::StatusOr<std::vector<std::string>> FindMentions(
        ReferralKind kind, PersonRole role, const PersonFacts& person,
        int limit) override {
      return Mentions(data, kind, role, person, limit);
    }
    absl::StatusOr<std::vector<std::string>> FindRecentMentions(
        ReferralKind kind, PersonRole role, const PersonFacts& person,
        absl::Time, int limit) override {
      return Mentions(data, kind, role, person, limit);
    }
    absl::Status IndexPeople(const Referral& referral,
                             const std::vector<NamedPerson>& people) override {
      for (auto& [key, ids] : data.mentions) ids.erase(referral.id);
      std::set<std::tuple<std::string, PersonRole, int>> named;
      for (const NamedPerson& p : people) {
        const std::vector<std::string> birth = BirthKeys(p.facts);
        for (const std::string& key : MatchKeys(p.facts)) {
          auto [it, added] = data.mentions[{key, p.role, referral.kind}]
                                 .emplace(referral.id, birth);
          if (!added && it->second != birth) it->second.clear();
        }
        named.insert({referral.id, p.role, p.index});
        if (data.links.count({referral.id, p.role, p.index}) != 0) continue;
        std::string id = absl::StrCat("person-", ++data.people_made);
        data.people[id].create_time = referral.update_time;
        data.links[{referral.id, p.role, p.index}] = {id, id};
      }
      for (auto it = data.links.begin(); it != data.links.end();) {
        if (std::get<0>(it->first) == referral.id && named.count(it->first) == 0) {
          it = data.links.erase(it);
        } else {
          ++it;
        }
      }
      changed = true;
      return absl::OkStatus();
    }
    absl::StatusOr<PersonRecord> GetPerson(const std::string& id) override {
      return LoadPerson(data, id);
    }
    absl::StatusOr<std::string> PersonOf(const MentionRef& mention) override {
      return FindPerson(data, mention);
    }
    absl::Status MergePerson(const std::string& from, const std::string& into,
                             const PersonMergeEntry& how) override {
      data.people.at(from).merged_into = {into, how.time, how.by};
      ++data.people.at(from).version;
      ++data.people.at(into).version;
      for (auto& [at, link] : data.links) {
        if (link.second == from) link.second = into;
      }
      changed = true;
      return absl::OkStatus();
    }
    absl::Status UnmergePerson(const std::string& id) override {
      const std::string root = Root(data, id);
      const std::vector<std::string> members = Members(data, id);
      for (auto& [at, link] : data.links) {
        if (Has(members, link.first)) link.second = id;
      }
      data.people.at(id).merged_into = PersonMergeEntry();
      ++data.people.at(id).version;
      ++data.people.at(root).version;
      changed = true;
      return absl::OkStatus();
    }
    absl::Status RejectMatch(const std::string& a, const std::string& b,
                             const PersonMergeEntry&) override {
      data.rejections.insert({std::min(a, b), std::max(a, b)});
      ++data.people.at(a).version;
      ++data.people.at(b).version;
      changed = true;
      return absl::OkStatus();
    }

    absl::StatusOr<Meeting> GetMeeting(const std::string& id) override {
      auto it = data.meetings.find(id);
      if (it == data.meetings.end()) return absl::NotFoundError("no meeting");
      return it->second;
    }
    absl::Status InsertMeeting(const Meeting& meeting) override {
      return Insert(data.meetings, meeting, changed);
    }
    absl::Status UpdateMeeting(const Meeting& meeting,
                               int64_t expected_version) override {
      return Update(data.meetings, meeting, expected_version, changed);
    }
    absl::StatusOr<PlanAction> GetAction(const std::string& id) override {
      auto it = data.actions.find(id);
      if (it == data.actions.end()) return absl::NotFoundError("no action");
      return it->second;
    }
    absl::Status InsertAction(const PlanAction& action) override {
      return Insert(data.actions, action, changed);
    }
    absl::Status UpdateAction(const PlanAction& action,
                              int64_t expected_version) override {
      return Update(data.actions, action, expected_version, changed);
    }
    absl::StatusOr<int> CountActions(const std::string& referral_id,
                                     ActionStatus status) override {
      int n = 0;
      for (const auto& [id, a] : data.actions) {
        if (a.referral_id == referral_id && a.status == status) ++n;
      }
      return n;
    }

    Data data;
    bool changed = false;
  };

  Data data_;
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_MEMORY_REFERRAL_STORE_H_
