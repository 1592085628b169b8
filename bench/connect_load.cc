#include "bench/connect_load.h"

#include <atomic>
#include <cstdio>

#include "httplib.h"

namespace safeguard {
namespace {

void ReportFirstFailure(const std::string& what) {
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true)) {
    std::fprintf(stderr, "first Connect error: %s\n", what.c_str());
  }
}

}  // namespace

ConnectCaller::ConnectCaller(int port, const std::string& ca_file,
                             const testing::CertFiles& client)
    : client_(std::make_unique<httplib::SSLClient>("127.0.0.1", port,
                                                   client.cert, client.key)) {
  client_->set_ca_cert_path(ca_file.c_str());
  client_->enable_server_certificate_verification(true);
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  client_->set_read_timeout(20, 0);
}

ConnectCaller::~ConnectCaller() = default;

bool ConnectCaller::Connect() {
  // A second try, should the server have closed an idle connection just as
  // the first was sent.
  for (int attempt = 0; attempt < 2; ++attempt) {
    httplib::Result result = client_->Get("/");
    if (result) return true;
    if (attempt == 1) {
      ReportFirstFailure("connect: " + httplib::to_string(result.error()));
    }
  }
  return false;
}

bool ConnectCaller::Call(const std::string& path, const std::string& body,
                         const char* content_type) {
  static const httplib::Headers kHeaders = {{"Connect-Protocol-Version", "1"}};
  httplib::Result result = client_->Post(path, kHeaders, body, content_type);
  if (!result) {
    ReportFirstFailure("no answer: " + httplib::to_string(result.error()));
    return false;
  }
  if (result->status != 200 || result->body.empty()) {
    ReportFirstFailure(std::to_string(result->status) + " " + result->body);
    return false;
  }
  return true;
}

}  // namespace safeguard
