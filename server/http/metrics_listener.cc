#include "server/http/metrics_listener.h"

#include "httplib.h"
#include "server/http/listen.h"

namespace safeguard::http {

absl::StatusOr<std::unique_ptr<MetricsListener>> MetricsListener::Start(
    const std::string& address, std::function<std::string()> render) {
  std::unique_ptr<MetricsListener> listener(new MetricsListener());
  listener->server_ = std::make_unique<httplib::Server>();
  httplib::Server& server = *listener->server_;
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_payload_max_length(0);
  server.Get("/metrics", [render = std::move(render)](const httplib::Request&,
                                                      httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    res.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Anything else under any method: nothing here.
  auto not_found = [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
  };
  server.Get(".*", not_found);
  auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
  };
  server.Post(".*", not_allowed);
  server.Put(".*", not_allowed);
  server.Delete(".*", not_allowed);
  server.Patch(".*", not_allowed);
  server.Options(".*", not_allowed);
  absl::StatusOr<int> port = ListenOn(server, address, "metrics", listener->thread_);
  if (!port.ok()) {
    listener->Shutdown();
    return port.status();
  }
  listener->port_ = *port;
  return listener;
}

MetricsListener::~MetricsListener() { Shutdown(); }

void MetricsListener::Shutdown() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace safeguard::http
