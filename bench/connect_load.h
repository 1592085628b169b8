// File: bench/connect_load.h
//
// ConnectCaller: the benchmark's load generator for the HTTPS listener, in
// the Connect protocol. One blocking keep-alive connection (cpp-httplib's
// SSLClient, TCP_NODELAY, presenting a client certificate); each call is one
// POST of a body the caller has already encoded, and succeeds on HTTP 200
// with a body. The response is not decoded, so the generator's cost per
// call is the request's encoding, TLS and HTTP/1.1 framing. The server
// closes a connection after its keep-alive limit of requests; the next
// call connects again, and that handshake is part of its time.
//
// Not thread-safe: one per client thread.
#ifndef SAFEGUARD_BENCH_CONNECT_LOAD_H_
#define SAFEGUARD_BENCH_CONNECT_LOAD_H_

#include <memory>
#include <string>

#include "tests/testing/test_pki.h"

namespace httplib {
class SSLClient;
}

namespace safeguard {

class ConnectCaller {
 public:
  ConnectCaller(int port, const std::string& ca_file,
                const testing::CertFiles& client);
  ~ConnectCaller();
  ConnectCaller(const ConnectCaller&) = delete;
  ConnectCaller& operator=(const ConnectCaller&) = delete;

  // Makes sure the connection is open (TLS handshake done) with a request
  // the server answers without a call: a GET of "/" (404, no audit entry).
  bool Connect();

  // POSTs `body` to "/<method>" ("safeguard.v1.Referrals/GetReferral") as
  // `content_type` ("application/proto" or "application/json"). True on
  // HTTP 200 with a body; otherwise false, and the first failure in the
  // process is printed.
  bool Call(const std::string& path, const std::string& body,
            const char* content_type);

 private:
  std::unique_ptr<httplib::SSLClient> client_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_BENCH_CONNECT_LOAD_H_
