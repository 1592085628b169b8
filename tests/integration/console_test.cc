// Integration: the web console in a real browser. The real server
// (in-process SafeguardServer, HTTPS on 127.0.0.1 port 0, test PKI, a fresh
// SQLCipher file, the shipped policy) serves the built console
// (console/dist, or the folder SAFEGUARD_CONSOLE_DIR names) at "/", and
// tests/console/journeys.mjs drives it in headless Chromium, one browser per
// identity below, each presenting its own client certificate
// (tests/console/README.md). The Node.js packages come from
// tests/console/package-lock.json (`npm ci` in that folder; deploy/test.sh
// runs it before ctest).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

#ifndef SAFEGUARD_CONSOLE_TESTS_DIR
#error "SAFEGUARD_CONSOLE_TESTS_DIR (the tests/console folder) must be defined"
#endif
#ifndef SAFEGUARD_CONSOLE_DIR
#error "SAFEGUARD_CONSOLE_DIR (the built console, console/dist) must be defined"
#endif

namespace safeguard {
namespace {

namespace fs = std::filesystem;

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::Subprocess;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

// Chromium reads AutoSelectCertificateForUrls, which lets it send a client
// certificate without asking, only from a managed policy file in this
// machine-wide folder, which only root may write (harness.mjs writes one
// file for the run and removes it).
constexpr char kPolicyDir[] = "/etc/chromium/policies/managed";
constexpr char kChromium[] = "/usr/bin/chromium";

// The journeys' roles (SAFEGUARD_ID_<ROLE>_CERT/_KEY), as people, each
// granted in policy/partnership.textproto. The referrer is any person of a
// referring agency: the agency's grant has no principal.
struct Identity {
  const char* role;
  const char* agency;
  const char* principal;
};
constexpr Identity kIdentities[] = {
    {"referrer", "probation-service", "person/officer"},
    {"coordinator", "suffolk-county-council", "person/marac-coordinator"},
    {"lead", "west-suffolk-council", "person/safeguarding-lead"},
    {"sanctuary", "west-suffolk-council", "person/sanctuary-coordinator"},
    {"contractor", "safe-partnership", "person/locksmith"},
    {"auditor", "csp-audit", "person/auditor"},
    {"channel", "suffolk-county-council", "person/channel-chair"},
    {"prevent", "suffolk-police", "person/prevent-officer"},
    {"representative", "suffolk-police", "person/marac-representative"},
    {"childrens", "suffolk-childrens-services", "person/marac-representative"},
    {"analyst", "csp-analyst", "person/analyst"},
};

// All journeys together; ctest's TIMEOUT (tests/CMakeLists.txt) is longer.
constexpr absl::Duration kJourneysTimeout = absl::Minutes(8);

// The built console: $SAFEGUARD_CONSOLE_DIR if set (e.g. a folder made by
// hand while the console is written), otherwise console/dist.
std::string ConsoleDir() {
  const char* dir = std::getenv("SAFEGUARD_CONSOLE_DIR");
  return dir != nullptr && *dir != '\0' ? dir : SAFEGUARD_CONSOLE_DIR;
}

bool PolicyDirWritable() {
  std::error_code error;
  fs::create_directories(kPolicyDir, error);
  return !error && access(kPolicyDir, W_OK) == 0;
}

class ConsoleTest : public ::testing::Test {
 protected:
  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
};

TEST_F(ConsoleTest, JourneysInHeadlessChromium) {
  const std::string console = ConsoleDir();
  ASSERT_TRUE(fs::exists(console + "/index.html"))
      << "the console is not built: no index.html in " << console
      << "; run `npm ci && npm run build` in console/ (or set "
         "SAFEGUARD_CONSOLE_DIR to a folder with the console's files)";
  const std::string tests = SAFEGUARD_CONSOLE_TESTS_DIR;
  ASSERT_TRUE(fs::exists(tests + "/node_modules/puppeteer-core/package.json") &&
              fs::exists(tests + "/node_modules/axe-core/axe.min.js"))
      << "the Node.js packages are missing: run `npm ci --no-audit --no-fund` "
         "in "
      << tests << " (deploy/test.sh does)";
  ASSERT_TRUE(fs::exists(kChromium))
      << kChromium << " is missing (Debian's chromium and libnss3-tools)";
  if (!PolicyDirWritable()) {
    // Without the managed policy Chromium would ask which certificate to
    // send, and a headless browser cannot answer: the handshake fails and
    // every journey would too. Root (deploy/test.sh) runs it.
    GTEST_SKIP() << kPolicyDir
                 << " is not writable (not root): Chromium takes the "
                    "AutoSelectCertificateForUrls policy the journeys need "
                    "only from there";
  }

  config_.set_http_listen_address("127.0.0.1:0");
  config_.set_console_dir(console);
  auto server = SafeguardServer::Start(config_);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  ASSERT_GT(server_->http_port(), 0);

  std::vector<std::string> argv = {
      "/usr/bin/env",
      absl::StrCat("SAFEGUARD_ORIGIN=https://127.0.0.1:", server_->http_port()),
      absl::StrCat("SAFEGUARD_CA=", pki_.ca_file())};
  for (const Identity& id : kIdentities) {
    const CertFiles files = pki_.IssueIdentity(id.agency, id.principal);
    const std::string role = absl::AsciiStrToUpper(id.role);
    argv.push_back(absl::StrCat("SAFEGUARD_ID_", role, "_CERT=", files.cert));
    argv.push_back(absl::StrCat("SAFEGUARD_ID_", role, "_KEY=", files.key));
  }
  argv.insert(argv.end(),
              {"node", "--test-reporter=spec", tests + "/journeys.mjs"});

  const absl::Time start = absl::Now();
  std::optional<int> status;
  std::string output;
  {
    Subprocess journeys(argv, tests, dir_.File("journeys.log"));
    status = journeys.Wait(kJourneysTimeout);
    if (!status.has_value()) {
      // SIGTERM lets harness.mjs close its browsers and remove its policy
      // file; the destructor's SIGKILL follows if it does not end.
      journeys.Signal(SIGTERM);
      journeys.Wait(absl::Seconds(10));
    }
    output = journeys.Output();
  }
  // In case the script was killed before it could remove its policy file
  // (safeguard-test-<pid>-<port>.json): the port is this server's.
  std::error_code error;
  const std::string suffix = absl::StrCat("-", server_->http_port(), ".json");
  for (const auto& entry : fs::directory_iterator(kPolicyDir, error)) {
    const std::string name = entry.path().filename().string();
    if (absl::StartsWith(name, "safeguard-test-") &&
        absl::EndsWith(name, suffix)) {
      ADD_FAILURE() << "journeys.mjs left " << entry.path();
      fs::remove(entry.path(), error);
    }
  }

  ASSERT_TRUE(status.has_value())
      << "journeys.mjs did not end within " << kJourneysTimeout << ":\n"
      << output;
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << "journeys.mjs failed:\n"
      << output;
  std::cout << "journeys.mjs took " << absl::Now() - start << "\n";
}

}  // namespace
}  // namespace safeguard
