// The safeguardd binary, driven as an operator would: start-up failures,
// signals, reflection, process hardening, key rotation (including kill -9
// in the middle of it), the restore drill and the development certificate
// script.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"
#include "safeguard/client/client.h"
#include "safeguard/storage/v1/backup_manifest.pb.h"
#include "server/audit/audit_format.h"
#include "server/common/text_proto.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/open_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::CertFiles;
using ::safeguard::testing::ListServicesByReflection;
using ::safeguard::testing::ReadFileOrEmpty;
using ::safeguard::testing::RunProgram;
using ::safeguard::testing::Subprocess;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;

// A working set-up in a temp folder: PKI, key file, data folder.
class SafeguarddTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(CreateKeyFile(key_file_).ok());
    ASSERT_TRUE(CreateSigningKeyFile(signing_key_).ok());
    athena_ = pki_.IssueIdentity("suffolk-police", "system/athena");
  }

  std::vector<std::string> Args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {
        SAFEGUARDD_PATH,
        "--listen_address=127.0.0.1:0",
        "--http_listen_address=127.0.0.1:0",
        "--data_dir=" + dir_.File("data"),
        "--key_file=" + key_file_,
        "--tls_ca_file=" + pki_.ca_file(),
        "--tls_cert_file=" + pki_.server().cert,
        "--tls_key_file=" + pki_.server().key,
        "--policy_file=" + std::string(SAFEGUARD_SOURCE_DIR) +
            "/policy/partnership.textproto",
        "--bank_holidays_file=" + std::string(SAFEGUARD_SOURCE_DIR) +
            "/deploy/bank-holidays-england-and-wales.txt",
        "--audit_signing_key_file=" + signing_key_,
        "--audit_checkpoint_file=" + dir_.File("checkpoints.log"),
        "--shutdown_grace_seconds=5"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Starts safeguardd and waits until it listens; returns its port.
  int StartServer(Subprocess& p) {
    const std::string marker = "listening on 127.0.0.1:";
    EXPECT_TRUE(p.WaitForOutput(", mTLS required", absl::Seconds(20)))
        << p.Output();
    std::string out = p.Output();
    size_t at = out.find(marker);
    int port = 0;
    if (at != std::string::npos) {
      at += marker.size();
      EXPECT_TRUE(absl::SimpleAtoi(out.substr(at, out.find(',', at) - at), &port))
          << out;
    }
    return port;
  }

  std::unique_ptr<Client> ClientFor(int port, const CertFiles& cert) {
    ClientOptions options;
    options.target = absl::StrCat("127.0.0.1:", port);
    options.ca_file = pki_.ca_file();
    options.cert_file = cert.cert;
    options.key_file = cert.key;
    auto client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  std::string Db() const { return dir_.File("data") + "/safeguard.db"; }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  std::string key_file_ = dir_.File("db.key");
  std::string signing_key_ = dir_.File("audit-signing.key");
  CertFiles athena_;
};

TEST_F(SafeguarddTest, ServesAndStopsCleanlyOnEachSignal) {
  for (int signal : {SIGTERM, SIGINT}) {
    Subprocess server(Args(), dir_.path(), dir_.File("out"));
    int port = StartServer(server);
    ASSERT_GT(port, 0);
    auto client = ClientFor(port, athena_);
    SAFEGUARD_ASSERT_OK(client->CheckHealth());
    auto info = client->GetServerInfo();
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->caller().agency(), "suffolk-police");

    // The client stays connected: an idle connection must not hold up the
    // stop (the grace period is 5 s).
    server.Signal(signal);
    std::optional<int> status = server.Wait(absl::Seconds(2));
    ASSERT_TRUE(status.has_value()) << "still running after signal " << signal;
    EXPECT_TRUE(WIFEXITED(*status)) << server.Output();
    EXPECT_EQ(WEXITSTATUS(*status), 0) << server.Output();
    EXPECT_NE(server.Output().find("safeguardd: stopped\n"), std::string::npos);
    // The database was closed cleanly: its WAL was folded in and removed.
    EXPECT_FALSE(std::filesystem::exists(Db() + "-wal")) << signal;
  }
}

TEST_F(SafeguarddTest, CoreDumpsAreOff) {
  Subprocess server(Args(), dir_.path(), dir_.File("out"));
  ASSERT_GT(StartServer(server), 0);
  std::string limits =
      ReadFileOrEmpty(absl::StrCat("/proc/", server.pid(), "/limits"));
  EXPECT_NE(limits.find("Max core file size        0                    0"),
            std::string::npos)
      << limits;
  struct stat st;
  ASSERT_EQ(stat(Db().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SafeguarddTest, ReflectionOnlyWithTheFlag) {
  Subprocess server(Args({"--enable_reflection"}), dir_.path(),
                    dir_.File("out"));
  int port = StartServer(server);
  std::string raw;
  grpc::Status s = ListServicesByReflection(
      TestChannel(port, pki_.ca_file(), athena_), &raw);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_NE(raw.find("safeguard.v1.ServerInfo"), std::string::npos);
  EXPECT_NE(raw.find("grpc.health.v1.Health"), std::string::npos);
}

// Holds a TCP port on 127.0.0.1 open for the life of the object.
class BusyPort {
 public:
  BusyPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 1);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~BusyPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_;
  int port_;
};

TEST_F(SafeguarddTest, StartUpFailuresStopWithOneLineNamingTheFile) {
  // A database to protect: every failure must leave it byte for byte.
  {
    auto key = ReadKeyFile(key_file_);
    ASSERT_TRUE(key.ok());
    std::filesystem::create_directory(dir_.File("data"));
    ASSERT_TRUE(::safeguard::testing::OpenStore(Db(), *key).ok());
  }
  const std::string db_before = ReadFileOrEmpty(Db());

  std::string other_key = dir_.File("other.key");
  ASSERT_TRUE(CreateKeyFile(other_key).ok());
  std::string loose_key = dir_.File("loose.key");
  std::filesystem::copy_file(key_file_, loose_key);
  chmod(loose_key.c_str(), 0644);
  std::string garbage = dir_.File("garbage.pem");
  std::ofstream(garbage) << "not a certificate\n";
  CertFiles other = pki_.IssueIdentity("x", "system/y");
  std::string bad_policy = dir_.File("bad-policy.textproto");
  std::ofstream(bad_policy) << "areas: \"ipswich\"\n"
                               "grants {\n  agency: \"a\"\n  roles: \"wizard\"\n}\n";
  // The shipped policy without its one rule for BreakGlass.
  std::string unruled_policy = dir_.File("unruled-policy.textproto");
  std::ofstream(unruled_policy) << absl::StrReplaceAll(
      ReadFileOrEmpty(std::string(SAFEGUARD_SOURCE_DIR) +
                      "/policy/partnership.textproto"),
      {{"rules {\n  name: \"break-glass\"\n  methods: "
        "\"safeguard.v1.Audit/BreakGlass\"\n  roles: \"auditor\"\n  "
        "scopes: ALL\n}\n",
        ""}});
  std::string config = dir_.File("bad.textproto");
  std::ofstream(config) << "data_dir: \"data\"\nbogus_option: 1\n";
  BusyPort busy;
  const std::string busy_address = absl::StrCat("127.0.0.1:", busy.port());

  struct Case {
    const char* name;
    std::vector<std::string> flags;
    std::string line;  // the whole output, one line
  } cases[] = {
      {"wrong key", {"--key_file=" + other_key},
       "safeguardd: database " + Db() +
           " cannot be decrypted with this key (wrong key, or not a "
           "safeguard database); key file " + other_key},
      {"missing key file", {"--key_file=" + dir_.File("nokey")},
       "safeguardd: key file " + dir_.File("nokey") + ": does not exist"},
      {"key file readable by others", {"--key_file=" + loose_key},
       "safeguardd: key file " + loose_key +
           ": group or others can access it (mode 0644); run chmod 600 on it"},
      {"missing certificate", {"--tls_cert_file=" + dir_.File("none.crt")},
       "safeguardd: certificate file " + dir_.File("none.crt") +
           ": cannot be read (missing?)"},
      {"certificate and key mismatch", {"--tls_key_file=" + other.key},
       "safeguardd: private key file " + other.key +
           ": does not match the certificate in " + pki_.server().cert},
      {"CA file is not PEM", {"--tls_ca_file=" + garbage},
       "safeguardd: CA file " + garbage + ": holds no PEM certificate"},
      {"missing CRL folder", {"--tls_crl_dir=" + dir_.File("nocrl")},
       "safeguardd: CRL folder " + dir_.File("nocrl") + ": is not a folder"},
      {"unknown config option", {"--config=" + config},
       "safeguardd: config file " + config +
           ":2:13: Message type \"safeguard.config.v1.ServerConfig\" has no "
           "field named \"bogus_option\"."},
      {"bad listen address", {"--listen_address=nowhere"},
       "safeguardd: flags: listen_address must be host:port, with a port "
       "from 0 to 65535"},
      {"malformed policy", {"--policy_file=" + bad_policy},
       "safeguardd: policy file " + bad_policy +
           ":4:3: unknown role \"wizard\""},
      {"a method without a rule", {"--policy_file=" + unruled_policy},
       "safeguardd: policy file " + unruled_policy +
           ": no rule names safeguard.v1.Audit/BreakGlass; every method of "
           "the API needs one"},
      {"missing policy", {"--policy_file=" + dir_.File("none.textproto")},
       "safeguardd: policy file " + dir_.File("none.textproto") +
           ": cannot be read"},
      {"unknown time zone", {"--time_zone=Mars/Olympus"},
       "safeguardd: time zone Mars/Olympus is unknown (is the tzdata package "
       "installed?)"},
      {"unknown flag", {"--bogus_flag=1"},
       "ERROR: Unknown command line flag 'bogus_flag'"},
  };
  for (const Case& c : cases) {
    std::string output;
    absl::Time begin = absl::Now();
    int code = RunProgram(Args(c.flags), dir_.path(), &output, absl::Seconds(10));
    EXPECT_LT(absl::Now() - begin, absl::Seconds(5)) << c.name;
    EXPECT_EQ(code, 1) << c.name;
    EXPECT_EQ(output, c.line + "\n") << c.name;
    EXPECT_EQ(ReadFileOrEmpty(Db()), db_before) << c.name;
  }

  // A port in use: gRPC logs its own lines first; ours is the last.
  std::string output;
  EXPECT_EQ(RunProgram(Args({"--listen_address=" + busy_address}), dir_.path(),
                       &output, absl::Seconds(10)),
            1);
  EXPECT_TRUE(absl::EndsWith(output, "safeguardd: cannot listen on " +
                                         busy_address +
                                         " (address in use, or not "
                                         "permitted)\n"))
      << output;

  // A second server on a data folder in use.
  Subprocess first(Args(), dir_.path(), dir_.File("first.out"));
  ASSERT_GT(StartServer(first), 0);
  EXPECT_EQ(RunProgram(Args(), dir_.path(), &output, absl::Seconds(10)), 1);
  EXPECT_EQ(output, "safeguardd: data folder " + dir_.File("data") +
                        " is in use by another safeguardd (lock file " +
                        dir_.File("data") + "/safeguardd.lock)\n");
}

TEST_F(SafeguarddTest, RekeyCommandMovesTheDataToTheNewKey) {
  {
    Subprocess server(Args(), dir_.path(), dir_.File("out"));
    int port = StartServer(server);
    ASSERT_TRUE(ClientFor(port, athena_)->GetServerInfo().ok());
  }
  std::string new_key = dir_.File("new.key");
  std::string output;
  ASSERT_EQ(RunProgram({SAFEGUARDD_PATH, "genkey", "--key_file=" + new_key},
                       dir_.path(), &output),
            0)
      << output;
  ASSERT_EQ(RunProgram({SAFEGUARDD_PATH, "rekey",
                        "--data_dir=" + dir_.File("data"),
                        "--key_file=" + key_file_, "--new_key_file=" + new_key},
                       dir_.path(), &output),
            0)
      << output;

  // The old key is refused; the new one opens the same data.
  EXPECT_EQ(RunProgram(Args(), dir_.path(), &output, absl::Seconds(10)), 1);
  EXPECT_NE(output.find("cannot be decrypted with this key"), std::string::npos)
      << output;
  Subprocess server(Args({"--key_file=" + new_key}), dir_.path(),
                    dir_.File("out2"));
  int port = StartServer(server);
  auto info = ClientFor(port, athena_)->GetServerInfo();
  ASSERT_TRUE(info.ok()) << info.status();
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.Wait(absl::Seconds(10)).has_value());
  auto key = ReadKeyFile(new_key);
  ASSERT_TRUE(key.ok());
  auto store = ::safeguard::testing::OpenStore(Db(), *key);
  ASSERT_TRUE(store.ok()) << store.status();
  CallerIdentity athena{"suffolk-police", "system/athena",
                        info->caller().certificate_sha256()};
  auto record = (*store)->GetCaller(athena);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->calls, 2);
}

// Which of two keys opens the database; fails the test unless exactly one.
int OpensWith(const std::string& db, const std::string& key_a,
              const std::string& key_b) {
  auto a = ReadKeyFile(key_a);
  auto b = ReadKeyFile(key_b);
  bool with_a = false, with_b = false;
  {
    Database::Options o;
    o.create_if_missing = false;
    auto da = Database::Open(db, *a, o);
    with_a = da.ok() && (*da)->CheckIntegrity().ok();
    auto dbb = Database::Open(db, *b, o);
    with_b = dbb.ok() && (*dbb)->CheckIntegrity().ok();
  }
  EXPECT_NE(with_a, with_b) << "a=" << with_a << " b=" << with_b;
  return with_a ? 0 : 1;
}

TEST_F(SafeguarddTest, RekeyKilledAtAnyPointOpensWithExactlyOneKey) {
  const std::string keys[2] = {key_file_, dir_.File("second.key")};
  ASSERT_TRUE(CreateKeyFile(keys[1]).ok());
  {
    // Enough rows that a rekey takes a measurable time.
    auto key = ReadKeyFile(keys[0]);
    std::filesystem::create_directory(dir_.File("data"));
    auto store = ::safeguard::testing::OpenStore(Db(), *key);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 3000; ++i) {
      CallerIdentity c{absl::StrCat("agency-", i), "system/s",
                       std::string(64, 'a' + i % 6)};
      ASSERT_TRUE((*store)->RecordCaller(c, absl::FromUnixSeconds(i)).ok());
    }
  }
  auto rekey_args = [&](int from) {
    return std::vector<std::string>{
        SAFEGUARDD_PATH, "rekey", "--data_dir=" + dir_.File("data"),
        "--key_file=" + keys[from], "--new_key_file=" + keys[1 - from]};
  };
  // Time one full run, then kill runs at points spread across that time.
  absl::Time begin = absl::Now();
  std::string output;
  ASSERT_EQ(RunProgram(rekey_args(0), dir_.path(), &output), 0) << output;
  const absl::Duration full = absl::Now() - begin;
  int current = OpensWith(Db(), keys[0], keys[1]);
  ASSERT_EQ(current, 1);

  std::mt19937 rng(20261124);
  int killed_midway = 0;
  for (int i = 0; i < 20; ++i) {
    absl::Duration delay = full * (i / 20.0) +
                           absl::Microseconds(rng() % 2000);
    Subprocess p(rekey_args(current), dir_.path(), dir_.File("rekey.out"));
    absl::SleepFor(delay);
    p.Signal(SIGKILL);
    std::optional<int> status = p.Wait(absl::Seconds(30));
    ASSERT_TRUE(status.has_value());
    if (WIFSIGNALED(*status)) ++killed_midway;
    current = OpensWith(Db(), keys[0], keys[1]);
  }
  EXPECT_GT(killed_midway, 10) << "full run took " << full;
  // And the data is all there under whichever key holds it.
  auto key = ReadKeyFile(keys[current]);
  auto store = ::safeguard::testing::OpenStore(Db(), *key);
  ASSERT_TRUE(store.ok()) << store.status();
  auto record = (*store)->GetCaller(
      {"agency-2999", "system/s", std::string(64, 'a' + 2999 % 6)});
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->first_seen, absl::FromUnixSeconds(2999));
}

TEST_F(SafeguarddTest, DevelopmentCertificatesWorkWithTheServer) {
  const std::string certs = dir_.File("dev");
  std::string output;
  ASSERT_EQ(RunProgram({"/bin/bash",
                        std::string(SAFEGUARD_SOURCE_DIR) +
                            "/certs/make-dev-certs.sh",
                        certs},
                       dir_.path(), &output),
            0)
      << output;
  struct stat st;
  ASSERT_EQ(stat((certs + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat((certs + "/clients/csp-audit.person.auditor.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Subprocess server(Args({"--tls_ca_file=" + certs + "/ca.crt",
                          "--tls_cert_file=" + certs + "/server.crt",
                          "--tls_key_file=" + certs + "/server.key"}),
                    dir_.path(), dir_.File("out"));
  int port = StartServer(server);
  const std::string client = certs + "/clients/suffolk-police.system.athena";
  ASSERT_EQ(RunProgram({SAFEGUARDCTL_PATH, "whoami",
                        absl::StrCat("--target=127.0.0.1:", port),
                        "--ca=" + certs + "/ca.crt", "--cert=" + client + ".crt",
                        "--key=" + client + ".key"},
                       dir_.path(), &output),
            0)
      << output;
  EXPECT_NE(output.find("agency:          suffolk-police\n"
                        "principal:       system/athena\n"),
            std::string::npos)
      << output;
}

TEST_F(SafeguarddTest, AcknowledgedReferralsSurviveKill9) {
  std::vector<std::string> acknowledged;
  std::string last_state;
  {
    Subprocess server(Args(), dir_.path(), dir_.File("out"));
    int port = StartServer(server);
    auto stub = v1::Referrals::NewStub(TestChannel(port, pki_.ca_file(), athena_));
    for (int i = 0; i < 20; ++i) {
      v1::SubmitReferralRequest request;
      request.set_request_id(absl::StrCat("durable-", i));
      *request.mutable_referral() = testing::NrmSubmission();
      v1::Referral out;
      grpc::Status s = stub->SubmitReferral(testing::Context().get(), request, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
      acknowledged.push_back(out.name());
    }
    // A transition acknowledged just before the kill.
    v1::TransitionReferralRequest t;
    t.set_name(acknowledged.back());
    t.set_action("withdraw");
    t.set_reason("made in error");
    t.set_version(1);
    v1::Referral out;
    ASSERT_TRUE(stub->TransitionReferral(testing::Context().get(), t, &out).ok());
    last_state = out.state();
    server.Signal(SIGKILL);
    ASSERT_TRUE(server.Wait(absl::Seconds(10)).has_value());
  }
  Subprocess server(Args(), dir_.path(), dir_.File("out2"));
  int port = StartServer(server);
  auto stub = v1::Referrals::NewStub(TestChannel(port, pki_.ca_file(), athena_));
  for (const std::string& name : acknowledged) {
    v1::GetReferralRequest get;
    get.set_name(name);
    v1::Referral out;
    grpc::Status s = stub->GetReferral(testing::Context().get(), get, &out);
    EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
  }
  v1::GetReferralRequest get;
  get.set_name(acknowledged.back());
  v1::Referral out;
  ASSERT_TRUE(stub->GetReferral(testing::Context().get(), get, &out).ok());
  EXPECT_EQ(out.state(), "WITHDRAWN");
  EXPECT_EQ(last_state, "WITHDRAWN");
}

// The restore drill: write, back up, write more, kill -9, lose the data
// folder and its key, check the backup off-line, restore, start. Everything
// up to the backup is there and verifies; nothing after it is; the chain
// itself says where the copy ended.
TEST_F(SafeguarddTest, RestoreDrillAfterTheDataFolderIsLost) {
  const std::string backup_key = dir_.File("backup.key");
  ASSERT_TRUE(CreateKeyFile(backup_key).ok());
  // An operator's command: the server's own flags, then the command's.
  auto command = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = Args({"--backup_key_file=" + backup_key});
    args.insert(args.begin() + 1, name);
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  auto submit = [&](v1::Referrals::Stub& stub, const std::string& id) {
    v1::SubmitReferralRequest request;
    request.set_request_id(id);
    *request.mutable_referral() = testing::NrmSubmission();
    v1::Referral out;
    grpc::Status s = stub.SubmitReferral(testing::Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  };
  std::vector<std::string> before, after;
  std::string backup;
  std::string out;
  {
    Subprocess server(Args({"--audit_checkpoint_entries=1"}), dir_.path(),
                      dir_.File("out"));
    const int port = StartServer(server);
    auto stub = v1::Referrals::NewStub(TestChannel(port, pki_.ca_file(), athena_));
    for (int i = 0; i < 5; ++i) before.push_back(submit(*stub, absl::StrCat("b", i)));
    ASSERT_EQ(RunProgram(command("backup", {"--to=" + dir_.File("backups")}),
                         dir_.path(), &out),
              0)
        << out;
    // The folder written is the one line on standard output.
    const size_t at = out.find(dir_.File("backups") + "/backup-");
    ASSERT_NE(at, std::string::npos) << out;
    backup = out.substr(at, out.find('\n', at) - at);
    EXPECT_NE(out.find("safeguardd: backup written in "), std::string::npos) << out;
    for (int i = 0; i < 3; ++i) after.push_back(submit(*stub, absl::StrCat("a", i)));
    // Not onto a running server.
    EXPECT_EQ(RunProgram(command("restore", {"--from=" + backup}), dir_.path(), &out),
              1);
    EXPECT_NE(out.find("safeguardd: data folder " + dir_.File("data") +
                       " is in use by another safeguardd"),
              std::string::npos)
        << out;
    server.Signal(SIGKILL);
    ASSERT_TRUE(server.Wait(absl::Seconds(10)).has_value());
  }
  // The disk is lost: the data folder and the key file in it.
  std::filesystem::remove_all(dir_.File("data"));
  std::filesystem::remove(key_file_);

  storage::v1::BackupManifest manifest;
  ASSERT_TRUE(ReadTextProtoFile("manifest", backup + "/backup-manifest.textproto",
                                &manifest)
                  .ok());
  const int64_t entries = manifest.audit_entries();
  ASSERT_EQ(RunProgram(command("verify-backup", {backup}), dir_.path(), &out), 0)
      << out;
  EXPECT_NE(out.find(absl::StrCat("backup ", backup, " is intact: made ",
                                  manifest.created(), " by safeguardd ")),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(absl::StrCat("its audit log of ", entries,
                                  " entries verifies against ")),
            std::string::npos)
      << out;
  ASSERT_EQ(RunProgram(command("restore", {"--from=" + backup}), dir_.path(), &out),
            0)
      << out;
  EXPECT_NE(out.find("safeguardd: created a new database key file " + key_file_),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(absl::StrCat("The audit log now ends with entry ",
                                  entries + 1, ", safeguardd/Restore.")),
            std::string::npos)
      << out;

  Subprocess server(Args(), dir_.path(), dir_.File("out2"));
  const int port = StartServer(server);
  auto stub = v1::Referrals::NewStub(TestChannel(port, pki_.ca_file(), athena_));
  for (const std::string& name : before) {
    v1::GetReferralRequest get;
    get.set_name(name);
    v1::Referral got;
    EXPECT_TRUE(stub->GetReferral(testing::Context().get(), get, &got).ok()) << name;
  }
  for (const std::string& name : after) {
    v1::GetReferralRequest get;
    get.set_name(name);
    v1::Referral got;
    EXPECT_EQ(stub->GetReferral(testing::Context().get(), get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND)
        << name;
  }
  auto auditor = v1::Audit::NewStub(TestChannel(
      port, pki_.ca_file(), pki_.IssueIdentity("csp-audit", "person/auditor")));
  v1::VerifyAuditLogResponse verified;
  ASSERT_TRUE(auditor->VerifyAuditLog(testing::Context().get(), {}, &verified).ok());
  EXPECT_TRUE(verified.ok()) << verified.problem();
  // Those of the backup, and any the server signed since it started.
  EXPECT_GE(verified.checkpoints(), manifest.audit_checkpoints());
  v1::ListAuditEntriesRequest list;
  list.mutable_filter()->set_method("safeguardd/Restore");
  v1::ListAuditEntriesResponse restores;
  ASSERT_TRUE(auditor->ListAuditEntries(testing::Context().get(), list, &restores).ok());
  ASSERT_EQ(restores.entries_size(), 1);
  EXPECT_EQ(restores.entries(0).sequence(), entries + 1);
}

// With log_format json every line is one object with a level and an event,
// and the events about calls name the method and the outcome, never who.
TEST_F(SafeguarddTest, JsonLogsOneObjectALineAndNoOneNamed) {
  Subprocess server(Args({"--log_format=json", "--slow_call_ms=1"}), dir_.path(),
                    dir_.File("out"));
  const int port = [&] {
    EXPECT_TRUE(server.WaitForOutput("\"event\":\"started\"", absl::Seconds(20)))
        << server.Output();
    const std::string out = server.Output();
    const std::string marker = "\"grpc_port\":";
    const size_t at = out.find(marker);
    int p = 0;
    if (at != std::string::npos) {
      EXPECT_TRUE(absl::SimpleAtoi(
          out.substr(at + marker.size(),
                     out.find_first_of(",}", at) - at - marker.size()),
          &p));
    }
    return p;
  }();
  ASSERT_GT(port, 0) << server.Output();
  v1::SubmitReferralRequest request;
  request.set_request_id("json-log-1");
  *request.mutable_referral() = testing::NrmSubmission();
  v1::Referral out;
  auto stub = v1::Referrals::NewStub(TestChannel(port, pki_.ca_file(), athena_));
  ASSERT_TRUE(stub->SubmitReferral(testing::Context().get(), request, &out).ok());
  auto stranger = v1::Referrals::NewStub(TestChannel(
      port, pki_.ca_file(), pki_.IssueIdentity("no-such-agency", "person/someone")));
  v1::GetReferralRequest get;
  get.set_name(out.name());
  EXPECT_EQ(stranger->GetReferral(testing::Context().get(), get, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.Wait(absl::Seconds(20)).has_value());

  std::vector<std::string> events;
  for (absl::string_view line : absl::StrSplit(server.Output(), '\n', absl::SkipEmpty())) {
    ASSERT_TRUE(absl::StartsWith(line, "{\"time\":\"") && absl::EndsWith(line, "}"))
        << line;
    EXPECT_NE(line.find(",\"level\":\""), std::string::npos) << line;
    const size_t at = line.find(",\"event\":\"");
    ASSERT_NE(at, std::string::npos) << line;
    const size_t from = at + 10;
    events.emplace_back(line.substr(from, line.find('"', from) - from));
    for (const char* secret : {"athena", "suffolk-police", "no-such-agency",
                               "someone", "json-log-1"}) {
      EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in " << line;
    }
  }
  const std::string output = server.Output();
  EXPECT_NE(output.find("{\"time\":"), std::string::npos);
  EXPECT_NE(output.find("\"event\":\"call_refused\",\"message\":\"call "
                        "safeguard.v1.Referrals/GetReferral refused: "
                        "PERMISSION_DENIED\",\"method\":\"safeguard.v1.Referrals/"
                        "GetReferral\",\"code\":\"PERMISSION_DENIED\"}"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("\"event\":\"slow_call\",\"message\":\"slow call "
                        "safeguard.v1.Referrals/SubmitReferral: "),
            std::string::npos)
      << output;
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front(), "started");
  EXPECT_EQ(events[events.size() - 2], "stopping");
  EXPECT_EQ(events.back(), "stopped");
}

TEST_F(SafeguarddTest, SighupReloadsTheNewPolicyOnlyIfItIsValid) {
  const std::string shipped = ReadFileOrEmpty(std::string(SAFEGUARD_SOURCE_DIR) +
                                              "/policy/partnership.textproto");
  const std::string policy = dir_.File("policy.textproto");
  std::ofstream(policy) << shipped;
  Subprocess server(Args({"--policy_file=" + policy}), dir_.path(),
                    dir_.File("out"));
  int port = StartServer(server);
  CertFiles newcomer = pki_.IssueIdentity("new-agency", "system/case");
  auto info = [&](const CertFiles& who) {
    v1::GetServerInfoResponse out;
    return v1::ServerInfo::NewStub(TestChannel(port, pki_.ca_file(), who))
        ->GetServerInfo(testing::Context().get(), {}, &out)
        .error_code();
  };
  EXPECT_EQ(info(newcomer), grpc::StatusCode::PERMISSION_DENIED);

  std::ofstream(policy) << shipped << "\ngrants { agency: \"new-agency\" "
                                      "roles: \"sorcerer\" }\n";
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForOutput("policy reload refused", absl::Seconds(10)));
  EXPECT_NE(server.Output().find("unknown role \"sorcerer\""), std::string::npos);
  EXPECT_EQ(info(newcomer), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(info(athena_), grpc::StatusCode::OK);  // the old policy stands

  std::ofstream(policy) << shipped << "\ngrants { agency: \"new-agency\" "
                                      "roles: \"referrer\" }\n";
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForOutput("policy reloaded from", absl::Seconds(10)));
  EXPECT_EQ(info(newcomer), grpc::StatusCode::OK);

  // A policy without a rule for one method is refused, as at start-up.
  std::ofstream(policy) << absl::StrReplaceAll(
      shipped, {{"rules {\n  name: \"break-glass\"\n  methods: "
                 "\"safeguard.v1.Audit/BreakGlass\"\n  roles: \"auditor\"\n  "
                 "scopes: ALL\n}\n",
                 ""}});
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForOutput(
      "no rule names safeguard.v1.Audit/BreakGlass", absl::Seconds(10)));
  EXPECT_EQ(info(newcomer), grpc::StatusCode::OK);  // the last good policy

  // Every reload is in the audit log, refused or not.
  v1::ListAuditEntriesRequest list;
  list.mutable_filter()->set_method("safeguardd/ReloadPolicy");
  v1::ListAuditEntriesResponse reloads;
  auto auditor = v1::Audit::NewStub(TestChannel(
      port, pki_.ca_file(), pki_.IssueIdentity("csp-audit", "person/auditor")));
  ASSERT_TRUE(auditor->ListAuditEntries(testing::Context().get(), list, &reloads).ok());
  ASSERT_EQ(reloads.entries_size(), 3);
  EXPECT_EQ(reloads.entries(0).code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(reloads.entries(1).code(), grpc::StatusCode::OK);
  EXPECT_EQ(reloads.entries(1).rule(), "sighup");
  EXPECT_EQ(reloads.entries(2).code(), grpc::StatusCode::FAILED_PRECONDITION);
}

// Replaces every `from` in `text` by `to`.
std::string ReplaceAll(std::string text, const std::string& from,
                       const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The shipped configuration, moved under a temporary root (only its path
// prefixes and listen address change), installed as the steps in
// deploy/safeguardd.service say and started as the unit starts it.
TEST_F(SafeguarddTest, TheShippedConfigurationStartsTheServer) {
  const std::string root = dir_.File("root");
  const std::string etc = root + "/etc/safeguard";
  const std::string state = root + "/var/lib/safeguard";
  const std::string share = root + "/usr/share/safeguard";
  std::string config = ReadFileOrEmpty(std::string(SAFEGUARD_SOURCE_DIR) +
                                       "/deploy/safeguardd.textproto");
  ASSERT_NE(config.find("listen_address: \"0.0.0.0:50051\""),
            std::string::npos);
  config = ReplaceAll(config, "\"0.0.0.0:50051\"", "\"127.0.0.1:0\"");
  ASSERT_NE(config.find("http_listen_address: \"0.0.0.0:8443\""),
            std::string::npos);
  config = ReplaceAll(config, "\"0.0.0.0:8443\"", "\"127.0.0.1:0\"");
  config = ReplaceAll(config, "\"/etc/safeguard", "\"" + etc);
  config = ReplaceAll(config, "\"/var/lib/safeguard", "\"" + state);
  config = ReplaceAll(config, "\"/usr/share/safeguard", "\"" + share);
  // Every path it names is absolute and now under the temporary root.
  for (absl::string_view line : absl::StrSplit(config, '\n')) {
    const size_t quote = line.find('"');
    if (quote == absl::string_view::npos || line.substr(0, 1) == "#") continue;
    const absl::string_view value = line.substr(quote + 1);
    if (absl::StartsWith(value, "/")) {
      EXPECT_TRUE(absl::StartsWith(value, root)) << line;
    } else {
      EXPECT_FALSE(absl::StrContains(line, "file") ||
                   absl::StrContains(line, "_dir"))
          << "a relative path: " << line;
    }
  }
  const std::string config_file = etc + "/safeguardd.textproto";

  // The installation steps.
  for (const std::string& folder : {etc + "/tls/crl", state, share + "/console"}) {
    std::filesystem::create_directories(folder);
  }
  chmod(state.c_str(), 0700);
  std::ofstream(config_file) << config;
  namespace fs = std::filesystem;
  const std::string source = SAFEGUARD_SOURCE_DIR;
  fs::copy_file(source + "/policy/partnership.textproto",
                share + "/partnership.textproto");
  std::ofstream(share + "/console/index.html") << "<!doctype html>";
  fs::copy_file(source + "/deploy/bank-holidays-england-and-wales.txt",
                share + "/bank-holidays-england-and-wales.txt");
  fs::copy_file(pki_.ca_file(), etc + "/tls/ca.crt");
  fs::copy_file(pki_.server().cert, etc + "/tls/server.crt");
  fs::copy_file(pki_.server().key, etc + "/tls/server.key");
  pki_.WriteCrl();
  fs::copy_file(pki_.crl_dir() + "/" + pki_.CrlFileName(),
                etc + "/tls/crl/" + pki_.CrlFileName());
  std::string output;
  ASSERT_EQ(RunProgram({SAFEGUARDD_PATH, "genkey", "--key_file=" + etc + "/db.key"},
                       root, &output),
            0)
      << output;
  ASSERT_EQ(RunProgram({SAFEGUARDD_PATH, "genkey",
                        "--audit_signing_key_file=" + etc + "/audit-signing.key"},
                       root, &output),
            0)
      << output;
  ASSERT_EQ(RunProgram({SAFEGUARDD_PATH, "genkey",
                        "--backup_key_file=" + etc + "/backup.key"},
                       root, &output),
            0)
      << output;

  // As the unit runs it: only --config, in WorkingDirectory.
  Subprocess server({SAFEGUARDD_PATH, "--config=" + config_file}, state,
                    dir_.File("out"));
  int port = StartServer(server);
  ASSERT_GT(port, 0) << server.Output();
  EXPECT_TRUE(::safeguard::testing::WaitForHealth(
      port, pki_.ca_file(), athena_,
      grpc::health::v1::HealthCheckResponse::SERVING));
  auto client = ClientFor(port, athena_);
  SAFEGUARD_EXPECT_OK(client->GetServerInfo().status());
  server.Signal(SIGTERM);
  std::optional<int> status = server.Wait(absl::Seconds(10));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(*status, 0) << server.Output();
  // It logs JSON, as shipped.
  EXPECT_EQ(server.Output().rfind("{\"time\":", 0), 0u) << server.Output();
  EXPECT_TRUE(fs::exists(state + "/safeguard.db"));
  EXPECT_TRUE(fs::exists(state + "/audit-checkpoints.log"));
}

// --help (or -h, or help) exits 0 with the commands and each option with
// its default, as the configuration fills it in; a command's help names
// its options. Output is stdout and stderr together.
TEST(HelpTest, EachProgramSaysWhatItDoesAndExitsZero) {
  struct Case {
    const char* name;
    std::vector<std::string> argv;
    std::vector<std::string> shown;
  };
  const std::vector<Case> cases = {
      {"safeguardd --help",
       {SAFEGUARDD_PATH, "--help"},
       {"safeguardd genkey --key_file=F", "safeguardd rekey --new_key_file=F",
        "  --worker_threads\n      Threads for database work (default: 32)\n",
        "  --listen_address\n      host:port to listen on; port 0 picks a free "
        "port (default: 127.0.0.1:50051)\n",
        "  --tls_ca_file\n      PEM CA that client certificates must chain to "
        "(default: certs/dev/ca.crt)\n",
        "(default: data/audit-signing.key)\n",
        // No default: none is shown.
        "  --console_dir\n      Folder of the web console's static files, "
        "served at / over HTTPS\n"}},
      {"safeguardd -h", {SAFEGUARDD_PATH, "-h"}, {"  --http_threads\n"}},
      {"safeguardd help", {SAFEGUARDD_PATH, "help"}, {"  --disk_reserve_mb\n"}},
      {"safeguardctl --help",
       {SAFEGUARDCTL_PATH, "--help"},
       {"  safeguardctl queue \n", "  safeguardctl audit verify-export \n",
        "Connection: --target --ca --cert --key"}},
      {"safeguardctl queue --help",
       {SAFEGUARDCTL_PATH, "queue", "--help"},
       {"  safeguardctl queue \n      the triage queue (--kind --state --area"}},
  };
  TempDir dir;
  for (const Case& c : cases) {
    std::string output;
    EXPECT_EQ(RunProgram(c.argv, dir.path(), &output, absl::Seconds(10)), 0) << c.name;
    for (const std::string& want : c.shown) {
      EXPECT_TRUE(absl::StrContains(output, want)) << c.name << " lacks: " << want
                                                   << "\n" << output;
    }
    // Abseil's own listing (every library's flags) is for --helpfull.
    EXPECT_FALSE(absl::StrContains(output, "Flags from")) << c.name;
  }
}

TEST(DeployTest, TheSystemdUnitVerifies) {
  // systemd-analyze comes with systemd, which a machine running the unit
  // has; a build root or chroot without systemd cannot check the unit, and
  // installing systemd there would replace the init of a container.
  if (access("/usr/bin/systemd-analyze", X_OK) != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed on this machine";
  }
  TempDir dir;
  // The unit as installed, with the binary where this build put it.
  const std::string unit = ReplaceAll(
      ReadFileOrEmpty(std::string(SAFEGUARD_SOURCE_DIR) +
                      "/deploy/safeguardd.service"),
      "/usr/bin/safeguardd", SAFEGUARDD_PATH);
  std::ofstream(dir.File("safeguardd.service")) << unit;
  std::string output;
  EXPECT_EQ(RunProgram({"/usr/bin/systemd-analyze", "verify",
                        dir.File("safeguardd.service")},
                       dir.path(), &output),
            0)
      << output;
  EXPECT_EQ(output, "");
  // Hardened: systemd's own exposure rating is "OK" or better (below 4.0
  // on its 0 to 10 scale; the unit rates 1.2).
  EXPECT_EQ(RunProgram({"/usr/bin/systemd-analyze", "security", "--offline=true",
                        dir.File("safeguardd.service")},
                       dir.path(), &output),
            0)
      << output;
  const std::string marker = "Overall exposure level for safeguardd.service: ";
  const size_t at = output.find(marker);
  ASSERT_NE(at, std::string::npos) << output;
  double exposure = 10;
  ASSERT_TRUE(absl::SimpleAtod(
      output.substr(at + marker.size(), output.find(' ', at + marker.size()) -
                                            at - marker.size()),
      &exposure))
      << output;
  EXPECT_LT(exposure, 4.0) << output;
  EXPECT_NE(output.find(" OK"), std::string::npos) << output;
}

// Runs safeguardctl as `who` ("agency/kind/name") against `port`.
class Ctl {
 public:
  Ctl(TestPki& pki, const std::string& dir, int port)
      : pki_(pki), dir_(dir), port_(port) {}
  std::vector<std::string> Argv(const std::string& who,
                                std::vector<std::string> args) {
    size_t slash = who.find('/');
    CertFiles cert = pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1));
    std::vector<std::string> argv = {SAFEGUARDCTL_PATH,
                                     absl::StrCat("--target=127.0.0.1:", port_),
                                     "--ca=" + pki_.ca_file(),
                                     "--cert=" + cert.cert, "--key=" + cert.key};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  int Run(const std::string& who, std::vector<std::string> args,
          std::string* output) {
    return RunProgram(Argv(who, std::move(args)), dir_, output);
  }

 private:
  TestPki& pki_;
  const std::string dir_;
  const int port_;
};

TEST_F(SafeguarddTest, TheCommandLineEndToEnd) {
  Subprocess server(Args({"--audit_checkpoint_entries=1"}), dir_.path(),
                    dir_.File("out"));
  int port = StartServer(server);
  Ctl ctl(pki_, dir_.path(), port);
  const std::string council = "babergh-mid-suffolk-council/system/case";
  const std::string sanctuary = "west-suffolk-council/person/sanctuary-coordinator";
  const std::string auditor = "csp-audit/person/auditor";
  std::string out;

  // A partner submits from a JSON file.
  std::string json;
  google::protobuf::util::MessageToJsonString(
      testing::TargetHardeningSubmission(), &json);
  std::ofstream(dir_.File("referral.json")) << json;
  ASSERT_EQ(ctl.Run(council, {"submit", dir_.File("referral.json")}, &out), 0) << out;
  EXPECT_TRUE(absl::StartsWith(out, "submitted THD-")) << out;
  // "submitted <reference> as <name> (<state>)"
  auto submitted_name = [](const std::string& out) {
    const size_t from = out.find(" as ") + 4;
    return out.substr(from, out.find(" (") - from);
  };
  const std::string name = submitted_name(out);
  EXPECT_TRUE(absl::EndsWith(out, "(REFERRED)\n")) << out;

  // A field-validation failure, readable.
  v1::Referral bad = testing::TargetHardeningSubmission("atlantis");
  bad.mutable_target_hardening()->clear_tenure();
  json.clear();
  google::protobuf::util::MessageToJsonString(bad, &json);
  std::ofstream(dir_.File("bad.json")) << json;
  EXPECT_EQ(ctl.Run(council, {"submit", dir_.File("bad.json")}, &out), 1);
  EXPECT_EQ(out,
            "safeguardctl: INVALID_ARGUMENT: invalid fields: referral.area, "
            "referral.target_hardening.tenure\n"
            "  referral.area: is not one of the partnership's areas\n"
            "  referral.target_hardening.tenure: is required\n");

  // A lead follows the queue: the list comes once the watch is live, then
  // every change after it.
  Subprocess watcher(
      ctl.Argv(sanctuary, {"queue", "--kind=TARGET_HARDENING", "--watch"}),
      dir_.path(), dir_.File("watch.out"));
  ASSERT_TRUE(watcher.WaitForOutput(name, absl::Seconds(20))) << watcher.Output();
  ASSERT_EQ(ctl.Run(council, {"submit", dir_.File("referral.json")}, &out), 0) << out;
  const std::string second = submitted_name(out);
  ASSERT_TRUE(watcher.WaitForOutput(second, absl::Seconds(20))) << watcher.Output();
  const std::string followed = watcher.Output();
  const size_t event = followed.rfind("\nNEW ");
  ASSERT_NE(event, std::string::npos) << followed;
  EXPECT_EQ(followed.substr(followed.size() - second.size() - 1),
            second + "\n")
      << followed;
  EXPECT_EQ(followed.find("REFERENCE"), 0u) << followed;
  EXPECT_LT(followed.find(name), event) << followed;
  watcher.Signal(SIGTERM);
  ASSERT_TRUE(watcher.Wait(absl::Seconds(10)).has_value());

  // The lead's queue and a transition.
  ASSERT_EQ(ctl.Run(sanctuary, {"queue", "--kind=TARGET_HARDENING"}, &out), 0) << out;
  EXPECT_TRUE(absl::StartsWith(out, "REFERENCE")) << out;
  EXPECT_NE(out.find("THD-"), std::string::npos) << out;
  EXPECT_NE(out.find(name), std::string::npos) << out;
  ASSERT_EQ(ctl.Run(sanctuary, {"transition", name, "begin_eligibility", "--version=1"},
                    &out),
            0)
      << out;
  EXPECT_NE(out.find("ELIGIBILITY  version 2"), std::string::npos) << out;
  EXPECT_EQ(ctl.Run(sanctuary, {"transition", name, "close", "--version=2"}, &out), 1);
  EXPECT_NE(out.find("FAILED_PRECONDITION: the action is not allowed from "
                     "state ELIGIBILITY; allowed: accept, decline, cancel, "
                     "withdraw_consent"),
            std::string::npos)
      << out;
  struct Misuse {
    std::vector<std::string> args;
    const char* message;
  } misuses[] = {
      {{"bogus"}, "unknown command 'bogus'"},
      {{"get"}, "get takes 1 argument(s)"},
      {{"assign", name, "a", "b"}, "assign takes 1 or 2 argument(s)"},
      {{"audit"}, "audit needs a subcommand"},
      {{"audit", "verify", "x"}, "audit verify takes 0 argument(s)"},
      {{"report", "reports/full"},
       "report needs --start and --end as YYYY-MM-DD"},
  };
  for (const Misuse& m : misuses) {
    EXPECT_EQ(ctl.Run(sanctuary, m.args, &out), 2) << m.message;
    EXPECT_EQ(out, absl::StrCat("safeguardctl: ", m.message,
                                " (see safeguardctl help)\n"));
  }

  // The analyst's report as CSV, laid out as the console's download: the
  // two jobs referred today are fewer than 5.
  const v1::Date today = testing::Today();
  const std::string day = absl::StrFormat("%04d-%02d-%02d", today.year(),
                                          today.month(), today.day());
  ASSERT_EQ(ctl.Run("csp-analyst/person/analyst",
                    {"report", "reports/target-hardening", "--start=" + day,
                     "--end=" + day, "--output=csv"},
                    &out),
            0)
      << out;
  EXPECT_TRUE(absl::StartsWith(
      out, absl::StrCat("Report,Target hardening\r\n"
                        "Period,", day, " to ", day, "\r\n"
                        "Area,The whole partnership\r\n"
                        "Small numbers,\"A count from 1 to 4 is shown as "
                        "\"\"fewer than 5\"\", and a count from which one of "
                        "those could be worked out as \"\"suppressed\"\". A "
                        "rate, median or percentile from fewer than 5 cases "
                        "is shown as \"\"too few cases\"\".\"\r\n"
                        "\r\n"
                        "Target-hardening jobs\r\n"
                        "Stage,Jobs\r\n"
                        "Jobs referred,fewer than 5\r\n"
                        "Jobs completed (measures installed),0\r\n")))
      << out;

  // What a caller wrote reaches an auditor's terminal with its control
  // characters escaped.
  ASSERT_EQ(ctl.Run(auditor,
                    {"break-glass", name,
                     "--reason=\x1b[31mrecolour the auditor's terminal\x1b[0m"},
                    &out),
            0)
      << out;
  ASSERT_EQ(ctl.Run(auditor, {"audit", "list", "--referral=" + name}, &out), 0)
      << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("BREAK-GLASS: \\x1b[31mrecolour the auditor's "
                     "terminal\\x1b[0m"),
            std::string::npos)
      << out;

  // The auditor verifies on the server, then exports and verifies offline.
  ASSERT_EQ(ctl.Run(auditor, {"audit", "verify"}, &out), 0) << out;
  EXPECT_TRUE(absl::StartsWith(out, "verified: ")) << out;
  absl::SleepFor(absl::Milliseconds(600));  // let a checkpoint cover them
  const std::string exported = dir_.File("audit.jsonl");
  ASSERT_EQ(ctl.Run(auditor, {"audit", "export", "--out=" + exported}, &out), 0)
      << out;
  std::string pem;
  ASSERT_EQ(RunProgram({SAFEGUARDD_PATH, "audit-public-key",
                        "--audit_signing_key_file=" + signing_key_},
                       dir_.path(), &pem),
            0)
      << pem;
  std::ofstream(dir_.File("audit.pub")) << pem;
  server.Signal(SIGTERM);
  ASSERT_TRUE(server.Wait(absl::Seconds(10)).has_value());
  std::vector<std::string> offline = {
      SAFEGUARDCTL_PATH, "audit", "verify-export", "--export_file=" + exported,
      "--public_key=" + dir_.File("audit.pub")};
  ASSERT_EQ(RunProgram(offline, dir_.path(), &out), 0) << out;
  EXPECT_TRUE(absl::StartsWith(out, "verified: ")) << out;
  EXPECT_EQ(out.find("verified: 0 entries"), std::string::npos) << out;

  // The shipped checkpoint file works too; an edited export does not.
  std::vector<std::string> with_file = offline;
  with_file.push_back("--checkpoints=" + dir_.File("checkpoints.log"));
  ASSERT_EQ(RunProgram(with_file, dir_.path(), &out), 0) << out;
  std::string text = ReadFileOrEmpty(exported);
  size_t at = text.find("\"code\":9");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 8, "\"code\":0");
  std::ofstream(exported) << text;
  EXPECT_EQ(RunProgram(offline, dir_.path(), &out), 3);
  EXPECT_TRUE(absl::StartsWith(out, "FAILED at entry ")) << out;
  EXPECT_NE(out.find("was changed: its hash differs"), std::string::npos) << out;
}

}  // namespace
}  // namespace safeguard
