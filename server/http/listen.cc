#include "server/http/listen.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"

namespace safeguard::http {

absl::StatusOr<int> ListenOn(httplib::Server& server, const std::string& address,
                             absl::string_view what, std::thread& thread) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " listen address ", address, ": not host:port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const int bound = port == 0 ? server.bind_to_any_port(host)
                              : (server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " listen address ", address, ": cannot listen there"));
  }
  thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() does nothing until the loop runs: wait for it.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!server.is_running()) {
    if (absl::Now() > give_up) {
      return absl::InternalError(absl::StrCat("the ", what, " listener did not start"));
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return bound;
}

}  // namespace safeguard::http
