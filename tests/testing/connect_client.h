// File: tests/testing/connect_client.h
//
// ConnectClient: a small Connect-protocol client over HTTPS with a client
// certificate, for integration tests of the HTTPS listener. It is written
// from the protocol's text, independently of server/http, so the two check
// each other. Unary calls in binary (application/proto) or JSON; server
// streams read whole (frames until the end-of-stream message, or a
// limit); raw requests for the defence tests.
//
// Not thread-safe; one per test thread.
#ifndef SAFEGUARD_TESTS_TESTING_CONNECT_CLIENT_H_
#define SAFEGUARD_TESTS_TESTING_CONNECT_CLIENT_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "tests/testing/test_pki.h"

namespace httplib {
class SSLClient;
}

namespace safeguard::testing {

enum class Format { kProto, kJson };

// One HTTP answer, as received.
struct HttpAnswer {
  int status = 0;  // 0: no answer (connection refused or cut)
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

// A server stream's outcome.
struct StreamResult {
  bool live = false;                  // the safeguard-watch: live header
  std::vector<std::string> messages;  // each message's bytes (or JSON)
  absl::Status status;                // from the end-of-stream message
  bool ended = false;                 // the end-of-stream message came
};

class ConnectClient {
 public:
  // To https://127.0.0.1:port, trusting `ca_file`, presenting `client` (or
  // no certificate).
  ConnectClient(int port, const std::string& ca_file,
                const std::optional<CertFiles>& client);
  ~ConnectClient();

  // `method` is "safeguard.v1.Service/Method". A Connect error comes back
  // as its code and message, with its google.rpc.BadRequest field
  // violations as the status's payload (field_violations.h); any answer
  // that is not a Connect answer is INTERNAL naming what came back.
  absl::Status Unary(const std::string& method,
                     const google::protobuf::Message& request,
                     google::protobuf::Message* response,
                     Format format = Format::kProto,
                     const std::map<std::string, std::string>& headers = {});

  // Reads until the stream ends, `max_messages` have come, or (for an
  // open-ended watch) `idle_ms` pass with nothing new; then hangs up.
  // `on_live`, if set, runs once the server says the stream is live,
  // before anything is read.
  StreamResult Stream(const std::string& method,
                      const google::protobuf::Message& request,
                      Format format, int max_messages, int idle_ms = 2000,
                      const std::function<void()>& on_live = nullptr);

  // A POST of `body` with exactly `headers` (plus Host and Content-Length).
  HttpAnswer Post(const std::string& path,
                  const std::map<std::string, std::string>& headers,
                  const std::string& body);
  HttpAnswer Get(const std::string& path);
  HttpAnswer Send(const std::string& method, const std::string& path);

 private:
  std::unique_ptr<httplib::SSLClient> client_;
};

// A new, empty response message of `method` ("safeguard.v1.Service/Method").
std::unique_ptr<google::protobuf::Message> NewResponse(const std::string& method);

// The status a Connect error body (JSON) stands for, with its BadRequest
// violations as payload.
absl::Status StatusFromConnectError(const std::string& json);

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_CONNECT_CLIENT_H_
