#include "tests/testing/test_server.h"

#include <filesystem>
#include <stdexcept>

#include "absl/synchronization/blocking_counter.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "server/audit/audit_format.h"
#include "server/storage/database_key.h"
#include "tests/testing/subprocess.h"

namespace safeguard::testing {

ServerConfig TestServerConfig(const TempDir& dir, const TestPki& pki) {
  return TestServerConfig(dir.path(), pki);
}

ServerConfig TestServerConfig(const std::string& dir, const TestPki& pki) {
  ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_http_listen_address("127.0.0.1:0");
  config.set_http_threads(8);
  config.set_data_dir(dir + "/data");
  config.set_key_file(dir + "/db.key");
  config.set_audit_signing_key_file(dir + "/audit-signing.key");
  config.set_audit_checkpoint_file(dir + "/audit-checkpoints.log");
  // Keys are made once, so that a kept folder's database opens again.
  if (!std::filesystem::exists(config.key_file()) &&
      (!CreateKeyFile(config.key_file()).ok() ||
       !CreateSigningKeyFile(config.audit_signing_key_file()).ok())) {
    throw std::runtime_error("cannot create the test keys");
  }
  config.mutable_tls()->set_ca_file(pki.ca_file());
  config.mutable_tls()->set_cert_file(pki.server().cert);
  config.mutable_tls()->set_key_file(pki.server().key);
  config.set_policy_file(std::string(SAFEGUARD_SOURCE_DIR) +
                         "/policy/partnership.textproto");
  config.set_bank_holidays_file(std::string(SAFEGUARD_SOURCE_DIR) +
                                "/deploy/bank-holidays-england-and-wales.txt");
  config.set_worker_threads(2);
  config.set_shutdown_grace_seconds(5);
  FillDefaults(config);
  return config;
}

std::shared_ptr<grpc::Channel> TestChannel(
    int port, const std::string& ca_file,
    const std::optional<CertFiles>& client) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFileOrEmpty(ca_file);
  if (client.has_value()) {
    ssl.pem_cert_chain = ReadFileOrEmpty(client->cert);
    ssl.pem_private_key = ReadFileOrEmpty(client->key);
  }
  grpc::ChannelArguments args;
  // A fresh connection per channel, so each test sees its own handshake.
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  return grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::SslCredentials(ssl), args);
}

// Lists services through gRPC server reflection with a raw generic call;
// returns the status, and the raw response in `*raw`.
std::shared_ptr<grpc::Channel> ConnectedTestChannel(int port,
                                                    const std::string& ca_file,
                                                    const CertFiles& client) {
  std::shared_ptr<grpc::Channel> channel = TestChannel(port, ca_file, client);
  channel->WaitForConnected(std::chrono::system_clock::now() +
                            std::chrono::seconds(10));
  return channel;
}

bool WaitForHealth(int port, const std::string& ca_file,
                   const CertFiles& client,
                   grpc::health::v1::HealthCheckResponse::ServingStatus want) {
  auto stub = grpc::health::v1::Health::NewStub(
      ConnectedTestChannel(port, ca_file, client));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  auto watch = stub->Watch(&context, grpc::health::v1::HealthCheckRequest());
  grpc::health::v1::HealthCheckResponse status;
  while (watch->Read(&status)) {
    if (status.status() == want) {
      context.TryCancel();
      watch->Finish().IgnoreError();
      return true;
    }
  }
  watch->Finish().IgnoreError();
  return false;
}

grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel,
                     const std::string& method, const std::string& bytes,
                     std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  auto call = stub.PrepareCall(&context, method, &cq);
  void* tag;
  bool ok;
  auto next = [&] { return cq.Next(&tag, &ok) && ok; };
  call->StartCall(reinterpret_cast<void*>(1));
  next();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  next();
  call->WritesDone(reinterpret_cast<void*>(3));
  next();
  grpc::ByteBuffer answer;
  call->Read(&answer, reinterpret_cast<void*>(4));
  if (next() && response != nullptr) {
    std::vector<grpc::Slice> slices;
    (void)answer.Dump(&slices);
    for (const grpc::Slice& s : slices) {
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  next();
  return status;
}

grpc::Status ListServicesByReflection(const std::shared_ptr<grpc::Channel>& channel,
                                      std::string* raw) {
  // ServerReflectionRequest { list_services: "" } (field 7, empty string).
  return RawCall(channel,
                 "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                 std::string("\x3a\x00", 2), raw);
}

HeldWorkers::HeldWorkers(WorkerPool& pool, int threads)
    : pool_(pool), release_(std::make_shared<absl::Notification>()) {
  absl::BlockingCounter held(threads);
  for (int i = 0; i < threads; ++i) {
    pool.Schedule([&held, release = release_] {
      held.DecrementCount();
      release->WaitForNotification();
    });
  }
  held.Wait();
}

size_t HeldWorkers::WaitForQueued() {
  for (int tries = 0; pool_.queued() == 0 && tries < 1000; ++tries) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  return pool_.queued();
}

void HeldWorkers::Release() {
  if (!release_->HasBeenNotified()) release_->Notify();
}

}  // namespace safeguard::testing
