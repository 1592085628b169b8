#include "server/storage/sqlcipher_report_source.h"

#include <optional>

#include "server/core/status_macros.h"
#include "server/storage/report_facts_rows.h"

namespace safeguard {
namespace {

// Rows read in one read: short enough that a commit waiting for readers
// to move on (a WAL checkpoint) is held up for a fraction of a second.
constexpr int kRowsPerRead = 20000;

}  // namespace

absl::Status SqlCipherReportSource::ForEachFacts(
    const FactsQuery& query,
    absl::FunctionRef<void(const ReportFacts&)> visit) {
  std::optional<FactsKey> after = FactsKey();
  while (after.has_value()) {
    db_.AwaitFold();
    SAFEGUARD_ASSIGN_OR_RETURN(after, db_.Read([&](Database& db) {
                                 return ScanReportFactsRows(
                                     db, query, *after, kRowsPerRead, visit);
                               }));
  }
  return absl::OkStatus();
}

}  // namespace safeguard
