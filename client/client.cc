#include "safeguard/client/client.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace safeguard {
namespace {

absl::StatusOr<std::string> ReadPem(absl::string_view what,
                                    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (path.empty() || !in) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", path, "' cannot be read"));
  }
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      s.error_message());
}

}  // namespace

absl::StatusOr<std::unique_ptr<Client>> Client::Create(
    const ClientOptions& options) {
  grpc::SslCredentialsOptions ssl;
  absl::StatusOr<std::string> ca = ReadPem("CA file", options.ca_file);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> cert = ReadPem("certificate file", options.cert_file);
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem("key file", options.key_file);
  if (!key.ok()) return key.status();
  ssl.pem_root_certs = *std::move(ca);
  ssl.pem_cert_chain = *std::move(cert);
  ssl.pem_private_key = *std::move(key);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(options.target, grpc::SslCredentials(ssl));
  return std::unique_ptr<Client>(new Client(options, std::move(channel)));
}

Client::Client(const ClientOptions& options,
               std::shared_ptr<grpc::Channel> channel)
    : options_(options),
      channel_(std::move(channel)),
      server_info_(v1::ServerInfo::NewStub(channel_)) {}

absl::StatusOr<v1::GetServerInfoResponse> Client::GetServerInfo() {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.default_deadline));
  v1::GetServerInfoResponse response;
  grpc::Status s =
      server_info_->GetServerInfo(&context, v1::GetServerInfoRequest(), &response);
  if (!s.ok()) return FromGrpc(s);
  return response;
}

absl::Status Client::CheckHealth() {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.default_deadline));
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status s = stub->Check(&context, grpc::health::v1::HealthCheckRequest(),
                               &response);
  if (!s.ok()) return FromGrpc(s);
  if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
    return absl::UnavailableError(absl::StrCat(
        "server is ",
        grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
            response.status())));
  }
  return absl::OkStatus();
}

}  // namespace safeguard
