#include "server/storage/recent_mentions.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "server/core/status_macros.h"

namespace safeguard {

absl::StatusOr<std::unique_ptr<RecentMentions>> RecentMentions::Load(
    Database& db, absl::Duration span, absl::Time now) {
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, PersonIndexKey(db));
  const absl::Time from = now - span;
  std::unique_ptr<RecentMentions> recent(
      new RecentMentions(std::move(index_key), span, from));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement stored,
      db.Prepare("SELECT create_us, referral_id, rows FROM checked_mentions "
                 "WHERE create_us >= ? ORDER BY create_us, referral_id;"));
  SAFEGUARD_RETURN_IF_ERROR(stored.BindInt64(1, absl::ToUnixMicros(from)));
  // Every row is gathered, sorted and then inserted in order, which the
  // btree takes at its end.
  std::vector<Row> loaded;
  std::vector<MentionRow> rows;
  absl::MutexLock lock(&recent->mu_);
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool found, stored.Step());
    if (!found) break;
    rows.clear();
    if (!UnpackCheckedRows(stored.ColumnView(2), rows)) {
      return absl::DataLossError("a checked_mentions row does not parse");
    }
    const absl::string_view id = stored.ColumnView(1);
    auto [it, added] = recent->number_of_.try_emplace(
        id, static_cast<uint32_t>(recent->held_.size()));
    if (added) {
      recent->held_.push_back(
          {std::string(id), absl::FromUnixMicros(stored.ColumnInt64(0))});
    }
    for (const MentionRow& row : rows) {
      loaded.push_back({static_cast<uint32_t>(row.key),
                        it->second << 2 | static_cast<uint32_t>(row.role),
                        row.birth});
    }
  }
  std::sort(loaded.begin(), loaded.end());
  recent->rows_.insert(loaded.begin(), loaded.end());
  return recent;
}

void RecentMentions::Add(const Referral& referral,
                         const std::vector<NamedPerson>& people) {
  const std::vector<NamedPerson> checked = CheckedPeople(referral.kind, people);
  if (checked.empty()) return;
  const std::vector<MentionRow> rows = MentionRowsOf(index_key_, checked);
  absl::MutexLock lock(&mu_);
  Expire(referral.create_time);
  if (referral.create_time < held_from_) return;
  for (const MentionRow& row : rows) {
    AddRow(referral.id, referral.create_time, row.role, row.key, row.birth);
  }
}

void RecentMentions::AddRow(absl::string_view id, absl::Time made,
                            PersonRole role, int64_t key, int64_t birth) {
  auto [it, added] = number_of_.try_emplace(
      id, first_ + static_cast<uint32_t>(held_.size()));
  if (added) held_.push_back({std::string(id), made});
  rows_.insert({static_cast<uint32_t>(key),
                it->second << 2 | static_cast<uint32_t>(role),
                birth});
}

void RecentMentions::Expire(absl::Time now) {
  const absl::Time cutoff = now - span_;
  if (cutoff <= held_from_) return;
  held_from_ = cutoff;
  while (!held_.empty() && held_.front().made < cutoff) {
    number_of_.erase(held_.front().id);
    held_.pop_front();
    ++first_;
    ++let_go_;
  }
  if (let_go_ == 0 || let_go_ < held_.size() / 4) return;
  const uint32_t first = first_;
  absl::erase_if(rows_,
                 [first](const Row& row) { return row.referral_role >> 2 < first; });
  let_go_ = 0;
}

std::optional<std::vector<std::string>> RecentMentions::Find(
    ReferralKind kind, PersonRole role, const PersonFacts& person,
    absl::Time since, int limit) const {
  if (!CheckedOnSubmission(kind, role)) return std::nullopt;
  std::vector<std::string> out;
  const MentionLookup lookup = LookupOf(index_key_, person);
  absl::MutexLock lock(&mu_);
  if (since < held_from_) return std::nullopt;
  for (const auto& [hash, by_birth] : lookup.keys) {
    if (static_cast<int>(out.size()) >= limit) break;
    const auto key = static_cast<uint32_t>(hash);
    std::vector<const std::string*> found;
    for (auto it = rows_.lower_bound({key, 0, std::numeric_limits<int64_t>::min()});
         it != rows_.end() && it->key == key; ++it) {
      if ((it->referral_role & 3) != static_cast<uint32_t>(role)) continue;
      const uint32_t number = it->referral_role >> 2;
      if (number < first_) continue;
      const Held& held = held_[number - first_];
      if (held.made < since) continue;
      if (by_birth && !BirthCodesAgree(lookup.birth, it->birth)) continue;
      found.push_back(&held.id);
    }
    // Newest first: ids sort by creation time.
    std::sort(found.begin(), found.end(),
              [](const std::string* a, const std::string* b) { return *a > *b; });
    for (const std::string* id : found) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (std::find(out.begin(), out.end(), *id) == out.end()) {
        out.push_back(*id);
      }
    }
  }
  return out;
}

size_t RecentMentions::rows() const {
  absl::MutexLock lock(&mu_);
  return rows_.size();
}

size_t RecentMentions::referrals() const {
  absl::MutexLock lock(&mu_);
  return held_.size();
}

}  // namespace safeguard
