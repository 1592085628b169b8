#include "bench/reports_bench.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "bench/closed_loop.h"
#include "bench/kept_data_set.h"
#include "bench/people_data.h"
#include "bench/plot.h"
#include "bench/reports_data.h"
#include "bench/server_process.h"
#include "grpcpp/grpcpp.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/reports.grpc.pb.h"
#include "server/config/server_config.h"
#include "server/core/referral_kind.h"
#include "server/core/status_macros.h"
#include "server/storage/sqlcipher_unit_of_work.h"
#include "tests/testing/test_pki.h"
#include "tests/testing/test_server.h"

namespace safeguard::bench {
namespace {

namespace fs = std::filesystem;

// Referrals written in one transaction (and between two saves of the
// preload's progress).
constexpr int64_t kBatch = 2048;
// Submissions made ready before timing, used round-robin.
constexpr size_t kPrepared = 4096;
// The submissions' people: bench/people_data.h's referrals from this index
// on (past any data set), new ones on each run.
constexpr int64_t kFirstSubmitted = int64_t{1} << 32;
constexpr int64_t kSubmittedPerRun = 32768;

// ---- The data set -------------------------------------------------------

// Writes `batch`, referrals begin.. of the data set, in one transaction,
// with one audit entry and a submission record by which a resumed preload
// knows they are there.
absl::Status WriteBatch(UnitOfWork& units, const std::vector<Referral>& batch,
                        int64_t begin) {
  const std::string key = absl::StrCat("bench-reports/", begin);
  AuditRecord audit;
  audit.time = absl::Now();
  audit.method = "safeguard.v1.Referrals/SubmitReferral";
  audit.agency = "csp-admin";
  audit.principal = "system/data-set";
  audit.referral_id = batch.front().id;
  return units.Write(audit, [&](WriteTransaction& tx) -> absl::Status {
    SAFEGUARD_ASSIGN_OR_RETURN(std::optional<SubmissionRecord> seen,
                               tx.FindSubmission(key));
    if (seen.has_value()) return absl::OkStatus();  // an earlier run's
    for (const Referral& r : batch) {
      SAFEGUARD_RETURN_IF_ERROR(tx.InsertReferral(r));
    }
    return tx.RecordSubmission(key, {"bench", batch.front().id});
  });
}

// Referrals begin..end-1 of a data set of n, with their references.
std::vector<Referral> MakeBatch(int64_t begin, int64_t end, int64_t n) {
  std::vector<Referral> batch;
  batch.reserve(end - begin);
  for (int64_t i = begin; i < end; ++i) {
    batch.push_back(ReportsReferralAt(i, n));
    Referral& r = batch.back();
    r.reference = absl::StrFormat(
        "%s-%d-%07d", FindReferralKind(r.kind)->reference_prefix(),
        absl::ToCivilYear(r.create_time, absl::UTCTimeZone()).year(), i);
  }
  return batch;
}

// In the child process: writes the data set from where it stands up to
// n, a batch a transaction, the next batch made on another thread while
// one is written, until done or past the budget; then counts what it
// holds into <dir>/stats. Returns the child's exit code (0 done, 3
// stopped at the budget, 1 failed).
int PreloadChild(const ServerConfig& config, const std::string& dir, int64_t n,
                 absl::Duration budget) {
  auto db = OpenForPreload(config, 1024);
  if (!db.ok()) {
    std::fprintf(stderr, "reports preload: %s\n",
                 std::string(db.status().message()).c_str());
    return 1;
  }
  SqlCipherUnitOfWork units(**db);
  int64_t ahead_begin = -1;
  std::future<std::vector<Referral>> ahead;
  const int code = WriteChunks(
      "reports", dir, n, kBatch, budget,
      [&](int64_t begin, int64_t end) -> absl::Status {
        std::vector<Referral> batch =
            ahead_begin == begin ? ahead.get() : MakeBatch(begin, end, n);
        ahead_begin = -1;
        if (end < n) {
          ahead_begin = end;
          ahead = std::async(std::launch::async, MakeBatch, end,
                             std::min(n, end + kBatch), n);
        }
        return WriteBatch(units, batch, begin);
      });
  if (code != 0 || fs::exists(dir + "/stats")) return code;
  // What the data set holds, once.
  const std::vector<int64_t> facts = QueryRow(
      **db,
      "SELECT count(*), sum(length(body)), sum(kind = 1), sum(kind = 2), "
      "sum(kind = 3), sum(kind = 4), sum(ended_us < 9223372036854775807) "
      "FROM report_facts;",
      7);
  const std::vector<int64_t> referrals =
      QueryRow(**db, "SELECT count(*) FROM referrals;", 1);
  return WriteStats(dir, {{"referrals", referrals[0]},
                          {"report_facts_rows", facts[0]},
                          {"report_facts_body_bytes", facts[1]},
                          {"nrm", facts[2]},
                          {"channel", facts[3]},
                          {"marac", facts[4]},
                          {"target_hardening", facts[5]},
                          {"ended", facts[6]}})
             ? 0
             : 1;
}

// ---- Measuring ----------------------------------------------------------

v1::RunReportRequest YearReport(const std::string& report) {
  v1::RunReportRequest request;
  request.set_report(report);
  for (auto [day, date] :
       {std::pair{kReportsYearStart, request.mutable_start_date()},
        std::pair{kReportsYearEnd, request.mutable_end_date()}}) {
    date->set_year(static_cast<int32_t>(day.year()));
    date->set_month(day.month());
    date->set_day(day.day());
  }
  return request;
}

// The grand total of the table `id` (its row of totals, last cell), or -1.
double GrandTotal(const v1::Report& report, const std::string& id) {
  for (const v1::ReportTable& t : report.tables()) {
    if (t.id() != id) continue;
    for (const v1::ReportRow& r : t.rows()) {
      if (r.total() && r.cells_size() > 0 &&
          r.cells(r.cells_size() - 1).status() == v1::SHOWN) {
        return r.cells(r.cells_size() - 1).value();
      }
    }
  }
  return -1;
}

// What the answers to one report said: their size, and the referrals
// received in the year by its count.
struct Answers {
  absl::Mutex mu;
  size_t bytes = 0;
  int tables = 0;
  double received = -1;
  int64_t wrong = 0;  // answers whose received total was not N
};

// At most `count` calls of `op`, then kExhausted.
AsyncOp Times(int64_t count, AsyncOp op) {
  return [count, op = std::move(op)](int s, int64_t i, Done done) {
    if (i >= count) return done(kExhausted);
    op(s, i, std::move(done));
  };
}

}  // namespace

int RunReportsBench(const ReportsBenchOptions& o) {
  const int64_t n = o.referrals;
  if (n <= 0 || o.levels.empty()) {
    std::fprintf(stderr, "reports: needs --reports_referrals > 0 and a level\n");
    return 1;
  }
  const std::string dir = absl::StrCat(o.root, "/reports-", n);
  fs::create_directories(dir);
  testing::TestPki pki(o.root);
  ServerConfig config = testing::TestServerConfig(dir, pki);
  config.set_worker_threads(o.worker_threads);
  config.set_http_listen_address("");  // gRPC only

  // The data set: made, or carried on, in a child process.
  Progress progress;
  const int prepared_code = PrepareDataSet(
      "reports", dir, n,
      [&] { return PreloadChild(config, dir, n, o.preload_budget); },
      progress);
  if (prepared_code != 0) return prepared_code == 3 ? 3 : 1;
  const std::map<std::string, double> stats = ReadStats(dir);
  std::printf("reports: %lld referrals written in %.1f s (%.0f/s, %lld a "
              "transaction); stats:",
              static_cast<long long>(progress.loaded), progress.seconds,
              progress.loaded / std::max(progress.seconds, 1e-3),
              static_cast<long long>(kBatch));
  for (const auto& [name, value] : stats) {
    std::printf(" %s %.0f", name.c_str(), value);
  }
  std::printf("\n");

  auto started = ServerProcess::Start(config);  // before any gRPC here
  if (!started.ok()) {
    std::fprintf(stderr, "reports: %s\n",
                 std::string(started.status().message()).c_str());
    return 1;
  }
  std::unique_ptr<ServerProcess> server = *std::move(started);
  signal(SIGPIPE, SIG_IGN);
  const double startup_ms = server->startup_ms();
  std::printf("reports: start-up %.1f ms\n", startup_ms);

  // Every channel connects (TLS handshake) before anything is measured.
  const int most = *std::max_element(o.levels.begin(), o.levels.end());
  const auto council =
      pki.IssueIdentity("babergh-mid-suffolk-council", "system/case");
  const auto analyst = pki.IssueIdentity("csp-analyst", "person/analyst");
  std::vector<std::unique_ptr<v1::Referrals::Stub>> submitters;
  for (int s = 0; s < most; ++s) {
    submitters.push_back(v1::Referrals::NewStub(testing::ConnectedTestChannel(
        server->port(), pki.ca_file(), council)));
  }
  const std::unique_ptr<v1::Reports::Stub> reports =
      v1::Reports::NewStub(testing::ConnectedTestChannel(
          server->port(), pki.ca_file(), analyst));

  // Target-hardening jobs, made before timing, naming people new on each
  // run on a kept data set.
  const size_t prepared = o.smoke ? 64 : kPrepared;
  int64_t runs = 0;
  std::ifstream(dir + "/runs") >> runs;
  std::ofstream(dir + "/runs") << runs + 1 << "\n";
  std::vector<v1::Referral> jobs;
  for (int64_t i = kFirstSubmitted + runs * kSubmittedPerRun;
       jobs.size() < prepared; ++i) {
    if (PeopleKindAt(i) == ReferralKind::kTargetHardening) {
      jobs.push_back(PeopleSubmission(i));
    }
  }
  std::atomic<size_t> next_job{0};
  std::atomic<int64_t> request_ids{absl::ToUnixMicros(absl::Now()) * 1000};
  const AsyncOp submit = [&](int s, int64_t, Done done) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("reports-", request_ids++));
    *request.mutable_referral() = jobs[next_job++ % jobs.size()];
    Call<v1::SubmitReferralRequest, v1::Referral>(
        std::move(request),
        [&submitters, s](auto* c, auto* q, auto* r, auto cb) {
          submitters[s]->async()->SubmitReferral(c, q, r, std::move(cb));
        },
        std::move(done));
  };
  std::map<std::string, Answers> answers;  // by report
  auto report = [&](const std::string& name) -> AsyncOp {
    const v1::RunReportRequest request = YearReport(name);
    Answers* a = &answers[name];
    return [&reports, request, a, n](int, int64_t, Done done) {
      Call<v1::RunReportRequest, v1::Report>(
          request,
          [&reports](auto* c, auto* q, auto* r, auto cb) {
            reports->async()->RunReport(c, q, r, std::move(cb));
          },
          std::move(done), [a, n](const v1::Report& answer) {
            const double received = GrandTotal(answer, "received_by_month");
            absl::MutexLock lock(&a->mu);
            a->bytes = answer.ByteSizeLong();
            a->tables = answer.tables_size();
            a->received = received;
            if (answer.report() == "reports/full" &&
                received != static_cast<double>(n)) {
              ++a->wrong;
            }
          });
    };
  };
  const AsyncOp full = report("reports/full");

  std::deque<RoundFigure> figures;  // references to them stay valid
  auto figure = [&](const std::string& scenario, int c) -> RoundFigure& {
    for (RoundFigure& f : figures) {
      if (f.scenario == scenario && f.concurrency == c) return f;
    }
    figures.push_back({scenario, c});
    return figures.back();
  };
  const std::string kAlone = "submit target_hardening";
  const std::string kWith = "submit target_hardening, report running";
  const std::string kReportAlone = "report full, alone";
  const std::string kReportWith = "report full, while c clients submit";

  // The first report after start-up: the server's page caches are cold
  // (the OS's holds what the preload or the last run left).
  figure("report full, first after start-up", 1)
      .Add(RunClosedLoop(1, absl::Hours(1), Times(1, full)));
  // Warm-up, not recorded.
  RunClosedLoop(most, o.smoke ? absl::Milliseconds(100) : absl::Seconds(2),
                submit);

  std::printf("\nreports (%lld referrals; %d rounds of %.1f s)\n",
              static_cast<long long>(n), o.rounds,
              absl::ToDoubleSeconds(o.each));
  for (int c : o.levels) {
    for (int round = 0; round < o.rounds; ++round) {
      const char* order = round % 2 == 0 ? "abr" : "rba";
      for (const char* step = order; *step != '\0'; ++step) {
        if (*step == 'a') {
          figure(kAlone, c).Add(RunClosedLoop(c, o.each, submit));
        } else if (*step == 'r') {
          figure(kReportAlone, 1).Add(RunClosedLoop(1, o.each, full));
        } else {
          Latencies during;
          std::thread analyst_thread(
              [&] { during = RunClosedLoop(1, o.each, full); });
          Latencies submitted = RunClosedLoop(c, o.each, submit);
          analyst_thread.join();  // its last report has finished
          figure(kWith, c).Add(std::move(submitted));
          figure(kReportWith, c).Add(std::move(during));
        }
      }
    }
  }
  // One kind's report, a few times.
  figure("report marac, alone", 1)
      .Add(RunClosedLoop(1, absl::Hours(1), Times(3, report("reports/marac"))));
  for (RoundFigure& f : figures) {
    f.Sort();
    PrintFigure(f);
  }

  const long rss_kb = server->Stop();
  const int64_t database_bytes = DatabaseBytes(config);

  // With the report over without it, at each level.
  struct Ratio {
    int concurrency;
    double p50, p99;
    std::vector<double> rounds_p99;
  };
  std::vector<Ratio> ratios;
  bool submissions_met = true;
  std::printf("\nsubmissions with the report running over without\n");
  for (int c : o.levels) {
    const RoundFigure& a = figure(kAlone, c);
    const RoundFigure& b = figure(kWith, c);
    if (a.p(0.5) <= 0 || a.p(0.99) <= 0) continue;
    Ratio r{c, b.p(0.5) / a.p(0.5), b.p(0.99) / a.p(0.99), {}};
    for (size_t k = 0; k < a.round_p99.size() && k < b.round_p99.size(); ++k) {
      r.rounds_p99.push_back(
          a.round_p99[k] > 0 ? b.round_p99[k] / a.round_p99[k] : 0);
    }
    submissions_met = submissions_met && r.p99 <= 1.5;
    std::printf("  c=%-3d p50 %.2f  p99 %.2f  (each round's p99: %s)\n", c,
                r.p50, r.p99,
                absl::StrJoin(r.rounds_p99, ", ",
                              [](std::string* out, double x) {
                                absl::StrAppend(out, absl::StrFormat("%.2f", x));
                              })
                    .c_str());
    ratios.push_back(std::move(r));
  }
  // The target is on the full report run alone, the first after start-up
  // shown apart: its median, with the slowest and the reports while
  // clients submit shown beside it.
  double report_p50_us = 0;
  double report_max_us = 0;
  double loaded_max_us = 0;
  for (const RoundFigure& f : figures) {
    if (f.us.empty()) continue;
    if (f.scenario == kReportAlone) {
      report_p50_us = f.p(0.50);
      report_max_us = static_cast<double>(f.us.back());
    } else if (f.scenario == kReportWith) {
      loaded_max_us = std::max(loaded_max_us, static_cast<double>(f.us.back()));
    }
  }
  const bool report_met = report_p50_us > 0 && report_p50_us <= 1e6;
  std::printf("answers:");
  for (auto& [name, a] : answers) {
    std::printf(" %s %zu bytes, %d tables, %.0f received;", name.c_str(),
                a.bytes, a.tables, a.received);
  }
  std::printf("\ntargets: the full report alone within 1 s (median): %s "
              "(median %.0f ms, slowest %.0f ms; while clients submit, "
              "slowest %.0f ms); "
              "submissions' p99 within 1.5x with the report running: %s; "
              "server peak resident memory %ld MB; database %.2f GB\n",
              report_met ? "met" : "NOT met", report_p50_us / 1000,
              report_max_us / 1000, loaded_max_us / 1000,
              submissions_met ? "met" : "NOT met", rss_kb / 1024,
              database_bytes / 1e9);

  // JSON, as the other scenarios' (bench/results/).
  {
    std::ofstream out(o.out);
    out << "{\n  \"machine\": {\"cores\": "
        << std::thread::hardware_concurrency()
        << "},\n  \"scenario\": \"reports\",\n  \"referrals\": " << n
        << ",\n  \"year\": {\"start\": \""
        << absl::FormatCivilTime(kReportsYearStart) << "\", \"end\": \""
        << absl::FormatCivilTime(kReportsYearEnd)
        << "\"},\n  \"data_set\": {\"write_seconds\": "
        << absl::StrFormat("%.1f", progress.seconds)
        << ", \"referrals_per_transaction\": " << kBatch
        << ", \"database_bytes\": " << database_bytes;
    for (const auto& [name, value] : stats) {
      out << ", \"" << name << "\": " << absl::StrFormat("%.0f", value);
    }
    out << "},\n  \"rounds\": " << o.rounds
        << ",\n  \"seconds_each\": " << absl::ToDoubleSeconds(o.each)
        << ",\n  \"startup_ms\": " << startup_ms
        << ",\n  \"server_peak_rss_kb\": " << rss_kb
        << ",\n  \"answers\": {";
    bool first = true;
    for (auto& [name, a] : answers) {
      out << (first ? "" : ", ") << "\"" << name << "\": {\"bytes\": "
          << a.bytes << ", \"tables\": " << a.tables
          << ", \"received_in_year\": " << absl::StrFormat("%.0f", a.received)
          << "}";
      first = false;
    }
    out << "},\n  \"targets\": {\"report_full_ms\": 1000, "
           "\"submit_p99_with_report_per_without\": 1.5},\n  \"met\": "
           "{\"report_full_ms\": "
        << (report_met ? "true" : "false")
        << ", \"submit_p99_with_report_per_without\": "
        << (submissions_met ? "true" : "false")
        << "},\n  \"full_report_alone_p50_ms\": "
        << absl::StrFormat("%.1f", report_p50_us / 1000)
        << ",\n  \"slowest_full_report_ms\": "
        << absl::StrFormat("%.1f", report_max_us / 1000)
        << ",\n  \"slowest_full_report_while_submitting_ms\": "
        << absl::StrFormat("%.1f", loaded_max_us / 1000)
        << ",\n  \"ratios\": [\n";
    for (size_t k = 0; k < ratios.size(); ++k) {
      const Ratio& r = ratios[k];
      out << absl::StrFormat(
          "    {\"concurrency\": %d, \"p50_with_report_per_without\": %.3f, "
          "\"p99_with_report_per_without\": %.3f, "
          "\"rounds_p99_with_report_per_without\": [%s]}%s\n",
          r.concurrency, r.p50, r.p99,
          absl::StrJoin(r.rounds_p99, ", ",
                        [](std::string* s, double x) {
                          absl::StrAppend(s, absl::StrFormat("%.3f", x));
                        }),
          k + 1 < ratios.size() ? "," : "");
    }
    out << "  ],\n  \"results\": [\n" << FiguresJson(figures);
    out << "  ]\n}\n";
  }
  std::ofstream(o.plot) << FiguresSvg(
      absl::StrCat("safeguard reports: ", n, " referrals, the year's full "
                   "report and submissions (",
                   std::thread::hardware_concurrency(), " cores)"),
      figures, 1);

  bool ok = AllMeasured("reports", figures);
  for (auto& [name, a] : answers) {
    if (a.wrong > 0 || (name == "reports/full" && a.received != n)) {
      std::fprintf(stderr, "reports: %s counted %.0f referrals received in "
                           "the year, not %lld\n",
                   name.c_str(), a.received, static_cast<long long>(n));
      ok = false;
    }
  }
  return ok ? 0 : 1;
}

}  // namespace safeguard::bench
