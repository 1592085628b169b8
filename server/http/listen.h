// File: server/http/listen.h
//
// ListenOn(): starts a cpp-httplib server (HTTP or HTTPS) on "host:port"
// (the host perhaps in brackets; port 0 picks a free one) with its accept
// loop on `thread`, and returns once the loop runs (so that stop() works)
// with the port bound. Errors name the address and `what` listens there.
// Stateless; thread-safe.
#ifndef SAFEGUARD_SERVER_HTTP_LISTEN_H_
#define SAFEGUARD_SERVER_HTTP_LISTEN_H_

#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace safeguard::http {

absl::StatusOr<int> ListenOn(httplib::Server& server, const std::string& address,
                             absl::string_view what, std::thread& thread);

}  // namespace safeguard::http

#endif  // SAFEGUARD_SERVER_HTTP_LISTEN_H_
