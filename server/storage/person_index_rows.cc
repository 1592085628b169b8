#include "server/storage/person_index_rows.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <tuple>

#include "server/common/sha256.h"
#include "server/core/person_match.h"
#include "server/core/referral_kind.h"
#include "server/core/status_macros.h"
#include "server/storage/referral_rows.h"

namespace safeguard {
namespace {

constexpr int kBirthHashBits = 20;
// A lookup reads at most this many rows of one key for each referral it
// may give (people ruled out by their date of birth included), so a key
// that very many people share costs a bounded read.
constexpr int kRowsReadPerResult = 10;
constexpr uint64_t kBirthHashMask = (uint64_t{1} << kBirthHashBits) - 1;

absl::StatusOr<std::string> IndexKey(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT key FROM person_index_key WHERE id = 1;"));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::DataLossError("the person index has no key");
  return std::string(s.ColumnView(0));
}

// The first 8 bytes of the HMAC of `key`, as a number.
int64_t KeyHash(absl::string_view index_key, absl::string_view key) {
  const std::string mac = HmacSha256(index_key, key);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(mac[i]);
  }
  return static_cast<int64_t>(value);
}

// BirthKeys as a number: how many there are in the low 2 bits, then
// kBirthHashBits of each one's HMAC, coarsest first; 0 when there are none.
int64_t BirthCode(absl::string_view index_key, const PersonFacts& person) {
  const std::vector<std::string> keys = BirthKeys(person);
  uint64_t code = keys.size();
  for (size_t i = 0; i < keys.size(); ++i) {
    const uint64_t hash = static_cast<uint64_t>(KeyHash(index_key, keys[i]));
    code |= (hash & kBirthHashMask) << (2 + kBirthHashBits * i);
  }
  return static_cast<int64_t>(code);
}

// BirthKeysAgree on two BirthCodes: equal hashes at every precision both
// have (a hash equal by chance only lets a referral be read).
bool BirthCodesAgree(int64_t a, int64_t b) {
  const int shared = static_cast<int>(std::min(a & 3, b & 3));
  const uint64_t mask = ((uint64_t{1} << (kBirthHashBits * shared)) - 1) << 2;
  return ((static_cast<uint64_t>(a) ^ static_cast<uint64_t>(b)) & mask) == 0;
}

struct MentionRow {
  int64_t key;
  PersonRole role;
  int64_t birth;
};

// The rows of one referral's people, one for each key and role: where two
// people in one role share a key and their dates of birth differ, the row
// rules no one out (birth 0).
std::vector<MentionRow> MentionRowsOf(absl::string_view index_key,
                                      const std::vector<NamedPerson>& people) {
  std::vector<MentionRow> rows;
  for (const NamedPerson& person : people) {
    const int64_t birth = BirthCode(index_key, person.facts);
    for (const std::string& key : MatchKeys(person.facts)) {
      rows.push_back({KeyHash(index_key, key), person.role, birth});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const MentionRow& a, const MentionRow& b) {
    return std::tie(a.key, a.role) < std::tie(b.key, b.role);
  });
  std::vector<MentionRow> merged;
  for (const MentionRow& row : rows) {
    if (!merged.empty() && merged.back().key == row.key &&
        merged.back().role == row.role) {
      if (merged.back().birth != row.birth) merged.back().birth = 0;
      continue;
    }
    merged.push_back(row);
  }
  return merged;
}

constexpr char kInsertRow[] =
    "INSERT INTO person_mentions (key_hash, role, kind, referral_id, birth) "
    "VALUES (?, ?, ?, ?, ?);";

absl::Status InsertRow(Statement& insert, const MentionRow& row,
                       ReferralKind kind, const std::string& referral_id) {
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(1, row.key));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(2, static_cast<int>(row.role)));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(3, static_cast<int>(kind)));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(4, referral_id));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(5, row.birth));
  SAFEGUARD_RETURN_IF_ERROR(insert.Run());
  return insert.Reset();
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FindMentionRows(
    Database& db, ReferralKind kind, PersonRole role, const PersonFacts& person,
    int limit) {
  std::vector<std::string> out;
  const std::vector<std::string> keys = LookupKeys(person);
  if (keys.empty() || limit <= 0) return out;
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, IndexKey(db));
  const int64_t birth = BirthCode(index_key, person);
  // Referral ids sort by creation time, so the primary key gives each
  // key's referrals newest first; the scan stops at the limit, or after
  // kRowsReadPerResult rows a result.
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement find,
      db.Prepare("SELECT referral_id, birth FROM person_mentions "
                 "WHERE key_hash = ? AND role = ? AND kind = ? "
                 "ORDER BY referral_id DESC;"));
  for (const std::string& key : keys) {
    const bool by_birth = !IsIdentifierKey(key);
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(1, KeyHash(index_key, key)));
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(2, static_cast<int>(role)));
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(3, static_cast<int>(kind)));
    for (int read = 0; static_cast<int>(out.size()) < limit &&
                       read < kRowsReadPerResult * limit;
         ++read) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) break;
      if (by_birth && !BirthCodesAgree(birth, find.ColumnInt64(1))) continue;
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
  SAFEGUARD_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertRow));
  for (const MentionRow& row : MentionRowsOf(index_key, people)) {
    SAFEGUARD_RETURN_IF_ERROR(InsertRow(insert, row, referral.kind, referral.id));
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

absl::Status RebuildPersonIndex(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, IndexKey(db));
  // Every row first, then written in key order: each page of the table is
  // then written once, full. 24 bytes a row, held in blocks (a deque), not
  // copied as a vector grows.
  struct Pending {
    int64_t key;
    int64_t birth;
    uint32_t referral;  // in `ids`
    uint8_t role;
    uint8_t kind;
  };
  std::vector<std::string> ids;
  std::deque<Pending> rows;
  SAFEGUARD_RETURN_IF_ERROR(ForEachStoredReferral(
      db, [&](const Referral& r, const std::vector<NamedPerson>& people) {
        for (const MentionRow& row : MentionRowsOf(index_key, people)) {
          rows.push_back({row.key, row.birth, static_cast<uint32_t>(ids.size()),
                          static_cast<uint8_t>(row.role),
                          static_cast<uint8_t>(r.kind)});
        }
        ids.push_back(r.id);
        return absl::OkStatus();
      }));
  std::sort(rows.begin(), rows.end(), [&](const Pending& a, const Pending& b) {
    return std::forward_as_tuple(a.key, a.role, a.kind, ids[a.referral]) <
           std::forward_as_tuple(b.key, b.role, b.kind, ids[b.referral]);
  });
  SAFEGUARD_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertRow));
  for (const Pending& p : rows) {
    const MentionRow row = {p.key, static_cast<PersonRole>(p.role), p.birth};
    SAFEGUARD_RETURN_IF_ERROR(InsertRow(insert, row,
                                        static_cast<ReferralKind>(p.kind),
                                        ids[p.referral]));
  }
  return db.Exec(
      "CREATE INDEX person_mentions_by_referral ON person_mentions "
      "(referral_id);");
}

}  // namespace safeguard
