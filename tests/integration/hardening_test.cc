// Integration: what the outside review found, each through the real server
// (in-process SafeguardServer on 127.0.0.1 port 0, test PKI, a fresh
// SQLCipher file, the shipped policy): no answer depends on other people's
// referrals, field views hold in filters, orders and page tokens, every
// disclosure reaches the access log, watches follow the policy, bad input
// is bounded and never echoed, and one caller cannot take the server.
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/algorithm/container.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::Context;
using ::safeguard::testing::HeldWorkers;
using ::safeguard::testing::MaracSubmission;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::safeguard::testing::Today;
using ::safeguard::testing::WaitUntilLive;

constexpr char kProbation[] = "probation-service/system/ndelius";
constexpr char kIdva[] = "leeway/person/idva";
constexpr char kCoordinator[] = "suffolk-county-council/person/marac-coordinator";
constexpr char kCouncil[] = "west-suffolk-council/system/case";
constexpr char kLead[] = "west-suffolk-council/person/safeguarding-lead";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
constexpr char kLocksmith[] = "safe-partnership/person/locksmith";
constexpr char kFire[] = "suffolk-fire-rescue/person/fire-officer";

using Violation = std::pair<std::string, std::string>;

std::vector<Violation> Violations(const grpc::Status& s) {
  google::rpc::Status details;
  google::rpc::BadRequest bad;
  std::vector<Violation> out;
  if (details.ParseFromString(s.error_details()) && details.details_size() == 1 &&
      details.details(0).UnpackTo(&bad)) {
    for (const auto& v : bad.field_violations()) {
      out.emplace_back(v.field(), v.description());
    }
  }
  return out;
}

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A copy of the shipped policy, so a test can change it and reload.
    std::ifstream in(config_.policy_file());
    std::stringstream text;
    text << in.rdbuf();
    policy_text_ = text.str();
    config_.set_policy_file(dir_.File("policy.textproto"));
    WritePolicy(policy_text_);
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  void WritePolicy(const std::string& text) {
    std::ofstream(config_.policy_file()) << text;
  }

  grpc::Status Submit(const std::string& who, const std::string& request_id,
                      const v1::Referral& referral, v1::Referral* out) {
    return callers_->Submit(who, request_id, referral, out);
  }
  v1::Referral MustSubmit(const std::string& who, const v1::Referral& r) {
    v1::Referral out;
    grpc::Status s = Submit(who, absl::StrCat("h-", ++requests_), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
  grpc::Status Do(const std::string& who, v1::Referral& r,
                  const std::string& action,
                  v1::TransitionReferralRequest request = {}) {
    return callers_->Transition(who, r, action, std::move(request));
  }
  grpc::Status Assign(const std::string& who, v1::Referral& r,
                      const std::string& assignee) {
    return callers_->Assign(who, r, assignee);
  }
  grpc::Status Get(const std::string& who, const std::string& name,
                   v1::Referral* out) {
    return callers_->Get(who, name, out);
  }
  std::unique_ptr<v1::Audit::Stub> Auditor() {
    return v1::Audit::NewStub(TestChannel(
        server_->port(), pki_.ca_file(),
        pki_.IssueIdentity("csp-audit", "person/auditor")));
  }
  std::vector<v1::AuditEntry> AccessLog(const std::string& name) {
    v1::GetAccessLogRequest request;
    request.set_name(name);
    request.set_page_size(1000);
    v1::ListAuditEntriesResponse out;
    grpc::Status s = Auditor()->GetAccessLog(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {out.entries().begin(), out.entries().end()};
  }
  std::vector<v1::AuditEntry> AllEntries() {
    v1::ListAuditEntriesRequest request;
    request.set_page_size(1000);
    v1::ListAuditEntriesResponse out;
    EXPECT_TRUE(Auditor()->ListAuditEntries(Context().get(), request, &out).ok());
    return {out.entries().begin(), out.entries().end()};
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::string policy_text_;
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int requests_ = 0;
};

// The submitter's answer for two 0-score MARAC referrals, one of a pair
// referred before and one not: the same, and both stored, so that neither
// the answer nor a reused request id tells them apart.
TEST_F(HardeningTest, AMaracSubmissionRevealsNothingOfOtherReferrals) {
  MustSubmit(kIdva, MaracSubmission(15, "Known Victim"));
  v1::Referral known, unknown;
  ASSERT_TRUE(Submit(kProbation, "probe-1", MaracSubmission(0, "Known Victim"),
                     &known).ok());
  ASSERT_TRUE(Submit(kProbation, "probe-2",
                     MaracSubmission(0, "Unknown Victim"), &unknown).ok());
  for (v1::Referral* r : {&known, &unknown}) {
    EXPECT_EQ(r->state(), "SUBMITTED");
    EXPECT_EQ(r->marac().dash_score(), 0);
    EXPECT_EQ(r->marac().criteria_size(), 0);
  }
  // Apart from what identifies each, the answers are byte for byte equal.
  auto bare = [](v1::Referral r) {
    r.clear_name();
    r.clear_reference();
    r.clear_create_time();
    r.clear_update_time();
    r.clear_history();
    r.mutable_consent()->clear_record_time();
    r.mutable_subjects(0)->clear_full_name();
    return r.SerializeAsString();
  };
  EXPECT_EQ(bare(known), bare(unknown));
  // Both request ids are taken: a different body is refused alike.
  v1::Referral out;
  EXPECT_EQ(Submit(kProbation, "probe-1", MaracSubmission(1, "Known Victim"),
                   &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Submit(kProbation, "probe-2", MaracSubmission(1, "Unknown Victim"),
                   &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  // The coordinator sees the repeat, and the one that met no criterion.
  v1::Referral seen;
  ASSERT_TRUE(Get(kCoordinator, known.name(), &seen).ok());
  ASSERT_EQ(seen.marac().criteria_size(), 1);
  EXPECT_EQ(seen.marac().criteria(0), v1::REPEAT);
  ASSERT_TRUE(Get(kCoordinator, unknown.name(), &seen).ok());
  EXPECT_EQ(seen.marac().criteria_size(), 0);
}

TEST_F(HardeningTest, ARepeatedSubmissionIsAnsweredWithItsIdentityOnly) {
  v1::Referral first;
  ASSERT_TRUE(Submit(kCouncil, "th-1", TargetHardeningSubmission(), &first).ok());
  ASSERT_TRUE(first.has_target_hardening());
  v1::Referral r = first;
  ASSERT_TRUE(Do(kSanctuary, r, "begin_eligibility").ok());
  v1::Referral again;
  ASSERT_TRUE(Submit(kCouncil, "th-1", TargetHardeningSubmission(), &again).ok());
  v1::Referral expected;
  expected.set_name(first.name());
  expected.set_reference(first.reference());
  expected.set_state("ELIGIBILITY");
  EXPECT_EQ(again.DebugString(), expected.DebugString());
}

TEST_F(HardeningTest, AssignmentFollowsTheWorkflowAndTheAssigneesRoles) {
  // A victim who refused consent: the job can never be accepted, so no
  // locksmith can be given its address.
  v1::Referral refused = TargetHardeningSubmission();
  refused.mutable_consent()->set_status(v1::REFUSED);
  refused.mutable_consent()->set_reason("does not want the works");
  refused.mutable_consent()->set_legal_basis(v1::DPA_2018_SCH1_PARA18);
  v1::Referral r = MustSubmit(kCouncil, refused);
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  ASSERT_TRUE(Do(kSanctuary, r, "begin_eligibility").ok());
  EXPECT_EQ(Do(kSanctuary, r, "accept").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  grpc::Status s = Assign(kSanctuary, r, kLocksmith);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{
                {"assignee", "must hold one of the roles suited to this "
                             "referral in its state: sanctuary_coordinator"}}));
  // Nor may the agency's lead, who reaches it, assign one.
  EXPECT_EQ(Assign(kLead, r, kLocksmith).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::Referral seen;
  EXPECT_EQ(Get(kLocksmith, r.name(), &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Do(kSanctuary, r, "decline",
                 [] {
                   v1::TransitionReferralRequest t;
                   t.set_reason("consent refused");
                   return t;
                 }())
                  .ok());
  // Declined, it may be re-referred, but it is no locksmith's.
  EXPECT_EQ(Assign(kSanctuary, r, kLocksmith).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // With consent, once accepted, the locksmith may have the job.
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  ASSERT_TRUE(Do(kSanctuary, job, "begin_eligibility").ok());
  ASSERT_TRUE(Do(kSanctuary, job, "accept").ok());
  EXPECT_EQ(Assign(kSanctuary, job, kProbation).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Assign(kSanctuary, job, kLocksmith).ok());
  ASSERT_TRUE(Get(kLocksmith, job.name(), &seen).ok());
}

TEST_F(HardeningTest, FiltersOrdersAndTokensKeepToTheView) {
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  ASSERT_TRUE(Do(kSanctuary, job, "begin_eligibility").ok());
  ASSERT_TRUE(Do(kSanctuary, job, "accept").ok());
  ASSERT_TRUE(Assign(kSanctuary, job, kLocksmith).ok());

  // The locksmith's view has no priority, assignee or area.
  struct Case {
    const char* name;
    std::function<void(v1::ListReferralsRequest&)> set;
    std::vector<Violation> want;
  };
  const std::string hidden = "names a field the caller's view does not show";
  const Case cases[] = {
      {"by priority", [](auto& r) { r.set_order_by(v1::BY_PRIORITY); },
       {{"order_by", hidden}}},
      {"minimum priority",
       [](auto& r) { r.mutable_filter()->set_min_priority(v1::HIGH); },
       {{"filter.min_priority", hidden}}},
      {"assignee",
       [](auto& r) { r.mutable_filter()->set_assignee(kLocksmith); },
       {{"filter.assignee", hidden}}},
      {"area", [](auto& r) { r.mutable_filter()->set_area("west-suffolk"); },
       {{"filter.area", hidden}}},
      {"an unknown order", [](auto& r) { r.set_order_by(v1::QueueOrder(9)); },
       {{"order_by", "is not one of the values the API defines"}}},
  };
  for (const Case& c : cases) {
    v1::ListReferralsRequest request;
    c.set(request);
    v1::ListReferralsResponse page;
    grpc::Status s =
        callers_->As(kLocksmith).ListReferrals(Context().get(), request, &page);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(Violations(s), c.want) << c.name;
  }
  // The fire officer sees areas: it may filter by one.
  v1::ListReferralsRequest by_area;
  by_area.mutable_filter()->set_area("west-suffolk");
  v1::ListReferralsResponse page;
  EXPECT_TRUE(
      callers_->As(kFire).ListReferrals(Context().get(), by_area, &page).ok());

  // A token holds the sort key of its order only, under a MAC, and serves
  // only the caller it was issued to.
  MustSubmit(kCouncil, TargetHardeningSubmission());
  v1::ListReferralsRequest request;
  request.set_page_size(1);
  request.mutable_filter()->set_kind(v1::TARGET_HARDENING);
  ASSERT_TRUE(callers_->As(kSanctuary)
                  .ListReferrals(Context().get(), request, &page).ok());
  ASSERT_EQ(page.referrals_size(), 1);
  ASSERT_FALSE(page.next_page_token().empty());
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(page.next_page_token(), &raw));
  const v1::Referral& last = page.referrals(0);
  EXPECT_EQ(raw.substr(16),
            absl::StrCat(last.deadline().seconds() * 1000000 +
                             last.deadline().nanos() / 1000,
                         "|", last.name().substr(10)));
  request.set_page_token(page.next_page_token());
  grpc::Status other =
      callers_->As(kLead).ListReferrals(Context().get(), request, &page);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Violations(other),
            (std::vector<Violation>{
                {"page_token", "is not a page token for this query"}}));
  std::string altered = raw;
  altered.back() = altered.back() == 'a' ? 'b' : 'a';
  request.set_page_token(absl::WebSafeBase64Escape(altered));
  EXPECT_EQ(callers_->As(kSanctuary)
                .ListReferrals(Context().get(), request, &page)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(HardeningTest, TheAccessLogShowsListPagesAndWatchEvents) {
  auto context = Context();
  v1::WatchReferralsRequest watch;
  watch.mutable_filter()->set_kind(v1::TARGET_HARDENING);
  auto stream = callers_->As(kSanctuary).WatchReferrals(context.get(), watch);
  ASSERT_TRUE(WaitUntilLive(*stream, *context));
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  v1::ReferralEvent event;
  ASSERT_TRUE(stream->Read(&event));
  EXPECT_EQ(event.referral().name(), r.name());

  v1::ListReferralsResponse page;
  ASSERT_TRUE(
      callers_->As(kLead).ListReferrals(Context().get(), {}, &page).ok());
  ASSERT_EQ(page.referrals_size(), 1);

  std::vector<std::string> seen;
  for (const v1::AuditEntry& e : AccessLog(r.name())) {
    seen.push_back(absl::StrCat(e.method(), " ", e.agency(), "/", e.principal(),
                                " view=", e.view(), " referral=", e.referral(),
                                " disclosed=", absl::StrJoin(e.disclosed(), ",")));
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{
                absl::StrCat("safeguard.v1.Referrals/SubmitReferral ", kCouncil,
                             " view=referrer referral=", r.name(),
                             " disclosed="),
                absl::StrCat("safeguard.v1.Referrals/WatchReferrals ",
                             kSanctuary,
                             " view=sanctuary_coordinator referral= disclosed=",
                             r.name()),
                absl::StrCat("safeguard.v1.Referrals/ListReferrals ", kLead,
                             " view=agency_lead referral= disclosed=", r.name()),
            }));
  context->TryCancel();
}

// What GetServerInfo and a referral say the caller may do is read from the
// policy in force at each call.
TEST_F(HardeningTest, ServerInfoAndActionsFollowAReloadedPolicy) {
  auto info = v1::ServerInfo::NewStub(TestChannel(
      server_->port(), pki_.ca_file(),
      pki_.IssueIdentity("west-suffolk-council", "person/sanctuary-coordinator")));
  auto methods = [&](const v1::GetServerInfoResponse& i) {
    return std::vector<std::string>(i.methods().begin(), i.methods().end());
  };
  const std::string transition = "safeguard.v1.Referrals/TransitionReferral";
  v1::GetServerInfoResponse before;
  ASSERT_TRUE(info->GetServerInfo(Context().get(), {}, &before).ok());
  EXPECT_EQ(absl::c_count(methods(before), transition), 1);
  EXPECT_EQ(before.areas_size(), 3);
  EXPECT_EQ(before.dash_question_sets(0).high_risk_threshold(), 14);
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  ASSERT_EQ(r.available_actions_size(), 3);
  EXPECT_EQ(r.available_actions(0).action(), "begin_eligibility");
  EXPECT_EQ(r.available_actions(1).action(), "cancel");
  EXPECT_EQ(r.available_actions(2).action(), "withdraw_consent");
  EXPECT_TRUE(r.assignable());

  // The coordinator's rule loses TransitionReferral, and the rule that
  // gives it to referrers (the coordinator is one) goes; a new area; a
  // lower threshold.
  std::string text = policy_text_;
  const size_t referrers = text.find("rules {\n  name: \"referrer-resubmit\"");
  ASSERT_NE(referrers, std::string::npos);
  text.erase(referrers, text.find("\n}\n", referrers) + 3 - referrers);
  const size_t rule = text.find("name: \"sanctuary-coordinator\"");
  ASSERT_NE(rule, std::string::npos);
  const std::string line =
      "  methods: \"safeguard.v1.Referrals/TransitionReferral\"\n";
  const size_t at = text.find(line, rule);
  ASSERT_NE(at, std::string::npos);
  text.erase(at, line.size());
  const std::string area = "\nareas: \"mid-suffolk\"\n";
  ASSERT_NE(text.find(area), std::string::npos);
  text.replace(text.find(area), area.size(),
               "\nareas: \"mid-suffolk\"\nareas: \"ipswich\"\n");
  ASSERT_TRUE(absl::StrContains(text, "marac_high_risk_threshold: 14"));
  text = absl::StrReplaceAll(text, {{"marac_high_risk_threshold: 14",
                                     "marac_high_risk_threshold: 12"}});
  WritePolicy(text);
  ASSERT_TRUE(server_->ReloadPolicy().ok());

  v1::GetServerInfoResponse after;
  ASSERT_TRUE(info->GetServerInfo(Context().get(), {}, &after).ok());
  EXPECT_EQ(absl::c_count(methods(after), transition), 0);
  EXPECT_EQ(after.areas_size(), 4);
  EXPECT_EQ(after.areas(3), "ipswich");
  EXPECT_EQ(after.dash_question_sets(0).high_risk_threshold(), 12);
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  EXPECT_EQ(r.available_actions_size(), 0);
  EXPECT_TRUE(r.assignable());
}

TEST_F(HardeningTest, WatchesFollowThePolicyAndAreCappedPerIdentity) {
  auto lost = Context();
  auto sanctuary = callers_->As(kSanctuary).WatchReferrals(lost.get(), {});
  ASSERT_TRUE(WaitUntilLive(*sanctuary, *lost));
  auto kept = Context();
  auto coordinator = callers_->As(kCoordinator).WatchReferrals(kept.get(), {});
  ASSERT_TRUE(WaitUntilLive(*coordinator, *kept));

  // The sanctuary coordinator's grant goes; the MARAC coordinator's stays.
  const std::string grant =
      "grants { agency: \"west-suffolk-council\" principal: "
      "\"person/sanctuary-coordinator\"\n         roles: "
      "\"sanctuary_coordinator\" }\n";
  ASSERT_TRUE(absl::StrContains(policy_text_, grant));
  WritePolicy(absl::StrReplaceAll(policy_text_, {{grant, ""}}));
  ASSERT_TRUE(server_->ReloadPolicy().ok());

  v1::ReferralEvent event;
  EXPECT_FALSE(sanctuary->Read(&event));
  grpc::Status ended = sanctuary->Finish();
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ended.error_message(), "the access policy changed; watch again");
  v1::Referral m = MustSubmit(kIdva, MaracSubmission(15));
  ASSERT_TRUE(coordinator->Read(&event));
  EXPECT_EQ(event.referral().name(), m.name());
  kept->TryCancel();

  // At most 8 open watches for one identity.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::ReferralEvent>>> open;
  for (int i = 0; i < 8; ++i) {
    contexts.push_back(Context());
    open.push_back(callers_->As(kIdva).WatchReferrals(contexts.back().get(), {}));
    ASSERT_TRUE(WaitUntilLive(*open.back(), *contexts.back())) << i;
  }
  auto ninth = Context();
  auto refused = callers_->As(kIdva).WatchReferrals(ninth.get(), {});
  EXPECT_FALSE(refused->Read(&event));
  grpc::Status s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message(),
            "the caller has 8 watches open already; close one first");
  for (auto& c : contexts) c->TryCancel();
}

TEST_F(HardeningTest, BadInputIsBoundedAndNeverEchoed) {
  struct Case {
    const char* name;
    std::function<void(v1::Referral&)> change;
    std::vector<Violation> want;
  };
  const Case cases[] = {
      {"a megabyte town",
       [](v1::Referral& r) {
         r.mutable_target_hardening()->mutable_address()->set_town(
             std::string(900 * 1024, 'x'));
       },
       {{"referral.target_hardening.address.town",
         "must be at most 100 bytes"}}},
      {"ten thousand contact channels",
       [](v1::Referral& r) {
         for (int i = 0; i < 10000; ++i) {
           r.mutable_subjects(0)->mutable_safe_contact()->add_channels(
               v1::PHONE);
         }
       },
       {{"referral.subjects[0].safe_contact.channels",
         "must have at most 10 items"}}},
      {"priority 99",
       [](v1::Referral& r) { r.set_priority(v1::Priority(99)); },
       {{"referral.priority", "is not one of the values the API defines"}}},
      {"an unknown measure",
       [](v1::Referral& r) {
         r.mutable_target_hardening()->add_measures_requested(
             v1::SecurityMeasure(99));
       },
       {{"referral.target_hardening.measures_requested[2]",
         "is not one of the values the API defines"}}},
      {"a history written by the client",
       [](v1::Referral& r) { r.add_history()->set_action("submit"); },
       {{"referral.history", "must be empty"}}},
  };
  for (const Case& c : cases) {
    v1::Referral r = TargetHardeningSubmission();
    c.change(r);
    v1::Referral out;
    grpc::Status s = Submit(kCouncil, absl::StrCat("bad-", c.name), r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(Violations(s), c.want) << c.name;
  }

  // Violations are capped: 10 subjects with 6 bad fields each.
  v1::Referral out;
  grpc::Status s =
      Submit(kCouncil, "bad-many", testing::SixtyBadFieldsSubmission(), &out);
  ASSERT_EQ(Violations(s).size(), 51u);
  EXPECT_EQ(Violations(s).back(),
            Violation("...", "10 more fields are invalid"));

  // An action's name and a resource name are bounded and never echoed.
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  const std::string long_action(8192, 'q');
  s = Do(kSanctuary, r, long_action);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{{"action", "must be at most 64 bytes"}}));
  s = Do(kSanctuary, r, "teleport_elsewhere");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            "the action is not allowed from state REFERRED; allowed: "
            "begin_eligibility, cancel, withdraw_consent");
  v1::Referral seen;
  s = Get(kSanctuary, "referrals/" + std::string(1 << 19, 'z'), &seen);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{{"name", "must be at most 100 bytes"}}));
  s = Get(kSanctuary, "referrals/\x1b[31mred", &seen);
  EXPECT_EQ(Violations(s), (std::vector<Violation>{
                               {"name", "must be referrals/<referral id>"}}));
  for (const v1::AuditEntry& e : AllEntries()) {
    EXPECT_LE(e.referral().size(), 100u);
    EXPECT_FALSE(absl::StrContains(e.referral(), "\x1b")) << e.sequence();
  }

  // Dates in actions: what the process allows.
  ASSERT_TRUE(Do(kSanctuary, r, "begin_eligibility").ok());
  ASSERT_TRUE(Do(kSanctuary, r, "accept").ok());
  for (int64_t seconds : {int64_t{-62135596800}, int64_t{253402300799},
                          int64_t{-1}}) {
    v1::TransitionReferralRequest book;
    book.mutable_appointment()->mutable_appointment_time()->set_seconds(seconds);
    s = Do(kSanctuary, r, "book_survey", book);
    EXPECT_EQ(Violations(s),
              (std::vector<Violation>{{"appointment.appointment_time",
                                       "must be from 30 days ago to 366 "
                                       "days ahead"}}))
        << seconds;
  }
  v1::TransitionReferralRequest unset;
  unset.mutable_appointment();
  s = Do(kSanctuary, r, "book_survey", unset);
  EXPECT_EQ(Violations(s),
            (std::vector<Violation>{{"appointment.appointment_time",
                                     "is required for book_survey"}}));
  EXPECT_EQ(r.state(), "ACCEPTED");
}

// One caller cannot queue without bound, and a call its client gave up on
// before it started does nothing, and writes nothing.
class AdmissionTest : public HardeningTest {
 protected:
  static constexpr int kMax = 20;
  void SetUp() override {
    config_.set_max_calls_per_caller(kMax);
    // The expired call, the caller's kMax and one more may wait.
    config_.set_max_queued_calls(kMax + 2);
    HardeningTest::SetUp();
  }
};

TEST_F(AdmissionTest, OneCallerCannotTakeTheServer) {
  auto info = [&](const std::string& who) {
    const size_t slash = who.find('/');
    return v1::ServerInfo::NewStub(TestChannel(
        server_->port(), pki_.ca_file(),
        pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1))));
  };
  auto probation = info(kProbation);
  auto fire = info(kFire);
  const size_t entries_before = AllEntries().size();
  HeldWorkers held(server_->worker_pool_for_test(), config_.worker_threads());

  // A call that expires while it waits.
  {
    auto context = Context();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::milliseconds(300));
    v1::GetServerInfoResponse out;
    EXPECT_EQ(fire->GetServerInfo(context.get(), {}, &out).error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  // The caller's limit of calls in flight.
  std::atomic<int> ok{0};
  std::atomic<int> pending{kMax};
  absl::Notification all_done;
  const v1::GetServerInfoRequest request;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<v1::GetServerInfoResponse> responses(kMax);
  for (int i = 0; i < kMax; ++i) {
    contexts.push_back(Context());
    probation->async()->GetServerInfo(
        contexts.back().get(), &request, &responses[i], [&](grpc::Status s) {
          if (s.ok()) ++ok;
          if (--pending == 0) all_done.Notify();
        });
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (server_->worker_pool_for_test().queued() <
             static_cast<size_t>(kMax) + 1 &&
         absl::Now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(server_->worker_pool_for_test().queued(),
            static_cast<size_t>(kMax) + 1);
  v1::GetServerInfoResponse out;
  grpc::Status refused = probation->GetServerInfo(Context().get(), {}, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(refused.error_message(),
            "too many calls in flight from this caller; retry later");
  // Another caller still gets in, until the queue is full.
  auto idva = info(kIdva);
  auto waiting = Context();
  v1::GetServerInfoResponse waiting_out;
  absl::Notification waited;
  idva->async()->GetServerInfo(waiting.get(), &request, &waiting_out,
                               [&](grpc::Status s) {
                                 EXPECT_TRUE(s.ok()) << s.error_message();
                                 waited.Notify();
                               });
  while (server_->worker_pool_for_test().queued() <
             static_cast<size_t>(kMax) + 2 &&
         absl::Now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  grpc::Status busy = idva->GetServerInfo(Context().get(), {}, &out);
  EXPECT_EQ(busy.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(busy.error_message(), "the server is busy; retry later");
  held.Release();
  ASSERT_TRUE(all_done.WaitForNotificationWithTimeout(absl::Seconds(60)));
  ASSERT_TRUE(waited.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_EQ(ok.load(), kMax);
  EXPECT_TRUE(idva->GetServerInfo(Context().get(), {}, &out).ok());
  // The expired and the refused calls wrote nothing; the others did.
  // (The first listing's own entry is one more.)
  EXPECT_EQ(AllEntries().size() - entries_before, static_cast<size_t>(kMax) + 3);
}

}  // namespace
}  // namespace safeguard
