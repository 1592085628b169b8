#include "server/storage/sqlcipher_referral_store.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/core/status_macros.h"
#include "server/storage/person_index_rows.h"
#include "server/storage/person_record_rows.h"
#include "server/storage/referral_rows.h"

namespace safeguard {
namespace {

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

absl::StatusOr<Referral> SqlCipherReferralStore::Get(const std::string& id) {
  return db_.Read([&](Database& db) { return LoadReferral(db, id); });
}

absl::StatusOr<std::vector<std::string>> SqlCipherReferralStore::FindMentions(
    ReferralKind kind, PersonRole role, const PersonFacts& person,
    int limit) {
  return db_.Read([&](Database& db) {
    return FindMentionRows(db, kind, role, person, limit);
  });
}

absl::StatusOr<PersonRecord> SqlCipherReferralStore::GetPerson(
    const std::string& id) {
  return db_.Read([&](Database& db) { return LoadPersonRow(db, id); });
}

absl::StatusOr<std::string> SqlCipherReferralStore::PersonOf(
    const MentionRef& mention) {
  return db_.Read([&](Database& db) { return PersonOfRow(db, mention); });
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
        SAFEGUARD_ASSIGN_OR_RETURN(Referral r, ParseReferralBody(s.ColumnView(0)));
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
