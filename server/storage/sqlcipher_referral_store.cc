#include "server/storage/sqlcipher_referral_store.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "safeguard/v1/referral.pb.h"
#include "server/convert/referral_convert.h"
#include "server/core/status_macros.h"
#include "server/storage/sqlcipher_audit_log.h"

namespace safeguard {
namespace {

constexpr char kColumns[] =
    "id, reference, kind, state, area, priority, deadline_us, assignee, "
    "referring_agency, referrer_name, version, create_us, update_us, body";

std::string Serialize(const Referral& r) {
  v1::Referral proto;
  ToProto(r, &proto);
  std::string out;
  proto.SerializeToString(&out);
  return out;
}

absl::StatusOr<Referral> Deserialize(absl::string_view body) {
  v1::Referral proto;
  if (!proto.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError("a stored referral does not parse");
  }
  return FromProto(proto);
}

// Binds the 14 columns of kColumns, in order, from `r`.
absl::Status BindRow(Statement& s, const Referral& r) {
  const QueueCursor key = CursorOf(r);
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, r.id));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(2, r.reference));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(3, static_cast<int>(r.kind)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(4, r.state));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(5, r.area));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(6, key.priority));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(7, key.deadline_us));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(8, r.assignee));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(9, r.referring_agency));
  SAFEGUARD_RETURN_IF_ERROR(
      s.BindText(10, absl::StrCat(r.referring_agency, "/", r.referrer)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(11, r.version));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(12, absl::ToUnixMicros(r.create_time)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(13, absl::ToUnixMicros(r.update_time)));
  return s.BindBlob(14, Serialize(r));
}

absl::StatusOr<Referral> LoadById(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT body FROM referrals WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::NotFoundError("no such referral");
  return Deserialize(s.ColumnView(0));
}

// Builds "WHERE ..." for a queue query; `args` collects the bound values.
struct Where {
  std::string sql;
  std::vector<SqlArg> args;

  void And(const std::string& clause) {
    absl::StrAppend(&sql, sql.empty() ? " WHERE " : " AND ", clause);
  }
  std::string Placeholders(size_t n) {
    std::vector<std::string> q(n, "?");
    return absl::StrJoin(q, ", ");
  }
};

std::string ScopeClause(const VisibilityScope& scope, Where& w) {
  std::vector<std::string> parts;
  if (!scope.kinds.empty()) {
    parts.push_back(absl::StrCat("kind IN (", w.Placeholders(scope.kinds.size()), ")"));
    for (ReferralKind k : scope.kinds) w.args.emplace_back(int64_t{static_cast<int>(k)});
  }
  if (!scope.all) {
    bool restricted = false;
    if (!scope.agencies.empty()) {
      parts.push_back(absl::StrCat("referring_agency IN (",
                                   w.Placeholders(scope.agencies.size()), ")"));
      for (const std::string& a : scope.agencies) w.args.emplace_back(a);
      restricted = true;
    }
    if (!scope.areas.empty()) {
      parts.push_back(
          absl::StrCat("area IN (", w.Placeholders(scope.areas.size()), ")"));
      for (const std::string& a : scope.areas) w.args.emplace_back(a);
      restricted = true;
    }
    if (!scope.referrer.empty()) {
      parts.push_back("referrer_name = ?");
      w.args.emplace_back(scope.referrer);
      restricted = true;
    }
    if (!scope.assignee.empty()) {
      parts.push_back("assignee = ?");
      w.args.emplace_back(scope.assignee);
      restricted = true;
    }
    if (!restricted) return "0";  // grants nothing, as IsVisible()
  }
  if (parts.empty()) return "1";
  return absl::StrCat("(", absl::StrJoin(parts, " AND "), ")");
}

}  // namespace

absl::StatusOr<CreateResult> SqlCipherReferralStore::Create(
    Referral referral, const std::string& reference_prefix,
    const std::string& idempotency_key, const std::string& fingerprint,
    const std::optional<std::string>& repeat_key,
    const CompleteNewReferral& complete, AuditRecord& audit) {
  CreateResult result;
  absl::Status done = db_.Write([&](Database& db) -> absl::Status {
      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement seen,
          db.Prepare("SELECT fingerprint, referral_id FROM submissions "
                     "WHERE idempotency_key = ?;"));
      SAFEGUARD_RETURN_IF_ERROR(seen.BindText(1, idempotency_key));
      SAFEGUARD_ASSIGN_OR_RETURN(bool was_seen, seen.Step());
      if (was_seen) {
        if (seen.ColumnText(0) != fingerprint) {
          return absl::AlreadyExistsError(
              "request_id was already used for a different referral");
        }
        SAFEGUARD_ASSIGN_OR_RETURN(result.referral,
                                   LoadById(db, seen.ColumnText(1)));
        result.created = false;
        return absl::OkStatus();
      }
      // The key is new: only now is anything else read.
      Referral row = referral;  // the body may run again
      std::optional<absl::Time> last_repeat;
      if (repeat_key.has_value()) {
        SAFEGUARD_ASSIGN_OR_RETURN(
            Statement last_pair,
            db.Prepare("SELECT last_referral_us FROM marac_pairs "
                       "WHERE pair = ?;"));
        SAFEGUARD_RETURN_IF_ERROR(last_pair.BindText(1, *repeat_key));
        SAFEGUARD_ASSIGN_OR_RETURN(bool found, last_pair.Step());
        if (found) last_repeat = absl::FromUnixMicros(last_pair.ColumnInt64(0));
      }
      if (complete) complete(row, last_repeat);
      // Next number in the prefix's sequence.
      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement bump,
          db.Prepare("UPDATE OR FAIL reference_sequences SET last = last + 1 "
                     "WHERE prefix = ?;"));
      SAFEGUARD_RETURN_IF_ERROR(bump.BindText(1, reference_prefix));
      SAFEGUARD_RETURN_IF_ERROR(bump.Run());
      if (db.Changes() == 0) {
        SAFEGUARD_ASSIGN_OR_RETURN(
            Statement first,
            db.Prepare("INSERT INTO reference_sequences (prefix, last) "
                       "VALUES (?, 1);"));
        SAFEGUARD_RETURN_IF_ERROR(first.BindText(1, reference_prefix));
        SAFEGUARD_RETURN_IF_ERROR(first.Run());
      }
      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement last,
          db.Prepare("SELECT last FROM reference_sequences WHERE prefix = ?;"));
      SAFEGUARD_RETURN_IF_ERROR(last.BindText(1, reference_prefix));
      SAFEGUARD_RETURN_IF_ERROR(last.Step().status());
      row.reference =
          absl::StrFormat("%s-%06d", reference_prefix, last.ColumnInt64(0));

      static const std::string* const kInsert = new std::string(
          absl::StrCat("INSERT INTO referrals (", kColumns,
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);"));
      SAFEGUARD_ASSIGN_OR_RETURN(Statement insert, db.Prepare(*kInsert));
      SAFEGUARD_RETURN_IF_ERROR(BindRow(insert, row));
      SAFEGUARD_RETURN_IF_ERROR(insert.Run());

      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement remember,
          db.Prepare("INSERT INTO submissions (idempotency_key, fingerprint, "
                     "referral_id) VALUES (?, ?, ?);"));
      SAFEGUARD_RETURN_IF_ERROR(remember.BindText(1, idempotency_key));
      SAFEGUARD_RETURN_IF_ERROR(remember.BindText(2, fingerprint));
      SAFEGUARD_RETURN_IF_ERROR(remember.BindText(3, row.id));
      SAFEGUARD_RETURN_IF_ERROR(remember.Run());

      if (repeat_key.has_value()) {
        SAFEGUARD_ASSIGN_OR_RETURN(
            Statement pair,
            db.Prepare("INSERT OR REPLACE INTO marac_pairs (pair, "
                       "last_referral_us, referral_id) VALUES (?, ?, ?);"));
        SAFEGUARD_RETURN_IF_ERROR(pair.BindText(1, *repeat_key));
        SAFEGUARD_RETURN_IF_ERROR(
            pair.BindInt64(2, absl::ToUnixMicros(row.create_time)));
        SAFEGUARD_RETURN_IF_ERROR(pair.BindText(3, row.id));
        SAFEGUARD_RETURN_IF_ERROR(pair.Run());
      }
      AuditRecord entry = audit;
      entry.referral_id = row.id;
      SAFEGUARD_RETURN_IF_ERROR(AppendAuditRecord(db, entry));
      result.referral = std::move(row);
      result.created = true;
      return absl::OkStatus();
  });
  if (!done.ok()) return done;
  if (result.created) {
    audit.referral_id = result.referral.id;
    audit.committed = true;
  }
  return result;
}

absl::StatusOr<Referral> SqlCipherReferralStore::Get(const std::string& id) {
  return db_.Read([&](Database& db) { return LoadById(db, id); });
}

absl::Status SqlCipherReferralStore::Update(const Referral& referral,
                                            int64_t expected_version,
                                            AuditRecord& audit) {
  absl::Status done = db_.Write([&](Database& db) -> absl::Status {
      SAFEGUARD_ASSIGN_OR_RETURN(
          Statement current,
          db.Prepare("SELECT version FROM referrals WHERE id = ?;"));
      SAFEGUARD_RETURN_IF_ERROR(current.BindText(1, referral.id));
      SAFEGUARD_ASSIGN_OR_RETURN(bool found, current.Step());
      if (!found) return absl::NotFoundError("no such referral");
      if (current.ColumnInt64(0) != expected_version) {
        return absl::AbortedError(absl::StrCat(
            "the referral has changed (version ", current.ColumnInt64(0),
            ", not ", expected_version, "); read it again and retry"));
      }
      static const std::string* const kUpdate = new std::string(absl::StrCat(
          "UPDATE referrals SET (", kColumns,
          ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?;"));
      SAFEGUARD_ASSIGN_OR_RETURN(Statement update, db.Prepare(*kUpdate));
      SAFEGUARD_RETURN_IF_ERROR(BindRow(update, referral));
      SAFEGUARD_RETURN_IF_ERROR(update.BindText(15, referral.id));
      SAFEGUARD_RETURN_IF_ERROR(update.Run());
      AuditRecord entry = audit;
      entry.referral_id = referral.id;
      return AppendAuditRecord(db, entry);
  });
  if (done.ok()) {
    audit.referral_id = referral.id;
    audit.committed = true;
  }
  return done;
}

// Whether every referral `inner` reaches, `outer` reaches too (judged
// conservatively: false when unsure).
static bool Covers(const VisibilityScope& outer, const VisibilityScope& inner) {
  for (ReferralKind k : inner.kinds.empty() ? outer.kinds : inner.kinds) {
    if (!outer.kinds.empty() && !absl::c_linear_search(outer.kinds, k)) {
      return false;
    }
  }
  if (!outer.kinds.empty() && inner.kinds.empty()) return false;
  if (outer.all) return true;
  const bool only_agencies = !outer.agencies.empty() && outer.areas.empty() &&
                             outer.referrer.empty() && outer.assignee.empty();
  if (!only_agencies) return false;
  if (!inner.agencies.empty()) {
    return absl::c_all_of(inner.agencies, [&](const std::string& a) {
      return absl::c_linear_search(outer.agencies, a);
    });
  }
  if (!inner.referrer.empty()) {
    const std::string agency = inner.referrer.substr(0, inner.referrer.find('/'));
    return absl::c_linear_search(outer.agencies, agency);
  }
  return false;
}

// The SQL of a queue page and its arguments. REQUIRES: !q.scopes.empty().
static std::string QueueSql(const QueueQuery& q, Where& w) {
  std::vector<std::string> scopes;
  for (const VisibilityScope& scope : q.scopes) {
    scopes.push_back(ScopeClause(scope, w));
  }
  w.And(absl::StrCat("(", absl::StrJoin(scopes, " OR "), ")"));
  if (q.kind != ReferralKind::kUnspecified) {
    w.And("kind = ?");
    w.args.emplace_back(int64_t{static_cast<int>(q.kind)});
  }
  if (!q.state.empty()) {
    w.And("state = ?");
    w.args.emplace_back(q.state);
  }
  if (!q.area.empty()) {
    w.And("area = ?");
    w.args.emplace_back(q.area);
  }
  if (q.assignee.has_value()) {
    w.And("assignee = ?");
    w.args.emplace_back(*q.assignee);
  }
  if (q.min_priority != Priority::kUnspecified) {
    w.And("priority >= ?");
    w.args.emplace_back(int64_t{static_cast<int>(q.min_priority)});
  }
  if (q.overdue_only) {
    w.And("deadline_us < ?");
    w.args.emplace_back(absl::ToUnixMicros(q.now));
  }
  std::string order;
  if (q.order == QueueOrder::kByDeadline) {
    order = " ORDER BY deadline_us, id";
    if (q.after.has_value()) {
      w.And("(deadline_us, id) > (?, ?)");
      w.args.emplace_back(q.after->deadline_us);
      w.args.emplace_back(q.after->id);
    }
  } else {
    order = " ORDER BY priority DESC, deadline_us, id";
    if (q.after.has_value()) {
      w.And("(priority < ? OR (priority = ? AND (deadline_us, id) > (?, ?)))");
      w.args.emplace_back(int64_t{q.after->priority});
      w.args.emplace_back(int64_t{q.after->priority});
      w.args.emplace_back(q.after->deadline_us);
      w.args.emplace_back(q.after->id);
    }
  }
  w.args.emplace_back(int64_t{q.page_size + 1});
  return absl::StrCat("SELECT body FROM referrals", w.sql, order, " LIMIT ?;");
}

absl::StatusOr<std::vector<std::string>> SqlCipherReferralStore::QueuePlan(
    const QueueQuery& q) {
  Where w;
  const std::string sql = absl::StrCat("EXPLAIN QUERY PLAN ", QueueSql(q, w));
  return db_.Read([&](Database& db) -> absl::StatusOr<std::vector<std::string>> {
    SAFEGUARD_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
    SAFEGUARD_RETURN_IF_ERROR(s.BindAll(w.args));
    std::vector<std::string> steps;
    while (true) {
      SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return steps;
      steps.push_back(s.ColumnText(3));
    }
  });
}

absl::StatusOr<QueuePage> SqlCipherReferralStore::List(const QueueQuery& q) {
  if (q.scopes.empty()) return QueuePage();
  // One query per scope, each reading its own index for at most a page and
  // one more, merged here: an OR of scopes would make SQLite read and sort
  // every referral they reach.
  std::vector<std::pair<std::string, std::vector<SqlArg>>> queries;
  for (size_t i = 0; i < q.scopes.size(); ++i) {
    const VisibilityScope& scope = q.scopes[i];
    // A scope whose referrals another one reaches adds no rows (a lead's
    // own referrals, and its agency's NRM ones, are its agency's).
    bool covered = false;
    for (size_t j = 0; j < q.scopes.size() && !covered; ++j) {
      covered = j != i && Covers(q.scopes[j], scope) &&
                !(j > i && Covers(scope, q.scopes[j]));
    }
    if (covered) continue;
    QueueQuery one = q;
    one.scopes = {scope};
    Where w;
    std::string sql = QueueSql(one, w);
    queries.emplace_back(std::move(sql), std::move(w.args));
  }
  const bool by_priority = q.order == QueueOrder::kByPriority;
  auto before = [by_priority](const QueueCursor& a, const QueueCursor& b) {
    if (by_priority && a.priority != b.priority) return a.priority > b.priority;
    return std::tie(a.deadline_us, a.id) < std::tie(b.deadline_us, b.id);
  };
  return db_.Read([&](Database& db) -> absl::StatusOr<QueuePage> {
    std::vector<std::pair<QueueCursor, Referral>> rows;
    for (const auto& [sql, args] : queries) {
      SAFEGUARD_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
      SAFEGUARD_RETURN_IF_ERROR(s.BindAll(args));
      while (true) {
        SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        SAFEGUARD_ASSIGN_OR_RETURN(Referral r, Deserialize(s.ColumnView(0)));
        QueueCursor key = CursorOf(r);
        rows.emplace_back(std::move(key), std::move(r));
      }
    }
    std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
      return before(a.first, b.first);
    });
    // A referral that several scopes reach comes once.
    rows.erase(std::unique(rows.begin(), rows.end(),
                           [](const auto& a, const auto& b) {
                             return a.first.id == b.first.id;
                           }),
               rows.end());
    QueuePage page;
    const size_t size = static_cast<size_t>(std::max(q.page_size, 0));
    page.referrals.reserve(std::min(rows.size(), size));
    for (size_t k = 0; k < rows.size() && k < size; ++k) {
      page.referrals.push_back(std::move(rows[k].second));
    }
    if (rows.size() > size && !page.referrals.empty()) {
      page.next = CursorOf(page.referrals.back());
    }
    return page;
  });
}

}  // namespace safeguard
