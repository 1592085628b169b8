#include "server/storage/report_facts_rows.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/core/status_macros.h"
#include "server/storage/person_index_rows.h"
#include "server/storage/stored_enums.h"
#include "server/storage/report_facts_format.h"

namespace safeguard {
namespace {

int64_t Micros(absl::Time t) {
  if (t == absl::InfiniteFuture()) return std::numeric_limits<int64_t>::max();
  if (t == absl::InfinitePast()) return std::numeric_limits<int64_t>::min();
  return absl::ToUnixMicros(t);
}

absl::Time FromMicros(int64_t us) {
  if (us == std::numeric_limits<int64_t>::max()) return absl::InfiniteFuture();
  if (us == std::numeric_limits<int64_t>::min()) return absl::InfinitePast();
  return absl::FromUnixMicros(us);
}

}  // namespace

absl::Status PutReportFactsRow(Database& db, const Referral& referral) {
  const ReportFacts facts = FactsOf(referral);
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement put,
      db.Prepare("INSERT OR REPLACE INTO report_facts (received_us, "
                 "referral_id, kind, area, ended_us, facts) "
                 "VALUES (?, ?, ?, ?, ?, ?);"));
  SAFEGUARD_RETURN_IF_ERROR(put.BindInt64(1, Micros(facts.received)));
  SAFEGUARD_RETURN_IF_ERROR(put.BindText(2, facts.referral_id));
  SAFEGUARD_RETURN_IF_ERROR(put.BindInt64(3, Number(facts.kind)));
  SAFEGUARD_RETURN_IF_ERROR(put.BindText(4, facts.area));
  SAFEGUARD_RETURN_IF_ERROR(put.BindInt64(5, Micros(facts.ended)));
  SAFEGUARD_RETURN_IF_ERROR(put.BindBlob(6, EncodeReportFacts(facts)));
  return put.Run();
}

absl::StatusOr<std::optional<FactsKey>> ReadReportFactsRows(
    Database& db, const FactsQuery& query, const FactsKey& after, int limit,
    std::vector<ReportFacts>& rows) {
  // Each filter is a parameter, so there is one statement to prepare and
  // keep; ?3 = 0 and ?4 = '' select every kind and area.
  SAFEGUARD_ASSIGN_OR_RETURN(
      Statement scan,
      db.Prepare("SELECT received_us, referral_id, ended_us, kind, area, facts "
                 "FROM report_facts WHERE (received_us, referral_id) > (?5, ?6) "
                 "AND received_us < ?1 AND ended_us >= ?2 "
                 "AND (?3 = 0 OR kind = ?3) AND (?4 = '' OR area = ?4) "
                 "ORDER BY received_us, referral_id LIMIT ?7;"));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindInt64(1, Micros(query.end)));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindInt64(2, Micros(query.start)));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindInt64(3, Number(query.kind)));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindText(4, query.area));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindInt64(5, after.received_us));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindText(6, after.referral_id));
  SAFEGUARD_RETURN_IF_ERROR(scan.BindInt64(7, limit));
  size_t read = 0;
  while (true) {
    SAFEGUARD_ASSIGN_OR_RETURN(bool row, scan.Step());
    if (!row) break;
    if (read == rows.size()) rows.emplace_back();
    ReportFacts& facts = rows[read++];
    facts.received = FromMicros(scan.ColumnInt64(0));
    const absl::string_view id = scan.ColumnView(1);
    facts.referral_id.assign(id.data(), id.size());
    facts.ended = FromMicros(scan.ColumnInt64(2));
    facts.kind = Enum<ReferralKind>(static_cast<int>(scan.ColumnInt64(3)));
    const absl::string_view area = scan.ColumnView(4);
    facts.area.assign(area.data(), area.size());
    SAFEGUARD_RETURN_IF_ERROR(DecodeReportFacts(scan.ColumnView(5), facts));
  }
  rows.resize(read);
  if (read == 0 || read < static_cast<size_t>(limit)) return std::nullopt;
  return FactsKey{Micros(rows.back().received), rows.back().referral_id};
}

absl::Status BackfillReportFacts(Database& db) {
  return ForEachStoredReferral(
      db, [&](const Referral& r, const std::vector<NamedPerson>&) {
        return PutReportFactsRow(db, r);
      });
}

}  // namespace safeguard
