#include "bench/kept_data_set.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "bench/plot.h"
#include "server/storage/database_key.h"

namespace safeguard::bench {

namespace fs = std::filesystem;

Progress ReadProgress(const std::string& dir) {
  Progress p;
  std::ifstream(dir + "/progress") >> p.loaded >> p.seconds >> p.epoch_s;
  return p;
}

bool WriteProgress(const std::string& dir, const Progress& p) {
  const std::string path = dir + "/progress";
  {
    std::ofstream out(path + ".tmp");
    out << p.loaded << " " << p.seconds << " " << p.epoch_s << "\n";
    if (!out) return false;
  }
  return std::rename((path + ".tmp").c_str(), path.c_str()) == 0;
}

int PrepareDataSet(const std::string& name, const std::string& dir, int64_t n,
                   const std::function<int()>& child, Progress& progress) {
  fs::create_directories(dir);
  progress = ReadProgress(dir);
  if (progress.epoch_s == 0) {
    progress.epoch_s = absl::ToUnixSeconds(absl::Now());
    if (!WriteProgress(dir, progress)) return 1;
  }
  if (progress.loaded >= n && fs::exists(dir + "/stats")) return 0;
  std::printf("%s: preloading %lld referrals into %s (from %lld)\n",
              name.c_str(), static_cast<long long>(n), dir.c_str(),
              static_cast<long long>(progress.loaded));
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) _exit(child());
  int status = 0;
  waitpid(pid, &status, 0);
  sync();  // the preload's writes reach the disk before anything is timed
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  progress = ReadProgress(dir);
  if (code == 3) {
    std::printf("%s: the preload stopped at its budget with %lld of %lld "
                "referrals (%.0f s so far); run again to carry on\n",
                name.c_str(), static_cast<long long>(progress.loaded),
                static_cast<long long>(n), progress.seconds);
  } else if (code != 0) {
    std::fprintf(stderr, "%s: the preload failed\n", name.c_str());
  }
  return code;
}

absl::StatusOr<std::unique_ptr<SharedDatabase>> OpenForPreload(
    const ServerConfig& config, int64_t cache_mib) {
  absl::StatusOr<DatabaseKey> key = ReadKeyFile(config.key_file());
  if (!key.ok()) return key.status();
  fs::create_directories(config.data_dir());
  auto db = SharedDatabase::Open(DatabasePath(config), *key);
  if (!db.ok()) return db.status();
  absl::Status pragmas = (*db)->With([&](Database& d) {
    return d.Exec(absl::StrCat("PRAGMA synchronous = OFF; PRAGMA cache_size = ",
                               -1024 * cache_mib, ";"));
  });
  if (!pragmas.ok()) return pragmas;
  return db;
}

int WriteChunks(const std::string& name, const std::string& dir, int64_t n,
                int64_t chunk, absl::Duration budget,
                absl::FunctionRef<absl::Status(int64_t begin, int64_t end)>
                    write) {
  Progress p = ReadProgress(dir);
  const absl::Time start = absl::Now();
  int64_t reported = p.loaded;
  while (p.loaded < n) {
    if (budget > absl::ZeroDuration() && absl::Now() - start >= budget) {
      return 3;
    }
    const absl::Time chunk_start = absl::Now();
    const int64_t end = std::min(n, p.loaded + chunk);
    const absl::Status written = write(p.loaded, end);
    if (!written.ok()) {
      std::fprintf(stderr, "%s preload: referrals %lld to %lld: %s\n",
                   name.c_str(), static_cast<long long>(p.loaded),
                   static_cast<long long>(end - 1),
                   std::string(written.message()).c_str());
      return 1;
    }
    p.loaded = end;
    p.seconds += absl::ToDoubleSeconds(absl::Now() - chunk_start);
    if (!WriteProgress(dir, p)) return 1;
    if (p.loaded - reported >= std::max<int64_t>(n / 20, chunk) ||
        p.loaded == n) {
      reported = p.loaded;
      std::printf("  preloaded %lld of %lld referrals (%.0f/s so far)\n",
                  static_cast<long long>(p.loaded), static_cast<long long>(n),
                  p.loaded / std::max(p.seconds, 1e-3));
      std::fflush(stdout);
    }
  }
  return 0;
}

bool WriteStats(const std::string& dir,
                const std::vector<std::pair<std::string, double>>& stats) {
  std::ofstream out(dir + "/stats");
  for (const auto& [name, value] : stats) {
    out << name << " " << absl::StrFormat("%.0f", value) << "\n";
  }
  return static_cast<bool>(out);
}

std::map<std::string, double> ReadStats(const std::string& dir) {
  std::map<std::string, double> out;
  std::ifstream in(dir + "/stats");
  std::string name;
  double value;
  while (in >> name >> value) out[name] = value;
  return out;
}

std::vector<int64_t> QueryRow(SharedDatabase& db, const std::string& sql,
                              int columns) {
  return db.With([&](Database& d) {
    std::vector<int64_t> out(columns, -1);
    absl::StatusOr<Statement> s = d.Prepare(sql);
    if (!s.ok()) return out;
    absl::StatusOr<bool> row = s->Step();
    if (!row.ok() || !*row) return out;
    for (int c = 0; c < columns; ++c) out[c] = s->ColumnInt64(c);
    return out;
  });
}

int64_t DatabaseBytes(const ServerConfig& config) {
  int64_t bytes = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    const auto size = fs::file_size(DatabasePath(config) + suffix, error);
    if (!error) bytes += static_cast<int64_t>(size);
  }
  return bytes;
}

void RoundFigure::Add(Latencies l) {
  std::sort(l.us.begin(), l.us.end());
  round_p50.push_back(Percentile(l.us, 0.5));
  round_p99.push_back(Percentile(l.us, 0.99));
  us.insert(us.end(), l.us.begin(), l.us.end());
  errors += l.errors;
  seconds += l.seconds;
}

void RoundFigure::Sort() { std::sort(us.begin(), us.end()); }

std::string JoinRounded(const std::vector<double>& v) {
  return absl::StrJoin(v, ", ", [](std::string* out, double x) {
    absl::StrAppend(out, absl::StrFormat("%.0f", x));
  });
}

void PrintFigure(const RoundFigure& f) {
  std::printf("%-40s c=%-3d %8.1f ops/s  p50 %7.0f us  p99 %7.0f us  "
              "p99.9 %7.0f us  errors %lld  (rounds: p50 %s; p99 %s)\n",
              f.scenario.c_str(), f.concurrency, f.per_second(), f.p(0.5),
              f.p(0.99), f.p(0.999), static_cast<long long>(f.errors),
              JoinRounded(f.round_p50).c_str(),
              JoinRounded(f.round_p99).c_str());
  std::fflush(stdout);
}

std::string FiguresJson(const std::deque<RoundFigure>& figures) {
  std::string out;
  for (size_t k = 0; k < figures.size(); ++k) {
    const RoundFigure& f = figures[k];
    absl::StrAppend(
        &out,
        absl::StrFormat(
            "    {\"scenario\": \"%s\", \"concurrency\": %d, \"ops_per_s\": "
            "%.2f, \"p50_us\": %.0f, \"p99_us\": %.0f, \"p999_us\": %.0f, "
            "\"max_us\": %d, \"ops\": %d, \"errors\": %d, "
            "\"rounds_p50_us\": [%s], \"rounds_p99_us\": [%s]}%s\n",
            f.scenario, f.concurrency, f.per_second(), f.p(0.5), f.p(0.99),
            f.p(0.999), f.us.empty() ? 0 : f.us.back(), f.us.size(), f.errors,
            JoinRounded(f.round_p50), JoinRounded(f.round_p99),
            k + 1 < figures.size() ? "," : ""));
  }
  return out;
}

std::string FiguresSvg(const std::string& title,
                       const std::deque<RoundFigure>& figures,
                       size_t min_points) {
  std::vector<PlotSeries> series;
  for (const RoundFigure& f : figures) {
    auto it = std::find_if(
        series.begin(), series.end(),
        [&](const PlotSeries& s) { return s.name == f.scenario; });
    if (it == series.end()) it = series.insert(series.end(), {f.scenario, {}});
    it->points.push_back({f.concurrency, f.per_second(), f.p(0.5), f.p(0.99)});
  }
  series.erase(std::remove_if(series.begin(), series.end(),
                              [&](const PlotSeries& s) {
                                return s.points.size() < min_points;
                              }),
               series.end());
  return LatencyThroughputSvg(title, series);
}

bool AllMeasured(const char* scenario,
                 const std::deque<RoundFigure>& figures) {
  bool ok = true;
  for (const RoundFigure& f : figures) {
    if (f.us.empty() || f.errors > 0) {
      std::fprintf(stderr, "%s: %s at c=%d: %zu calls, %lld errors\n", scenario,
                   f.scenario.c_str(), f.concurrency, f.us.size(),
                   static_cast<long long>(f.errors));
      ok = false;
    }
  }
  return ok;
}

}  // namespace safeguard::bench
