// File: server/app/metrics.h
//
// ServerMetrics: what the operator sees of a running safeguardd, in the
// Prometheus text format (served by http::MetricsListener), and the log
// lines about calls. It is told of every call by the access gate
// (CallObserver) and of every group commit by the database
// (CommitListener), and reads the rest when scraped:
//
//   safeguard_calls_total{method,code}            calls and stream openings
//   safeguard_call_duration_seconds{method}       their latency (histogram)
//   safeguard_group_commit_writes                 writes per commit (histogram)
//   safeguard_commit_seconds                      COMMIT with its fsync (histogram)
//   safeguard_worker_queue_depth                  calls waiting for a worker
//   safeguard_watch_streams_open                  open WatchReferrals streams
//   safeguard_audit_unsigned_entries              entries since the last checkpoint
//   safeguard_certificate_expiry_days{certificate} "server" and "ca", days left
//   safeguard_backup_age_seconds                  since the newest backup
//   safeguard_database_bytes                      database and WAL on disk
//
// No label holds an identity, a referral or anything about a person:
// methods are the API's own names, codes are gRPC's. The log gets one line
// per call refused for access or capacity (method and code) and per call
// slower than the threshold (method and duration), never who or what.
//
// Thread-safe. Borrows nothing but what its Sources' functions capture,
// which must outlive it.
#ifndef SAFEGUARD_SERVER_APP_METRICS_H_
#define SAFEGUARD_SERVER_APP_METRICS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/access/call_observer.h"
#include "server/storage/shared_database.h"

namespace prometheus {
class Counter;
template <typename T>
class Family;
class Histogram;
class Registry;
}  // namespace prometheus

namespace safeguard {

class ServerMetrics final : public CallObserver,
                            public SharedDatabase::CommitListener {
 public:
  struct Sources {
    std::function<size_t()> queued_calls;
    std::function<int()> open_watches;
    std::function<absl::StatusOr<int64_t>()> unsigned_audit_entries;
    // Null when no backups are scheduled; none until the first.
    std::function<std::optional<absl::Time>()> last_backup;
    std::string database_path;
    std::string server_cert_file;
    std::string ca_file;
  };

  ServerMetrics(Sources sources, absl::Duration slow_call);
  ~ServerMetrics() override;

  void CallEnded(absl::string_view method, Kind kind, absl::StatusCode code,
                 absl::Duration elapsed) override;
  void Committed(size_t writes, absl::Duration commit_time) override;

  // The text exposition of every metric, as of now.
  std::string Render();

 private:
  const Sources sources_;
  const absl::Duration slow_call_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& calls_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Histogram& commit_writes_;
  prometheus::Histogram& commit_seconds_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_APP_METRICS_H_
