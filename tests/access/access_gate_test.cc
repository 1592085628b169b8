// The AccessGate with fakes (tests/testing/fake_access.h) and the shipped
// policy: who is admitted, what runs, what is audited, for each way a call
// can end; the drain gate; system actions.
#include "server/access/access_gate.h"

#include <string>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "server/policy/policy.h"
#include "tests/testing/fake_access.h"
#include "tests/testing/fake_store.h"

namespace safeguard {
namespace {

using ::safeguard::testing::FakeAuditLog;
using ::safeguard::testing::FakeAuthenticator;
using ::safeguard::testing::FakeClock;

constexpr char kGet[] = "safeguard.v1.Referrals/GetReferral";

class AccessGateTest : public ::testing::Test {
 protected:
  static std::shared_ptr<const CompiledPolicy> Policy() {
    auto policy = CompiledPolicy::Load(std::string(SAFEGUARD_SOURCE_DIR) +
                                       "/policy/partnership.textproto");
    EXPECT_TRUE(policy.ok()) << policy.status();
    return *policy;
  }

  // Runs a unary call of `method` from `who` to its end; returns the
  // answer's status and whether the work ran.
  absl::Status Call(const std::string& who, const std::string& method,
                    absl::Status work_result, bool* ran,
                    absl::Time deadline = absl::InfiniteFuture()) {
    InboundCall call;
    call.method = method;
    call.peer_certificate_pem = who;
    call.request_id_hint = "req-1";
    call.deadline = deadline;
    absl::Notification done;
    absl::Status answer;
    *ran = false;
    gate_.Unary(
        std::move(call),
        [&](ResolvedCall& c, AuditRecord& audit) {
          *ran = true;
          EXPECT_EQ(c.context.Name(), who);
          audit.referral_id = "r1";
          audit.view = "agency_lead";
          return work_result;
        },
        [&](absl::Status status, CallTicket) {
          answer = std::move(status);
          done.Notify();
        });
    done.WaitForNotification();
    return answer;
  }

  FakeAuthenticator authenticator_;
  FakeAuditLog audit_;
  PolicyHolder policies_{Policy()};
  FakeClock clock_{absl::FromUnixSeconds(1780000000)};
  CallGate call_gate_;
  WorkerPool pool_{2};
  AccessGate gate_{authenticator_, audit_, policies_, clock_,
                   call_gate_,     pool_,  8};
};

TEST_F(AccessGateTest, EachWayACallEndsIsAuditedOnce) {
  const std::string lead = "west-suffolk-council/person/safeguarding-lead";
  struct Case {
    const char* name;
    std::string who;
    std::string method;
    absl::Status work;
    bool fail_audit;
    absl::StatusCode want;
    bool ran;
    // The entry written: code, caller, rule, view; none if `audited` false.
    bool audited;
    std::string principal;
    std::string rule;
    std::string view;
  };
  const Case cases[] = {
      {"allowed and done", lead, kGet, absl::OkStatus(), false,
       absl::StatusCode::kOk, true, true, "person/safeguarding-lead",
       "referrer-own", "agency_lead"},
      {"allowed, the work refuses", lead, kGet,
       absl::NotFoundError("referral not found"), false,
       absl::StatusCode::kNotFound, true, true, "person/safeguarding-lead",
       "referrer-own", ""},
      {"no certificate", "", kGet, absl::OkStatus(), false,
       absl::StatusCode::kUnauthenticated, false, true, "", "default-deny",
       ""},
      {"no rule for the caller", "csp-admin/person/administrator", kGet,
       absl::OkStatus(), false, absl::StatusCode::kPermissionDenied, false,
       true, "person/administrator", "default-deny", ""},
      {"the audit log cannot be written", lead, kGet, absl::OkStatus(), true,
       absl::StatusCode::kUnavailable, true, false, "", "", ""},
  };
  for (const Case& c : cases) {
    audit_.Fail(c.fail_audit);
    const size_t before = audit_.entries().size();
    bool ran = false;
    absl::Status answer = Call(c.who, c.method, c.work, &ran);
    EXPECT_EQ(answer.code(), c.want) << c.name;
    EXPECT_EQ(ran, c.ran) << c.name;
    std::vector<AuditRecord> entries = audit_.entries();
    ASSERT_EQ(entries.size(), before + (c.audited ? 1 : 0)) << c.name;
    if (!c.audited) continue;
    const AuditRecord& e = entries.back();
    EXPECT_EQ(e.code, static_cast<int>(c.want)) << c.name;
    EXPECT_EQ(e.method, c.method) << c.name;
    EXPECT_EQ(e.principal, c.principal) << c.name;
    EXPECT_EQ(e.rule, c.rule) << c.name;
    EXPECT_EQ(e.view, c.view) << c.name;
    EXPECT_EQ(e.request_id, "req-1") << c.name;
    EXPECT_EQ(e.time, clock_.Now()) << c.name;
  }
  audit_.Fail(false);
}

TEST_F(AccessGateTest, ACallWhoseDeadlinePassedDoesNothing) {
  bool ran = true;
  absl::Status answer =
      Call("west-suffolk-council/person/safeguarding-lead", kGet,
           absl::OkStatus(), &ran, absl::Now() - absl::Seconds(1));
  EXPECT_EQ(answer.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(ran);
  EXPECT_TRUE(audit_.entries().empty());
}

TEST_F(AccessGateTest, DrainingRefusesNewCallsAndWaitsForTickets) {
  // A call admitted before draining holds the gate until its ticket goes.
  InboundCall call;
  call.method = kGet;
  call.peer_certificate_pem = "west-suffolk-council/person/safeguarding-lead";
  absl::Notification answered;
  CallTicket held;
  gate_.Unary(
      call, [](ResolvedCall&, AuditRecord&) { return absl::OkStatus(); },
      [&](absl::Status, CallTicket ticket) {
        held = std::move(ticket);
        answered.Notify();
      });
  answered.WaitForNotification();
  call_gate_.StartDraining();
  EXPECT_FALSE(call_gate_.WaitIdle(absl::Now() + absl::Milliseconds(50)));
  bool ran = true;
  EXPECT_EQ(Call(call.peer_certificate_pem, kGet, absl::OkStatus(), &ran)
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE(ran);
  held.Release();
  EXPECT_TRUE(call_gate_.WaitIdle(absl::Now() + absl::Seconds(5)));
}

TEST_F(AccessGateTest, SystemActionsAreAuditedAsTheServer) {
  absl::Status done = gate_.System("safeguardd/ReloadPolicy", "operator",
                                   "sighup", [] {
                                     return absl::InvalidArgumentError(
                                         "policy file p: bad");
                                   });
  EXPECT_EQ(done, absl::InvalidArgumentError("policy file p: bad"));
  ASSERT_EQ(audit_.entries().size(), 1u);
  const AuditRecord e = audit_.entries()[0];
  EXPECT_EQ(e.agency, "safeguardd");
  EXPECT_EQ(e.principal, "system/operator");
  EXPECT_EQ(e.rule, "sighup");
  EXPECT_EQ(e.method, "safeguardd/ReloadPolicy");
  EXPECT_EQ(e.code, static_cast<int>(absl::StatusCode::kInvalidArgument));
  // An action that succeeds but cannot be audited says so.
  audit_.Fail(true);
  EXPECT_EQ(gate_.System("safeguardd/ReloadPolicy", "operator", "sighup",
                         [] { return absl::OkStatus(); })
                .code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace safeguard
