// Integration: safeguard.v1.Meetings through the real server (in-process
// SafeguardServer on 127.0.0.1 port 0, test PKI, a fresh SQLCipher file and
// the shipped policy): a MARAC cycle from listing to the next agenda, what
// a representative sees and may do, and each refusal's code and field.
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "safeguard/v1/audit.grpc.pb.h"
#include "safeguard/v1/meetings.grpc.pb.h"
#include "server/app/safeguard_server.h"
#include "server/common/proto_time.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::ChannelSubmission;
using ::safeguard::testing::Context;
using ::safeguard::testing::MaracSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::safeguard::testing::Today;

// Identities granted in policy/partnership.textproto.
constexpr char kCoordinator[] = "suffolk-county-council/person/marac-coordinator";
constexpr char kIdva[] = "leeway/person/idva";
constexpr char kPoliceRep[] = "suffolk-police/person/marac-representative";
constexpr char kChildrenRep[] =
    "suffolk-childrens-services/person/marac-representative";
constexpr char kHealthRep[] = "suffolk-icb/person/marac-representative";
constexpr char kEducationRep[] = "suffolk-education/person/marac-representative";
constexpr char kAuditor[] = "csp-audit/person/auditor";
constexpr char kChair[] = "suffolk-county-council/person/channel-chair";
constexpr char kPrevent[] = "suffolk-police/person/prevent-officer";
constexpr char kProbation[] = "probation-service/system/ndelius";
constexpr char kYouthJusticePanel[] = "youth-justice/person/channel-panel";
constexpr char kHealthPanel[] = "suffolk-icb/person/channel-panel";

// "field: description" for each violation a refusal carries.
std::vector<std::string> Violations(const grpc::Status& s) {
  google::rpc::Status details;
  google::rpc::BadRequest bad;
  std::vector<std::string> out;
  if (details.ParseFromString(s.error_details()) && details.details_size() == 1 &&
      details.details(0).UnpackTo(&bad)) {
    for (const auto& v : bad.field_violations()) {
      out.push_back(absl::StrCat(v.field(), ": ", v.description()));
    }
  }
  return out;
}

class MeetingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  std::shared_ptr<grpc::Channel> ChannelOf(const std::string& who) {
    auto& channel = channels_[who];
    if (channel == nullptr) {
      const size_t slash = who.find('/');
      channel = testing::TestChannel(
          server_->port(), pki_.ca_file(),
          pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1)));
    }
    return channel;
  }
  std::unique_ptr<v1::Meetings::Stub> As(const std::string& who) {
    return v1::Meetings::NewStub(ChannelOf(who));
  }

  v1::Meeting MustCreate(const std::string& area, absl::Duration from_now,
                         std::vector<std::string> agencies = {},
                         v1::ReferralKind kind = v1::MARAC) {
    v1::CreateMeetingRequest request;
    request.set_request_id(absl::StrCat("meeting-", ++requests_));
    v1::Meeting* m = request.mutable_meeting();
    m->set_kind(kind);
    m->set_area(area);
    ToTimestamp(absl::Now() + from_now, m->mutable_start_time());
    m->set_chair("Detective Inspector Example");
    m->set_venue("Endeavour House, Ipswich");
    for (const std::string& a : agencies) m->add_agencies(a);
    v1::Meeting out;
    grpc::Status s = As(kind == v1::MARAC ? kCoordinator : kChair)
                         ->CreateMeeting(Context().get(), request, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // A MARAC referral by the IDVA, screened by the coordinator.
  v1::Referral Screened(v1::Referral submission) {
    v1::Referral r;
    grpc::Status s = callers_->Submit(
        kIdva, absl::StrCat("referral-", ++requests_), submission, &r);
    EXPECT_TRUE(s.ok()) << s.error_message();
    EXPECT_TRUE(callers_->Get(kCoordinator, r.name(), &r).ok());
    s = callers_->Transition(kCoordinator, r, "begin_screening");
    EXPECT_TRUE(s.ok()) << s.error_message();
    return r;
  }

  grpc::Status List(v1::Referral& r, const v1::Meeting& m,
                    const std::string& who = kCoordinator) {
    v1::TransitionReferralRequest request;
    request.mutable_meeting()->set_name(m.name());
    return callers_->Transition(who, r, "list", request);
  }

  grpc::Status Research(const std::string& who, const v1::Meeting& m,
                        const v1::Referral& r, const std::string& text) {
    v1::RecordResearchRequest request;
    request.set_name(m.name());
    request.set_referral(r.name());
    request.set_text(text);
    v1::Meeting out;
    return As(who)->RecordResearch(Context().get(), request, &out);
  }

  v1::Agenda MustAgenda(const std::string& who, const v1::Meeting& m) {
    v1::GetAgendaRequest request;
    request.set_name(m.name());
    v1::Agenda agenda;
    grpc::Status s = As(who)->GetAgenda(Context().get(), request, &agenda);
    EXPECT_TRUE(s.ok()) << who << ": " << s.error_message();
    return agenda;
  }

  grpc::Status CreateAction(const v1::Meeting& m, const v1::Referral& r,
                            const std::string& owner_agency, int due_in_days,
                            v1::Action* out,
                            const std::string& who = kCoordinator) {
    v1::CreateActionRequest request;
    request.set_name(m.name());
    request.set_request_id(absl::StrCat("action-", ++requests_));
    v1::Action* a = request.mutable_action();
    a->set_referral(r.name());
    a->set_description("Flag the address for an urgent response");
    a->set_owner_agency(owner_agency);
    a->set_owner("Duty manager");
    *a->mutable_due_date() = Today(due_in_days);
    return As(who)->CreateAction(Context().get(), request, out);
  }

  grpc::Status UpdateAction(const std::string& who, v1::Action& a,
                            v1::ActionStatus status,
                            const std::string& reason = "") {
    v1::UpdateActionRequest request;
    request.set_name(a.name());
    request.set_status(status);
    request.set_status_reason(reason);
    request.set_version(a.version());
    v1::Action out;
    grpc::Status s = As(who)->UpdateAction(Context().get(), request, &out);
    if (s.ok()) a = out;
    return s;
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  int requests_ = 0;
};

// Sections and referrals of an agenda, as "SECTION referral".
std::vector<std::string> Order(const v1::Agenda& agenda) {
  std::vector<std::string> out;
  for (const v1::AgendaItem& item : agenda.items()) {
    out.push_back(absl::StrCat(v1::AgendaSection_Name(item.section()), " ",
                               item.referral().name()));
  }
  return out;
}

TEST_F(MeetingsTest, AMaracCycleFromListingToTheNextAgenda) {
  const std::vector<std::string> represented = {
      "suffolk-police", "suffolk-childrens-services", "suffolk-icb", "leeway"};
  v1::Meeting meeting = MustCreate("babergh", absl::Hours(48), represented);
  EXPECT_EQ(meeting.state(), v1::MEETING_SCHEDULED);
  v1::Meeting elsewhere = MustCreate("west-suffolk", absl::Hours(48));

  // Three cases: a new one, a repeat of it, and a new one with a child.
  v1::Referral first = Screened(MaracSubmission(15, "Alex Example"));
  v1::Referral repeat = Screened(MaracSubmission(15, "Alex Example"));
  v1::Referral with_child = MaracSubmission(16, "Blake Example");
  v1::ChildDetails* child = with_child.mutable_marac()->add_children();
  child->set_full_name("Casey Example");
  child->mutable_date_of_birth()->set_year(2019);
  child->mutable_date_of_birth()->set_month(3);
  child->mutable_date_of_birth()->set_day(4);
  with_child = Screened(with_child);
  v1::Referral unscreened;
  ASSERT_TRUE(callers_->Submit(kIdva, "unscreened", MaracSubmission(14, "Drew Example"),
                               &unscreened).ok());
  ASSERT_TRUE(callers_->Get(kCoordinator, unscreened.name(), &unscreened).ok());

  // Listing: not screened, another area; then the three.
  grpc::Status s = List(unscreened, meeting);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << s.error_message();
  s = List(first, elsewhere);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Violations(s), std::vector<std::string>{
                               "meeting.name: is a meeting in another area"});
  for (v1::Referral* r : {&first, &repeat, &with_child}) {
    s = List(*r, meeting);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(r->state(), "LISTED");
  }

  // The agenda in the SafeLives order.
  v1::Agenda agenda = MustAgenda(kPoliceRep, meeting);
  EXPECT_EQ(Order(agenda),
            (std::vector<std::string>{
                absl::StrCat("AGENDA_NEW_WITH_CHILDREN ", with_child.name()),
                absl::StrCat("AGENDA_NEW ", first.name()),
                absl::StrCat("AGENDA_REPEAT ", repeat.name())}));
  // A representative sees the people, the address, the children and the
  // risk summary; not the DASH answers, notes or history.
  const v1::Referral& shown = agenda.items(0).referral();
  EXPECT_EQ(shown.subjects(0).full_name(), "Blake Example");
  EXPECT_EQ(shown.marac().children(0).full_name(), "Casey Example");
  EXPECT_EQ(shown.marac().perpetrator().full_name(), "Pat Example");
  EXPECT_EQ(shown.marac().dash_score(), 16);
  EXPECT_FALSE(shown.marac().has_dash());
  EXPECT_EQ(shown.notes_size(), 0);
  EXPECT_EQ(shown.history_size(), 0);
  EXPECT_TRUE(shown.referrer().empty());
  // ...and cannot read the referral itself.
  v1::Referral direct;
  EXPECT_EQ(callers_->Get(kPoliceRep, first.name(), &direct).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The coordinator's agenda carries the whole form.
  EXPECT_TRUE(MustAgenda(kCoordinator, meeting).items(0).referral().marac().has_dash());

  // Three agencies research; one not represented may not.
  for (const char* who : {kPoliceRep, kChildrenRep, kHealthRep}) {
    s = Research(who, meeting, first, "Known to us: two incidents this year");
    ASSERT_TRUE(s.ok()) << who << ": " << s.error_message();
  }
  s = Research(kEducationRep, meeting, first, "Known to us");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "the caller's agency is not represented at the meeting");
  s = Research(kPoliceRep, meeting, unscreened, "Known to us");
  EXPECT_EQ(Violations(s), std::vector<std::string>{
                               "referral: is not a case listed to the meeting"});

  // At the meeting: attendance, the hearing, the outcome and the actions.
  for (const auto& [agency, presence] :
       std::vector<std::pair<std::string, v1::Presence>>{
           {"suffolk-police", v1::PRESENT},
           {"suffolk-childrens-services", v1::APOLOGIES_INFORMATION_SENT},
           {"suffolk-icb", v1::PRESENT}}) {
    v1::RecordAttendanceRequest request;
    request.set_name(meeting.name());
    request.mutable_attendance()->set_agency(agency);
    request.mutable_attendance()->set_attendee("A. Attendee");
    request.mutable_attendance()->set_presence(presence);
    request.mutable_attendance()->set_confidentiality_acknowledged(true);
    s = As(kCoordinator)->RecordAttendance(Context().get(), request, &meeting);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  ASSERT_EQ(meeting.attendance_size(), 3);
  EXPECT_EQ(meeting.attendance(1).presence(), v1::APOLOGIES_INFORMATION_SENT);
  EXPECT_EQ(meeting.attendance(1).recorded_by(), kCoordinator);
  {
    v1::RecordAttendanceRequest request;
    request.set_name(meeting.name());
    request.mutable_attendance()->set_agency("suffolk-education");
    request.mutable_attendance()->set_attendee("A. Attendee");
    request.mutable_attendance()->set_presence(v1::PRESENT);
    v1::Meeting ignored;
    s = As(kCoordinator)->RecordAttendance(Context().get(), request, &ignored);
    EXPECT_EQ(Violations(s),
              std::vector<std::string>{
                  "attendance.agency: is not an agency represented at the "
                  "meeting"});
  }
  {
    v1::TransitionMeetingRequest hold;
    hold.set_name(meeting.name());
    hold.set_action("hold");
    hold.set_version(meeting.version());
    s = As(kCoordinator)->TransitionMeeting(Context().get(), hold, &meeting);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(meeting.state(), v1::MEETING_HELD);
  }
  // The research stays on the record; no more can be added.
  ASSERT_EQ(meeting.cases(0).referral(), first.name());
  ASSERT_EQ(meeting.cases(0).research_size(), 3);
  EXPECT_EQ(meeting.cases(0).research(2).agency(), "suffolk-icb");
  EXPECT_EQ(Research(kPoliceRep, meeting, first, "Late").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(callers_->Transition(kCoordinator, first, "begin_research").ok());
  ASSERT_TRUE(callers_->Transition(kCoordinator, first, "record_hearing").ok());
  {
    v1::RecordOutcomeRequest request;
    request.set_name(meeting.name());
    request.set_referral(first.name());
    request.set_outcome("Police to flag the address; children's services to visit");
    s = As(kCoordinator)->RecordOutcome(Context().get(), request, &meeting);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // Actions: an owner and a due date, or refused.
  v1::Action flag, visit, bad;
  {
    v1::CreateActionRequest request;
    request.set_name(meeting.name());
    request.set_request_id("no-owner");
    request.mutable_action()->set_referral(first.name());
    request.mutable_action()->set_description("Visit");
    s = As(kCoordinator)->CreateAction(Context().get(), request, &bad);
    EXPECT_EQ(Violations(s), (std::vector<std::string>{
                                 "action.owner_agency: is required",
                                 "action.owner: is required",
                                 "action.due_date: is required"}));
  }
  ASSERT_TRUE(CreateAction(meeting, first, "suffolk-police", 7, &flag).ok());
  ASSERT_TRUE(
      CreateAction(meeting, first, "suffolk-childrens-services", 14, &visit).ok());
  EXPECT_EQ(flag.status(), v1::ACTION_OPEN);
  EXPECT_EQ(flag.meeting(), meeting.name());
  EXPECT_FALSE(flag.overdue());

  // Between meetings: owners update their own; one is not done.
  s = UpdateAction(kHealthRep, flag, v1::ACTION_DONE);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(UpdateAction(kPoliceRep, flag, v1::ACTION_DONE).ok());
  EXPECT_EQ(flag.updated_by(), kPoliceRep);
  s = UpdateAction(kChildrenRep, visit, v1::ACTION_NOT_DONE);
  EXPECT_EQ(Violations(s),
            std::vector<std::string>{"status_reason: is required"});
  ASSERT_TRUE(UpdateAction(kChildrenRep, visit, v1::ACTION_NOT_DONE,
                           "No social worker free before the date")
                  .ok());
  {
    v1::TransitionMeetingRequest close;
    close.set_name(meeting.name());
    close.set_action("close");
    close.set_version(meeting.version());
    s = As(kCoordinator)->TransitionMeeting(Context().get(), close, &meeting);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // The minutes, once held, say who came and what each case left with.
  {
    const std::string minutes = MustAgenda(kCoordinator, meeting).minutes();
    EXPECT_NE(minutes.find("- suffolk-childrens-services: A. Attendee, "
                           "apologies, information sent; confidentiality "
                           "statement acknowledged\n"),
              std::string::npos)
        << minutes;
    EXPECT_NE(minutes.find(absl::StrCat(first.reference(), " (new case)\n   "
                                        "Outcome: Police to flag the address")),
              std::string::npos)
        << minutes;
    EXPECT_NE(minutes.find("(suffolk-childrens-services, Duty manager; due " +
                           absl::StrFormat("%04d-%02d-%02d", Today(14).year(),
                                           Today(14).month(), Today(14).day()) +
                           "): not done: No social worker free before the "
                           "date\n"),
              std::string::npos)
        << minutes;
    EXPECT_EQ(minutes.find("Alex Example"), std::string::npos);
  }

  // The agency's worklist holds what it still owes.
  {
    v1::ListActionsRequest request;
    request.mutable_filter()->set_owner_agency("suffolk-childrens-services");
    request.mutable_filter()->set_outstanding_only(true);
    v1::ListActionsResponse page;
    s = As(kChildrenRep)->ListActions(Context().get(), request, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(page.actions_size(), 1);
    EXPECT_EQ(page.actions(0).name(), visit.name());
    EXPECT_EQ(page.actions(0).status_reason(),
              "No social worker free before the date");
  }

  // The next meeting's agenda starts with the action not done.
  v1::Meeting next = MustCreate("babergh", absl::Hours(24 * 30));
  v1::Referral later = Screened(MaracSubmission(17, "Ellis Example"));
  ASSERT_TRUE(List(later, next).ok());
  v1::Agenda next_agenda = MustAgenda(kCoordinator, next);
  EXPECT_TRUE(next_agenda.minutes().empty());  // not held yet
  EXPECT_EQ(Order(next_agenda),
            (std::vector<std::string>{
                absl::StrCat("AGENDA_ACTIONS_OUTSTANDING ", first.name()),
                absl::StrCat("AGENDA_NEW ", later.name())}));
  ASSERT_EQ(next_agenda.items(0).actions_size(), 1);
  EXPECT_EQ(next_agenda.items(0).actions(0).name(), visit.name());
  EXPECT_EQ(next_agenda.items(0).actions(0).status(), v1::ACTION_NOT_DONE);

  // Every read of a case is in its access log: the representative's agenda
  // among them.
  v1::GetAccessLogRequest log_request;
  log_request.set_name(first.name());
  log_request.set_page_size(1000);
  v1::ListAuditEntriesResponse log;
  s = v1::Audit::NewStub(ChannelOf(kAuditor))
          ->GetAccessLog(Context().get(), log_request, &log);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int agenda_reads = 0;
  for (const v1::AuditEntry& e : log.entries()) {
    if (e.method() == "safeguard.v1.Meetings/GetAgenda" &&
        e.agency() == "suffolk-police") {
      ++agenda_reads;
      EXPECT_EQ(e.view(), "marac_representative");
    }
  }
  EXPECT_EQ(agenda_reads, 1);
}

// The Channel panel: chaired by the local authority, its Schedule 7
// partners see the cases listed to it through the panel view; it adopts a
// case, records the support plan as actions, reviews the VAF, exits it,
// hears it again at a post-exit review and reopens it.
TEST_F(MeetingsTest, AChannelPanelAdoptsSupportsExitsAndReopensACase) {
  v1::Referral r;
  ASSERT_TRUE(callers_->Submit(kProbation, "channel-1", ChannelSubmission(), &r).ok());
  ASSERT_TRUE(callers_->Get(kPrevent, r.name(), &r).ok());
  v1::TransitionReferralRequest vaf;
  vaf.mutable_vaf_assessment()->set_framework_version("vaf-2015");
  for (int i = 0; i < 22; ++i) vaf.mutable_vaf_assessment()->add_factor_scores(2);
  for (const char* action : {"begin_gateway", "gateway_information_gathering"}) {
    ASSERT_TRUE(callers_->Transition(kPrevent, r, action).ok()) << action;
  }
  ASSERT_TRUE(callers_->Transition(kPrevent, r, "refer_to_panel", vaf).ok());

  v1::Meeting panel =
      MustCreate("west-suffolk", absl::Hours(72), {}, v1::CHANNEL);
  // Every Schedule 7 partner with a member on the panel.
  EXPECT_EQ(std::vector<std::string>(panel.agencies().begin(),
                                     panel.agencies().end()),
            (std::vector<std::string>{"suffolk-police",
                                      "suffolk-childrens-services",
                                      "suffolk-icb", "suffolk-education",
                                      "youth-justice"}));
  grpc::Status s = List(r, panel, kChair);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.state(), "PANEL");

  // A partner's panel view: the person, the concern and the VAF; not the
  // consent record, notes or history. A MARAC coordinator does not reach
  // the panel at all.
  v1::Agenda agenda = MustAgenda(kYouthJusticePanel, panel);
  ASSERT_EQ(agenda.items_size(), 1);
  EXPECT_EQ(agenda.items(0).section(), v1::AGENDA_NEW);
  const v1::Referral& shown = agenda.items(0).referral();
  EXPECT_FALSE(shown.channel().concern().empty());
  EXPECT_EQ(shown.channel().vaf_assessments_size(), 1);
  EXPECT_FALSE(shown.has_consent());
  EXPECT_EQ(shown.history_size(), 0);
  {
    v1::GetAgendaRequest request;
    request.set_name(panel.name());
    v1::Agenda none;
    EXPECT_EQ(As(kCoordinator)->GetAgenda(Context().get(), request, &none)
                  .error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  ASSERT_TRUE(Research(kYouthJusticePanel, panel, r, "Open to the youth offending team").ok());
  ASSERT_TRUE(Research(kHealthPanel, panel, r, "Registered with a GP; no mental health contact").ok());

  // The panel adopts the case; with consent, the support plan.
  ASSERT_TRUE(callers_->Transition(kChair, r, "panel_adopted").ok());
  ASSERT_TRUE(callers_->Transition(kChair, r, "seek_consent").ok());
  v1::TransitionReferralRequest consent;
  consent.mutable_consent()->set_status(v1::GIVEN);
  consent.mutable_consent()->set_legal_basis(v1::CONSENT);
  consent.mutable_consent()->set_given_by(v1::SUBJECT);
  ASSERT_TRUE(callers_->Transition(kChair, r, "record_consent_given", consent).ok());
  v1::Action mentor;
  s = CreateAction(panel, r, "youth-justice", 28, &mentor, kChair);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(UpdateAction(kYouthJusticePanel, mentor, v1::ACTION_DONE).ok());

  // Reviewed at the next panel, exited; heard again after the first
  // post-exit review, and reopened.
  v1::Meeting review = MustCreate("west-suffolk", absl::Hours(24 * 30), {},
                                  v1::CHANNEL);
  ASSERT_TRUE(List(r, review, kChair).ok());
  ASSERT_TRUE(callers_->Transition(kChair, r, "review_vaf", vaf).ok());
  ASSERT_TRUE(callers_->Transition(kChair, r, "exit", vaf).ok());
  ASSERT_TRUE(callers_->Transition(kChair, r, "complete_post_exit_review").ok());
  EXPECT_EQ(r.state(), "POST_EXIT_REVIEW_1");
  v1::Meeting post_exit = MustCreate("west-suffolk", absl::Hours(24 * 60), {},
                                     v1::CHANNEL);
  ASSERT_TRUE(List(r, post_exit, kChair).ok());
  EXPECT_EQ(MustAgenda(kChair, post_exit).items(0).section(), v1::AGENDA_OTHER);
  v1::TransitionReferralRequest why;
  why.set_reason("New concerns shared by the school");
  s = callers_->Transition(kChair, r, "reopen", why);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(r.state(), "PANEL");
  EXPECT_EQ(r.history(r.history_size() - 1).reason(),
            "New concerns shared by the school");
}

TEST_F(MeetingsTest, ACaseIsNotListedToAMeetingInThePast) {
  v1::Meeting soon = MustCreate("babergh", absl::Seconds(2));
  v1::Referral r = Screened(MaracSubmission(15, "Frankie Example"));
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  grpc::Status s = List(r, soon);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Violations(s), std::vector<std::string>{
                               "meeting.name: is a meeting in the past"});
  // Nothing changed: the referral is still being screened.
  ASSERT_TRUE(callers_->Get(kCoordinator, r.name(), &r).ok());
  EXPECT_EQ(r.state(), "COORDINATOR_SCREEN");
}

}  // namespace
}  // namespace safeguard
