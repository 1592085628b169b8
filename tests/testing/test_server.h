// File: tests/testing/test_server.h
//
// Helpers for integration tests that run the real server in-process:
// a ServerConfig on 127.0.0.1 port 0 over a fresh SQLCipher file in a
// TempDir with a test PKI, mTLS channels to it, and a way to hold its
// workers.
#ifndef SAFEGUARD_TESTS_TESTING_TEST_SERVER_H_
#define SAFEGUARD_TESTS_TESTING_TEST_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/synchronization/notification.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "server/config/server_config.h"
#include "server/access/worker_pool.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_pki.h"

namespace safeguard::testing {

// Creates <dir>/db.key and the audit signing key unless <dir> has them, and
// returns a filled, valid config whose data folder is <dir>/data, with the
// shipped policy and bank holidays.
ServerConfig TestServerConfig(const TempDir& dir, const TestPki& pki);
ServerConfig TestServerConfig(const std::string& dir, const TestPki& pki);

// An mTLS channel to 127.0.0.1:port that trusts `ca_file`, presenting
// `client` (or no certificate at all).
std::shared_ptr<grpc::Channel> TestChannel(int port, const std::string& ca_file,
                                           const std::optional<CertFiles>& client);
// TestChannel, connected (TLS handshake done) before it is returned, or
// after 10 s of trying: a first attempt that fails once (gRPC tries again
// after a back-off) does not fail the first call. Tests of the handshake
// itself use TestChannel.
std::shared_ptr<grpc::Channel> ConnectedTestChannel(int port,
                                                    const std::string& ca_file,
                                                    const CertFiles& client);

// Watches the server's overall health (grpc.health.v1.Health/Watch) until
// it reports `want`; false if it has not within 20 s. `client` need have
// no identity.
bool WaitForHealth(int port, const std::string& ca_file,
                   const CertFiles& client,
                   grpc::health::v1::HealthCheckResponse::ServingStatus want);

// Sends `bytes` as the one request message of `method` ("/pkg.Service/M")
// with a raw generic call; the first response message's bytes go to
// `*response` (if given). Returns the call's status.
grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel,
                     const std::string& method, const std::string& bytes,
                     std::string* response = nullptr);

// Asks for the list of services through gRPC server reflection (with a raw
// generic call, so no reflection stubs are needed). Returns the call's
// status; the raw ServerReflectionResponse bytes go to `*raw`.
grpc::Status ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, std::string* raw);

// Occupies every thread of a running server's worker pool until Release()
// (or destruction), so that work scheduled meanwhile waits in its queue.
class HeldWorkers {
 public:
  HeldWorkers(WorkerPool& pool, int threads);
  HeldWorkers(const HeldWorkers&) = delete;
  HeldWorkers& operator=(const HeldWorkers&) = delete;
  ~HeldWorkers() { Release(); }
  void Release();
  // Waits up to 10 s until at least one task waits in the pool's queue;
  // returns how many do.
  size_t WaitForQueued();

 private:
  WorkerPool& pool_;
  // Shared with the holding tasks, which may still be returning from their
  // wait when this is destroyed.
  std::shared_ptr<absl::Notification> release_;
};

}  // namespace safeguard::testing

#endif  // SAFEGUARD_TESTS_TESTING_TEST_SERVER_H_
