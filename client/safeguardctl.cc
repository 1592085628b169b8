// safeguardctl: the command line for safeguard users.
//
//   safeguardctl whoami   the caller's identity as the server sees it
//   safeguardctl health   the server's health (exit 0 when SERVING)
//
// Connection settings come from flags or the SAFEGUARD_TARGET,
// SAFEGUARD_CA, SAFEGUARD_CERT and SAFEGUARD_KEY environment variables.
// Exit codes: 0 success, 1 the call failed, 2 bad usage.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "safeguard/client/client.h"

namespace {
std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}
}  // namespace

ABSL_FLAG(std::string, target, Env("SAFEGUARD_TARGET", "127.0.0.1:50051"),
          "host:port of safeguardd (env SAFEGUARD_TARGET)");
ABSL_FLAG(std::string, ca, Env("SAFEGUARD_CA", "certs/dev/ca.crt"),
          "PEM CA of the server (env SAFEGUARD_CA)");
ABSL_FLAG(std::string, cert, Env("SAFEGUARD_CERT", ""),
          "PEM client certificate (env SAFEGUARD_CERT)");
ABSL_FLAG(std::string, key, Env("SAFEGUARD_KEY", ""),
          "PEM client private key (env SAFEGUARD_KEY)");
ABSL_FLAG(int, deadline_seconds, 10, "Deadline of each call, in seconds");

namespace safeguard {
namespace {

int Report(const absl::Status& status) {
  std::fprintf(stderr, "safeguardctl: %s: %s\n",
               absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  return 1;
}

int Main(int argc, char** argv) {
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "safeguardctl.cc");
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::SetProgramUsageMessage(
      "safeguardctl: the safeguard command line.\n\n"
      "Usage: safeguardctl <whoami|health> [flags]\n"
      "Exit codes: 0 success, 1 the call failed, 2 bad usage.");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "safeguardctl: give one command: whoami or health\n");
    return 2;
  }
  const std::string command = args[1];
  if (command != "whoami" && command != "health") {
    std::fprintf(stderr, "safeguardctl: unknown command '%s'\n", command.c_str());
    return 2;
  }
  ClientOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.ca_file = absl::GetFlag(FLAGS_ca);
  options.cert_file = absl::GetFlag(FLAGS_cert);
  options.key_file = absl::GetFlag(FLAGS_key);
  options.default_deadline = absl::Seconds(absl::GetFlag(FLAGS_deadline_seconds));
  absl::StatusOr<std::unique_ptr<Client>> client = Client::Create(options);
  if (!client.ok()) return Report(client.status());

  if (command == "health") {
    absl::Status health = (*client)->CheckHealth();
    if (!health.ok()) return Report(health);
    std::printf("SERVING\n");
    return 0;
  }
  absl::StatusOr<v1::GetServerInfoResponse> info = (*client)->GetServerInfo();
  if (!info.ok()) return Report(info.status());
  std::printf("agency:          %s\nprincipal:       %s\n"
              "certificate:     sha256:%s\nserver version:  %s\n"
              "schema version:  %d\n",
              info->caller().agency().c_str(), info->caller().principal().c_str(),
              info->caller().certificate_sha256().c_str(),
              info->server_version().c_str(), info->schema_version());
  return 0;
}

}  // namespace
}  // namespace safeguard

int main(int argc, char** argv) { return safeguard::Main(argc, argv); }
