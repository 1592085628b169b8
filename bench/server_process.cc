#include "bench/server_process.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/time/clock.h"
#include "echo.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "server/app/safeguard_server.h"
#include "server/app/tls_files.h"

namespace safeguard {
namespace {

class EchoService final : public bench::Echo::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const bench::EchoMessage* request,
                                 bench::EchoMessage* response) override {
    *response = *request;
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// The echo baseline's server: safeguardd's own TLS settings, revocation
// check included.
std::unique_ptr<grpc::Server> StartEcho(const config::v1::ServerConfig& config,
                                        const TlsReloader& reloader,
                                        EchoService& service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(
      "127.0.0.1:0",
      MakeServerCredentials(config.tls(), config.tls().ca_file(),
                            absl::Seconds(config.tls_reload_seconds()), reloader),
      port);
  builder.RegisterService(&service);
  return builder.BuildAndStart();
}

// The child: serves until its command pipe closes.
int RunChild(const config::v1::ServerConfig& config, FILE* in, FILE* out) {
  const absl::Time t0 = absl::Now();
  auto server = SafeguardServer::Start(config);
  if (!server.ok()) {
    std::fprintf(out, "error %s\n", std::string(server.status().message()).c_str());
    std::fflush(out);
    return 1;
  }
  const double startup_ms = absl::ToDoubleMilliseconds(absl::Now() - t0);
  EchoService echo_service;
  int echo_port = 0;
  TlsReloader::Options reloading;
  reloading.ca_pem = LoadServerTls(config.tls())->ca_pem;
  reloading.crl_dir = config.tls().crl_dir();
  auto reloader = TlsReloader::Create(reloading);
  if (!reloader.ok()) {
    std::fprintf(out, "error %s\n", std::string(reloader.status().message()).c_str());
    std::fflush(out);
    return 1;
  }
  auto echo = StartEcho(config, **reloader, echo_service, &echo_port);
  std::fprintf(out, "ready %d %d %d %.3f\n", (*server)->port(), echo_port,
               (*server)->http_port(), startup_ms);
  std::fflush(out);
  char line[64];
  while (std::fgets(line, sizeof(line), in) != nullptr) {
    if (std::strcmp(line, "fold\n") == 0) {
      const absl::Time f0 = absl::Now();
      auto folded = (*server)->person_index_folder().FoldAll();
      // And the WAL the fold wrote, so that the next measurement starts
      // with the database at rest (one a read holds up is left to the
      // server's own checkpoints).
      (*server)->database_for_test().CheckpointNow().IgnoreError();
      std::fprintf(out, "%lld %.6f\n",
                   folded.ok() ? static_cast<long long>(*folded) : -1LL,
                   absl::ToDoubleSeconds(absl::Now() - f0));
      std::fflush(out);
      continue;
    }
    if (std::strcmp(line, "verify\n") != 0) continue;
    const absl::Time v0 = absl::Now();
    auto verified = (*server)->audit_for_test().Verify();
    std::fprintf(out, "%lld %.6f %d\n",
                 verified.ok() ? static_cast<long long>(verified->entries())
                               : -1LL,
                 absl::ToDoubleSeconds(absl::Now() - v0),
                 verified.ok() && verified->ok() ? 1 : 0);
    std::fflush(out);
  }
  echo->Shutdown();
  (*server)->Shutdown(absl::Seconds(5));
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::fprintf(out, "%ld\n", usage.ru_maxrss);
  std::fflush(out);
  return 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const config::v1::ServerConfig& config) {
  int to_child[2], from_child[2];
  if (pipe(to_child) != 0 || pipe(from_child) != 0) {
    return absl::InternalError("pipe failed");
  }
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    close(to_child[1]);
    close(from_child[0]);
    FILE* in = fdopen(to_child[0], "r");
    FILE* out = fdopen(from_child[1], "w");
    _exit(RunChild(config, in, out));
  }
  close(to_child[0]);
  close(from_child[1]);
  std::unique_ptr<ServerProcess> p(new ServerProcess(
      pid, fdopen(to_child[1], "w"), fdopen(from_child[0], "r")));
  char line[512];
  if (std::fgets(line, sizeof(line), p->from_child_) == nullptr) {
    return absl::InternalError("the server process exited at start-up");
  }
  if (std::sscanf(line, "ready %d %d %d %lf", &p->port_, &p->echo_port_,
                  &p->http_port_, &p->startup_ms_) != 4) {
    return absl::InternalError(std::string("server start-up failed: ") + line);
  }
  return p;
}

ServerProcess::Verified ServerProcess::Verify() {
  Verified v;
  std::fputs("verify\n", to_child_);
  std::fflush(to_child_);
  char line[128];
  int ok = 0;
  if (std::fgets(line, sizeof(line), from_child_) != nullptr &&
      std::sscanf(line, "%lld %lf %d", &v.entries, &v.seconds, &ok) == 3) {
    v.ok = ok == 1;
  }
  return v;
}

ServerProcess::Folded ServerProcess::Fold() {
  Folded f;
  std::fputs("fold\n", to_child_);
  std::fflush(to_child_);
  char line[128];
  if (std::fgets(line, sizeof(line), from_child_) == nullptr ||
      std::sscanf(line, "%lld %lf", &f.rows, &f.seconds) != 2) {
    f.rows = -1;
  }
  return f;
}

long ServerProcess::Stop() {
  if (to_child_ == nullptr) return -1;
  std::fclose(to_child_);  // end of commands: the child shuts down
  to_child_ = nullptr;
  long rss_kb = -1;
  char line[64];
  if (std::fgets(line, sizeof(line), from_child_) != nullptr) {
    rss_kb = std::strtol(line, nullptr, 10);
  }
  std::fclose(from_child_);
  from_child_ = nullptr;
  int status = 0;
  waitpid(pid_, &status, 0);
  return rss_kb;
}

ServerProcess::~ServerProcess() { Stop(); }

}  // namespace safeguard
