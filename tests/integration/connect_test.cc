// Integration: the API over HTTPS in the Connect protocol, through the real
// server (in-process SafeguardServer with both listeners on 127.0.0.1 port
// 0, test PKI, a fresh SQLCipher file, the shipped policy), called with
// tests/testing/connect_client.h: unary calls in JSON and binary, a watch
// that sees another caller's change, the gRPC suite's bad input answered
// alike over both transports, and every refusal of the listener, after
// which it keeps serving.
#include <fstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "safeguard/v1/server_info.pb.h"
#include "server/access/authenticator.h"
#include "server/app/safeguard_server.h"
#include "server/core/field_violations.h"
#include "tests/testing/connect_client.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::ConnectClient;
using ::safeguard::testing::Context;
using ::safeguard::testing::Format;
using ::safeguard::testing::HttpAnswer;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";

// What a call came to: its code and every field violation.
struct Outcome {
  int code = 0;
  std::vector<FieldViolation> violations;
  std::string message;
  friend bool operator==(const Outcome& a, const Outcome& b) {
    return a.code == b.code && a.violations == b.violations &&
           a.message == b.message;
  }
  friend std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    os << "code " << o.code << " \"" << o.message << "\"";
    for (const FieldViolation& v : o.violations) {
      os << " {" << v.field << ": " << v.description << "}";
    }
    return os;
  }
};

Outcome FromGrpc(const grpc::Status& s) {
  Outcome out;
  out.code = s.error_code();
  out.message = s.error_message();
  google::rpc::Status details;
  google::rpc::BadRequest bad;
  if (details.ParseFromString(s.error_details()) &&
      details.details_size() == 1 && details.details(0).UnpackTo(&bad)) {
    for (const auto& v : bad.field_violations()) {
      out.violations.push_back({v.field(), v.description()});
    }
  }
  return out;
}

Outcome FromStatus(const absl::Status& s) {
  return {static_cast<int>(s.code()), FieldViolations(s),
          std::string(s.message())};
}

class ConnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_.WriteCrl();
    revoked_ = pki_.IssueIdentity("west-suffolk-council", "person/leaver");
    pki_.Revoke(revoked_);
    config_.mutable_tls()->set_crl_dir(pki_.crl_dir());
    static_dir_ = dir_.File("console");
    std::filesystem::create_directories(static_dir_);
    std::ofstream(static_dir_ + "/index.html") << "<!doctype html><title>x</title>";
    config_.set_console_dir(static_dir_);
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->http_port(), 0);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  ConnectClient& As(const std::string& who) {
    auto& client = clients_[who];
    if (client == nullptr) client = NewClient(Identity(who));
    return *client;
  }
  std::unique_ptr<ConnectClient> NewClient(const std::optional<testing::CertFiles>& cert) {
    return std::make_unique<ConnectClient>(server_->http_port(), pki_.ca_file(),
                                           cert);
  }
  testing::CertFiles Identity(const std::string& who) {
    const size_t slash = who.find('/');
    return pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1));
  }

  // `request` to `method` as `who` over gRPC (a raw call) and over Connect
  // in binary and in JSON: the three outcomes.
  std::vector<Outcome> Everywhere(const std::string& who,
                                  const std::string& method,
                                  const google::protobuf::Message& request) {
    auto channel = testing::ConnectedTestChannel(server_->port(),
                                                 pki_.ca_file(), Identity(who));
    std::vector<Outcome> out;
    out.push_back(FromGrpc(
        testing::RawCall(channel, "/" + method, request.SerializeAsString())));
    for (Format f : {Format::kProto, Format::kJson}) {
      std::unique_ptr<google::protobuf::Message> response =
          testing::NewResponse(method);
      out.push_back(FromStatus(As(who).Unary(method, request, response.get(), f)));
    }
    return out;
  }

  // The listener still answers a plain call.
  void ExpectServing() {
    v1::GetServerInfoResponse info;
    EXPECT_THAT(As(kSanctuary).Unary("safeguard.v1.ServerInfo/GetServerInfo",
                                     v1::GetServerInfoRequest(), &info),
                testing::IsOk());
    EXPECT_EQ(info.caller().agency(), "west-suffolk-council");
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::string static_dir_;
  testing::CertFiles revoked_;
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  std::map<std::string, std::unique_ptr<ConnectClient>> clients_;
};

TEST_F(ConnectTest, UnaryCallsInJsonAndBinaryMatchGrpc) {
  // Who am I, in JSON: the certificate's identity and fingerprint.
  const testing::CertFiles council = Identity(kCouncil);
  v1::GetServerInfoResponse info;
  ASSERT_THAT(NewClient(council)->Unary("safeguard.v1.ServerInfo/GetServerInfo",
                                        v1::GetServerInfoRequest(), &info,
                                        Format::kJson),
              testing::IsOk());
  EXPECT_EQ(info.caller().agency(), "babergh-mid-suffolk-council");
  EXPECT_EQ(info.caller().principal(), "system/case");
  EXPECT_EQ(info.caller().certificate_sha256(),
            CertificateSha256(testing::ReadFileOrEmpty(council.cert)));

  // Submitted in binary, read back in JSON and over gRPC: the same.
  v1::SubmitReferralRequest submit;
  submit.set_request_id("connect-1");
  *submit.mutable_referral() = TargetHardeningSubmission();
  v1::Referral created;
  ASSERT_THAT(As(kCouncil).Unary("safeguard.v1.Referrals/SubmitReferral",
                                 submit, &created, Format::kProto),
              testing::IsOk());
  EXPECT_EQ(created.state(), "REFERRED");
  v1::GetReferralRequest get;
  get.set_name(created.name());
  v1::Referral via_json, via_grpc;
  ASSERT_THAT(As(kSanctuary).Unary("safeguard.v1.Referrals/GetReferral", get,
                                   &via_json, Format::kJson),
              testing::IsOk());
  ASSERT_TRUE(callers_->Get(kSanctuary, created.name(), &via_grpc).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(via_json,
                                                                 via_grpc))
      << via_json.DebugString() << "\nvs\n" << via_grpc.DebugString();
  EXPECT_EQ(via_json.target_hardening().address().postcode(), "IP33 1AA");

  // A retry with the same request id, over the other transport, is the
  // same referral.
  v1::Referral again;
  ASSERT_TRUE(callers_->Submit(kCouncil, "connect-1", submit.referral(), &again).ok());
  EXPECT_EQ(again.name(), created.name());

  // Absent and not yours are the same answer.
  get.set_name("referrals/no-such-referral");
  v1::Referral none;
  EXPECT_THAT(As(kSanctuary).Unary("safeguard.v1.Referrals/GetReferral", get,
                                   &none, Format::kJson),
              testing::StatusIs(absl::StatusCode::kNotFound,
                                "referral not found"));
  get.set_name(created.name());
  EXPECT_THAT(As("suffolk-police/system/athena")
                  .Unary("safeguard.v1.Referrals/GetReferral", get, &none),
              testing::StatusIs(absl::StatusCode::kNotFound,
                                "referral not found"));
}

TEST_F(ConnectTest, AWatchSeesAnotherCallersChange) {
  v1::WatchReferralsRequest request;
  request.mutable_filter()->set_kind(v1::TARGET_HARDENING);
  v1::Referral submitted;
  // Once the server says the watch is live, another caller submits over
  // gRPC; the event comes through the watcher's view.
  testing::StreamResult watched = As(kSanctuary).Stream(
      "safeguard.v1.Referrals/WatchReferrals", request, Format::kJson, 1, 10000,
      [&] {
        EXPECT_TRUE(callers_->Submit(kCouncil, "watched-1",
                                     TargetHardeningSubmission(), &submitted)
                        .ok());
      });
  EXPECT_TRUE(watched.live);
  ASSERT_EQ(watched.messages.size(), 1u);
  v1::ReferralEvent event;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(watched.messages[0],
                                                          &event)
                  .ok());
  EXPECT_EQ(event.type(), v1::ReferralEvent::CREATED);
  EXPECT_EQ(event.referral().name(), submitted.name());
  EXPECT_EQ(event.referral().target_hardening().address().postcode(),
            "IP33 1AA");

  // A refused watch ends with its refusal, never live.
  v1::WatchReferralsRequest bad;
  bad.mutable_filter()->set_state("REFERRED");
  testing::StreamResult refused = As(kSanctuary).Stream(
      "safeguard.v1.Referrals/WatchReferrals", bad, Format::kProto, 1, 2000);
  EXPECT_FALSE(refused.live);
  EXPECT_TRUE(refused.ended);
  EXPECT_EQ(FromStatus(refused.status).violations,
            (std::vector<FieldViolation>{
                {"filter.state",
                 "is not supported by WatchReferrals, which must show "
                 "referrals leaving a state; filter by kind or area"}}));
  ExpectServing();
}

// What the console builds its screens and forms from: the caller's roles
// and methods under the policy in force, and the partnership's reference
// data, in the JSON the console reads.
TEST_F(ConnectTest, ServerInfoSaysWhatTheCallerMayDo) {
  v1::GetServerInfoResponse info;
  ASSERT_THAT(As(kSanctuary).Unary("safeguard.v1.ServerInfo/GetServerInfo",
                                   v1::GetServerInfoRequest(), &info,
                                   Format::kJson),
              testing::IsOk());
  // Its agency's grant makes it a referrer too.
  EXPECT_EQ(std::vector<std::string>(info.roles().begin(), info.roles().end()),
            (std::vector<std::string>{"referrer", "sanctuary_coordinator"}));
  EXPECT_EQ(
      std::vector<std::string>(info.methods().begin(), info.methods().end()),
      (std::vector<std::string>{
          "safeguard.v1.People/GetPerson",
          "safeguard.v1.People/MergePeople",
          "safeguard.v1.People/RejectMatch",
          "safeguard.v1.People/SearchPeople",
          "safeguard.v1.People/UnmergePerson",
          "safeguard.v1.Referrals/AddNote",
          "safeguard.v1.Referrals/AssignReferral",
          "safeguard.v1.Referrals/GetReferral",
          "safeguard.v1.Referrals/LinkReferral",
          "safeguard.v1.Referrals/ListReferrals",
          "safeguard.v1.Referrals/SubmitReferral",
          "safeguard.v1.Referrals/TransitionReferral",
          "safeguard.v1.Referrals/UnlinkReferral",
          "safeguard.v1.Referrals/UpdateReferral",
          "safeguard.v1.Referrals/WatchReferrals",
          "safeguard.v1.Reports/ListReportDefinitions",
          "safeguard.v1.Reports/RunReport",
          "safeguard.v1.ServerInfo/GetServerInfo",
      }));
  EXPECT_EQ(std::vector<std::string>(info.areas().begin(), info.areas().end()),
            (std::vector<std::string>{"west-suffolk", "babergh",
                                      "mid-suffolk"}));
  EXPECT_EQ(
      std::vector<std::string>(info.schemes().begin(), info.schemes().end()),
      (std::vector<std::string>{"suffolk-target-hardening"}));
  ASSERT_EQ(info.dash_question_sets_size(), 1);
  const v1::DashQuestionSet& dash = info.dash_question_sets(0);
  EXPECT_EQ(dash.version(), "safelives-2009");
  EXPECT_EQ(dash.questions_size(), 24);
  EXPECT_EQ(dash.high_risk_threshold(), 14);
  EXPECT_EQ(dash.escalation_threshold(), 3);
  EXPECT_EQ(dash.escalation_months(), 12);
  EXPECT_EQ(dash.min_rationale_chars(), 20);
  ASSERT_EQ(info.vaf_frameworks_size(), 1);
  EXPECT_EQ(info.vaf_frameworks(0).version(), "vaf-2015");
  EXPECT_EQ(info.vaf_frameworks(0).engagement_factors(), 13);
  EXPECT_EQ(info.vaf_frameworks(0).intent_factors(), 6);
  EXPECT_EQ(info.vaf_frameworks(0).capability_factors(), 3);
  EXPECT_EQ(info.vaf_frameworks(0).max_factor_score(), 3);
  ASSERT_EQ(info.vaf_frameworks(0).factor_names_size(), 22);
  EXPECT_EQ(info.vaf_frameworks(0).factor_names(0),
            "Feelings of grievance and injustice");
  EXPECT_EQ(info.vaf_frameworks(0).factor_names(13),
            "Over-identification with a group or ideology");
  EXPECT_EQ(info.vaf_frameworks(0).factor_names(21), "Criminal capability");
  // The calendar deadlines are counted in: the configured zone, and the
  // bank holiday file's weekdays from today (there) for 400 days, in order.
  EXPECT_EQ(info.time_zone(), "Europe/London");
  absl::TimeZone london;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), london);
  ASSERT_GT(info.bank_holidays_size(), 0);
  absl::CivilDay previous = today - 1;
  for (const v1::Date& h : info.bank_holidays()) {
    const absl::CivilDay day(h.year(), h.month(), h.day());
    EXPECT_GT(day, previous);
    EXPECT_LT(day, today + 400);
    EXPECT_NE(absl::GetWeekday(day), absl::Weekday::saturday);
    EXPECT_NE(absl::GetWeekday(day), absl::Weekday::sunday);
    previous = day;
  }

  // An auditor reads the log, and may not submit.
  ASSERT_THAT(As("csp-audit/person/auditor")
                  .Unary("safeguard.v1.ServerInfo/GetServerInfo",
                         v1::GetServerInfoRequest(), &info),
              testing::IsOk());
  EXPECT_EQ(std::vector<std::string>(info.roles().begin(), info.roles().end()),
            (std::vector<std::string>{"auditor"}));
  EXPECT_EQ(
      std::vector<std::string>(info.methods().begin(), info.methods().end()),
      (std::vector<std::string>{
          "safeguard.v1.Audit/BreakGlass",
          "safeguard.v1.Audit/ExportAuditLog",
          "safeguard.v1.Audit/GetAccessLog",
          "safeguard.v1.Audit/ListAuditEntries",
          "safeguard.v1.Audit/VerifyAuditLog",
          "safeguard.v1.ServerInfo/GetServerInfo",
      }));

  // The JSON names the console reads.
  const std::map<std::string, std::string> connect = {
      {"Content-Type", "application/json"}, {"Connect-Protocol-Version", "1"}};
  HttpAnswer raw = As(kSanctuary).Post("/safeguard.v1.ServerInfo/GetServerInfo",
                                       connect, "{}");
  ASSERT_EQ(raw.status, 200) << raw.body;
  for (const char* name :
       {"\"roles\":[\"referrer\",\"sanctuary_coordinator\"]", "\"methods\":[",
        "\"areas\":[\"west-suffolk\"", "\"schemes\":[",
        "\"dashQuestionSets\":[{\"version\":\"safelives-2009\"",
        "\"highRiskThreshold\":14", "\"escalationThreshold\":3",
        "\"escalationMonths\":12", "\"minRationaleChars\":20",
        "\"vafFrameworks\":[{\"version\":\"vaf-2015\"",
        "\"engagementFactors\":13", "\"intentFactors\":6",
        "\"capabilityFactors\":3", "\"maxFactorScore\":3"}) {
    EXPECT_NE(raw.body.find(name), std::string::npos) << name << " in " << raw.body;
  }
}

std::vector<std::string> Actions(const v1::Referral& r) {
  std::vector<std::string> out;
  for (const v1::ActionOption& o : r.available_actions()) {
    out.push_back(absl::StrCat(o.action(), ":", v1::ActionDetails_Name(o.details()),
                               o.reason_required() ? ":reason" : ""));
  }
  return out;
}

// An answer about one referral says what its caller may do with it next,
// through any field view; a list page and a watch event do not.
TEST_F(ConnectTest, AReferralSaysWhatItsCallerMayDoNext) {
  v1::Referral created;
  ASSERT_TRUE(callers_->Submit(kCouncil, "actions-1", TargetHardeningSubmission(),
                               &created)
                  .ok());
  EXPECT_EQ(created.available_actions_size(), 0);  // not on a submission
  v1::GetReferralRequest get;
  get.set_name(created.name());

  // The referrer, who may only read its own: nothing to do.
  v1::Referral r;
  ASSERT_THAT(As(kCouncil).Unary("safeguard.v1.Referrals/GetReferral", get, &r,
                                 Format::kJson),
              testing::IsOk());
  EXPECT_TRUE(Actions(r).empty());
  EXPECT_FALSE(r.assignable());

  // The coordinator, over both transports.
  ASSERT_THAT(As(kSanctuary).Unary("safeguard.v1.Referrals/GetReferral", get,
                                   &r, Format::kJson),
              testing::IsOk());
  EXPECT_EQ(Actions(r),
            (std::vector<std::string>{"begin_eligibility:ACTION_DETAILS_UNSPECIFIED",
                                      "cancel:ACTION_DETAILS_UNSPECIFIED:reason",
                                      "withdraw_consent:CONSENT_WITHDRAWN"}));
  EXPECT_TRUE(r.assignable());
  v1::Referral via_grpc;
  ASSERT_TRUE(callers_->Get(kSanctuary, created.name(), &via_grpc).ok());
  EXPECT_EQ(Actions(via_grpc), Actions(r));

  // A transition answers with the next state's actions.
  ASSERT_TRUE(callers_->Transition(kSanctuary, via_grpc, "begin_eligibility").ok());
  EXPECT_EQ(via_grpc.state(), "ELIGIBILITY");
  EXPECT_EQ(Actions(via_grpc),
            (std::vector<std::string>{"accept:ACTION_DETAILS_UNSPECIFIED",
                                      "decline:ACTION_DETAILS_UNSPECIFIED:reason",
                                      "cancel:ACTION_DETAILS_UNSPECIFIED:reason",
                                      "withdraw_consent:CONSENT_WITHDRAWN"}));
  EXPECT_TRUE(via_grpc.assignable());

  // So do an assignment and a note, in JSON as the console reads it.
  const std::map<std::string, std::string> connect = {
      {"Content-Type", "application/json"}, {"Connect-Protocol-Version", "1"}};
  HttpAnswer raw = As(kSanctuary).Post(
      "/safeguard.v1.Referrals/AssignReferral", connect,
      absl::StrCat("{\"name\":\"", created.name(), "\",\"assignee\":\"", kSanctuary,
                   "\",\"version\":\"", via_grpc.version(), "\"}"));
  ASSERT_EQ(raw.status, 200) << raw.body;
  EXPECT_NE(raw.body.find("\"availableActions\":[{\"action\":\"accept\"},"
                          "{\"action\":\"decline\",\"reasonRequired\":true},"
                          "{\"action\":\"cancel\",\"reasonRequired\":true},"
                          "{\"action\":\"withdraw_consent\","
                          "\"details\":\"CONSENT_WITHDRAWN\"}]"),
            std::string::npos)
      << raw.body;
  EXPECT_NE(raw.body.find("\"assignable\":true"), std::string::npos) << raw.body;
  v1::AddNoteRequest note;
  note.set_name(created.name());
  note.set_text("Victim prefers calls after 6pm.");
  ASSERT_THAT(As(kSanctuary).Unary("safeguard.v1.Referrals/AddNote", note, &r),
              testing::IsOk());
  EXPECT_EQ(Actions(r), Actions(via_grpc));

  // A list page carries none.
  v1::ListReferralsRequest list;
  v1::ListReferralsResponse page;
  ASSERT_THAT(As(kSanctuary).Unary("safeguard.v1.Referrals/ListReferrals", list,
                                   &page),
              testing::IsOk());
  ASSERT_EQ(page.referrals_size(), 1);
  EXPECT_EQ(page.referrals(0).available_actions_size(), 0);
  EXPECT_FALSE(page.referrals(0).assignable());

  // Break-glass shows an auditor everything, and nothing it may do.
  v1::BreakGlassRequest glass;
  glass.set_name(created.name());
  glass.set_reason("subject access request 2026-114, approved by the DPO");
  ASSERT_THAT(As("csp-audit/person/auditor")
                  .Unary("safeguard.v1.Audit/BreakGlass", glass, &r),
              testing::IsOk());
  EXPECT_EQ(r.target_hardening().address().postcode(), "IP33 1AA");
  EXPECT_TRUE(Actions(r).empty());
  EXPECT_FALSE(r.assignable());

  // A submission may not carry them.
  v1::SubmitReferralRequest submit;
  submit.set_request_id("actions-2");
  *submit.mutable_referral() = TargetHardeningSubmission();
  submit.mutable_referral()->add_available_actions()->set_action("accept");
  v1::Referral refused;
  absl::Status s = As(kCouncil).Unary("safeguard.v1.Referrals/SubmitReferral",
                                      submit, &refused);
  EXPECT_EQ(FromStatus(s).violations,
            (std::vector<FieldViolation>{
                {"referral.available_actions", "must be empty"}}));
}

TEST_F(ConnectTest, BadInputGetsTheSameAnswerOverBothTransports) {
  struct Case {
    const char* name;
    std::string method;
    std::function<std::unique_ptr<google::protobuf::Message>()> request;
    Outcome want;
  };
  auto submission = [](std::function<void(v1::Referral&)> change) {
    return [change] {
      auto q = std::make_unique<v1::SubmitReferralRequest>();
      q->set_request_id("bad-input");
      *q->mutable_referral() = TargetHardeningSubmission();
      change(*q->mutable_referral());
      return q;
    };
  };
  const std::string submit = "safeguard.v1.Referrals/SubmitReferral";
  std::vector<Case> cases = {
      {"every field named", submit,
       [] {
         auto q = std::make_unique<v1::SubmitReferralRequest>();
         *q->mutable_referral() = TargetHardeningSubmission("atlantis");
         q->mutable_referral()->mutable_target_hardening()->clear_address();
         q->mutable_referral()->mutable_subjects(0)->mutable_date_of_birth()
             ->set_month(13);
         return q;
       },
       {3,
        {{"request_id", "is required: a client-chosen id that makes retries safe"},
         {"referral.area", ""},
         {"referral.subjects[0].date_of_birth", ""},
         {"referral.target_hardening.address.lines", ""},
         {"referral.target_hardening.address.postcode", ""}}}},
      {"a megabyte town", submit, submission([](v1::Referral& r) {
         r.mutable_target_hardening()->mutable_address()->set_town(
             std::string(900 * 1024, 'x'));
       }),
       {3, {{"referral.target_hardening.address.town",
             "must be at most 100 bytes"}}}},
      {"ten thousand channels", submit, submission([](v1::Referral& r) {
         for (int i = 0; i < 10000; ++i) {
           r.mutable_subjects(0)->mutable_safe_contact()->add_channels(v1::PHONE);
         }
       }),
       {3, {{"referral.subjects[0].safe_contact.channels",
             "must have at most 10 items"}}}},
      {"priority 99", submit,
       submission([](v1::Referral& r) { r.set_priority(v1::Priority(99)); }),
       {3, {{"referral.priority", "is not one of the values the API defines"}}}},
      {"a history written by the client", submit,
       submission([](v1::Referral& r) { r.add_history()->set_action("submit"); }),
       {3, {{"referral.history", "must be empty"}}}},
      {"a long name", "safeguard.v1.Referrals/GetReferral",
       [] {
         auto q = std::make_unique<v1::GetReferralRequest>();
         q->set_name("referrals/" + std::string(1 << 19, 'z'));
         return q;
       },
       {3, {{"name", "must be at most 100 bytes"}}}},
      {"an escape in a name", "safeguard.v1.Referrals/GetReferral",
       [] {
         auto q = std::make_unique<v1::GetReferralRequest>();
         q->set_name("referrals/\x1b[31mred");
         return q;
       },
       {3, {{"name", "must be referrals/<referral id>"}}}},
      {"a page size out of range", "safeguard.v1.Referrals/ListReferrals",
       [] {
         auto q = std::make_unique<v1::ListReferralsRequest>();
         q->set_page_size(1000);
         q->set_page_token("not-a-token");
         return q;
       },
       {3, {{"page_size", "must be 0 to 100"}}}},
  };
  for (Case& c : cases) {
    std::unique_ptr<google::protobuf::Message> request = c.request();
    std::vector<Outcome> got = Everywhere(
        c.method == submit ? kCouncil : kSanctuary, c.method, *request);
    ASSERT_EQ(got.size(), 3u);
    // The descriptions of the first case are checked by the gRPC suite;
    // here the fields and their order, and that all three agree.
    if (std::string(c.name) == "every field named") {
      std::vector<std::string> fields;
      for (const FieldViolation& v : got[0].violations) fields.push_back(v.field);
      std::vector<std::string> want;
      for (const FieldViolation& v : c.want.violations) want.push_back(v.field);
      EXPECT_EQ(got[0].code, c.want.code) << c.name;
      EXPECT_EQ(fields, want) << c.name;
    } else {
      EXPECT_EQ(got[0].code, c.want.code) << c.name << " over gRPC";
      EXPECT_EQ(got[0].violations, c.want.violations) << c.name << " over gRPC";
    }
    EXPECT_EQ(got[1], got[0]) << c.name << " over Connect, binary";
    EXPECT_EQ(got[2], got[0]) << c.name << " over Connect, JSON";
  }

  // Violations are capped alike: 10 subjects with 6 bad fields each.
  auto many = submission([](v1::Referral& r) {
    r = testing::SixtyBadFieldsSubmission();
  })();
  std::vector<Outcome> got = Everywhere(kCouncil, submit, *many);
  ASSERT_EQ(got[0].violations.size(), 51u);
  EXPECT_EQ(got[0].violations.back(),
            (FieldViolation{"...", "10 more fields are invalid"}));
  EXPECT_EQ(got[1], got[0]);
  EXPECT_EQ(got[2], got[0]);
  // Actions: an unbounded name, one the state does not allow, and dates
  // the process does not allow, refused alike.
  v1::Referral r;
  ASSERT_TRUE(callers_->Submit(kCouncil, "actions", TargetHardeningSubmission(),
                               &r).ok());
  ASSERT_TRUE(callers_->Get(kSanctuary, r.name(), &r).ok());
  const std::string transition = "safeguard.v1.Referrals/TransitionReferral";
  auto action = [&](const std::string& name) {
    v1::TransitionReferralRequest q;
    q.set_name(r.name());
    q.set_version(r.version());
    q.set_action(name);
    return q;
  };
  got = Everywhere(kSanctuary, transition, action(std::string(8192, 'q')));
  EXPECT_EQ(got[0].violations,
            (std::vector<FieldViolation>{{"action", "must be at most 64 bytes"}}));
  EXPECT_EQ(got[1], got[0]);
  EXPECT_EQ(got[2], got[0]);
  got = Everywhere(kSanctuary, transition, action("teleport_elsewhere"));
  EXPECT_EQ(got[0].code, 9);  // FAILED_PRECONDITION
  EXPECT_EQ(got[0].message,
            "the action is not allowed from state REFERRED; allowed: "
            "begin_eligibility, cancel, withdraw_consent");
  EXPECT_EQ(got[1], got[0]);
  EXPECT_EQ(got[2], got[0]);
  ASSERT_TRUE(callers_->Transition(kSanctuary, r, "begin_eligibility").ok());
  ASSERT_TRUE(callers_->Transition(kSanctuary, r, "accept").ok());
  for (int64_t seconds : {int64_t{-62135596800}, int64_t{253402300799}}) {
    v1::TransitionReferralRequest book = action("book_survey");
    book.mutable_appointment()->mutable_appointment_time()->set_seconds(seconds);
    got = Everywhere(kSanctuary, transition, book);
    EXPECT_EQ(got[0].violations,
              (std::vector<FieldViolation>{{"appointment.appointment_time",
                                            "must be from 30 days ago to 366 "
                                            "days ahead"}}))
        << seconds;
    EXPECT_EQ(got[1], got[0]) << seconds;
    EXPECT_EQ(got[2], got[0]) << seconds;
  }

  // Nothing was stored by any of it but the one good submission.
  v1::ListReferralsResponse page;
  ASSERT_TRUE(callers_->As(kSanctuary)
                  .ListReferrals(Context().get(), {}, &page)
                  .ok());
  ASSERT_EQ(page.referrals_size(), 1);
  EXPECT_EQ(page.referrals(0).name(), r.name());
  EXPECT_EQ(page.referrals(0).state(), "ACCEPTED");
}

// The two front ends share one drain: at shutdown an open watch over HTTPS
// ends with UNAVAILABLE, as one over gRPC does.
TEST_F(ConnectTest, ShutdownEndsAWatchOverHttps) {
  v1::WatchReferralsRequest request;
  testing::StreamResult watched = As(kSanctuary).Stream(
      "safeguard.v1.Referrals/WatchReferrals", request, Format::kProto, 1,
      10000, [&] { server_->Shutdown(absl::Seconds(5)); });
  EXPECT_TRUE(watched.live);
  EXPECT_TRUE(watched.ended);
  EXPECT_EQ(watched.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(watched.status.message(), "the server is shutting down");
}

TEST_F(ConnectTest, RefusedRequestsLeaveTheServerServing) {
  const std::string path = "/safeguard.v1.ServerInfo/GetServerInfo";
  const std::map<std::string, std::string> connect = {
      {"Connect-Protocol-Version", "1"}, {"Content-Type", "application/json"}};
  ConnectClient& lead = As(kSanctuary);

  // No client certificate, one from another CA, and a revoked one: no
  // TLS session, so no answer.
  TempDir other_dir;
  TestPki other(other_dir.path(), "other-ca");
  struct {
    const char* name;
    std::optional<testing::CertFiles> cert;
  } strangers[] = {
      {"no certificate", std::nullopt},
      {"another CA", other.IssueIdentity("west-suffolk-council",
                                         "person/sanctuary-coordinator")},
      {"revoked", revoked_},
  };
  for (const auto& s : strangers) {
    HttpAnswer answer = NewClient(s.cert)->Post(path, connect, "{}");
    EXPECT_EQ(answer.status, 0) << s.name;
    ExpectServing();
  }

  struct Case {
    const char* name;
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;
    std::string body;
    int status;
    absl::StatusCode code;  // in the Connect error body; kOk: none wanted
  };
  const Case cases[] = {
      {"without the protocol header", "POST", path,
       {{"Content-Type", "application/json"}}, "{}", 400, absl::StatusCode::kInvalidArgument},
      {"a form post", "POST", path,
       {{"Connect-Protocol-Version", "1"},
        {"Content-Type", "application/x-www-form-urlencoded"}},
       "a=b", 415, absl::StatusCode::kOk},
      {"from another origin", "POST", path,
       {{"Connect-Protocol-Version", "1"}, {"Content-Type", "application/json"},
        {"Origin", "https://elsewhere.example"}},
       "{}", 403, absl::StatusCode::kOk},
      {"over 1 MiB", "POST", path, connect,
       "{\"x\":\"" + std::string(1 << 20, 'a') + "\"}", 429,
       absl::StatusCode::kResourceExhausted},
      {"a method that is not governed", "POST", "/grpc.health.v1.Health/Check",
       connect, "{}", 404, absl::StatusCode::kOk},
      {"a GET of an API method", "GET", path, {}, "", 405, absl::StatusCode::kOk},
      {"an OPTIONS preflight", "OPTIONS", path, {}, "", 405,
       absl::StatusCode::kOk},
  };
  for (const Case& c : cases) {
    HttpAnswer answer = c.method == "POST" ? lead.Post(c.path, c.headers, c.body)
                                           : lead.Send(c.method, c.path);
    EXPECT_EQ(answer.status, c.status) << c.name;
    if (c.code != absl::StatusCode::kOk) {
      EXPECT_EQ(testing::StatusFromConnectError(answer.body).code(), c.code)
          << c.name;
    }
    EXPECT_EQ(answer.Header("access-control-allow-origin"), "") << c.name;
    ExpectServing();
  }
}

TEST_F(ConnectTest, EveryAnswerCarriesTheSecurityHeaders) {
  ConnectClient& lead = As(kSanctuary);
  const std::map<std::string, std::string> connect = {
      {"Connect-Protocol-Version", "1"}, {"Content-Type", "application/json"}};
  // Only the console's files may be kept (and are revalidated each time):
  // they hold no personal data.
  struct {
    const char* name;
    HttpAnswer answer;
    int status;
    const char* cache_control;
  } answers[] = {
      {"an API answer",
       lead.Post("/safeguard.v1.ServerInfo/GetServerInfo", connect, "{}"), 200,
       "no-store"},
      {"an API error",
       lead.Post("/safeguard.v1.Referrals/GetReferral", connect,
                 "{\"name\":\"referrals/none\"}"),
       404, "no-store"},
      {"a static file", lead.Get("/"), 200, "no-cache"},
      {"an unknown path", lead.Get("/no/such/file"), 404, "no-store"},
  };
  for (const auto& a : answers) {
    EXPECT_EQ(a.answer.status, a.status) << a.name;
    EXPECT_EQ(a.answer.Header("cache-control"), a.cache_control) << a.name;
    EXPECT_EQ(a.answer.Header("x-content-type-options"), "nosniff") << a.name;
    EXPECT_EQ(a.answer.Header("referrer-policy"), "no-referrer") << a.name;
    EXPECT_EQ(a.answer.Header("x-frame-options"), "DENY") << a.name;
    EXPECT_EQ(a.answer.Header("strict-transport-security").rfind("max-age=", 0),
              0u)
        << a.name;
    const std::string csp = a.answer.Header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << a.name;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << a.name;
    EXPECT_EQ(a.answer.Header("access-control-allow-origin"), "") << a.name;
  }
  EXPECT_EQ(answers[2].answer.body, "<!doctype html><title>x</title>");
}

}  // namespace
}  // namespace safeguard
