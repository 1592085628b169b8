#include "server/storage/person_record_rows.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/core/status_macros.h"
#include "server/storage/person_index_rows.h"

namespace safeguard {
namespace {

// A chain of merges longer than this is a damaged database.
constexpr int kMaxMergeDepth = 1000;

int64_t Micros(absl::Time t) {
  return t == absl::InfinitePast() ? 0 : absl::ToUnixMicros(t);
}
absl::Time FromMicros(int64_t us) {
  return us == 0 ? absl::InfinitePast() : absl::FromUnixMicros(us);
}

// The record `id` was merged into, or empty.
absl::StatusOr<std::string> MergedInto(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT merged_into FROM people WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::NotFoundError("no such person record");
  return s.ColumnText(0);
}

// The record `id` is in now: itself, or the end of its chain of merges.
absl::StatusOr<std::string> Root(Database& db, std::string id) {
  for (int depth = 0; depth < kMaxMergeDepth; ++depth) {
    SAFEGUARD_ASSIGN_OR_RETURN(std::string next, MergedInto(db, id));
    if (next.empty()) return id;
    id = std::move(next);
  }
  return absl::DataLossError("a person record's merges go round in a circle");
}

// `id` and every record merged into it, directly or through others.
absl::StatusOr<std::vector<std::string>> Members(Database& db,
                                                 const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT id FROM people WHERE merged_into = ?;"));
  std::vector<std::string> out = {id};
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.size() > kMaxMergeDepth * 10) {
      return absl::DataLossError("a person record has too many merges");
    }
    SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, out[i]));
    while (true) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(s.ColumnText(0));
    }
    SAFEGUARD_RETURN_IF_ERROR(s.Reset());
  }
  return out;
}

absl::Status BumpVersion(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("UPDATE people SET version = version + 1 WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  return s.Run();
}

}  // namespace

absl::Status LinkPeopleRows(Database& db, const Referral& referral,
                            const std::vector<NamedPerson>& people) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement linked,
      db.Prepare("SELECT role, idx FROM person_links WHERE referral_id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(linked.BindText(1, referral.id));
  std::vector<std::pair<int, int>> stale;
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool row, linked.Step());
    if (!row) break;
    stale.emplace_back(static_cast<int>(linked.ColumnInt64(0)),
                       static_cast<int>(linked.ColumnInt64(1)));
  }
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement random, db.Prepare("SELECT lower(hex(randomblob(10)));"));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement make,
      db.Prepare("INSERT INTO people (id, version, create_us) "
                 "VALUES (?, 1, ?);"));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement link,
      db.Prepare("INSERT INTO person_links (referral_id, role, idx, origin_id, "
                 "person_id) VALUES (?, ?, ?, ?, ?);"));
  for (const NamedPerson& person : people) {
    const std::pair<int, int> at = {static_cast<int>(person.role), person.index};
    auto it = std::find(stale.begin(), stale.end(), at);
    if (it != stale.end()) {
      stale.erase(it);
      continue;
    }
    SAFEGUARD_RETURN_IF_ERROR(random.Step().status());
    const std::string id = absl::StrCat(
        absl::Hex(absl::ToUnixMillis(referral.update_time), absl::kZeroPad12),
        random.ColumnView(0));
    SAFEGUARD_RETURN_IF_ERROR(random.Reset());
    SAFEGUARD_RETURN_IF_ERROR(make.BindText(1, id));
    SAFEGUARD_RETURN_IF_ERROR(make.BindInt64(2, Micros(referral.update_time)));
    SAFEGUARD_RETURN_IF_ERROR(make.Run());
    SAFEGUARD_RETURN_IF_ERROR(make.Reset());
    SAFEGUARD_RETURN_IF_ERROR(link.BindText(1, referral.id));
    SAFEGUARD_RETURN_IF_ERROR(link.BindInt64(2, at.first));
    SAFEGUARD_RETURN_IF_ERROR(link.BindInt64(3, at.second));
    SAFEGUARD_RETURN_IF_ERROR(link.BindText(4, id));
    SAFEGUARD_RETURN_IF_ERROR(link.BindText(5, id));
    SAFEGUARD_RETURN_IF_ERROR(link.Run());
    SAFEGUARD_RETURN_IF_ERROR(link.Reset());
  }
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement unlink,
      db.Prepare("DELETE FROM person_links WHERE referral_id = ? AND role = ? "
                 "AND idx = ?;"));
  for (const auto& [role, idx] : stale) {
    SAFEGUARD_RETURN_IF_ERROR(unlink.BindText(1, referral.id));
    SAFEGUARD_RETURN_IF_ERROR(unlink.BindInt64(2, role));
    SAFEGUARD_RETURN_IF_ERROR(unlink.BindInt64(3, idx));
    SAFEGUARD_RETURN_IF_ERROR(unlink.Run());
    SAFEGUARD_RETURN_IF_ERROR(unlink.Reset());
  }
  return absl::OkStatus();
}

absl::StatusOr<PersonRecord> LoadPersonRow(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT version, create_us, merged_into, "
                              "merge_us, merged_by FROM people WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::NotFoundError("no such person record");
  PersonRecord p;
  p.id = id;
  p.version = s.ColumnInt64(0);
  p.create_time = FromMicros(s.ColumnInt64(1));
  p.merged_into = {s.ColumnText(2), FromMicros(s.ColumnInt64(3)),
                   s.ColumnText(4)};

  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement mentions,
      db.Prepare("SELECT referral_id, role, idx FROM person_links "
                 "WHERE person_id = ? ORDER BY referral_id, role, idx;"));
  SAFEGUARD_RETURN_IF_ERROR(mentions.BindText(1, id));
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool row, mentions.Step());
    if (!row) break;
    p.mentions.push_back({mentions.ColumnText(0),
                          static_cast<PersonRole>(mentions.ColumnInt64(1)),
                          static_cast<int>(mentions.ColumnInt64(2))});
  }

  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement merged,
      db.Prepare("SELECT id, merge_us, merged_by FROM people "
                 "WHERE merged_into = ? ORDER BY merge_us, id;"));
  SAFEGUARD_RETURN_IF_ERROR(merged.BindText(1, id));
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool row, merged.Step());
    if (!row) break;
    p.merged.push_back({merged.ColumnText(0),
                        FromMicros(merged.ColumnInt64(1)),
                        merged.ColumnText(2)});
  }

  SAFEGUARD_ASSIGN_OR_RETURN(std::vector<std::string> members, Members(db, id));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement rejected,
      db.Prepare("SELECT b FROM person_rejections WHERE a = ?1 "
                 "UNION SELECT a FROM person_rejections WHERE b = ?1;"));
  for (const std::string& member : members) {
    SAFEGUARD_RETURN_IF_ERROR(rejected.BindText(1, member));
    std::vector<std::string> others;
    while (true) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, rejected.Step());
      if (!row) break;
      others.push_back(rejected.ColumnText(0));
    }
    SAFEGUARD_RETURN_IF_ERROR(rejected.Reset());
    for (const std::string& other : others) {
      SAFEGUARD_ASSIGN_OR_RETURN(std::string root, Root(db, other));
      if (root != id &&
          std::find(p.rejected.begin(), p.rejected.end(), root) ==
              p.rejected.end()) {
        p.rejected.push_back(std::move(root));
      }
    }
  }
  std::sort(p.rejected.begin(), p.rejected.end());
  return p;
}

absl::StatusOr<std::string> PersonOfRow(Database& db, const MentionRef& m) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("SELECT person_id FROM person_links WHERE referral_id = ? "
                 "AND role = ? AND idx = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, m.referral_id));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(2, static_cast<int>(m.role)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(3, m.index));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::NotFoundError("the mention has no person record");
  return s.ColumnText(0);
}

absl::Status MergePersonRows(Database& db, const std::string& from,
                             const std::string& into,
                             const PersonMergeEntry& how) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement mark,
      db.Prepare("UPDATE people SET merged_into = ?, merge_us = ?, "
                 "merged_by = ?, version = version + 1 WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(mark.BindText(1, into));
  SAFEGUARD_RETURN_IF_ERROR(mark.BindInt64(2, Micros(how.time)));
  SAFEGUARD_RETURN_IF_ERROR(mark.BindText(3, how.by));
  SAFEGUARD_RETURN_IF_ERROR(mark.BindText(4, from));
  SAFEGUARD_RETURN_IF_ERROR(mark.Run());
  SAFEGUARD_RETURN_IF_ERROR(BumpVersion(db, into));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement move,
      db.Prepare("UPDATE person_links SET person_id = ? WHERE person_id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(move.BindText(1, into));
  SAFEGUARD_RETURN_IF_ERROR(move.BindText(2, from));
  return move.Run();
}

absl::Status UnmergePersonRows(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(std::string root, Root(db, id));
  SAFEGUARD_ASSIGN_OR_RETURN(std::vector<std::string> members, Members(db, id));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement back,
      db.Prepare("UPDATE person_links SET person_id = ? WHERE origin_id = ?;"));
  for (const std::string& member : members) {
    SAFEGUARD_RETURN_IF_ERROR(back.BindText(1, id));
    SAFEGUARD_RETURN_IF_ERROR(back.BindText(2, member));
    SAFEGUARD_RETURN_IF_ERROR(back.Run());
    SAFEGUARD_RETURN_IF_ERROR(back.Reset());
  }
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement free,
      db.Prepare("UPDATE people SET merged_into = '', merge_us = 0, "
                 "merged_by = '', version = version + 1 WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(free.BindText(1, id));
  SAFEGUARD_RETURN_IF_ERROR(free.Run());
  return BumpVersion(db, root);
}

absl::Status RejectMatchRows(Database& db, const std::string& a,
                             const std::string& b,
                             const PersonMergeEntry& how) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("INSERT OR IGNORE INTO person_rejections (a, b, time_us, by) "
                 "VALUES (?, ?, ?, ?);"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, std::min(a, b)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(2, std::max(a, b)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(3, Micros(how.time)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(4, how.by));
  SAFEGUARD_RETURN_IF_ERROR(s.Run());
  SAFEGUARD_RETURN_IF_ERROR(BumpVersion(db, a));
  return BumpVersion(db, b);
}

absl::Status BackfillPersonRecords(Database& db) {
  return ForEachStoredReferral(
      db, [&](const Referral& r, const std::vector<NamedPerson>& people) {
        return LinkPeopleRows(db, r, people);
      });
}

}  // namespace safeguard
