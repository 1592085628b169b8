#include "server/storage/person_index_rows.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/sha256.h"
#include "server/core/referral_kind.h"
#include "server/core/status_macros.h"
#include "server/storage/referral_rows.h"

namespace safeguard {
namespace {

absl::StatusOr<std::string> IndexKey(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT key FROM person_index_key WHERE id = 1;"));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::DataLossError("the person index has no key");
  return std::string(s.ColumnView(0));
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FindMentionRows(
    Database& db, ReferralKind kind, PersonRole role,
    const std::vector<std::string>& keys, int limit) {
  std::vector<std::string> out;
  if (keys.empty() || limit <= 0) return out;
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, IndexKey(db));
  // Referral ids sort by creation time, so the primary key gives each
  // key's referrals newest first and the limit stops the scan.
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement find,
      db.Prepare("SELECT referral_id FROM person_mentions "
                 "WHERE key_hash = ? AND role = ? AND kind = ? "
                 "ORDER BY referral_id DESC LIMIT ?;"));
  for (const std::string& key : StrongestFirst(keys)) {
    SAFEGUARD_RETURN_IF_ERROR(find.BindBlob(1, HmacSha256(index_key, key)));
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(2, static_cast<int>(role)));
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(3, static_cast<int>(kind)));
    SAFEGUARD_RETURN_IF_ERROR(
        find.BindInt64(4, limit - static_cast<int>(out.size())));
    while (true) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) break;
      std::string id = find.ColumnText(0);
      if (std::find(out.begin(), out.end(), id) == out.end()) {
        out.push_back(std::move(id));
      }
    }
    SAFEGUARD_RETURN_IF_ERROR(find.Reset());
    if (static_cast<int>(out.size()) >= limit) break;
  }
  return out;
}

absl::Status IndexPeopleRows(Database& db, const Referral& referral,
                             const std::vector<NamedPerson>& people) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement clear,
      db.Prepare("DELETE FROM person_mentions WHERE referral_id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(clear.BindText(1, referral.id));
  SAFEGUARD_RETURN_IF_ERROR(clear.Run());
  if (people.empty()) return absl::OkStatus();
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, IndexKey(db));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT OR IGNORE INTO person_mentions (key_hash, "
                 "referral_id, role, kind) VALUES (?, ?, ?, ?);"));
  for (const NamedPerson& person : people) {
    for (const std::string& key : MatchKeys(person.facts)) {
      SAFEGUARD_RETURN_IF_ERROR(insert.BindBlob(1, HmacSha256(index_key, key)));
      SAFEGUARD_RETURN_IF_ERROR(insert.BindText(2, referral.id));
      SAFEGUARD_RETURN_IF_ERROR(
          insert.BindInt64(3, static_cast<int>(person.role)));
      SAFEGUARD_RETURN_IF_ERROR(
          insert.BindInt64(4, static_cast<int>(referral.kind)));
      SAFEGUARD_RETURN_IF_ERROR(insert.Run());
      SAFEGUARD_RETURN_IF_ERROR(insert.Reset());
    }
  }
  return absl::OkStatus();
}

absl::Status ForEachStoredReferral(
    Database& db,
    absl::FunctionRef<absl::Status(const Referral&,
                                   const std::vector<NamedPerson>&)>
        fn) {
  SAFEGUARD_ASSIGN_OR_RETURN(Statement all,
                             db.Prepare("SELECT body FROM referrals;"));
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool row, all.Step());
    if (!row) break;
    SAFEGUARD_ASSIGN_OR_RETURN(Referral r, ParseReferralBody(all.ColumnView(0)));
    const ReferralKindModule* kind = FindReferralKind(r.kind);
    if (kind == nullptr) continue;
    SAFEGUARD_RETURN_IF_ERROR(fn(r, kind->PeopleNamed(r)));
  }
  return absl::OkStatus();
}

absl::Status BackfillPersonIndex(Database& db) {
  SAFEGUARD_RETURN_IF_ERROR(ForEachStoredReferral(
      db, [&](const Referral& r, const std::vector<NamedPerson>& people) {
        return IndexPeopleRows(db, r, people);
      }));
  return db.Exec("DELETE FROM marac_pairs;");
}

}  // namespace safeguard
