#include "server/storage/sqlcipher_audit_log.h"


#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/audit/audit_format.h"
#include "server/common/proto_time.h"
#include "server/core/status_macros.h"

namespace safeguard {
namespace {

constexpr char kColumns[] =
    "seq, time_us, agency, principal, certificate_sha256, roles, rule, "
    "method, referral, view, code, break_glass_reason, request_id, leaf, "
    "chain, disclosed, changed_fields, reason, people";

// Fills `e` from the row, reusing its strings' storage.
void FillFromRow(const Statement& s, v1::AuditEntry& e) {
  e.set_sequence(s.ColumnInt64(0));
  ToTimestamp(absl::FromUnixMicros(s.ColumnInt64(1)), e.mutable_time());
  auto text = [&](int column, std::string* field) {
    absl::string_view v = s.ColumnView(column);
    field->assign(v.data(), v.size());
  };
  text(2, e.mutable_agency());
  text(3, e.mutable_principal());
  text(4, e.mutable_certificate_sha256());
  text(5, e.mutable_roles());
  text(6, e.mutable_rule());
  text(7, e.mutable_method());
  text(8, e.mutable_referral());
  text(9, e.mutable_view());
  e.set_code(static_cast<int32_t>(s.ColumnInt64(10)));
  text(11, e.mutable_break_glass_reason());
  text(12, e.mutable_request_id());
  text(13, e.mutable_leaf_hash());
  text(14, e.mutable_chain_hash());
  e.clear_disclosed();
  for (absl::string_view name :
       absl::StrSplit(s.ColumnView(15), ' ', absl::SkipEmpty())) {
    e.add_disclosed(std::string(name));
  }
  e.clear_changed_fields();
  for (absl::string_view path :
       absl::StrSplit(s.ColumnView(16), ' ', absl::SkipEmpty())) {
    e.add_changed_fields(std::string(path));
  }
  text(17, e.mutable_reason());
  e.clear_people();
  for (absl::string_view name :
       absl::StrSplit(s.ColumnView(18), ' ', absl::SkipEmpty())) {
    e.add_people(std::string(name));
  }
}

// The last entry's sequence and chain hash (0 and zeros when empty).
absl::StatusOr<AuditHead> ReadHead(Database& db) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT seq, chain FROM audit_entries ORDER BY "
                              "seq DESC LIMIT 1;"));
  SAFEGUARD_ASSIGN_OR_RETURN(bool any, s.Step());
  if (!any) return AuditHead{0, ZeroHash()};
  return AuditHead{s.ColumnInt64(0), s.ColumnText(1)};
}

}  // namespace

absl::Status AppendAuditRecord(Database& db, const AuditRecord& r) {
  SAFEGUARD_ASSIGN_OR_RETURN(AuditHead head, ReadHead(db));
  const int64_t seq = head.size + 1;
  const std::string& previous = head.chain;

  v1::AuditEntry e;
  e.set_sequence(seq);
  // Whole microseconds, as stored, so the hash can be recomputed from the
  // row.
  const int64_t time_us = absl::ToUnixMicros(r.time);
  ToTimestamp(absl::FromUnixMicros(time_us), e.mutable_time());
  e.set_agency(r.agency);
  e.set_principal(r.principal);
  e.set_certificate_sha256(r.certificate_sha256);
  e.set_roles(r.roles);
  e.set_rule(r.rule);
  e.set_method(r.method);
  e.set_referral(r.referral_id.empty() ? "" : "referrals/" + r.referral_id);
  e.set_view(r.view);
  e.set_code(r.code);
  e.set_break_glass_reason(r.break_glass_reason);
  e.set_request_id(r.request_id);
  for (const std::string& id : r.disclosed) e.add_disclosed("referrals/" + id);
  for (const std::string& path : r.changed_fields) e.add_changed_fields(path);
  e.set_reason(r.reason);
  for (const std::string& id : r.people) e.add_people("people/" + id);
  const std::string leaf = LeafHash(e);
  const std::string chain = ChainHash(previous, leaf);

  static const std::string* const kInsert = new std::string(
      absl::StrCat("INSERT INTO audit_entries (", kColumns,
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                   "?);"));
  SAFEGUARD_ASSIGN_OR_RETURN(Statement insert, db.Prepare(*kInsert));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(1, seq));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(2, time_us));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(3, e.agency()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(4, e.principal()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(5, e.certificate_sha256()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(6, e.roles()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(7, e.rule()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(8, e.method()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(9, e.referral()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(10, e.view()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindInt64(11, e.code()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(12, e.break_glass_reason()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(13, e.request_id()));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindBlob(14, leaf));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindBlob(15, chain));
  SAFEGUARD_RETURN_IF_ERROR(
      insert.BindText(16, absl::StrJoin(e.disclosed(), " ")));
  SAFEGUARD_RETURN_IF_ERROR(
      insert.BindText(17, absl::StrJoin(e.changed_fields(), " ")));
  SAFEGUARD_RETURN_IF_ERROR(insert.BindText(18, e.reason()));
  SAFEGUARD_RETURN_IF_ERROR(
      insert.BindText(19, absl::StrJoin(e.people(), " ")));
  SAFEGUARD_RETURN_IF_ERROR(insert.Run());
  if (e.disclosed().empty()) return absl::OkStatus();
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement index,
      db.Prepare("INSERT OR IGNORE INTO audit_disclosures (referral, seq) "
                 "VALUES (?, ?);"));
  for (const std::string& name : e.disclosed()) {
    SAFEGUARD_RETURN_IF_ERROR(index.BindText(1, name));
    SAFEGUARD_RETURN_IF_ERROR(index.BindInt64(2, seq));
    SAFEGUARD_RETURN_IF_ERROR(index.Run());
    SAFEGUARD_RETURN_IF_ERROR(index.Reset());
  }
  return absl::OkStatus();
}

absl::Status SqlCipherAuditLog::Append(const AuditRecord& record) {
  return db_.Write(
      [&](Database& db) { return AppendAuditRecord(db, record); });
}

absl::StatusOr<std::vector<v1::AuditEntry>> SqlCipherAuditLog::List(
    const v1::AuditFilter& f, int64_t after, int limit) {
  std::vector<std::string> where = {"seq > ?"};
  std::vector<SqlArg> args = {after};
  auto text = [&](const std::string& column, const std::string& value) {
    if (value.empty()) return;
    where.push_back(column + " = ?");
    args.emplace_back(value);
  };
  if (!f.referral().empty()) {
    // Calls about it, and calls that disclosed it among others.
    where.push_back(
        "(referral = ? OR seq IN (SELECT seq FROM audit_disclosures "
        "WHERE referral = ? AND seq > ?))");
    args.emplace_back(f.referral());
    args.emplace_back(f.referral());
    args.emplace_back(after);
  }
  text("agency", f.agency());
  text("method", f.method());
  if (!f.caller().empty()) {
    where.push_back("agency || '/' || principal = ?");
    args.emplace_back(f.caller());
  }
  if (f.match_code()) {
    where.push_back("code = ?");
    args.emplace_back(int64_t{f.code()});
  }
  if (f.has_start_time()) {
    where.push_back("time_us >= ?");
    args.emplace_back(absl::ToUnixMicros(FromTimestamp(f.start_time())));
  }
  if (f.has_end_time()) {
    where.push_back("time_us < ?");
    args.emplace_back(absl::ToUnixMicros(FromTimestamp(f.end_time())));
  }
  const std::string sql =
      absl::StrCat("SELECT ", kColumns, " FROM audit_entries WHERE ",
                   absl::StrJoin(where, " AND "), " ORDER BY seq LIMIT ?;");
  args.emplace_back(int64_t{limit});
  return db_.Read([&](Database& db) -> absl::StatusOr<std::vector<v1::AuditEntry>> {
    SAFEGUARD_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
    SAFEGUARD_RETURN_IF_ERROR(s.BindAll(args));
    std::vector<v1::AuditEntry> out;
    while (true) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      FillFromRow(s, out.emplace_back());
    }
    return out;
  });
}

absl::StatusOr<AuditHead> SqlCipherAuditLog::Head() {
  return db_.Read([](Database& db) { return ReadHead(db); });
}

absl::Status SqlCipherAuditLog::ForEach(
    int64_t from_sequence,
    const std::function<bool(v1::AuditEntry&)>& fn) {
  // In pages, so that no connection is held for the whole walk.
  constexpr int kPage = 4096;
  int64_t after = from_sequence - 1;
  const std::string sql = absl::StrCat(
      "SELECT ", kColumns, " FROM audit_entries WHERE seq > ? ORDER BY seq "
      "LIMIT ?;");
  v1::AuditEntry scratch;  // one entry, refilled: no allocation per row
  while (true) {
    int rows = 0;
    bool stopped = false;
    SAFEGUARD_RETURN_IF_ERROR(db_.Read([&](Database& db) -> absl::Status {
      SAFEGUARD_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
      SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(1, after));
      SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(2, kPage));
      while (!stopped) {
        SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) return absl::OkStatus();
        ++rows;
        FillFromRow(s, scratch);
        after = scratch.sequence();
        stopped = !fn(scratch);
      }
      return absl::OkStatus();
    }));
    if (stopped || rows < kPage) return absl::OkStatus();
  }
}

}  // namespace safeguard
