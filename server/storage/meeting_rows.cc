#include "server/storage/meeting_rows.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/core/status_macros.h"
#include "server/storage/stored_meeting.h"

namespace safeguard {
namespace {

template <typename Stored, typename T>
std::string Serialize(const T& value) {
  Stored stored;
  ToStored(value, &stored);
  std::string out;
  stored.SerializeToString(&out);
  return out;
}

template <typename Stored>
absl::StatusOr<Stored> ParseBody(absl::string_view body, const char* what) {
  Stored stored;
  if (!stored.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError(absl::StrCat("a stored ", what,
                                            " does not parse"));
  }
  return stored;
}

absl::StatusOr<Meeting> ParseMeeting(absl::string_view body) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      storage::v1::StoredMeeting stored,
      ParseBody<storage::v1::StoredMeeting>(body, "meeting"));
  return FromStored(stored);
}

absl::StatusOr<PlanAction> ParseAction(absl::string_view body) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      storage::v1::StoredAction stored,
      ParseBody<storage::v1::StoredAction>(body, "action"));
  return FromStored(stored);
}

// Checks the stored version of row `id` of `table` before an update.
absl::Status CheckVersion(Database& db, const char* table,
                          const std::string& id, int64_t expected,
                          const char* what) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement current,
      db.Prepare(absl::StrCat("SELECT version FROM ", table, " WHERE id = ?;")));
  SAFEGUARD_RETURN_IF_ERROR(current.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool found, current.Step());
  if (!found) return absl::NotFoundError(absl::StrCat("no such ", what));
  if (current.ColumnInt64(0) != expected) {
    return absl::AbortedError(absl::StrCat(
        "the ", what, " has changed (version ", current.ColumnInt64(0),
        ", not ", expected, "); read it again and retry"));
  }
  return absl::OkStatus();
}

// "area IN (?, ?)" with its arguments, or nothing for every area.
void AreaClause(const std::vector<std::string>& areas,
                std::vector<std::string>& where, std::vector<SqlArg>& args) {
  if (areas.empty()) return;
  std::vector<std::string> marks(areas.size(), "?");
  where.push_back(absl::StrCat("area IN (", absl::StrJoin(marks, ", "), ")"));
  for (const std::string& a : areas) args.push_back(a);
}

// Reads up to `page_size` bodies of `table` matching every `where`, in
// `order`, into `out`; returns whether there are more.
template <typename T>
absl::StatusOr<bool> ReadPage(Database& db, const char* table,
                              const std::vector<std::string>& where,
                              const std::vector<SqlArg>& args,
                              const char* order, int page_size,
                              absl::StatusOr<T> (*parse)(absl::string_view),
                              std::vector<T>& out) {
  const std::string sql = absl::StrCat(
      "SELECT body FROM ", table,
      where.empty() ? "" : absl::StrCat(" WHERE ", absl::StrJoin(where, " AND ")),
      " ORDER BY ", order, " LIMIT ", page_size + 1, ";");
  SAFEGUARD_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
  SAFEGUARD_RETURN_IF_ERROR(s.BindAll(args));
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return false;
    if (static_cast<int>(out.size()) == page_size) return true;
    SAFEGUARD_ASSIGN_OR_RETURN(T value, parse(s.ColumnView(0)));
    out.push_back(std::move(value));
  }
}

}  // namespace

absl::StatusOr<Meeting> LoadMeeting(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT body FROM meetings WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::NotFoundError("no such meeting");
  return ParseMeeting(s.ColumnView(0));
}

absl::StatusOr<PlanAction> LoadAction(Database& db, const std::string& id) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT body FROM plan_actions WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, id));
  SAFEGUARD_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return absl::NotFoundError("no such action");
  return ParseAction(s.ColumnView(0));
}

absl::Status InsertMeetingRow(Database& db, const Meeting& m) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("INSERT INTO meetings (id, kind, area, start_us, version, "
                 "body) VALUES (?, ?, ?, ?, ?, ?);"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindAll(
      {m.id, int64_t{static_cast<int>(m.kind)}, m.area,
       absl::ToUnixMicros(m.start_time), m.version}));
  SAFEGUARD_RETURN_IF_ERROR(
      s.BindBlob(6, Serialize<storage::v1::StoredMeeting>(m)));
  return s.Run();
}

absl::Status UpdateMeetingRow(Database& db, const Meeting& m,
                              int64_t expected) {
  SAFEGUARD_RETURN_IF_ERROR(CheckVersion(db, "meetings", m.id, expected,
                                         "meeting"));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("UPDATE meetings SET version = ?, body = ? "
                              "WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(1, m.version));
  SAFEGUARD_RETURN_IF_ERROR(
      s.BindBlob(2, Serialize<storage::v1::StoredMeeting>(m)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(3, m.id));
  return s.Run();
}

absl::Status InsertActionRow(Database& db, const PlanAction& a) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("INSERT INTO plan_actions (id, referral_id, meeting_id, "
                 "kind, area, owner_agency, status, due_day, version, body) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindAll(
      {a.id, a.referral_id, a.meeting_id, int64_t{static_cast<int>(a.kind)},
       a.area, a.owner_agency, int64_t{static_cast<int>(a.status)},
       DayNumber(a.due_date), a.version}));
  SAFEGUARD_RETURN_IF_ERROR(
      s.BindBlob(10, Serialize<storage::v1::StoredAction>(a)));
  return s.Run();
}

absl::Status UpdateActionRow(Database& db, const PlanAction& a,
                             int64_t expected) {
  SAFEGUARD_RETURN_IF_ERROR(CheckVersion(db, "plan_actions", a.id, expected,
                                         "action"));
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("UPDATE plan_actions SET status = ?, due_day = ?, "
                 "version = ?, body = ? WHERE id = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(1, static_cast<int>(a.status)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(2, DayNumber(a.due_date)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(3, a.version));
  SAFEGUARD_RETURN_IF_ERROR(
      s.BindBlob(4, Serialize<storage::v1::StoredAction>(a)));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(5, a.id));
  return s.Run();
}

absl::StatusOr<int> CountActions(Database& db, const std::string& referral_id,
                                 ActionStatus status) {
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement s, db.Prepare("SELECT count(*) FROM plan_actions "
                              "WHERE referral_id = ? AND status = ?;"));
  SAFEGUARD_RETURN_IF_ERROR(s.BindText(1, referral_id));
  SAFEGUARD_RETURN_IF_ERROR(s.BindInt64(2, static_cast<int>(status)));
  SAFEGUARD_RETURN_IF_ERROR(s.Step().status());
  return static_cast<int>(s.ColumnInt64(0));
}

absl::StatusOr<MeetingPage> QueryMeetings(Database& db, const MeetingQuery& q) {
  std::vector<std::string> where;
  std::vector<SqlArg> args;
  if (q.kind != ReferralKind::kUnspecified) {
    where.push_back("kind = ?");
    args.push_back(int64_t{static_cast<int>(q.kind)});
  }
  AreaClause(q.areas, where, args);
  if (q.from != absl::InfinitePast()) {
    where.push_back("start_us >= ?");
    args.push_back(absl::ToUnixMicros(q.from));
  }
  if (q.after.has_value()) {
    where.push_back("(start_us > ? OR (start_us = ? AND id > ?))");
    const int64_t start = absl::ToUnixMicros(q.after->first);
    args.push_back(start);
    args.push_back(start);
    args.push_back(q.after->second);
  }
  MeetingPage page;
  SAFEGUARD_ASSIGN_OR_RETURN(
      page.more, ReadPage(db, "meetings", where, args, "start_us, id",
                          q.page_size, ParseMeeting, page.meetings));
  return page;
}

absl::StatusOr<ActionPage> QueryActions(Database& db, const ActionQuery& q) {
  std::vector<std::string> where;
  std::vector<SqlArg> args;
  if (q.kind != ReferralKind::kUnspecified) {
    where.push_back("kind = ?");
    args.push_back(int64_t{static_cast<int>(q.kind)});
  }
  AreaClause(q.areas, where, args);
  const struct {
    const std::string& value;
    const char* column;
  } equal[] = {{q.owner_agency, "owner_agency"},
               {q.meeting_id, "meeting_id"},
               {q.referral_id, "referral_id"}};
  for (const auto& e : equal) {
    if (e.value.empty()) continue;
    where.push_back(absl::StrCat(e.column, " = ?"));
    args.push_back(e.value);
  }
  if (!q.statuses.empty()) {
    std::vector<std::string> marks;
    for (ActionStatus status : q.statuses) {
      marks.push_back("?");
      args.push_back(int64_t{static_cast<int>(status)});
    }
    where.push_back(absl::StrCat("status IN (", absl::StrJoin(marks, ", "), ")"));
  }
  if (q.due_before.has_value()) {
    where.push_back("due_day < ?");
    args.push_back(DayNumber(*q.due_before));
  }
  if (q.after.has_value()) {
    where.push_back("(due_day > ? OR (due_day = ? AND id > ?))");
    const int64_t due = DayNumber(q.after->first);
    args.push_back(due);
    args.push_back(due);
    args.push_back(q.after->second);
  }
  ActionPage page;
  SAFEGUARD_ASSIGN_OR_RETURN(
      page.more, ReadPage(db, "plan_actions", where, args, "due_day, id",
                          q.page_size, ParseAction, page.actions));
  return page;
}

}  // namespace safeguard
