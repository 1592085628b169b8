// File: server/http/metrics_listener.h
//
// MetricsListener: the Prometheus scrape endpoint, plain HTTP on its own
// address (never the API's listeners): GET /metrics answers with what
// `render` returns, in the text exposition format 0.0.4; every other path
// is 404 and every other method 405. No identity is asked for, so what it
// serves must identify no one (server/app/metrics.h sees to that).
//
// Owns its threads (two: scrapes are rare). `render` is called on them and
// must be thread-safe. Start/Shutdown from one owning thread.
#ifndef SAFEGUARD_SERVER_HTTP_METRICS_LISTENER_H_
#define SAFEGUARD_SERVER_HTTP_METRICS_LISTENER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace safeguard::http {

class MetricsListener {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsListener>> Start(
      const std::string& address, std::function<std::string()> render);
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;
  ~MetricsListener();

  int port() const { return port_; }
  void Shutdown();

 private:
  MetricsListener() = default;

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace safeguard::http

#endif  // SAFEGUARD_SERVER_HTTP_METRICS_LISTENER_H_
