// File: server/storage/report_facts_rows.h
//
// The facts the reports count (server/core/reports/report_facts.h) as
// rows of report_facts, one per referral, keyed by when it was received
// so that a period's report reads one range of the table:
//   received_us, referral_id   the key
//   kind, area, ended_us       what a report's query selects on
//   facts                      the rest (report_facts_format.h)
// Written with the referral, in its transaction; read on the connection
// given, a page of rows at a time.
//
// Functions; thread-compatible through the Database they are given.
#ifndef SAFEGUARD_SERVER_STORAGE_REPORT_FACTS_ROWS_H_
#define SAFEGUARD_SERVER_STORAGE_REPORT_FACTS_ROWS_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/status/status.h"
#include "server/core/referral.h"
#include "server/core/reports/report_source.h"
#include "server/storage/database.h"

namespace safeguard {

// Replaces the referral's row with its facts as they are now.
absl::Status PutReportFactsRow(Database& db, const Referral& referral);

// Where a page of rows ends: the key of its last row.
struct FactsKey {
  int64_t received_us = std::numeric_limits<int64_t>::min();
  std::string referral_id;
};

// Reads into `rows` the facts of the rows `query` selects after `after`
// (FactsKey() for the first), in key order, at most `limit` (at least 1)
// of them; on success `rows` is resized to the number read (after an
// error it holds what was part read), and the storage of the facts it
// held is reused. Returns the key of the last when there may be more,
// nullopt when the query has no more rows.
absl::StatusOr<std::optional<FactsKey>> ReadReportFactsRows(
    Database& db, const FactsQuery& query, const FactsKey& after, int limit,
    std::vector<ReportFacts>& rows);

// Writes every stored referral's row (a database from before reports).
absl::Status BackfillReportFacts(Database& db);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_REPORT_FACTS_ROWS_H_
