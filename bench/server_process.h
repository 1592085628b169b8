// File: bench/server_process.h
//
// ServerProcess: the server under test (SafeguardServer, the real server
// object: gRPC, and HTTPS when the config enables it) and the echo
// baseline, run in a child process of the benchmark so that their memory,
// start-up time and CPU are measured apart from the load generator's. The
// child answers a few commands over a pipe: verify the audit log, fold the
// person index's new rows, and stop (reporting its peak resident memory).
//
// Start() forks, so it must run before the parent process uses gRPC or
// starts threads. A child started later inherits the command pipes of
// those started before it, which then see the end of their commands only
// once it has exited: stop (or destroy) them in the reverse order of their
// start. Owns the child; the destructor stops it. Not thread-safe.
#ifndef SAFEGUARD_BENCH_SERVER_PROCESS_H_
#define SAFEGUARD_BENCH_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdio>
#include <memory>

#include "absl/status/statusor.h"
#include "safeguard/config/v1/server_config.pb.h"

namespace safeguard {

class ServerProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const config::v1::ServerConfig& config);
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();

  int port() const { return port_; }
  int echo_port() const { return echo_port_; }
  // The HTTPS (Connect) listener's port; 0 if the config turned it off.
  int http_port() const { return http_port_; }
  double startup_ms() const { return startup_ms_; }

  struct Verified {
    long long entries = -1;
    double seconds = 0;
    bool ok = false;
  };
  // Verifies the whole audit log inside the server process.
  Verified Verify();

  struct Folded {
    long long rows = -1;  // -1: the fold failed
    double seconds = 0;
  };
  // Folds the person index's new rows inside the server process
  // (PersonIndexFolder::FoldAll), as it does itself once writes pause,
  // and then the WAL into the database file.
  Folded Fold();

  // Shuts the server down; returns its peak resident memory in KiB, or -1.
  long Stop();

 private:
  ServerProcess(pid_t pid, FILE* to_child, FILE* from_child)
      : pid_(pid), to_child_(to_child), from_child_(from_child) {}

  pid_t pid_;
  FILE* to_child_;    // owned
  FILE* from_child_;  // owned
  int port_ = 0;
  int echo_port_ = 0;
  int http_port_ = 0;
  double startup_ms_ = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_BENCH_SERVER_PROCESS_H_
