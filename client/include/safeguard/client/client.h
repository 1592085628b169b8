// File: client/include/safeguard/client/client.h
//
// safeguard::Client: the C++ client library that partner systems link to
// talk to safeguardd over mutual TLS.
//
// Example:
//   safeguard::ClientOptions options;
//   options.target = "127.0.0.1:50051";
//   options.ca_file = "certs/dev/ca.crt";
//   options.cert_file = "certs/dev/clients/suffolk-police.system.athena.crt";
//   options.key_file = "certs/dev/clients/suffolk-police.system.athena.key";
//   absl::StatusOr<std::unique_ptr<safeguard::Client>> client =
//       safeguard::Client::Create(options);
//   if (!client.ok()) ...;
//   absl::StatusOr<safeguard::v1::GetServerInfoResponse> info =
//       (*client)->GetServerInfo();
//
// A Client owns one channel, reused by every call, and is safe for
// concurrent use. Every call has a deadline (options.default_deadline).
#ifndef SAFEGUARD_CLIENT_CLIENT_H_
#define SAFEGUARD_CLIENT_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "safeguard/v1/server_info.grpc.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace safeguard {

struct ClientOptions {
  // host:port of safeguardd.
  std::string target = "127.0.0.1:50051";
  // PEM files: the CA that signed the server's certificate, and this
  // client's certificate and private key.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Deadline of every call.
  absl::Duration default_deadline = absl::Seconds(10);
};

class Client {
 public:
  // Reads the PEM files and sets up the channel (it connects lazily).
  // kInvalidArgument names a file that cannot be read.
  static absl::StatusOr<std::unique_ptr<Client>> Create(
      const ClientOptions& options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The server's version and the caller's identity as the server sees it.
  absl::StatusOr<v1::GetServerInfoResponse> GetServerInfo();

  // The standard health check; OK means SERVING.
  absl::Status CheckHealth();

 private:
  Client(const ClientOptions& options, std::shared_ptr<grpc::Channel> channel);

  const ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ServerInfo::Stub> server_info_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_CLIENT_CLIENT_H_
