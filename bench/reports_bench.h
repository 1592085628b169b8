// File: bench/reports_bench.h
//
// The `reports` scenario of safeguard_bench (`--only=reports`, which runs
// it alone): how long the year's full partnership report takes over a
// financial year of N referrals (bench/reports_data.h), and what running
// it does to submissions meanwhile.
//
// One server process, the real server as in the other scenarios, on the
// data set. At each concurrency level c, round after round:
//   (a) target-hardening submissions from c clients (closed loop), alone;
//   (b) the same, while one more client, the partnership's analyst
//       (csp-analyst/person/analyst), runs Reports/RunReport for
//       "reports/full" over the data set's year back to back;
//   (r) that report alone, back to back.
// Even rounds run a, b, r; odd ones r, b, a. Figures are all rounds'
// calls together: the submissions' p50 and p99 in (a) and (b) and the
// ratio of (b)'s p99 to (a)'s; each report's latency (p50, max) alone and
// during (b). Also: the first full report after the server started, one
// "reports/marac" (one kind: the scan parses a quarter of the rows), and
// each answer's size. The figures received in the year must add up to N.
//
// The data set is written straight to the store through the unit of work
// (InsertReferral, which writes each referral's report facts with it),
// many referrals a transaction, in a child process, into
// <root>/reports-<N>, which a --keep_dir keeps for later runs; a preload
// given a time budget stops after it, keeping what it wrote (exit code
// 3), and the next run carries on from there (bench/kept_data_set.h). The
// submissions are received now, outside the data set's year, so that the
// report counts the same referrals on every run.
#ifndef SAFEGUARD_BENCH_REPORTS_BENCH_H_
#define SAFEGUARD_BENCH_REPORTS_BENCH_H_

#include "bench/kept_data_set.h"

namespace safeguard::bench {

using ReportsBenchOptions = DataSetScenarioOptions;

// Exit code: 0 measured; 3 the preload stopped at its budget (run again);
// 1 anything failed (a call, or a report whose figures do not add up).
int RunReportsBench(const ReportsBenchOptions& options);

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_REPORTS_BENCH_H_
