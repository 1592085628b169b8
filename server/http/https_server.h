// File: server/http/https_server.h
//
// ConnectServer: the API over HTTPS with mutual TLS, in the Connect protocol
// (connectrpc.com), so that browsers and plain HTTP tools can call it. A thin
// transport adapter: for each call it checks the HTTP request, decodes the
// body (connect_codec.h), builds an InboundCall (method, the verified client
// certificate in PEM, the x-request-id hint, the deadline from
// Connect-Timeout-Ms), calls the ApiMethod and encodes what comes back. Who
// the caller is, what the policy allows and what is audited are the
// ApiMethod's business, never this file's.
//
// Routes: POST /<service full name>/<method name> for exactly the ApiMethods
// given (unary: application/json or application/proto; server streaming:
// application/connect+json or application/connect+proto, one request
// frame), and, when a static folder is given, GET/HEAD of its files at "/"
// ("/" is index.html). Everything else is refused: a missing or other
// Connect-Protocol-Version (400), another content type (415), an Origin that
// is not the server's own (403), other methods and OPTIONS (405), bodies over
// max_request_bytes (429 resource_exhausted), unknown paths (404). Every
// answer carries Cache-Control: no-store and the security headers (CSP,
// nosniff, no-referrer, DENY framing, HSTS); none carries CORS headers.
//
// Why cpp-httplib (Debian's libcpp-httplib 0.11.4): it takes an SSL_CTX we
// build ourselves (so client certificates, CRLs and TLS versions are
// OpenSSL's own verification, as for gRPC), writes chunked streaming
// responses from a content provider, runs connections on a task queue we
// supply (so threads and waiting connections are bounded), and leaves only
// HTTP/1.1 plumbing to it. What it lacks: no HTTP/2 (so no bidirectional
// streams); one thread per connection for its whole keep-alive life (a
// stream holds a thread, hence max_streams); no hook to see a peer close a
// quiet connection (we poll the socket); no per-route body limit on chunked
// uploads (we count bytes in a content reader); Shutdown waits up to
// keep_alive_timeout for idle keep-alive connections; no way to close a
// connection from a handler after refusing an unread body (the client is
// told "Connection: close").
//
// Thread-safety: Start() and Shutdown() from one owning thread; the server
// runs its own threads. The ApiMethods are not owned and must outlive the
// server; so must the CallGate behind them (tickets are held until each
// answer is written).
#ifndef SAFEGUARD_SERVER_HTTP_HTTPS_SERVER_H_
#define SAFEGUARD_SERVER_HTTP_HTTPS_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "openssl/types.h"
#include "server/api/api_method.h"

namespace safeguard::http {

struct ConnectServerOptions {
  // "host:port"; port 0 picks a free one (see ConnectServer::port()).
  std::string listen_address = "127.0.0.1:0";
  std::string cert_file;       // server certificate chain, PEM
  std::string key_file;        // its private key, PEM
  std::string client_ca_file;  // CAs client certificates must chain to
  // Asked about each certificate of a client's chain that OpenSSL has
  // verified (not the trust anchor): OK, or why it is refused (revoked).
  // Empty: no further check. Called on connection threads.
  std::function<absl::Status(const X509*)> check_peer_certificate;
  std::string static_dir;  // files served at "/"; empty: none
  // The one Origin browsers may send, e.g. "https://safeguard.example:8443";
  // empty: "https://" + the request's Host header.
  std::string origin;
  int threads = 16;               // connection threads
  size_t max_waiting_connections = 64;  // accepted, waiting for a thread
  int max_streams = 8;            // open streams; more get resource_exhausted
  size_t max_request_bytes = 1 << 20;
  size_t max_static_file_bytes = 16 << 20;
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration write_timeout = absl::Seconds(10);
  absl::Duration keep_alive_timeout = absl::Seconds(5);  // whole seconds
  int keep_alive_max_requests = 100;
};

class ConnectServer {
 public:
  // Builds the TLS context from the files, binds and starts serving
  // `methods` (each with a descriptor and exactly one of unary/open).
  // FAILED_PRECONDITION naming the file or address if one is unusable;
  // INVALID_ARGUMENT for a bad option or method list.
  static absl::StatusOr<std::unique_ptr<ConnectServer>> Start(
      const ConnectServerOptions& options,
      const std::vector<const ApiMethod*>& methods);

  ConnectServer(const ConnectServer&) = delete;
  ConnectServer& operator=(const ConnectServer&) = delete;
  // Shuts down if Shutdown() has not been called.
  ~ConnectServer();

  // The port listened on (the one picked when the address gave port 0).
  int port() const;

  // Reads the certificate and key files again; new connections present
  // the new pair, if it is good (the old one stays otherwise). Thread-safe.
  absl::Status ReloadIdentity();

  // Refuses new calls (unavailable), ends open streams (cancelling their
  // sessions and sending unavailable), stops accepting and joins every
  // thread. Unary calls in flight are answered first. Idempotent.
  void Shutdown();

 private:
  class Impl;
  explicit ConnectServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace safeguard::http

#endif  // SAFEGUARD_SERVER_HTTP_HTTPS_SERVER_H_
