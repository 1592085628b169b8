#include "server/storage/person_index_rows.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
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

constexpr char kInsertRow[] =
    "INSERT INTO person_mentions (key_hash, role, kind, referral_id, birth) "
    "VALUES (?, ?, ?, ?, ?);";

absl::Status InsertRow(Statement& insert, const MentionRow& row,
                       ReferralKind kind, absl::string_view referral_id) {
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(1, row.key));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(2, static_cast<int>(row.role)));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(3, static_cast<int>(kind)));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(4, referral_id));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(5, row.birth));
  SAFEGUARD_RETURN_IF_ERROR(insert.Run());
  return insert.Reset();
}

// Writes the rows of `referral` that CheckedOnSubmission, if any, into
// checked_mentions (PackCheckedRows).
absl::Status PutCheckedRows(Database& db, const Referral& referral,
                            const std::vector<MentionRow>& rows) {
  std::vector<MentionRow> checked;
  for (const MentionRow& row : rows) {
    if (CheckedOnSubmission(referral.kind, row.role)) checked.push_back(row);
  }
  if (checked.empty()) return absl::OkStatus();
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO checked_mentions (create_us, referral_id, "
                 "rows) VALUES (?, ?, ?);"));
  SAFEGUARD_RETURN_IF_ERROR(
      insert.BindInt64(1, absl::ToUnixMicros(referral.create_time)));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(2, referral.id));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindBlob(3, PackCheckedRows(checked)));
  return insert.Run();
}

}  // namespace

// Each row: its role (1 byte), then the key's hash's low 32 bits and the
// date-of-birth code (8 bytes), little-endian.
constexpr size_t kPackedRowBytes = 1 + 4 + 8;

std::string PackCheckedRows(const std::vector<MentionRow>& rows) {
  std::string out;
  out.reserve(rows.size() * kPackedRowBytes);
  for (const MentionRow& row : rows) {
    out.push_back(static_cast<char>(row.role));
    const auto key = static_cast<uint32_t>(row.key);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(key >> (8 * i)));
    const auto birth = static_cast<uint64_t>(row.birth);
    for (int i = 0; i < 8; ++i) {
      out.push_back(static_cast<char>(birth >> (8 * i)));
    }
  }
  return out;
}

bool UnpackCheckedRows(absl::string_view packed, std::vector<MentionRow>& rows) {
  if (packed.size() % kPackedRowBytes != 0) return false;
  const auto byte = [&](size_t at) {
    return static_cast<uint64_t>(static_cast<unsigned char>(packed[at]));
  };
  for (size_t at = 0; at < packed.size(); at += kPackedRowBytes) {
    uint64_t key = 0, birth = 0;
    for (int i = 0; i < 4; ++i) key |= byte(at + 1 + i) << (8 * i);
    for (int i = 0; i < 8; ++i) birth |= byte(at + 5 + i) << (8 * i);
    const uint64_t role = byte(at);
    if (role < 1 || role > 3) return false;
    rows.push_back({static_cast<int64_t>(key), static_cast<PersonRole>(role),
                    static_cast<int64_t>(birth)});
  }
  return true;
}

absl::StatusOr<std::string> PersonIndexKey(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT key FROM person_index_key WHERE id = 1;"));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return absl::DataLossError("the person index has no key");
  return std::string(s.ColumnView(0));
}

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

MentionLookup LookupOf(absl::string_view index_key, const PersonFacts& person) {
  MentionLookup lookup;
  lookup.birth = BirthCode(index_key, person);
  for (const std::string& key : LookupKeys(person)) {
    lookup.keys.emplace_back(KeyHash(index_key, key), !IsIdentifierKey(key));
  }
  return lookup;
}

bool BirthCodesAgree(int64_t a, int64_t b) {
  const int shared = static_cast<int>(std::min(a & 3, b & 3));
  const uint64_t mask = ((uint64_t{1} << (kBirthHashBits * shared)) - 1) << 2;
  return ((static_cast<uint64_t>(a) ^ static_cast<uint64_t>(b)) & mask) == 0;
}

absl::StatusOr<std::vector<std::string>> FindMentionRows(
    Database& db, ReferralKind kind, PersonRole role, const PersonFacts& person,
    int limit) {
  std::vector<std::string> out;
  if (limit <= 0) return out;
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, PersonIndexKey(db));
  const MentionLookup lookup = LookupOf(index_key, person);
  // Referral ids sort by creation time, so each table's key order gives
  // each key's referrals newest first, and SQLite merges the two; the scan
  // stops at the limit, or after kRowsReadPerResult rows a result.
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement find,
      db.Prepare("SELECT referral_id, birth FROM person_mentions "
                 "WHERE key_hash = ?1 AND role = ?2 AND kind = ?3 "
                 "UNION ALL "
                 "SELECT referral_id, birth FROM person_mentions_new "
                 "WHERE key_hash = ?1 AND role = ?2 AND kind = ?3 "
                 "ORDER BY referral_id DESC;"));
  for (const auto& [hash, by_birth] : lookup.keys) {
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(1, hash));
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(2, static_cast<int>(role)));
    SAFEGUARD_RETURN_IF_ERROR(find.BindInt64(3, static_cast<int>(kind)));
    for (int read = 0; static_cast<int>(out.size()) < limit &&
                       read < kRowsReadPerResult * limit;
         ++read) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) break;
      if (by_birth && !BirthCodesAgree(lookup.birth, find.ColumnInt64(1))) {
        continue;
      }
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
  for (const char* table : {"person_mentions", "person_mentions_new"}) {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement clear,
        db.Prepare(absl::StrCat("DELETE FROM ", table,
                                " WHERE referral_id = ?;")));
    SAFEGUARD_RETURN_IF_ERROR(clear.BindText(1, referral.id));
    SAFEGUARD_RETURN_IF_ERROR(clear.Run());
  }
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement clear_checked,
      db.Prepare("DELETE FROM checked_mentions WHERE create_us = ? "
                 "AND referral_id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(
      clear_checked.BindInt64(1, absl::ToUnixMicros(referral.create_time)));
  SAFEGUARD_RETURN_IF_ERROR(clear_checked.BindText(2, referral.id));
  SAFEGUARD_RETURN_IF_ERROR(clear_checked.Run());
  if (people.empty()) return absl::OkStatus();
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, PersonIndexKey(db));
  const std::vector<MentionRow> rows = MentionRowsOf(index_key, people);
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO person_mentions_new (key_hash, role, kind, "
                 "referral_id, birth) VALUES (?, ?, ?, ?, ?);"));
  for (const MentionRow& row : rows) {
    SAFEGUARD_RETURN_IF_ERROR(InsertRow(insert, row, referral.kind, referral.id));
  }
  return PutCheckedRows(db, referral, rows);
}

absl::StatusOr<int64_t> FoldPersonIndexRows(Database& db, int64_t max_rows) {
  struct NewRow {
    MentionRow row;
    ReferralKind kind;
    std::string referral_id;
  };
  std::vector<NewRow> rows;
  {
    SAFEGUARD_ASSIGN_OR_RETURN(
        Statement first,
        db.Prepare("SELECT key_hash, role, kind, referral_id, birth "
                   "FROM person_mentions_new "
                   "ORDER BY key_hash, role, kind, referral_id LIMIT ?;"));
    SAFEGUARD_RETURN_IF_ERROR(first.BindInt64(1, max_rows));
    while (true) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool found, first.Step());
      if (!found) break;
      rows.push_back({{first.ColumnInt64(0),
                       static_cast<PersonRole>(first.ColumnInt64(1)),
                       first.ColumnInt64(4)},
                      static_cast<ReferralKind>(first.ColumnInt64(2)),
                      first.ColumnText(3)});
    }
  }
  SAFEGUARD_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertRow));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement remove,
      db.Prepare("DELETE FROM person_mentions_new "
                 "WHERE referral_id = ? AND role = ? AND key_hash = ?;"));
  for (const NewRow& r : rows) {
    SAFEGUARD_RETURN_IF_ERROR(InsertRow(insert, r.row, r.kind, r.referral_id));
    SAFEGUARD_RETURN_IF_ERROR(remove.BindText(1, r.referral_id));
    SAFEGUARD_RETURN_IF_ERROR(
        remove.BindInt64(2, static_cast<int>(r.row.role)));
    SAFEGUARD_RETURN_IF_ERROR(remove.BindInt64(3, r.row.key));
    SAFEGUARD_RETURN_IF_ERROR(remove.Run());
    SAFEGUARD_RETURN_IF_ERROR(remove.Reset());
  }
  return static_cast<int64_t>(rows.size());
}

absl::StatusOr<int64_t> CountNewPersonIndexRows(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement count, db.Prepare("SELECT count(*) FROM person_mentions_new;"));
  SAFEGUARD_RETURN_IF_ERROR(count.Step().status());
  return count.ColumnInt64(0);
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
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, PersonIndexKey(db));
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

absl::Status FillCheckedMentions(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(std::string index_key, PersonIndexKey(db));
  return ForEachStoredReferral(
      db, [&](const Referral& r, const std::vector<NamedPerson>& people) {
        const std::vector<NamedPerson> checked = CheckedPeople(r.kind, people);
        if (checked.empty()) return absl::OkStatus();
        return PutCheckedRows(db, r, MentionRowsOf(index_key, checked));
      });
}

}  // namespace safeguard
