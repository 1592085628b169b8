// The authorization matrix through the real server: every method of every
// safeguard.v1 service, for an identity holding each role of the shipped
// policy (and one holding none), against referrals inside and outside its
// scope: own and other agency, in and out of area, assigned and not.
// The expected outcomes are the table below; a method the table does not
// cover fails the test, so a new RPC cannot ship without its row.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/meetings.grpc.pb.h"
#include "safeguard/v1/people.grpc.pb.h"
#include "safeguard/v1/reports.pb.h"
#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "server/common/proto_time.h"
#include "server/policy/policy.h"
#include "tests/testing/connect_client.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::ChannelSubmission;
using ::safeguard::testing::Context;
using ::safeguard::testing::MaracSubmission;
using ::safeguard::testing::NrmSubmission;
using ::safeguard::testing::TargetHardeningSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestChannel;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using Code = grpc::StatusCode;

// The referrals every identity is checked against.
//   N   NRM, suffolk-police, west-suffolk
//   C   CHANNEL, probation-service, west-suffolk
//   M   MARAC, leeway (IDVA), babergh
//   T1  TARGET_HARDENING, west-suffolk-council, west-suffolk, assigned to
//       the locksmith
//   T2  TARGET_HARDENING, babergh-mid-suffolk-council, babergh, unassigned
const std::vector<std::string> kTargets = {"N", "C", "M", "T1", "T2"};
// And the meetings and actions:
//   MM  a MARAC meeting in babergh, M listed to it
//   MC  a Channel panel in west-suffolk
//   A   an action of M's plan at MM, owned by suffolk-icb
const std::vector<std::string> kMeetingTargets = {"MM", "MC"};
const std::vector<std::string> kActionTargets = {"A"};

struct Expectation {
  const char* role;
  const char* identity;
  std::set<std::string> methods;  // short names the identity may call
  std::set<std::string> visible;  // targets in its scope
  // Methods whose rules reach other targets than `visible` (scope is per
  // method: each method's rules carry their own scopes).
  std::map<std::string, std::set<std::string>> visible_for = {};
};

const std::set<std::string> kAll = {
    "GetServerInfo",      "SubmitReferral", "GetReferral", "ListReferrals",
    "TransitionReferral", "AssignReferral", "AddNote",     "WatchReferrals",
    "UpdateReferral"};

std::set<std::string> WithAccessLog(std::set<std::string> methods) {
  methods.insert("GetAccessLog");
  return methods;
}

// Those who run meetings, and those who represent an agency at them.
std::set<std::string> WithMeetings(std::set<std::string> methods) {
  methods.insert({"CreateMeeting", "GetMeeting", "ListMeetings",
                  "TransitionMeeting", "GetAgenda", "RecordAttendance",
                  "RecordOutcome", "CreateAction", "UpdateAction",
                  "ListActions"});
  return methods;
}
std::set<std::string> AsRepresentative(std::set<std::string> methods) {
  methods.insert({"GetMeeting", "ListMeetings", "GetAgenda", "RecordResearch",
                  "UpdateAction", "ListActions"});
  return methods;
}
// Each kind's coordinators search and keep person records.
std::set<std::string> WithPeople(std::set<std::string> methods) {
  methods.insert({"SearchPeople", "GetPerson", "MergePeople", "UnmergePerson",
                  "RejectMatch"});
  return methods;
}
// Leads and coordinators run the partnership's reports, suppressed.
std::set<std::string> WithReports(std::set<std::string> methods) {
  methods.insert({"ListReportDefinitions", "RunReport"});
  return methods;
}
// The two coordinators whose kinds link to each other.
std::set<std::string> WithLinks(std::set<std::string> methods) {
  methods.insert({"LinkReferral", "UnlinkReferral"});
  return methods;
}
// A referrer may take the actions the workflow gives it on its own MARAC
// and target-hardening referrals (resubmit, re-refer).
const std::set<std::string> kReferrerOnly = {
    "GetServerInfo", "SubmitReferral", "GetReferral",   "ListReferrals",
    "TransitionReferral", "AddNote", "WatchReferrals", "UpdateReferral"};

const Expectation kMatrix[] = {
    // Its own referral is a Channel one: it takes no action on that.
    {"referrer", "probation-service/system/ndelius", kReferrerOnly, {"C"},
     {{"TransitionReferral", {}}}},
    {"first_responder", "suffolk-police/system/athena",
     {"GetServerInfo", "SubmitReferral", "GetReferral", "ListReferrals",
      "TransitionReferral", "AddNote", "WatchReferrals", "UpdateReferral"},
     {"N"}},
    {"agency_lead", "west-suffolk-council/person/safeguarding-lead",
     WithReports(WithAccessLog(kAll)), {"T1"}},
    {"marac_coordinator", "suffolk-county-council/person/marac-coordinator",
     WithReports(WithPeople(WithLinks(WithMeetings(kAll)))), {"M", "MM", "A"}},
    {"channel_chair", "suffolk-county-council/person/channel-chair",
     WithReports(WithPeople(WithMeetings(kAll))), {"C", "MC"}},
    // As a police First Responder it reaches the force's NRM referrals too,
    // but assigns only Channel cases.
    {"prevent_officer", "suffolk-police/person/prevent-officer",
     WithReports(WithPeople(kAll)), {"C", "N"}, {{"AssignReferral", {"C"}}}},
    {"sanctuary_coordinator",
     "west-suffolk-council/person/sanctuary-coordinator",
     WithReports(WithPeople(WithLinks(kAll))), {"T1", "T2"}},
    {"contractor", "safe-partnership/person/locksmith",
     {"GetServerInfo", "GetReferral", "ListReferrals", "TransitionReferral",
      "WatchReferrals"},
     {"T1"}},
    {"fire_officer", "suffolk-fire-rescue/person/fire-officer",
     {"GetServerInfo", "SubmitReferral", "GetReferral", "ListReferrals",
      "TransitionReferral", "AddNote", "WatchReferrals", "UpdateReferral"},
     // It adds notes and corrects only as a referrer, its own referrals.
     {"T1"}, {{"AddNote", {}}, {"UpdateReferral", {}}}},
    {"idva", "leeway/person/idva", kReferrerOnly, {"M"}},
    // The audit log, and case content only through break-glass.
    {"auditor", "csp-audit/person/auditor",
     {"GetServerInfo", "ListAuditEntries", "GetAccessLog", "VerifyAuditLog",
      "ExportAuditLog", "BreakGlass"},
     {},
     {{"GetAccessLog", {"N", "C", "M", "T1", "T2"}},
      {"BreakGlass", {"N", "C", "M", "T1", "T2"}}}},
    {"administrator", "csp-admin/person/administrator", {"GetServerInfo"}, {}},
    // Reports, every figure too; never a referral.
    {"analyst", "csp-analyst/person/analyst",
     {"GetServerInfo", "ListReportDefinitions", "RunReport",
      "RunUnsuppressedReport"},
     {}},
    // A referrer of its agency too, reaching no referral of these.
    {"marac_representative", "suffolk-icb/person/marac-representative",
     AsRepresentative(kReferrerOnly), {"MM", "A"}},
    {"channel_partner", "youth-justice/person/channel-panel",
     AsRepresentative(kReferrerOnly), {"MC"}},
    {"no role", "unknown-agency/system/x", {}, {}},
};

class AuthorizationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
    targets_["N"] = Submit("suffolk-police/system/athena", NrmSubmission());
    targets_["C"] = Submit("probation-service/system/ndelius", ChannelSubmission());
    targets_["M"] = Submit("leeway/person/idva", MaracSubmission(15));
    targets_["T1"] = Submit("west-suffolk-council/system/case",
                            TargetHardeningSubmission("west-suffolk"));
    targets_["T2"] = Submit("babergh-mid-suffolk-council/system/case",
                            TargetHardeningSubmission("babergh"));
    // The locksmith's job: accepted (so the victim consented), then assigned.
    const char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
    v1::Referral out;
    int64_t version = 1;
    for (const char* action : {"begin_eligibility", "accept"}) {
      v1::TransitionReferralRequest step;
      step.set_name(targets_["T1"]);
      step.set_action(action);
      step.set_version(version++);
      grpc::Status s = callers_->As(kSanctuary).TransitionReferral(
          Context().get(), step, &out);
      ASSERT_TRUE(s.ok()) << action << ": " << s.error_message();
    }
    v1::AssignReferralRequest assign;
    assign.set_name(targets_["T1"]);
    assign.set_assignee("safe-partnership/person/locksmith");
    assign.set_version(version);
    grpc::Status s =
        callers_->As(kSanctuary).AssignReferral(Context().get(), assign, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();

    // The meetings, M listed to the MARAC, and an action of its plan.
    const char kCoordinator[] = "suffolk-county-council/person/marac-coordinator";
    targets_["MM"] = CreateMeeting(kCoordinator, v1::MARAC, "babergh");
    targets_["MC"] = CreateMeeting("suffolk-county-council/person/channel-chair",
                                   v1::CHANNEL, "west-suffolk");
    v1::Referral m;
    ASSERT_TRUE(callers_->Get(kCoordinator, targets_["M"], &m).ok());
    ASSERT_TRUE(callers_->Transition(kCoordinator, m, "begin_screening").ok());
    v1::TransitionReferralRequest list;
    list.mutable_meeting()->set_name(targets_["MM"]);
    s = callers_->Transition(kCoordinator, m, "list", list);
    ASSERT_TRUE(s.ok()) << s.error_message();
    v1::CreateActionRequest action;
    action.set_name(targets_["MM"]);
    action.set_request_id("setup-action");
    action.mutable_action()->set_referral(targets_["M"]);
    action.mutable_action()->set_description("Share the safety plan");
    action.mutable_action()->set_owner_agency("suffolk-icb");
    action.mutable_action()->set_owner("Named GP");
    *action.mutable_action()->mutable_due_date() = testing::Today(7);
    v1::Action made;
    s = v1::Meetings::NewStub(ChannelOf(kCoordinator))
            ->CreateAction(Context().get(), action, &made);
    ASSERT_TRUE(s.ok()) << s.error_message();
    targets_["A"] = made.name();
  }

  std::string CreateMeeting(const std::string& who, v1::ReferralKind kind,
                            const std::string& area) {
    v1::CreateMeetingRequest request;
    request.set_request_id("setup-meeting");
    request.mutable_meeting()->set_kind(kind);
    request.mutable_meeting()->set_area(area);
    ToTimestamp(absl::Now() + absl::Hours(48),
                request.mutable_meeting()->mutable_start_time());
    request.mutable_meeting()->set_chair("Chair");
    request.mutable_meeting()->set_venue("Endeavour House");
    v1::Meeting out;
    grpc::Status s = v1::Meetings::NewStub(ChannelOf(who))
                         ->CreateMeeting(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.name();
  }

  std::unique_ptr<v1::Audit::Stub> AuditStub(const std::string& who) {
    size_t slash = who.find('/');
    return v1::Audit::NewStub(TestChannel(
        server_->port(), pki_.ca_file(),
        pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1))));
  }

  std::shared_ptr<grpc::Channel> ChannelOf(const std::string& who) {
    auto& channel = channels_[who];
    if (channel == nullptr) {
      size_t slash = who.find('/');
      channel = testing::ConnectedTestChannel(
          server_->port(), pki_.ca_file(),
          pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1)));
    }
    return channel;
  }

  testing::ConnectClient& ConnectOf(const std::string& who) {
    auto& client = connect_[who];
    if (client == nullptr) {
      size_t slash = who.find('/');
      client = std::make_unique<testing::ConnectClient>(
          server_->http_port(), pki_.ca_file(),
          pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1)));
    }
    return *client;
  }

  // The sequence of the audit log's last entry: that of this read itself,
  // which is written before its answer.
  int64_t AuditSize() {
    auto stub = AuditStub("csp-audit/person/auditor");
    int64_t last = 0;
    std::string token;
    do {
      v1::ListAuditEntriesRequest request;
      request.set_page_size(1000);
      request.set_page_token(token);
      v1::ListAuditEntriesResponse page;
      grpc::Status s = stub->ListAuditEntries(Context().get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const v1::AuditEntry& e : page.entries()) last = e.sequence();
      token = page.next_page_token();
    } while (!token.empty());
    return last + 1;
  }

  // The entries after sequence `after`, each as method, caller, outcome,
  // referral and view, but for those of this reading (each page's call
  // is on the next page).
  std::vector<std::string> AuditedSince(int64_t after) {
    v1::ListAuditEntriesRequest request;
    request.set_page_size(1000);
    request.set_page_token(absl::StrCat(after));
    std::vector<std::string> out;
    int pages = 0;
    do {
      ++pages;
      v1::ListAuditEntriesResponse page;
      grpc::Status s = AuditStub("csp-audit/person/auditor")
                           ->ListAuditEntries(Context().get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const v1::AuditEntry& e : page.entries()) {
        out.push_back(absl::StrCat(e.method(), " ", e.agency(), "/",
                                   e.principal(), " ", e.code(), " ",
                                   e.referral(), " ", e.view()));
      }
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    for (int i = 1; i < pages && !out.empty(); ++i) {
      EXPECT_EQ(out.back(),
                "safeguard.v1.Audit/ListAuditEntries csp-audit/person/auditor "
                "0  ");
      out.pop_back();
    }
    return out;
  }

  std::string Submit(const std::string& who, const v1::Referral& r) {
    v1::SubmitReferralRequest request;
    request.set_request_id(absl::StrCat("setup-", targets_.size()));
    *request.mutable_referral() = r;
    v1::Referral out;
    grpc::Status s = callers_->As(who).SubmitReferral(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << who << ": " << s.error_message();
    return out.name();
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  std::map<std::string, std::string> targets_;  // short name -> resource name
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::map<std::string, std::unique_ptr<testing::ConnectClient>> connect_;
};

enum class Transport { kGrpc, kConnect };

// What one caller's call of one method came to, over one transport.
using Probe = std::function<int(Transport, const std::string& who,
                                const std::string& target)>;

TEST_F(AuthorizationTest, EveryMethodEveryRoleInsideAndOutsideScope) {
  // One probe per method, the same over both transports. `target` is empty
  // for methods not about one referral. Each returns the status code.
  auto unary = [&](const std::string& method,
                   const google::protobuf::Message& request) -> Probe {
    std::shared_ptr<google::protobuf::Message> req(request.New());
    req->CopyFrom(request);
    return [this, method, req](Transport t, const std::string& who,
                               const std::string& target) {
      std::unique_ptr<google::protobuf::Message> q(req->New());
      q->CopyFrom(*req);
      if (const auto* name = q->GetDescriptor()->FindFieldByName("name")) {
        q->GetReflection()->SetString(q.get(), name, target);
      }
      if (t == Transport::kGrpc) {
        return static_cast<int>(
            testing::RawCall(ChannelOf(who), "/" + method, q->SerializeAsString())
                .error_code());
      }
      // Responses are read as what they are: the method's output type.
      std::unique_ptr<google::protobuf::Message> out =
          testing::NewResponse(method);
      return static_cast<int>(ConnectOf(who).Unary(method, *q, out.get()).code());
    };
  };
  auto stream = [&](const std::string& method,
                    const google::protobuf::Message& request) -> Probe {
    std::shared_ptr<google::protobuf::Message> req(request.New());
    req->CopyFrom(request);
    return [this, method, req](Transport t, const std::string& who,
                               const std::string&) -> int {
      if (t == Transport::kConnect) {
        // Allowed: the stream goes live (a watch would stay open); OK stands
        // for that. Refused: it ends with the refusal.
        testing::StreamResult r = ConnectOf(who).Stream(
            method, *req, testing::Format::kProto, 100000, 500);
        return r.live && r.status.ok() ? 0 : static_cast<int>(r.status.code());
      }
      auto context = Context();
      if (method == "safeguard.v1.Referrals/WatchReferrals") {
        auto s = callers_->As(who).WatchReferrals(
            context.get(), static_cast<const v1::WatchReferralsRequest&>(*req));
        const bool live = testing::WaitUntilLive(*s, *context);
        if (live) context->TryCancel();
        v1::ReferralEvent event;
        while (s->Read(&event)) {
        }
        grpc::Status status = s->Finish();
        return live ? 0 : static_cast<int>(status.error_code());
      }
      auto s = AuditStub(who)->ExportAuditLog(
          context.get(), static_cast<const v1::ExportAuditLogRequest&>(*req));
      v1::AuditExportItem item;
      while (s->Read(&item)) {
      }
      return static_cast<int>(s->Finish().error_code());
    };
  };
  // An empty referral: refused as invalid once the call is allowed. An
  // unknown action and a stale version: ABORTED once the referral is in
  // scope.
  v1::SubmitReferralRequest submit;
  submit.set_request_id("matrix");
  v1::TransitionReferralRequest transition;
  transition.set_action("no_such_action");
  v1::AddNoteRequest note;
  note.set_text("checked by the authorization matrix");
  v1::BreakGlassRequest break_glass;
  break_glass.set_reason("subject access request 2026-114, DPO approved");
  // Meetings: an empty meeting is invalid; an unknown action on a stale
  // version is ABORTED; research, outcomes and actions for a case not
  // listed are INVALID_ARGUMENT once the meeting is in reach.
  v1::TransitionMeetingRequest transition_meeting;
  transition_meeting.set_action("no_such_action");
  v1::RecordAttendanceRequest attendance;
  attendance.mutable_attendance()->set_agency("suffolk-police");
  attendance.mutable_attendance()->set_attendee("A. Attendee");
  attendance.mutable_attendance()->set_presence(v1::PRESENT);
  v1::RecordResearchRequest research;
  research.set_referral("referrals/not-listed");
  research.set_text("Known to us");
  v1::RecordOutcomeRequest outcome;
  outcome.set_referral("referrals/not-listed");
  outcome.set_outcome("Refer on");
  v1::CreateActionRequest create_action;
  create_action.set_request_id("matrix");
  create_action.mutable_action()->set_referral("referrals/not-listed");
  create_action.mutable_action()->set_description("Visit");
  create_action.mutable_action()->set_owner_agency("suffolk-police");
  create_action.mutable_action()->set_owner("Duty sergeant");
  *create_action.mutable_action()->mutable_due_date() = testing::Today(7);
  v1::UpdateActionRequest update_action;
  update_action.set_status(v1::ACTION_DONE);
  // A link from a referral to itself, in a type one of the two kinds
  // takes: INVALID_ARGUMENT once the referral is in scope, whatever its
  // kind, and nothing written.
  auto link_to_itself = [unary](Transport t, const std::string& who,
                                const std::string& target) {
    v1::LinkReferralRequest q;
    q.mutable_link()->set_type(v1::LINK_MARAC_CASE);
    q.mutable_link()->set_referral(target);
    return unary("safeguard.v1.Referrals/LinkReferral", q)(t, who, target);
  };
  // A correction of the priority against a stale version: ABORTED once
  // the referral is in scope.
  auto correct_stale = [unary](Transport t, const std::string& who,
                               const std::string& target) {
    v1::UpdateReferralRequest q;
    q.mutable_referral()->set_name(target);
    q.mutable_referral()->set_version(999);
    q.mutable_update_mask()->add_paths("priority");
    return unary("safeguard.v1.Referrals/UpdateReferral", q)(t, who, target);
  };
  auto unlink_from_itself = [unary](Transport t, const std::string& who,
                                    const std::string& target) {
    v1::UnlinkReferralRequest q;
    q.set_referral(target);
    return unary("safeguard.v1.Referrals/UnlinkReferral", q)(t, who, target);
  };
  // People: each probe's name is empty (it is about no referral), so an
  // allowed call is INVALID_ARGUMENT (a search also lacks its reason).
  v1::MergePeopleRequest merge_people;
  merge_people.set_other("people/no-such-record");
  v1::RejectMatchRequest reject_match;
  reject_match.set_other("people/no-such-record");
  std::map<std::string, Probe> probes = {
      {"SearchPeople", unary("safeguard.v1.People/SearchPeople",
                             v1::SearchPeopleRequest())},
      {"GetPerson",
       unary("safeguard.v1.People/GetPerson", v1::GetPersonRequest())},
      {"MergePeople", unary("safeguard.v1.People/MergePeople", merge_people)},
      {"UnmergePerson", unary("safeguard.v1.People/UnmergePerson",
                              v1::UnmergePersonRequest())},
      {"RejectMatch", unary("safeguard.v1.People/RejectMatch", reject_match)},
      // Reports: a run without its period is INVALID_ARGUMENT once allowed.
      {"ListReportDefinitions",
       unary("safeguard.v1.Reports/ListReportDefinitions",
             v1::ListReportDefinitionsRequest())},
      {"RunReport",
       unary("safeguard.v1.Reports/RunReport", v1::RunReportRequest())},
      {"RunUnsuppressedReport",
       unary("safeguard.v1.Reports/RunUnsuppressedReport",
             v1::RunUnsuppressedReportRequest())},
      {"GetServerInfo",
       unary("safeguard.v1.ServerInfo/GetServerInfo", v1::GetServerInfoRequest())},
      {"SubmitReferral", unary("safeguard.v1.Referrals/SubmitReferral", submit)},
      {"GetReferral",
       unary("safeguard.v1.Referrals/GetReferral", v1::GetReferralRequest())},
      {"ListReferrals",
       unary("safeguard.v1.Referrals/ListReferrals", v1::ListReferralsRequest())},
      {"TransitionReferral",
       unary("safeguard.v1.Referrals/TransitionReferral", transition)},
      {"AssignReferral",
       unary("safeguard.v1.Referrals/AssignReferral", v1::AssignReferralRequest())},
      {"AddNote", unary("safeguard.v1.Referrals/AddNote", note)},
      {"LinkReferral", link_to_itself},
      {"UnlinkReferral", unlink_from_itself},
      {"UpdateReferral", correct_stale},
      {"WatchReferrals",
       stream("safeguard.v1.Referrals/WatchReferrals", v1::WatchReferralsRequest())},
      {"ListAuditEntries",
       unary("safeguard.v1.Audit/ListAuditEntries", v1::ListAuditEntriesRequest())},
      {"GetAccessLog",
       unary("safeguard.v1.Audit/GetAccessLog", v1::GetAccessLogRequest())},
      {"VerifyAuditLog",
       unary("safeguard.v1.Audit/VerifyAuditLog", v1::VerifyAuditLogRequest())},
      {"ExportAuditLog",
       stream("safeguard.v1.Audit/ExportAuditLog", v1::ExportAuditLogRequest())},
      {"BreakGlass", unary("safeguard.v1.Audit/BreakGlass", break_glass)},
      {"CreateMeeting", unary("safeguard.v1.Meetings/CreateMeeting",
                              v1::CreateMeetingRequest())},
      {"GetMeeting",
       unary("safeguard.v1.Meetings/GetMeeting", v1::GetMeetingRequest())},
      {"ListMeetings",
       unary("safeguard.v1.Meetings/ListMeetings", v1::ListMeetingsRequest())},
      {"TransitionMeeting",
       unary("safeguard.v1.Meetings/TransitionMeeting", transition_meeting)},
      {"GetAgenda",
       unary("safeguard.v1.Meetings/GetAgenda", v1::GetAgendaRequest())},
      {"RecordAttendance",
       unary("safeguard.v1.Meetings/RecordAttendance", attendance)},
      {"RecordResearch", unary("safeguard.v1.Meetings/RecordResearch", research)},
      {"RecordOutcome", unary("safeguard.v1.Meetings/RecordOutcome", outcome)},
      {"CreateAction",
       unary("safeguard.v1.Meetings/CreateAction", create_action)},
      {"UpdateAction",
       unary("safeguard.v1.Meetings/UpdateAction", update_action)},
      {"ListActions",
       unary("safeguard.v1.Meetings/ListActions", v1::ListActionsRequest())},
  };
  // The targets each method is about, when it is about one.
  std::map<std::string, const std::vector<std::string>*> targets_of;
  for (const char* m : {"GetReferral", "TransitionReferral", "AssignReferral",
                        "AddNote", "LinkReferral", "UnlinkReferral",
                        "UpdateReferral", "GetAccessLog", "BreakGlass"}) {
    targets_of[m] = &kTargets;
  }
  for (const char* m : {"GetMeeting", "TransitionMeeting", "GetAgenda",
                        "RecordAttendance", "RecordResearch", "RecordOutcome",
                        "CreateAction"}) {
    targets_of[m] = &kMeetingTargets;
  }
  targets_of["UpdateAction"] = &kActionTargets;
  const std::map<std::string, Code> in_scope = {
      {"GetReferral", Code::OK},     {"TransitionReferral", Code::ABORTED},
      {"AssignReferral", Code::ABORTED}, {"AddNote", Code::OK},
      {"LinkReferral", Code::INVALID_ARGUMENT},
      {"UnlinkReferral", Code::INVALID_ARGUMENT},
      {"UpdateReferral", Code::ABORTED},
      {"GetAccessLog", Code::OK},    {"BreakGlass", Code::OK},
      {"GetMeeting", Code::OK},      {"TransitionMeeting", Code::ABORTED},
      {"GetAgenda", Code::OK},       {"RecordAttendance", Code::OK},
      {"RecordResearch", Code::INVALID_ARGUMENT},
      {"RecordOutcome", Code::INVALID_ARGUMENT},
      {"CreateAction", Code::INVALID_ARGUMENT},
      {"UpdateAction", Code::ABORTED}};
  const std::map<std::string, Code> allowed_code = {
      {"GetServerInfo", Code::OK},
      {"SubmitReferral", Code::INVALID_ARGUMENT},
      {"ListReferrals", Code::OK},
      {"WatchReferrals", Code::OK},
      {"ListAuditEntries", Code::OK},
      {"VerifyAuditLog", Code::OK},
      {"ExportAuditLog", Code::OK},
      {"CreateMeeting", Code::INVALID_ARGUMENT},
      {"ListMeetings", Code::OK},
      {"ListActions", Code::OK},
      {"SearchPeople", Code::INVALID_ARGUMENT},
      {"GetPerson", Code::INVALID_ARGUMENT},
      {"MergePeople", Code::INVALID_ARGUMENT},
      {"UnmergePerson", Code::INVALID_ARGUMENT},
      {"RejectMatch", Code::INVALID_ARGUMENT},
      {"ListReportDefinitions", Code::OK},
      {"RunReport", Code::INVALID_ARGUMENT},
      {"RunUnsuppressedReport", Code::INVALID_ARGUMENT}};

  for (const std::string& full : GovernedMethods()) {
    const std::string method = full.substr(full.find('/') + 1);
    ASSERT_TRUE(probes.count(method))
        << full << " has no row in the authorization matrix";
  }

  // Every row, for each method: once, or once per target it is about.
  const int kChecks = 16 * (18 + 9 * 5 + 7 * 2 + 1 * 1);
  // The audit entries each pass writes, as what identifies them.
  std::vector<std::string> audited[2];
  for (Transport transport : {Transport::kGrpc, Transport::kConnect}) {
    const char* via = transport == Transport::kGrpc ? "gRPC" : "Connect";
    const int64_t before = AuditSize();
    int checked = 0;
    for (const Expectation& e : kMatrix) {
      for (const auto& [method, probe] : probes) {
        const bool allowed = e.methods.count(method) > 0;
        auto about = targets_of.find(method);
        if (about == targets_of.end()) {
          Code want =
              allowed ? allowed_code.at(method) : Code::PERMISSION_DENIED;
          EXPECT_EQ(probe(transport, e.identity, ""), want)
              << via << " " << e.role << " " << method;
          ++checked;
          continue;
        }
        auto special = e.visible_for.find(method);
        const std::set<std::string>& visible =
            special == e.visible_for.end() ? e.visible : special->second;
        for (const std::string& target : *about->second) {
          Code want = !allowed                ? Code::PERMISSION_DENIED
                      : visible.count(target) ? in_scope.at(method)
                                              : Code::NOT_FOUND;
          EXPECT_EQ(probe(transport, e.identity, targets_[target]), want)
              << via << " " << e.role << " " << method << " " << target;
          ++checked;
        }
      }
    }
    EXPECT_EQ(checked, kChecks);
    audited[transport == Transport::kGrpc ? 0 : 1] = AuditedSince(before);
  }
  // Each call wrote exactly one entry, and the two passes wrote the same.
  EXPECT_EQ(audited[0].size(), static_cast<size_t>(kChecks));
  EXPECT_EQ(audited[0], audited[1]);

  // The queue holds exactly the referrals in scope.
  for (const Expectation& e : kMatrix) {
    if (!e.methods.count("ListReferrals")) continue;
    v1::ListReferralsResponse page;
    ASSERT_TRUE(callers_->As(e.identity)
                    .ListReferrals(Context().get(), {}, &page)
                    .ok());
    std::set<std::string> listed, want;
    for (const v1::Referral& r : page.referrals()) listed.insert(r.name());
    for (const std::string& t : e.visible) {
      if (absl::c_linear_search(kTargets, t)) want.insert(targets_[t]);
    }
    EXPECT_EQ(listed, want) << e.role;
  }
}

// GetServerInfo tells each identity exactly the methods of its row, and
// its roles.
TEST_F(AuthorizationTest, ServerInfoListsTheMethodsOfEachRow) {
  for (const Expectation& e : kMatrix) {
    if (!e.methods.count("GetServerInfo")) continue;
    v1::GetServerInfoResponse info;
    grpc::Status s = v1::ServerInfo::NewStub(ChannelOf(e.identity))
                         ->GetServerInfo(Context().get(), {}, &info);
    ASSERT_TRUE(s.ok()) << e.role << ": " << s.error_message();
    std::set<std::string> methods;
    for (const std::string& full : info.methods()) {
      methods.insert(full.substr(full.find('/') + 1));
    }
    EXPECT_EQ(methods, e.methods) << e.role;
    EXPECT_TRUE(std::is_sorted(info.methods().begin(), info.methods().end()))
        << e.role;
    EXPECT_NE(std::find(info.roles().begin(), info.roles().end(), e.role),
              info.roles().end())
        << e.role;
  }
}

// For each role and kind, the fields of a response are exactly the ones
// the role's views name, besides what the caller may do with it.
TEST_F(AuthorizationTest, FieldViewsPerRoleAndKind) {
  struct Case {
    const char* role;
    const char* identity;
    const char* target;
    std::set<std::string> fields;  // top-level fields present
    std::vector<std::string> actions = {};  // available_actions
    bool assignable = false;
  } cases[] = {
      {"referrer, own channel referral", "probation-service/system/ndelius",
       "C",
       {"name", "reference", "kind", "state", "version", "referring_agency",
        "referrer", "area", "priority", "deadline", "create_time",
        "update_time"}},
      {"prevent officer, channel", "suffolk-police/person/prevent-officer", "C",
       {"name", "reference", "kind", "state", "version", "referring_agency",
        "referrer", "area", "priority", "deadline", "create_time",
        "update_time", "subjects", "consent", "history", "channel"},
       {"begin_gateway"},
       true},
      {"first responder, NRM", "suffolk-police/system/athena", "N",
       {"name", "reference", "kind", "state", "version", "referring_agency",
        "referrer", "area", "priority", "deadline", "create_time",
        "update_time", "subjects", "consent", "history", "nrm"},
       {"record_sca_reference", "withdraw", "withdraw_consent"}},
      {"marac coordinator, MARAC listed to a meeting",
       "suffolk-county-council/person/marac-coordinator", "M",
       {"name", "reference", "kind", "state", "version", "referring_agency",
        "referrer", "area", "priority", "deadline", "create_time",
        "update_time", "subjects", "consent", "history", "marac"},
       {"begin_research", "withdraw", "close_victim_moved_away",
        "close_victim_declined_support", "close_victim_died"},
       true},
      // T2 is a job for the same person: it is known to the coordinator.
      {"sanctuary coordinator, TH",
       "west-suffolk-council/person/sanctuary-coordinator", "T1",
       {"name", "reference", "kind", "state", "version", "referring_agency",
        "referrer", "area", "priority", "deadline", "assignee", "create_time",
        "update_time", "subjects", "consent", "history", "target_hardening",
        "also_known_to"},
       {"book_survey", "cancel", "withdraw_consent"},
       true},
      {"contractor, assigned TH", "safe-partnership/person/locksmith", "T1",
       {"name", "reference", "kind", "state", "version", "deadline",
        "subjects", "target_hardening"},
       {"book_survey"}},
      {"fire officer, TH in area", "suffolk-fire-rescue/person/fire-officer",
       "T1",
       {"name", "reference", "kind", "state", "version", "deadline", "area",
        "target_hardening"}},
  };
  for (const Case& c : cases) {
    v1::GetReferralRequest request;
    request.set_name(targets_[c.target]);
    v1::Referral r;
    grpc::Status s = callers_->As(c.identity).GetReferral(Context().get(), request, &r);
    ASSERT_TRUE(s.ok()) << c.role << ": " << s.error_message();
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    r.GetReflection()->ListFields(r, &fields);
    std::set<std::string> names;
    for (const auto* f : fields) names.insert(f->name());
    // Not a field of the view: what the caller may do next.
    names.erase("available_actions");
    names.erase("assignable");
    EXPECT_EQ(names, c.fields) << c.role;
    std::vector<std::string> actions;
    for (const v1::ActionOption& o : r.available_actions()) {
      actions.push_back(o.action());
    }
    EXPECT_EQ(actions, c.actions) << c.role;
    EXPECT_EQ(r.assignable(), c.assignable) << c.role;
  }
}

}  // namespace
}  // namespace safeguard
