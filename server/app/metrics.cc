#include "server/app/metrics.h"

#include <sys/stat.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "server/app/tls_files.h"
#include "server/common/durable_file.h"
#include "server/common/log.h"

namespace safeguard {
namespace {

prometheus::MetricFamily Gauge(std::string name, std::string help) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = prometheus::MetricType::Gauge;
  return family;
}

void AddValue(prometheus::MetricFamily& family, double value,
              std::vector<prometheus::ClientMetric::Label> labels = {}) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family.metric.push_back(std::move(metric));
}

// Days until the first certificate in the file expires; none if unreadable.
std::optional<double> DaysLeft(const std::string& path) {
  absl::StatusOr<std::string> pem = ReadWholeFile(path, 1 << 20);
  if (!pem.ok()) return std::nullopt;
  std::optional<absl::Time> expiry = EarliestExpiry(*pem);
  if (!expiry.has_value()) return std::nullopt;
  return absl::ToDoubleHours(*expiry - absl::Now()) / 24;
}

int64_t FileBytes(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// Refusals an operator should see: of access and of capacity. A caller's
// own mistakes (invalid, not found, a version conflict) are counted only.
bool IsRefusal(absl::StatusCode code) {
  return code == absl::StatusCode::kUnauthenticated ||
         code == absl::StatusCode::kPermissionDenied ||
         code == absl::StatusCode::kResourceExhausted ||
         code == absl::StatusCode::kUnavailable;
}

}  // namespace

ServerMetrics::ServerMetrics(Sources sources, absl::Duration slow_call)
    : sources_(std::move(sources)),
      slow_call_(slow_call),
      registry_(std::make_shared<prometheus::Registry>()),
      calls_(prometheus::BuildCounter()
                 .Name("safeguard_calls_total")
                 .Help("Calls and stream openings, by method and outcome")
                 .Register(*registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("safeguard_call_duration_seconds")
                     .Help("Time from a call's arrival to its answer (for a "
                           "stream, to its opening), by method")
                     .Register(*registry_)),
      commit_writes_(prometheus::BuildHistogram()
                         .Name("safeguard_group_commit_writes")
                         .Help("Writes carried by one group commit")
                         .Register(*registry_)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      1, 2, 4, 8, 16, 32, 64, 128, 256})),
      commit_seconds_(prometheus::BuildHistogram()
                          .Name("safeguard_commit_seconds")
                          .Help("Time to commit a group and sync it to disk")
                          .Register(*registry_)
                          .Add({}, prometheus::Histogram::BucketBoundaries{
                                       0.0005, 0.001, 0.002, 0.005, 0.01,
                                       0.02, 0.05, 0.1, 0.25, 0.5, 1})) {}

ServerMetrics::~ServerMetrics() = default;

void ServerMetrics::CallEnded(absl::string_view method, Kind kind,
                              absl::StatusCode code, absl::Duration elapsed) {
  const std::string name(method);
  const std::string code_name = absl::StatusCodeToString(code);
  calls_.Add({{"method", name}, {"code", code_name}}).Increment();
  static const prometheus::Histogram::BucketBoundaries* const buckets =
      new prometheus::Histogram::BucketBoundaries{
          0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  durations_.Add({{"method", name}}, *buckets)
      .Observe(absl::ToDoubleSeconds(elapsed));
  const char* what = kind == Kind::kUnary ? "call" : "stream opening";
  if (IsRefusal(code)) {
    Log(LogLevel::kWarning, "call_refused",
        absl::StrCat(what, " ", name, " refused: ", code_name),
        {{"method", name}, {"code", code_name}});
  }
  if (elapsed > slow_call_) {
    const long long ms = absl::ToInt64Milliseconds(elapsed);
    Log(LogLevel::kWarning, "slow_call",
        absl::StrCat("slow ", what, " ", name, ": ", ms, " ms"),
        {{"method", name}, {"duration_ms", ms}});
  }
}

void ServerMetrics::Committed(size_t writes, absl::Duration commit_time) {
  commit_writes_.Observe(static_cast<double>(writes));
  commit_seconds_.Observe(absl::ToDoubleSeconds(commit_time));
}

std::string ServerMetrics::Render() {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();

  prometheus::MetricFamily queued = Gauge(
      "safeguard_worker_queue_depth", "Calls waiting for a database worker");
  AddValue(queued, static_cast<double>(sources_.queued_calls()));
  families.push_back(std::move(queued));

  prometheus::MetricFamily watches =
      Gauge("safeguard_watch_streams_open", "Open WatchReferrals streams");
  AddValue(watches, sources_.open_watches());
  families.push_back(std::move(watches));

  absl::StatusOr<int64_t> unsigned_entries = sources_.unsigned_audit_entries();
  if (unsigned_entries.ok()) {
    prometheus::MetricFamily audit =
        Gauge("safeguard_audit_unsigned_entries",
              "Audit entries after the last signed checkpoint");
    AddValue(audit, static_cast<double>(*unsigned_entries));
    families.push_back(std::move(audit));
  }

  prometheus::MetricFamily expiry =
      Gauge("safeguard_certificate_expiry_days",
            "Days until the server's certificate, or the first CA "
            "certificate, expires");
  if (std::optional<double> days = DaysLeft(sources_.server_cert_file)) {
    AddValue(expiry, *days, {{"certificate", "server"}});
  }
  if (std::optional<double> days = DaysLeft(sources_.ca_file)) {
    AddValue(expiry, *days, {{"certificate", "ca"}});
  }
  if (!expiry.metric.empty()) families.push_back(std::move(expiry));

  if (sources_.last_backup) {
    if (std::optional<absl::Time> last = sources_.last_backup()) {
      prometheus::MetricFamily age = Gauge(
          "safeguard_backup_age_seconds", "Seconds since the newest backup");
      AddValue(age, absl::ToDoubleSeconds(absl::Now() - *last));
      families.push_back(std::move(age));
    }
  }

  prometheus::MetricFamily size =
      Gauge("safeguard_database_bytes", "The database and its WAL on disk");
  AddValue(size, static_cast<double>(
                     FileBytes(sources_.database_path) +
                     FileBytes(absl::StrCat(sources_.database_path, "-wal"))));
  families.push_back(std::move(size));

  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace safeguard
