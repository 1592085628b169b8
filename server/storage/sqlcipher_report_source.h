// File: server/storage/sqlcipher_report_source.h
//
// SqlCipherReportSource: the ReportSource on the encrypted database, read
// from report_facts (report_facts_rows.h) on a reader connection, a page
// of rows per read, so that a report over a million referrals never holds
// a read open for long: commits go on meanwhile. The pages are read on a
// thread of their own, up to four ahead of the one being visited. A report's pages are
// read one after another, not as one snapshot: a referral changed
// meanwhile is counted as it was when its page was read.
//
// Borrows the SharedDatabase, which must outlive it. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REPORT_SOURCE_H_
#define SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REPORT_SOURCE_H_

#include <algorithm>

#include "server/core/reports/report_source.h"
#include "server/storage/shared_database.h"

namespace safeguard {

class SqlCipherReportSource final : public ReportSource {
 public:
  // Rows read in one read: few enough that a read is short (a commit
  // waiting for readers to move on, to fold the WAL, waits for one at
  // most) and that a page handed to the visiting thread is still in the
  // processor's caches.
  static constexpr int kRowsPerRead = 1000;

  explicit SqlCipherReportSource(SharedDatabase& db,
                                 int rows_per_read = kRowsPerRead)
      : db_(db), rows_per_read_(std::max(1, rows_per_read)) {}

  absl::Status ForEachFacts(
      const FactsQuery& query,
      absl::FunctionRef<void(const ReportFacts&)> visit) override;

 private:
  SharedDatabase& db_;
  const int rows_per_read_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_STORAGE_SQLCIPHER_REPORT_SOURCE_H_
