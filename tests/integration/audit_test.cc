// The audit log through the real server: one entry per call, allowed,
// denied or malformed, with no gaps; tampering with the stored log is
// detected; and when an entry cannot be written, reads return no data and
// writes change nothing.
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/open_store.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::Context;
using ::safeguard::testing::OpenStore;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
constexpr char kProbation[] = "probation-service/system/ndelius";
constexpr char kNobody[] = "unknown-agency/system/x";

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }

  void Start() {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }
  void Stop() {
    callers_.reset();
    server_->Shutdown(absl::Seconds(5));
    server_.reset();
  }

  std::unique_ptr<v1::Audit::Stub> Auditor() {
    return v1::Audit::NewStub(TestChannel(
        server_->port(), pki_.ca_file(),
        pki_.IssueIdentity("csp-audit", "person/auditor")));
  }

  v1::VerifyAuditLogResponse Verify() {
    v1::VerifyAuditLogResponse out;
    grpc::Status s = Auditor()->VerifyAuditLog(Context().get(), {}, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  std::vector<v1::AuditEntry> AllEntries() {
    std::vector<v1::AuditEntry> out;
    v1::ListAuditEntriesRequest request;
    request.set_page_size(1000);
    auto auditor = Auditor();
    while (true) {
      v1::ListAuditEntriesResponse page;
      grpc::Status s = auditor->ListAuditEntries(Context().get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      for (const auto& e : page.entries()) out.push_back(e);
      if (!s.ok() || page.next_page_token().empty()) return out;
      request.set_page_token(page.next_page_token());
    }
  }

  // The entries of the call with this x-request-id.
  std::vector<v1::AuditEntry> EntriesFor(const std::string& request_id) {
    std::vector<v1::AuditEntry> found;
    for (const v1::AuditEntry& e : AllEntries()) {
      if (e.request_id() == request_id) found.push_back(e);
    }
    return found;
  }

  // With the server stopped: puts the `pristine` copy of the database file
  // back, runs `sql` on it, then checks that the restarted server's
  // verification names `first_bad` and `problem`.
  void ExpectTamperingCaught(const std::string& pristine,
                             const std::string& sql, int64_t first_bad,
                             const std::string& problem,
                             const std::string& label) {
    const std::string db_path = DatabasePath(config_);
    ASSERT_EQ(std::system(("cp " + pristine + " " + db_path).c_str()), 0);
    {
      auto key = ReadKeyFile(config_.key_file());
      ASSERT_TRUE(key.ok());
      auto db = OpenStore(db_path, *key);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(db->db->With([&](Database& d) { return d.Exec(sql); }).ok())
          << label;
    }
    Start();
    v1::VerifyAuditLogResponse v = Verify();
    EXPECT_FALSE(v.ok()) << label;
    EXPECT_EQ(v.first_bad_sequence(), first_bad) << label;
    EXPECT_EQ(v.problem(), problem) << label;
    Stop();
  }

  v1::Referral Submit(const std::string& who) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("r-", ++submissions_));
    *request.mutable_referral() = TargetHardeningSubmission();
    v1::Referral out;
    grpc::Status s = callers_->As(who).SubmitReferral(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int submissions_ = 0;
};

TEST_F(AuditTest, EveryCallGetsExactlyOneEntryWithNoGaps) {
  // What the clients saw, by method and code; the log must say the same.
  std::map<std::pair<std::string, int>, int> seen;
  auto note = [&](const std::string& method, const grpc::Status& s) {
    ++seen[{method, s.error_code()}];
  };
  const std::string kRef = "safeguard.v1.Referrals/";
  v1::Referral mine = Submit(kCouncil);
  note(kRef + "SubmitReferral", grpc::Status::OK);

  auto anonymous = v1::Referrals::NewStub(TestChannel(
      server_->port(), pki_.ca_file(), pki_.IssueClient("anonymous", {})));
  std::mt19937 rng(1124);
  const int kCalls = 2000;
  for (int i = 0; i < kCalls; ++i) {
    v1::Referral out;
    switch (rng() % 8) {
      case 0: {  // allowed, in scope
        v1::GetReferralRequest get;
        get.set_name(mine.name());
        note(kRef + "GetReferral",
             callers_->As(kCouncil).GetReferral(Context().get(), get, &out));
        break;
      }
      case 1: {  // allowed method, out of scope
        v1::GetReferralRequest get;
        get.set_name(mine.name());
        note(kRef + "GetReferral",
             callers_->As(kProbation).GetReferral(Context().get(), get, &out));
        break;
      }
      case 2: {  // malformed: a bad resource name
        v1::GetReferralRequest get;
        get.set_name("not-a-name");
        note(kRef + "GetReferral",
             callers_->As(kSanctuary).GetReferral(Context().get(), get, &out));
        break;
      }
      case 3: {  // denied: no role at all
        v1::ListReferralsResponse list;
        note(kRef + "ListReferrals",
             callers_->As(kNobody).ListReferrals(Context().get(), {}, &list));
        break;
      }
      case 4: {  // unauthenticated: no identity in the certificate
        v1::ListReferralsResponse list;
        note(kRef + "ListReferrals", anonymous->ListReferrals(Context().get(), {}, &list));
        break;
      }
      case 5: {  // invalid submission
        v1::SubmitReferralRequest request;
        request.set_request_id(absl::StrCat("bad-", i));
        note(kRef + "SubmitReferral",
             callers_->As(kCouncil).SubmitReferral(Context().get(), request, &out));
        break;
      }
      case 6: {  // a write refused for its version
        v1::TransitionReferralRequest t;
        t.set_name(mine.name());
        t.set_action("begin_eligibility");
        t.set_version(99);
        note(kRef + "TransitionReferral",
             callers_->As(kSanctuary).TransitionReferral(Context().get(), t, &out));
        break;
      }
      case 7: {  // a successful write
        v1::AddNoteRequest n;
        n.set_name(mine.name());
        n.set_text(absl::StrCat("note ", i));
        note(kRef + "AddNote", callers_->As(kCouncil).AddNote(Context().get(), n, &out));
        break;
      }
    }
  }
  std::vector<v1::AuditEntry> entries = AllEntries();
  // The auditor's own listing calls are logged too, after the ones counted.
  ASSERT_GE(entries.size(), static_cast<size_t>(kCalls + 1));
  std::map<std::pair<std::string, int>, int> logged;
  for (size_t i = 0; i < entries.size(); ++i) {
    ASSERT_EQ(entries[i].sequence(), static_cast<int64_t>(i + 1)) << "gap";
    if (entries[i].method().rfind(kRef, 0) == 0) {
      ++logged[{entries[i].method(), entries[i].code()}];
    }
    EXPECT_EQ(entries[i].leaf_hash().size(), 32u);
  }
  EXPECT_EQ(logged, seen);
  // No personal data: the canary-free fixture names never reach the log.
  for (const v1::AuditEntry& e : entries) {
    EXPECT_EQ(e.DebugString().find("Example"), std::string::npos);
    EXPECT_EQ(e.DebugString().find("IP33"), std::string::npos);
  }
  v1::VerifyAuditLogResponse verified = Verify();
  EXPECT_TRUE(verified.ok()) << verified.problem();
}

TEST_F(AuditTest, ARefusalIsAuditedBeforeItIsSentAndNamesTheCaller) {
  struct Case {
    const char* name;
    testing::CertFiles cert;
    grpc::StatusCode code;
    const char* agency;
    const char* principal;
    const char* roles;
  } cases[] = {
      {"a partner asking for the audit log",
       pki_.IssueIdentity("babergh-mid-suffolk-council", "system/case"),
       grpc::StatusCode::PERMISSION_DENIED, "babergh-mid-suffolk-council",
       "system/case", "referrer"},
      {"a certificate without a safeguard identity",
       pki_.IssueClient("anonymous", {}), grpc::StatusCode::UNAUTHENTICATED,
       "", "", ""},
  };
  int n = 0;
  for (const Case& c : cases) {
    auto stub = v1::Audit::NewStub(TestChannel(server_->port(), pki_.ca_file(), c.cert));
    const std::string request_id = absl::StrCat("refused-", ++n);
    auto context = Context();
    context->AddMetadata("x-request-id", request_id);
    v1::ListAuditEntriesResponse out;
    EXPECT_EQ(stub->ListAuditEntries(context.get(), {}, &out).error_code(), c.code)
        << c.name;
    // Written before the refusal was sent: it is there at once.
    std::vector<v1::AuditEntry> found = EntriesFor(request_id);
    ASSERT_EQ(found.size(), 1u) << c.name;
    EXPECT_EQ(found[0].method(), "safeguard.v1.Audit/ListAuditEntries") << c.name;
    EXPECT_EQ(found[0].code(), static_cast<int>(c.code)) << c.name;
    EXPECT_EQ(found[0].rule(), "default-deny") << c.name;
    EXPECT_EQ(found[0].agency(), c.agency) << c.name;
    EXPECT_EQ(found[0].principal(), c.principal) << c.name;
    EXPECT_EQ(found[0].roles(), c.roles) << c.name;
    EXPECT_EQ(found[0].view(), "") << c.name;
  }
}

// A stream's opening is resolved and audited on the worker pool, never on a
// gRPC thread. With every worker held, the opening waits; a cancel in the
// meantime ends the stream, and the opening is audited all the same.
TEST_F(AuditTest, AStreamOpeningIsAuditedOnTheWorkerPool) {
  struct Case {
    const char* name;
    bool bad_filter;
    bool cancel;
    grpc::StatusCode seen;     // by the client
    grpc::StatusCode audited;  // the opening's entry
  } cases[] = {
      {"allowed, cancelled while it waits", false, true,
       grpc::StatusCode::CANCELLED, grpc::StatusCode::OK},
      {"refused for a filter it cannot honour", true, false,
       grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::INVALID_ARGUMENT},
  };
  int n = 0;
  for (const Case& c : cases) {
    testing::HeldWorkers held(server_->worker_pool_for_test(),
                              config_.worker_threads());
    const std::string request_id = absl::StrCat("stream-", ++n);
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", request_id);
    v1::WatchReferralsRequest request;
    if (c.bad_filter) request.mutable_filter()->set_state("NEW");
    auto stream = callers_->As(kSanctuary).WatchReferrals(&context, request);
    // Cancel only once the server has the call: its opening is queued.
    EXPECT_EQ(held.WaitForQueued(), 1u) << c.name;
    if (c.cancel) {
      context.TryCancel();
      // Usually enough for the server to see the cancel before the opening
      // runs; if not, the opening runs first and the stream is cancelled
      // while live. The outcomes below hold either way.
      absl::SleepFor(absl::Milliseconds(100));
    }
    held.Release();
    v1::ReferralEvent event;
    EXPECT_FALSE(stream->Read(&event)) << c.name;
    EXPECT_EQ(stream->Finish().error_code(), c.seen) << c.name;

    std::vector<v1::AuditEntry> found;
    // A cancelled stream's status may reach the client before the pool has
    // written its opening's entry.
    for (int tries = 0; found.empty() && tries < 500; ++tries) {
      if (tries > 0) absl::SleepFor(absl::Milliseconds(20));
      found = EntriesFor(request_id);
    }
    ASSERT_EQ(found.size(), 1u) << c.name;
    EXPECT_EQ(found[0].method(), "safeguard.v1.Referrals/WatchReferrals")
        << c.name;
    EXPECT_EQ(found[0].code(), static_cast<int>(c.audited)) << c.name;
    EXPECT_EQ(found[0].principal(), "person/sanctuary-coordinator") << c.name;
  }
}

TEST_F(AuditTest, AccessLogAnswersWhoSawAReferral) {
  v1::Referral r = Submit(kCouncil);
  v1::GetReferralRequest get;
  get.set_name(r.name());
  v1::Referral out;
  ASSERT_TRUE(callers_->As(kSanctuary).GetReferral(Context().get(), get, &out).ok());
  EXPECT_EQ(callers_->As(kProbation).GetReferral(Context().get(), get, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::GetAccessLogRequest request;
  request.set_name(r.name());
  v1::ListAuditEntriesResponse log;
  ASSERT_TRUE(Auditor()->GetAccessLog(Context().get(), request, &log).ok());
  ASSERT_EQ(log.entries_size(), 3);
  EXPECT_EQ(log.entries(0).method(), "safeguard.v1.Referrals/SubmitReferral");
  EXPECT_EQ(log.entries(0).agency(), "babergh-mid-suffolk-council");
  EXPECT_EQ(log.entries(1).principal(), "person/sanctuary-coordinator");
  EXPECT_EQ(log.entries(1).view(), "sanctuary_coordinator");
  EXPECT_EQ(log.entries(1).rule(), "sanctuary-coordinator");
  EXPECT_EQ(log.entries(1).code(), 0);
  EXPECT_EQ(log.entries(2).agency(), "probation-service");
  EXPECT_EQ(log.entries(2).code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(log.entries(2).view(), "");

  // Break-glass returns everything and is marked with its reason.
  v1::BreakGlassRequest glass;
  glass.set_name(r.name());
  glass.set_reason("short");
  EXPECT_EQ(Auditor()->BreakGlass(Context().get(), glass, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  glass.set_reason("subject access request 2026-114, approved by the DPO");
  ASSERT_TRUE(Auditor()->BreakGlass(Context().get(), glass, &out).ok());
  EXPECT_EQ(out.target_hardening().address().postcode(), "IP33 1AA");
  v1::ListAuditEntriesRequest list;
  list.mutable_filter()->set_method("safeguard.v1.Audit/BreakGlass");
  list.mutable_filter()->set_match_code(true);
  v1::ListAuditEntriesResponse marked;
  ASSERT_TRUE(Auditor()->ListAuditEntries(Context().get(), list, &marked).ok());
  ASSERT_EQ(marked.entries_size(), 1);
  EXPECT_EQ(marked.entries(0).rule(), "break-glass");
  EXPECT_EQ(marked.entries(0).break_glass_reason(),
            "subject access request 2026-114, approved by the DPO");
  EXPECT_EQ(marked.entries(0).view(), "break-glass: all fields");
}

TEST_F(AuditTest, NoAuditNoResponse) {
  v1::Referral r = Submit(kCouncil);
  // Make every audit insert fail, from a second connection.
  auto key = ReadKeyFile(config_.key_file());
  ASSERT_TRUE(key.ok());
  auto db = OpenStore(DatabasePath(config_), *key);
  ASSERT_TRUE(db.ok()) << db.status();
  auto exec = [&](const char* sql) {
    return db->db->With([&](Database& d) { return d.Exec(sql); });
  };
  ASSERT_TRUE(exec("CREATE TRIGGER no_audit BEFORE INSERT ON audit_entries "
                   "BEGIN SELECT RAISE(ABORT, 'audit disabled'); END;").ok());

  v1::GetReferralRequest get;
  get.set_name(r.name());
  v1::Referral out;
  grpc::Status s = callers_->As(kSanctuary).GetReferral(Context().get(), get, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(out.ByteSizeLong(), 0u);
  v1::ListReferralsResponse list;
  s = callers_->As(kSanctuary).ListReferrals(Context().get(), {}, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(list.referrals_size(), 0);

  v1::TransitionReferralRequest t;
  t.set_name(r.name());
  t.set_action("begin_eligibility");
  t.set_version(1);
  s = callers_->As(kSanctuary).TransitionReferral(Context().get(), t, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  v1::SubmitReferralRequest submit;
  submit.set_request_id("while-broken");
  *submit.mutable_referral() = TargetHardeningSubmission();
  s = callers_->As(kCouncil).SubmitReferral(Context().get(), submit, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);

  ASSERT_TRUE(exec("DROP TRIGGER no_audit;").ok());
  ASSERT_TRUE(callers_->As(kSanctuary).GetReferral(Context().get(), get, &out).ok());
  EXPECT_EQ(out.state(), "REFERRED");
  EXPECT_EQ(out.version(), 1);
  ASSERT_TRUE(callers_->As(kSanctuary).ListReferrals(Context().get(), {}, &list).ok());
  EXPECT_EQ(list.referrals_size(), 1);  // the failed submission left nothing
}

TEST_F(AuditTest, TamperingIsDetectedAndPointsAtTheEntry) {
  for (int i = 0; i < 5; ++i) Submit(kCouncil);  // entries 1..5
  Stop();  // signs a checkpoint over all of them

  struct Case {
    const char* name;
    const char* sql;
    int64_t first_bad;
    const char* problem;
  } cases[] = {
      {"edit", "UPDATE audit_entries SET code = 7 WHERE seq = 3;", 3,
       "entry 3 was changed: its hash differs"},
      {"delete", "DELETE FROM audit_entries WHERE seq = 2;", 2,
       "entry 2 is missing"},
      {"insert",
       "UPDATE audit_entries SET seq = seq + 100 WHERE seq >= 4;"
       "UPDATE audit_entries SET seq = seq - 99 WHERE seq >= 104;"
       "INSERT INTO audit_entries SELECT 4, time_us, agency, principal, "
       "certificate_sha256, roles, rule, method, referral, view, code, "
       "break_glass_reason, request_id, leaf, chain, disclosed, "
       "changed_fields, reason, people FROM "
       "audit_entries WHERE "
       "seq = 1;",
       4, "entry 4 was changed: its hash differs"},
      {"reorder",
       "UPDATE audit_entries SET seq = 100 WHERE seq = 2;"
       "UPDATE audit_entries SET seq = 2 WHERE seq = 3;"
       "UPDATE audit_entries SET seq = 3 WHERE seq = 100;",
       2, "entry 2 was changed: its hash differs"},
      {"cut from the end", "DELETE FROM audit_entries WHERE seq >= 4;", 4,
       "checkpoint 1 covers 5 entries but the log has 3: entries were "
       "removed from the end"},
  };
  const std::string db_path = DatabasePath(config_);
  const std::string pristine = db_path + ".pristine";
  ASSERT_EQ(std::system(("cp " + db_path + " " + pristine).c_str()), 0);
  for (const Case& c : cases) {
    ExpectTamperingCaught(pristine, c.sql, c.first_bad, c.problem, c.name);
  }
}

TEST_F(AuditTest, AVerificationSpanningManyChunksFindsTheFirstBadEntry) {
  Submit(kCouncil);
  Stop();
  // 10,000 more entries, so the walk crosses several 4,096-entry chunks read
  // on different threads.
  const std::string db_path = DatabasePath(config_);
  auto key = ReadKeyFile(config_.key_file());
  ASSERT_TRUE(key.ok());
  int64_t total = 0;
  {
    auto db = OpenStore(db_path, *key);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->db->With([&](Database& d) {
      return d.InTransaction([&]() -> absl::Status {
        for (int i = 0; i < 10000; ++i) {
          AuditRecord r;
          r.time = absl::FromUnixSeconds(1795000000 + i);
          r.method = "safeguard.v1.Referrals/GetReferral";
          r.agency = "suffolk-police";
          r.principal = "system/athena";
          r.request_id = absl::StrCat("bulk-", i);
          absl::Status s = AppendAuditRecord(d, r);
          if (!s.ok()) return s;
        }
        return absl::OkStatus();
      });
    }).ok());
    total = SqlCipherAuditLog(*db->db).Head()->size;
  }
  ASSERT_GT(total, 10000);
  const std::string pristine = db_path + ".pristine";
  ASSERT_EQ(std::system(("cp " + db_path + " " + pristine).c_str()), 0);

  Start();
  v1::VerifyAuditLogResponse whole = Verify();
  EXPECT_TRUE(whole.ok()) << whole.problem();
  EXPECT_EQ(whole.entries(), total);
  Stop();

  struct Case {
    const char* sql;
    int64_t first_bad;
    const char* problem;
  } cases[] = {
      {"UPDATE audit_entries SET code = 7 WHERE seq = 9000;", 9000,
       "entry 9000 was changed: its hash differs"},
      {"DELETE FROM audit_entries WHERE seq = 8193;", 8193,
       "entry 8193 is missing"},
      {"DELETE FROM audit_entries WHERE seq = 4096;", 4096,
       "entry 4096 is missing"},
  };
  for (const Case& c : cases) {
    ExpectTamperingCaught(pristine, c.sql, c.first_bad, c.problem, c.sql);
  }
}

TEST_F(AuditTest, RewritingTheWholeChainIsCaughtByTheSignedCheckpoint) {
  for (int i = 0; i < 5; ++i) Submit(kCouncil);
  Stop();
  // Someone with the database key edits entry 2 and recomputes every hash.
  {
    auto key = ReadKeyFile(config_.key_file());
    auto db = OpenStore(DatabasePath(config_), *key);
    ASSERT_TRUE(db.ok());
    SqlCipherAuditLog log(*db->db);
    std::vector<v1::AuditEntry> entries = *log.List({}, 0, 100);
    std::string chain = ZeroHash();
    for (v1::AuditEntry& e : entries) {
      if (e.sequence() == 2) e.set_agency("someone-else");
      e.set_leaf_hash(LeafHash(e));
      chain = ChainHash(chain, e.leaf_hash());
      e.set_chain_hash(chain);
      ASSERT_TRUE(db->db->With([&](Database& d) -> absl::Status {
        auto s = d.Prepare("UPDATE audit_entries SET agency = ?, leaf = ?, "
                           "chain = ? WHERE seq = ?;");
        if (!s.ok()) return s.status();
        absl::Status b = s->BindText(1, e.agency());
        if (b.ok()) b = s->BindBlob(2, e.leaf_hash());
        if (b.ok()) b = s->BindBlob(3, e.chain_hash());
        if (b.ok()) b = s->BindInt64(4, e.sequence());
        return b.ok() ? s->Run() : b;
      }).ok());
    }
  }
  Start();
  v1::VerifyAuditLogResponse v = Verify();
  EXPECT_FALSE(v.ok());
  EXPECT_EQ(v.problem(),
            "checkpoint 1 (size 5) does not match the log: an entry at or "
            "before 5 was changed, removed, added or moved");
}

}  // namespace
}  // namespace safeguard
