#include "bench/people_bench.h"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/closed_loop.h"
#include "bench/kept_data_set.h"
#include "bench/people_data.h"
#include "bench/plot.h"
#include "bench/server_process.h"
#include "echo.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "safeguard/v1/people.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/app/referral_id_generator.h"
#include "server/config/server_config.h"
#include "server/core/referral_kind.h"
#include "server/core/status_macros.h"
#include "server/storage/person_index_folder.h"
#include "server/storage/shared_database.h"
#include "server/storage/sqlcipher_unit_of_work.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_pki.h"
#include "tests/testing/test_server.h"

namespace safeguard::bench {
namespace {

namespace fs = std::filesystem;

// The data set spans this much time before it was first made.
constexpr absl::Duration kSpan = absl::Hours(24 * 365 * 3);
// Referrals written between two saves of the preload's progress.
constexpr int64_t kChunk = 8192;
constexpr int kWriters = 32;
// Submissions and searches made ready before timing, used round-robin.
constexpr size_t kPrepared = 4096;
// The referral indexes past the data set's end that one run's submissions
// are drawn from (a quarter MARAC, three tenths target hardening).
constexpr int64_t kSubmittedPerRun = 32768;

constexpr char kReason[] = "Checking for earlier referrals before a MARAC";

// ---- The data set -------------------------------------------------------

absl::Time CreatedAt(const Progress& p, int64_t i, int64_t n) {
  return absl::FromUnixSeconds(p.epoch_s) - kSpan +
         kSpan * (static_cast<double>(i) / static_cast<double>(n));
}

// Writes referral `i` as a submission would: the referral, its submission
// record (by which a resumed preload knows it is there), its people in the
// person index and their person records, and an audit entry.
absl::Status WriteOne(UnitOfWork& units, int64_t i, absl::Time created) {
  Referral r = PeopleReferralAt(i, created);
  r.id = ReferralIdGenerator::IdAt(created);
  r.version = 1;
  const ReferralKindModule* kind = FindReferralKind(r.kind);
  const std::string prefix = absl::StrCat(kind->reference_prefix(), "-BENCH");
  const std::string key = absl::StrCat("bench-people/", i);
  AuditRecord audit;
  audit.time = absl::Now();
  audit.method = "safeguard.v1.Referrals/SubmitReferral";
  audit.agency = r.referring_agency;
  audit.principal = r.referrer;
  audit.referral_id = r.id;
  return units.Write(audit, [&](WriteTransaction& tx) -> absl::Status {
    SAFEGUARD_ASSIGN_OR_RETURN(std::optional<SubmissionRecord> seen,
                               tx.FindSubmission(key));
    if (seen.has_value()) return absl::OkStatus();  // an earlier run's
    SAFEGUARD_ASSIGN_OR_RETURN(r.reference, tx.NextReference(prefix));
    SAFEGUARD_RETURN_IF_ERROR(tx.InsertReferral(r));
    SAFEGUARD_RETURN_IF_ERROR(tx.RecordSubmission(key, {"bench", r.id}));
    return tx.IndexPeople(r, kind->PeopleNamed(r));
  });
}

// In the child process: writes referrals from where the data set stands
// up to n, 32 writers at a time, until done or past the budget; then
// counts what the data set holds into <dir>/stats. Returns the child's
// exit code (0 done, 3 stopped at the budget, 1 failed).
int PreloadChild(const ServerConfig& config, const std::string& dir, int64_t n,
                 absl::Duration budget) {
  // A cache that holds the index's pages that the random keys touch.
  auto db = OpenForPreload(config, 3072);
  if (!db.ok()) {
    std::fprintf(stderr, "people preload: %s\n",
                 std::string(db.status().message()).c_str());
    return 1;
  }
  SqlCipherUnitOfWork units(**db);
  const Progress p = ReadProgress(dir);
  const int code = WriteChunks(
      "people", dir, n, kChunk, budget,
      [&](int64_t begin, int64_t end) -> absl::Status {
        std::atomic<int64_t> next{begin};
        absl::Mutex mu;
        absl::Status first;
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; ++w) {
          writers.emplace_back([&] {
            for (int64_t i = next++; i < end; i = next++) {
              absl::Status s = WriteOne(units, i, CreatedAt(p, i, n));
              absl::MutexLock lock(&mu);
              if (!s.ok() && first.ok()) first = s;
            }
          });
        }
        for (std::thread& t : writers) t.join();
        if (!first.ok()) return first;
        // Into the main index, as a running server does once writes pause.
        return PersonIndexFolder(**db, PersonIndexFolder::Options())
            .FoldAll()
            .status();
      });
  if (code != 0 || fs::exists(dir + "/stats")) return code;
  // What the data set holds, once: rows, and the largest blocking-key
  // groups a lookup reads (one key, one role, one kind).
  auto count = [&](const char* table) {
    return static_cast<double>(QueryRow(
        **db, absl::StrCat("SELECT count(*) FROM ", table, ";"), 1)[0]);
  };
  const std::vector<int64_t> groups = QueryRow(
      **db,
      "SELECT count(*), max(c), sum(c > 50), sum(c > 500) FROM (SELECT "
      "count(*) AS c FROM person_mentions GROUP BY key_hash, role, kind);",
      4);
  return WriteStats(dir, {{"referrals", count("referrals")},
                          {"people", count("people")},
                          {"person_links", count("person_links")},
                          {"person_mentions", count("person_mentions")},
                          {"key_groups", groups[0]},
                          {"largest_key_group", groups[1]},
                          {"key_groups_over_50", groups[2]},
                          {"key_groups_over_500", groups[3]}})
             ? 0
             : 1;
}

// ---- Measuring ----------------------------------------------------------

// One server under test and its clients.
struct Target {
  std::string name;  // "small db", "loaded db"
  std::unique_ptr<ServerProcess> server;
  std::vector<std::unique_ptr<v1::Referrals::Stub>> idva, council;
  std::vector<std::unique_ptr<v1::People::Stub>> coordinator;
  std::vector<std::unique_ptr<Echo::Stub>> echo;
  // Where each sequence of prepared calls is; each target sends the same
  // calls in the same order.
  std::atomic<size_t> next_marac{0}, next_job{0}, next_search{0};
  // Searches answered, and those that found someone: by name and date of
  // birth, and by name alone.
  struct Searches {
    std::atomic<int64_t> made{0}, found{0};
    double found_fraction() const {
      return made > 0 ? static_cast<double>(found) / made : 0;
    }
  };
  Searches dated, named;
};

}  // namespace

int RunPeopleBench(const PeopleBenchOptions& o) {
  const int64_t n = o.referrals;
  if (n <= 0 || o.levels.empty()) {
    std::fprintf(stderr, "people: needs --people_referrals > 0 and a level\n");
    return 1;
  }
  const std::string dir = absl::StrCat(o.root, "/people-", n);
  fs::create_directories(dir);
  testing::TestPki pki(o.root);
  auto configure = [&](const std::string& at) {
    ServerConfig config = testing::TestServerConfig(at, pki);
    config.set_worker_threads(o.worker_threads);
    config.set_http_listen_address("");  // gRPC only
    return config;
  };
  const ServerConfig loaded_config = configure(dir);

  // The data set: made, or carried on, in a child process (its memory is
  // not the server's, and nothing here has started gRPC yet).
  Progress progress;
  const int prepared_code = PrepareDataSet(
      "people", dir, n,
      [&] { return PreloadChild(loaded_config, dir, n, o.preload_budget); },
      progress);
  if (prepared_code != 0) return prepared_code == 3 ? 3 : 1;
  const std::map<std::string, double> stats = ReadStats(dir);
  std::printf("people: %lld referrals preloaded in %.0f s (%.0f/s); stats:",
              static_cast<long long>(progress.loaded), progress.seconds,
              progress.loaded / std::max(progress.seconds, 1e-3));
  for (const auto& [name, value] : stats) {
    std::printf(" %s %.0f", name.c_str(), value);
  }
  std::printf("\n");

  // Both servers start before this process uses gRPC (ServerProcess).
  testing::TempDir small_dir;
  const ServerConfig small_config = configure(small_dir.path());
  Target small, loaded;
  small.name = "small db";
  loaded.name = "loaded db";
  for (auto [target, config] : {std::pair{&small, &small_config},
                                std::pair{&loaded, &loaded_config}}) {
    auto server = ServerProcess::Start(*config);
    if (!server.ok()) {
      std::fprintf(stderr, "people: %s\n",
                   std::string(server.status().message()).c_str());
      return 1;
    }
    target->server = *std::move(server);
  }
  signal(SIGPIPE, SIG_IGN);
  const double small_startup_ms = small.server->startup_ms();
  const double loaded_startup_ms = loaded.server->startup_ms();
  std::printf("people: start-up %.1f ms (small), %.1f ms (loaded)\n",
              small_startup_ms, loaded_startup_ms);

  // Every channel connects (TLS handshake) before anything is measured.
  const int most = *std::max_element(o.levels.begin(), o.levels.end());
  const auto idva = pki.IssueIdentity("leeway", "person/idva");
  const auto council =
      pki.IssueIdentity("babergh-mid-suffolk-council", "system/case");
  const auto coordinator =
      pki.IssueIdentity("suffolk-county-council", "person/marac-coordinator");
  for (Target* t : {&small, &loaded}) {
    const int port = t->server->port();
    for (int s = 0; s < most; ++s) {
      t->idva.push_back(v1::Referrals::NewStub(
          testing::ConnectedTestChannel(port, pki.ca_file(), idva)));
      t->council.push_back(v1::Referrals::NewStub(
          testing::ConnectedTestChannel(port, pki.ca_file(), council)));
      t->coordinator.push_back(v1::People::NewStub(
          testing::ConnectedTestChannel(port, pki.ca_file(), coordinator)));
      t->echo.push_back(Echo::NewStub(testing::ConnectedTestChannel(
          t->server->echo_port(), pki.ca_file(), council)));
    }
  }

  // The calls, made before timing: submissions of referrals past the data
  // set's end (so their people recur from it as its own do; each run on a
  // kept data set takes new ones, so that runs do not submit the same
  // people again), and searches for people it names, spread over all of it.
  const size_t prepared = o.smoke ? 64 : kPrepared;
  int64_t runs = 0;
  std::ifstream(dir + "/runs") >> runs;
  std::ofstream(dir + "/runs") << runs + 1 << "\n";
  std::vector<v1::Referral> maracs, jobs;
  for (int64_t i = n + runs * kSubmittedPerRun;
       maracs.size() < prepared || jobs.size() < prepared; ++i) {
    const ReferralKind kind = PeopleKindAt(i);
    if (kind == ReferralKind::kMarac && maracs.size() < prepared) {
      maracs.push_back(PeopleSubmission(i));
    } else if (kind == ReferralKind::kTargetHardening &&
               jobs.size() < prepared) {
      jobs.push_back(PeopleSubmission(i));
    }
  }
  // The same people sought by name alone, as a search without the date.
  std::vector<v1::SearchPeopleRequest> searches, name_searches;
  std::mt19937_64 pick(20261206);
  for (size_t k = 0; k < prepared; ++k) {
    searches.push_back(PeopleSearchFor(
        static_cast<int64_t>(pick() % static_cast<uint64_t>(n)), kReason));
    name_searches.push_back(searches.back());
    name_searches.back().clear_date_of_birth();
  }
  const size_t payload = [&] {
    v1::SubmitReferralRequest request;
    *request.mutable_referral() = maracs[0];
    return request.ByteSizeLong();
  }();

  std::atomic<int64_t> request_ids{absl::ToUnixMicros(absl::Now()) * 1000};
  auto submit = [&](Target& t, bool marac) -> AsyncOp {
    return [&t, marac, &request_ids, &maracs, &jobs](int s, int64_t,
                                                     Done done) {
      const std::vector<v1::Referral>& from = marac ? maracs : jobs;
      std::atomic<size_t>& next = marac ? t.next_marac : t.next_job;
      v1::SubmitReferralRequest request;
      request.set_request_id(absl::StrCat("people-", request_ids++));
      *request.mutable_referral() = from[next++ % from.size()];
      auto& stubs = marac ? t.idva : t.council;
      Call<v1::SubmitReferralRequest, v1::Referral>(
          std::move(request),
          [&stubs, s](auto* c, auto* q, auto* r, auto cb) {
            stubs[s]->async()->SubmitReferral(c, q, r, std::move(cb));
          },
          std::move(done));
    };
  };
  auto search = [&](Target& t, bool by_name) -> AsyncOp {
    const std::vector<v1::SearchPeopleRequest>& requests =
        by_name ? name_searches : searches;
    Target::Searches& count = by_name ? t.named : t.dated;
    return [&t, &requests, &count](int s, int64_t, Done done) {
      struct Pending {
        grpc::ClientContext context;
        v1::SearchPeopleRequest request;
        v1::SearchPeopleResponse response;
      };
      auto pending = std::make_shared<Pending>();
      pending->request = requests[t.next_search++ % requests.size()];
      t.coordinator[s]->async()->SearchPeople(
          &pending->context, &pending->request, &pending->response,
          [&count, pending, done = std::move(done)](grpc::Status status) {
            static std::atomic<bool> reported{false};
            if (!status.ok() && !reported.exchange(true)) {
              std::fprintf(stderr, "first search error: %d %s\n",
                           status.error_code(), status.error_message().c_str());
            }
            if (status.ok()) {
              ++count.made;
              if (pending->response.people_size() > 0) ++count.found;
            }
            done(status.ok() ? kDone : kFailed);
          });
    };
  };
  auto echo = [&](Target& t) -> AsyncOp {
    EchoMessage message;
    message.set_payload(std::string(payload, 'x'));
    return [&t, message](int s, int64_t, Done done) {
      Call<EchoMessage, EchoMessage>(
          message,
          [&t, s](auto* c, auto* q, auto* r, auto cb) {
            t.echo[s]->async()->Echo(c, q, r, std::move(cb));
          },
          std::move(done));
    };
  };

  struct Scenario {
    std::string label;
    std::function<AsyncOp(Target&)> op;
  };
  const std::vector<Scenario> scenarios = {
      {"submit marac", [&](Target& t) { return submit(t, true); }},
      {"submit target_hardening", [&](Target& t) { return submit(t, false); }},
      {"search people (name + date of birth)",
       [&](Target& t) { return search(t, false); }},
      {"search people (name only)", [&](Target& t) { return search(t, true); }},
  };

  // Warm-up, not recorded: each server's caches and the first calls'
  // one-time costs.
  const absl::Duration warm =
      o.smoke ? absl::Milliseconds(100) : absl::Seconds(2);
  // The person index's new rows, folded by each server once its writes
  // pause, are folded here before each measurement instead: one server's
  // fold never runs during the other's measurement, and each starts as
  // after a pause. What the folds took is reported.
  struct FoldTotal {
    long long rows = 0;
    double seconds = 0;
    bool failed = false;
  };
  std::map<const Target*, FoldTotal> folds;
  auto settle = [&] {
    for (Target* t : {&small, &loaded}) {
      const ServerProcess::Folded f = t->server->Fold();
      FoldTotal& total = folds[t];
      total.failed = total.failed || f.rows < 0;
      total.rows += std::max(f.rows, 0LL);
      total.seconds += f.seconds;
    }
  };
  for (Target* t : {&small, &loaded}) {
    for (const Scenario& s : scenarios) {
      settle();
      RunClosedLoop(1, warm, s.op(*t));
    }
  }
  settle();
  folds.clear();
  for (Target* t : {&small, &loaded}) {
    for (Target::Searches* c : {&t->dated, &t->named}) c->made = c->found = 0;
  }

  std::printf("\npeople (%lld referrals; %d rounds of %.1f s; payload %zu "
              "bytes)\n",
              static_cast<long long>(n), o.rounds,
              absl::ToDoubleSeconds(o.each), payload);
  std::deque<RoundFigure> figures;  // references to them stay valid
  auto figure = [&](const std::string& scenario, int c) -> RoundFigure& {
    for (RoundFigure& f : figures) {
      if (f.scenario == scenario && f.concurrency == c) return f;
    }
    figures.push_back({scenario, c});
    return figures.back();
  };
  auto label = [](const Scenario& s, const Target& t) {
    return absl::StrCat(s.label, " (", t.name, ")");
  };
  for (int c : o.levels) {
    figure("echo (baseline)", c).Add(RunClosedLoop(c, o.each, echo(loaded)));
    for (int round = 0; round < o.rounds; ++round) {
      Target* first = round % 2 == 0 ? &small : &loaded;
      Target* second = round % 2 == 0 ? &loaded : &small;
      for (const Scenario& s : scenarios) {
        for (Target* t : {first, second}) {
          settle();
          figure(label(s, *t), c).Add(RunClosedLoop(c, o.each, s.op(*t)));
        }
      }
    }
    for (RoundFigure& f : figures) {
      if (f.concurrency != c) continue;
      f.Sort();
      PrintFigure(f);
    }
  }

  settle();  // the last measurement's rows
  for (const Target* t : {&small, &loaded}) {
    const FoldTotal& f = folds[t];
    std::printf("person index rows folded after the %s measurements: %lld "
                "in %.2f s (%.1f us a row)%s\n",
                t->name.c_str(), f.rows, f.seconds,
                f.rows > 0 ? 1e6 * f.seconds / f.rows : 0.0,
                f.failed ? "; a fold FAILED" : "");
  }
  if (folds[&small].failed || folds[&loaded].failed) return 1;

  // The loaded server's process, started second, holds a copy of the
  // small one's command pipe (ServerProcess): it stops first.
  const long loaded_rss_kb = loaded.server->Stop();
  const long small_rss_kb = small.server->Stop();
  const int64_t loaded_bytes = DatabaseBytes(loaded_config);

  // Loaded over small, at each level.
  struct Ratio {
    std::string scenario;
    int concurrency;
    double p50, p99;
    std::vector<double> rounds_p50;
  };
  std::vector<Ratio> ratios;
  std::printf("\nloaded db (%lld referrals) over small db\n",
              static_cast<long long>(n));
  for (int c : o.levels) {
    for (const Scenario& s : scenarios) {
      const RoundFigure& a = figure(label(s, loaded), c);
      const RoundFigure& b = figure(label(s, small), c);
      if (b.p(0.5) <= 0 || b.p(0.99) <= 0) continue;
      Ratio r{s.label, c, a.p(0.5) / b.p(0.5), a.p(0.99) / b.p(0.99), {}};
      for (size_t k = 0; k < a.round_p50.size() && k < b.round_p50.size();
           ++k) {
        r.rounds_p50.push_back(
            b.round_p50[k] > 0 ? a.round_p50[k] / b.round_p50[k] : 0);
      }
      std::printf(
          "  %-38s c=%-3d p50 %.2f  p99 %.2f  (each round's p50: %s)\n",
          s.label.c_str(), c, r.p50, r.p99,
          absl::StrJoin(r.rounds_p50, ", ", [](std::string* out, double x) {
            absl::StrAppend(out, absl::StrFormat("%.2f", x));
          }).c_str());
      ratios.push_back(std::move(r));
    }
  }
  const double found = loaded.dated.found_fraction();
  const double found_by_name = loaded.named.found_fraction();
  std::printf("searches on the loaded db that found someone: %.1f%% of %lld "
              "by name and date of birth, %.1f%% of %lld by name alone; "
              "server peak resident memory: %ld MB (loaded), %ld MB (small); "
              "loaded database %.2f GB\n",
              100 * found, static_cast<long long>(loaded.dated.made.load()),
              100 * found_by_name,
              static_cast<long long>(loaded.named.made.load()),
              loaded_rss_kb / 1024, small_rss_kb / 1024, loaded_bytes / 1e9);

  // JSON, as the other scenarios' (bench/results/), with the data set and
  // the ratios.
  {
    std::ofstream out(o.out);
    out << "{\n  \"machine\": {\"cores\": "
        << std::thread::hardware_concurrency()
        << "},\n  \"scenario\": \"people\",\n  \"preloaded_referrals\": " << n
        << ",\n  \"data_set\": {\"preload_seconds\": "
        << absl::StrFormat("%.1f", progress.seconds)
        << ", \"database_bytes\": " << loaded_bytes;
    for (const auto& [name, value] : stats) {
      out << ", \"" << name << "\": " << absl::StrFormat("%.0f", value);
    }
    out << "},\n  \"rounds\": " << o.rounds
        << ",\n  \"seconds_each\": " << absl::ToDoubleSeconds(o.each)
        << ",\n  \"payload_bytes\": " << payload
        << ",\n  \"startup_ms\": {\"small\": " << small_startup_ms
        << ", \"loaded\": " << loaded_startup_ms
        << "},\n  \"server_peak_rss_kb\": {\"small\": " << small_rss_kb
        << ", \"loaded\": " << loaded_rss_kb
        << "},\n  \"search_found_fraction\": " << absl::StrFormat("%.3f", found)
        << ",\n  \"name_search_found_fraction\": "
        << absl::StrFormat("%.3f", found_by_name)
        << ",\n  \"person_index_folds\": {\"small\": {\"rows\": "
        << folds[&small].rows << ", \"seconds\": "
        << absl::StrFormat("%.3f", folds[&small].seconds)
        << "}, \"loaded\": {\"rows\": " << folds[&loaded].rows
        << ", \"seconds\": " << absl::StrFormat("%.3f", folds[&loaded].seconds)
        << "}}"
        << ",\n  \"targets\": {\"submit_p50_and_p99_loaded_per_small\": 1.2, "
           "\"search_ms\": 20},\n  \"ratios\": [\n";
    for (size_t k = 0; k < ratios.size(); ++k) {
      const Ratio& r = ratios[k];
      out << absl::StrFormat(
          "    {\"scenario\": \"%s\", \"concurrency\": %d, "
          "\"p50_loaded_per_small\": %.3f, \"p99_loaded_per_small\": %.3f, "
          "\"rounds_p50_loaded_per_small\": [%s]}%s\n",
          r.scenario, r.concurrency, r.p50, r.p99,
          absl::StrJoin(r.rounds_p50, ", ",
                        [](std::string* s, double x) {
                          absl::StrAppend(s, absl::StrFormat("%.3f", x));
                        }),
          k + 1 < ratios.size() ? "," : "");
    }
    out << "  ],\n  \"results\": [\n" << FiguresJson(figures);
    out << "  ]\n}\n";
  }
  std::ofstream(o.plot) << FiguresSvg(
      absl::StrCat("safeguard people: ", n, " referrals (",
                   std::thread::hardware_concurrency(), " cores)"),
      figures, 2);

  // The data set names everyone searched for (some by a spelling variant,
  // which only a date of birth makes a candidate).
  bool ok = found >= 0.5 && found_by_name >= 0.5;
  if (!ok) std::fprintf(stderr, "people: searches found too few people\n");
  if (!AllMeasured("people", figures)) ok = false;
  return ok ? 0 : 1;
}

}  // namespace safeguard::bench
