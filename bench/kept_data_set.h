// File: bench/kept_data_set.h
//
// What the scenarios with a data set of their own share (`people`,
// bench/people_bench.h; `reports`, bench/reports_bench.h):
//
//   * the data set kept in a folder (<keep_dir>/<scenario>-<N>) with its
//     progress file: referrals written so far and the seconds that took;
//   * the preload, run in a child process (its memory is not the
//     server's, and the parent has not started gRPC yet), writing chunk
//     after chunk and saving the progress after each, until done or past
//     a time budget; the next run carries on from where it stopped;
//   * RoundFigure: one figure's latencies gathered over rounds that
//     alternate with a baseline's.
//
// Functions are thread-compatible; PrepareDataSet forks, so it runs before
// the process uses gRPC or starts threads.
#ifndef SAFEGUARD_BENCH_KEPT_DATA_SET_H_
#define SAFEGUARD_BENCH_KEPT_DATA_SET_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/closed_loop.h"
#include "server/config/server_config.h"
#include "server/storage/shared_database.h"

namespace safeguard::bench {

// How such a scenario is run.
struct DataSetScenarioOptions {
  std::string root;         // the data set's folder goes in here
  int64_t referrals = 0;    // N
  std::vector<int> levels;  // clients (calls in flight) to measure at
  absl::Duration each;      // one measurement
  int rounds = 3;
  absl::Duration preload_budget = absl::ZeroDuration();  // zero: none
  int worker_threads = 32;
  std::string out;   // JSON
  std::string plot;  // SVG
  bool smoke = false;  // a tiny run, checking the scenario works
};

// What <dir>/progress says: referrals written (0..loaded-1), the seconds
// the preload has taken so far, and a time the data set fixed when it was
// first made.
struct Progress {
  int64_t loaded = 0;
  double seconds = 0;
  int64_t epoch_s = 0;
};

Progress ReadProgress(const std::string& dir);
bool WriteProgress(const std::string& dir, const Progress& p);

// Makes, or carries on, the data set of `n` referrals in `dir`: unless
// `n` are written and <dir>/stats exists, runs `child()` (which returns
// an exit code: 0 done, 3 stopped at its budget, 1 failed) in a child
// process, then syncs the disk. Returns that code (0 also when there was
// nothing to do), having said on stdout what happened, as `name`;
// `progress` is the data set's as it then stands.
int PrepareDataSet(const std::string& name, const std::string& dir, int64_t n,
                   const std::function<int()>& child, Progress& progress);

// In the child: the data set's database (`config`'s), opened, keyed and
// migrated, not durable until the end (PrepareDataSet syncs), with a page
// cache of `cache_mib`.
absl::StatusOr<std::unique_ptr<SharedDatabase>> OpenForPreload(
    const ServerConfig& config, int64_t cache_mib);

// In the child: calls `write(begin, end)` for each chunk of at most
// `chunk` referrals, from where <dir>/progress stands up to `n`, saving
// the progress after each, until done or past `budget` (zero: none).
// Returns 0 done, 3 stopped at the budget, 1 failed (the error printed).
int WriteChunks(const std::string& name, const std::string& dir, int64_t n,
                int64_t chunk, absl::Duration budget,
                absl::FunctionRef<absl::Status(int64_t begin, int64_t end)>
                    write);

// <dir>/stats (names and numbers, one pair a line), which the child writes
// once the data set is complete.
bool WriteStats(const std::string& dir,
                const std::vector<std::pair<std::string, double>>& stats);
std::map<std::string, double> ReadStats(const std::string& dir);

// The first row of `sql`, `columns` integers; -1 each if it fails.
std::vector<int64_t> QueryRow(SharedDatabase& db, const std::string& sql,
                              int columns);

// The database file and its WAL, in bytes.
int64_t DatabaseBytes(const ServerConfig& config);

// One figure, over every round.
struct RoundFigure {
  std::string scenario;
  int concurrency = 0;
  std::vector<int64_t> us;
  int64_t errors = 0;
  double seconds = 0;
  std::vector<double> round_p50, round_p99;

  void Add(Latencies l);
  void Sort();
  double p(double q) const { return Percentile(us, q); }
  double per_second() const { return seconds > 0 ? us.size() / seconds : 0; }
};

// "1, 2, 3" (rounded).
std::string JoinRounded(const std::vector<double>& v);
// A line on stdout: the figure, and each round's p50 and p99.
void PrintFigure(const RoundFigure& f);
// The figures as the JSON array of "results" (one object a line, each
// indented by four spaces).
std::string FiguresJson(const std::deque<RoundFigure>& figures);
// The figures as an SVG plot titled `title`, one series a scenario of at
// least `min_points` concurrency levels.
std::string FiguresSvg(const std::string& title,
                       const std::deque<RoundFigure>& figures,
                       size_t min_points);
// True if every figure has calls and none failed; otherwise says which
// did not on stderr, as `scenario`.
bool AllMeasured(const char* scenario, const std::deque<RoundFigure>& figures);

}  // namespace safeguard::bench

#endif  // SAFEGUARD_BENCH_KEPT_DATA_SET_H_
