// MeetingService over the in-memory store, with ReferralService listing
// cases to its meetings: who may do what, each refusal's exact code and
// field, the agenda's order, and overdue actions.
#include "server/core/meeting_service.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/field_violations.h"
#include "server/core/referral_service.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/memory_referral_store.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;

using ::safeguard::testing::CountingIds;

// One scope of `roles` reaching MARAC meetings and referrals in `areas`.
VisibilityScope Scope(RoleSet roles, std::vector<std::string> areas) {
  VisibilityScope s;
  s.roles = roles;
  s.areas = std::move(areas);
  s.kinds = {ReferralKind::kMarac};
  s.rule = "test";
  return s;
}

class MeetingServiceTest : public ::testing::Test {
 protected:
  MeetingServiceTest() {
    auto partnership = std::make_shared<Partnership>();
    partnership->areas = {"ipswich", "babergh"};
    const RoleSet rep{Role::kMaracRepresentative};
    partnership->representatives = {{"police", rep, {}},
                                    {"health", rep, {"ipswich"}},
                                    {"housing", rep, {}},
                                    {"education", rep, {"babergh"}}};
    partnership_ = partnership;
    coordinator_ = Caller("council", "person/coordinator",
                          {Role::kMaracCoordinator}, {"ipswich"});
  }

  CallContext Caller(const std::string& agency, const std::string& principal,
                     RoleSet roles, std::vector<std::string> areas) {
    CallContext ctx;
    ctx.identity.agency = agency;
    ctx.identity.principal = principal;
    ctx.roles = roles;
    ctx.scopes = {Scope(roles, std::move(areas))};
    ctx.partnership = partnership_;
    ctx.audit = &audit_;
    return ctx;
  }
  CallContext Representative(const std::string& agency) {
    return Caller(agency, "person/rep", {Role::kMaracRepresentative},
                  {"ipswich"});
  }

  MeetingDraft Draft(absl::Duration from_now = absl::Hours(48)) {
    MeetingDraft d;
    d.kind = ReferralKind::kMarac;
    d.area = "ipswich";
    d.start_time = clock_.Now() + from_now;
    d.chair = "The chair";
    d.venue = "Endeavour House";
    return d;
  }

  Meeting MustCreate(MeetingDraft d) {
    audit_ = AuditRecord();
    const std::string n = std::to_string(++requests_);
    absl::StatusOr<Meeting> m =
        meetings_.Create(coordinator_, "m" + n, "fp" + n, std::move(d));
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : Meeting();
  }

  // A screened MARAC referral in `area`, stored as it is.
  Referral Screened(const std::string& id, const std::string& area,
                    bool children = false, bool repeat = false) {
    Referral r;
    r.id = id;
    r.reference = "MAR-" + id;
    r.kind = ReferralKind::kMarac;
    r.state = "COORDINATOR_SCREEN";
    r.version = 1;
    r.area = area;
    r.subjects.resize(1);
    r.subjects[0].full_name = "Alex Example";
    MaracForm form;
    if (children) form.children.resize(1);
    if (repeat) form.criteria = {MaracCriterion::kRepeat};
    r.form = form;
    store_.Put(r);
    return r;
  }

  absl::Status List(const std::string& referral_id, const Meeting& m,
                    const std::string& action = "list") {
    audit_ = AuditRecord();
    absl::StatusOr<Referral> r = store_.Get(referral_id);
    if (!r.ok()) return r.status();
    TransitionDetails d;
    d.meeting_id = m.id;
    return referrals_.Transition(coordinator_, referral_id, action, r->version, d)
        .status();
  }

  ActionDraft Action(const std::string& referral_id,
                     const std::string& owner_agency, int due_in_days) {
    ActionDraft a;
    a.referral_id = referral_id;
    a.description = "Flag the address";
    a.owner_agency = owner_agency;
    a.owner = "Duty sergeant";
    const absl::CivilDay due =
        absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()) + due_in_days;
    a.due_date = {static_cast<int>(due.year()), due.month(), due.day()};
    return a;
  }

  PlanAction MustAct(const Meeting& m, ActionDraft a) {
    audit_ = AuditRecord();
    absl::StatusOr<PlanAction> out = meetings_.CreateAction(
        coordinator_, m.id, "a" + std::to_string(++requests_), "fp", a);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : PlanAction();
  }

  testing::MemoryReferralStore store_;
  ReferralEvents events_;
  testing::FakeClock clock_{absl::FromUnixSeconds(1'790'000'000)};
  HolidayCalendar calendar_ = *HolidayCalendar::Load(
      SAFEGUARD_SOURCE_DIR "/deploy/bank-holidays-england-and-wales.txt");
  CountingIds ids_;
  ReferralService referrals_{store_,    store_,           events_, clock_,
                             calendar_, absl::UTCTimeZone(), ids_};
  MeetingService meetings_{store_, store_, store_, clock_, absl::UTCTimeZone(),
                           ids_};
  std::shared_ptr<const Partnership> partnership_;
  AuditRecord audit_;
  CallContext coordinator_;
  int requests_ = 0;
};

TEST_F(MeetingServiceTest, AMeetingIsCreatedForAnAreaWithItsRepresentedAgencies) {
  Meeting m = MustCreate(Draft());
  EXPECT_EQ(m.state, MeetingState::kScheduled);
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.created_by, "council/person/coordinator");
  // Those the policy gives a representative in ipswich, in its order.
  EXPECT_EQ(m.agencies, (std::vector<std::string>{"police", "health", "housing"}));
  EXPECT_TRUE(audit_.committed);

  // The same request again: the same meeting; another body: refused.
  audit_ = AuditRecord();
  absl::StatusOr<Meeting> again =
      meetings_.Create(coordinator_, "m1", "fp1", Draft());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, m.id);
  EXPECT_FALSE(audit_.committed);
  EXPECT_THAT(meetings_.Create(coordinator_, "m1", "fp-other", Draft()),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       "request_id was already used for a different meeting"));
}

TEST_F(MeetingServiceTest, BadMeetingsAreRefusedFieldByField) {
  struct Case {
    const char* name;
    std::function<void(MeetingDraft&)> change;
    std::vector<FieldViolation> want;
  } cases[] = {
      {"no kind", [](MeetingDraft& d) { d.kind = ReferralKind::kUnspecified; },
       {{"meeting.kind", "must be MARAC or CHANNEL"}}},
      {"a kind without meetings",
       [](MeetingDraft& d) { d.kind = ReferralKind::kNrm; },
       {{"meeting.kind", "must be MARAC or CHANNEL"}}},
      {"no area", [](MeetingDraft& d) { d.area.clear(); },
       {{"meeting.area", "is required"}}},
      {"an unknown area", [](MeetingDraft& d) { d.area = "norwich"; },
       {{"meeting.area", "is not an area of the partnership"}}},
      {"an area the coordinator does not cover",
       [](MeetingDraft& d) { d.area = "babergh"; },
       {{"meeting.area", "is not an area the caller runs meetings in"}}},
      {"no time",
       [](MeetingDraft& d) { d.start_time = absl::InfinitePast(); },
       {{"meeting.start_time", "is required"}}},
      {"in the past",
       [this](MeetingDraft& d) { d.start_time = clock_.Now() - absl::Minutes(1); },
       {{"meeting.start_time", "must be in the future"}}},
      {"no chair or venue",
       [](MeetingDraft& d) {
         d.chair = " ";
         d.venue.clear();
       },
       {{"meeting.chair", "is required"}, {"meeting.venue", "is required"}}},
      {"an agency without a representative in the area, and one twice",
       [](MeetingDraft& d) { d.agencies = {"police", "education", "police"}; },
       {{"meeting.agencies[1]",
         "has no representative for the area in the policy"},
        {"meeting.agencies[2]", "is listed twice"}}},
  };
  for (const Case& c : cases) {
    MeetingDraft d = Draft();
    c.change(d);
    audit_ = AuditRecord();
    absl::Status s =
        meetings_.Create(coordinator_, "bad", "fp", std::move(d)).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(FieldViolations(s), c.want) << c.name;
    EXPECT_FALSE(audit_.committed) << c.name;
  }
  EXPECT_THAT(meetings_.Create(Representative("police"), "r", "fp", Draft()),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "only the MARAC coordinator may do this"));
}

TEST_F(MeetingServiceTest, ListingChecksTheMeetingAndJoinsTheCaseToIt) {
  coordinator_.scopes = {Scope({Role::kMaracCoordinator}, {"ipswich", "babergh"})};
  Meeting m = MustCreate(Draft());
  Meeting babergh = MustCreate([this] {
    MeetingDraft d = Draft();
    d.area = "babergh";
    return d;
  }());
  Meeting soon = MustCreate(Draft(absl::Minutes(5)));
  Screened("r1", "ipswich");
  Referral unscreened = Screened("r2", "ipswich");
  unscreened.state = "SUBMITTED";
  store_.Put(unscreened);

  struct Case {
    const char* name;
    std::string referral;
    std::string meeting;
    absl::StatusCode code;
    std::vector<FieldViolation> violations;
  } cases[] = {
      {"a meeting in another area", "r1", babergh.id,
       absl::StatusCode::kInvalidArgument,
       {{"meeting.name", "is a meeting in another area"}}},
      {"no such meeting", "r1", "nope", absl::StatusCode::kInvalidArgument,
       {{"meeting.name", "names no meeting the caller lists cases to"}}},
      {"a case not screened", "r2", m.id,
       absl::StatusCode::kFailedPrecondition, {}},
  };
  for (const Case& c : cases) {
    Meeting target;
    target.id = c.meeting;
    absl::Status s = List(c.referral, target);
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s;
    EXPECT_EQ(FieldViolations(s), c.violations) << c.name;
    EXPECT_FALSE(audit_.committed) << c.name;
  }
  clock_.Advance(absl::Minutes(6));
  EXPECT_EQ(FieldViolations(List("r1", soon)),
            (std::vector<FieldViolation>{
                {"meeting.name", "is a meeting in the past"}}));

  SAFEGUARD_ASSERT_OK(List("r1", m));
  EXPECT_TRUE(audit_.committed);
  Referral listed = *store_.Get("r1");
  EXPECT_EQ(listed.state, "LISTED");
  const absl::CivilDay day = absl::ToCivilDay(m.start_time, absl::UTCTimeZone());
  const Date& date = std::get<MaracForm>(listed.form).meeting_date;
  EXPECT_EQ(absl::CivilDay(date.year, date.month, date.day), day);
  Meeting stored = *store_.GetMeeting(m.id);
  ASSERT_EQ(stored.cases.size(), 1u);
  EXPECT_EQ(stored.cases[0].referral_id, "r1");
  EXPECT_EQ(stored.cases[0].section, AgendaSection::kNew);
  EXPECT_EQ(stored.version, 2);
}

TEST_F(MeetingServiceTest, TheAgendaRunsInTheSafeLivesOrder) {
  Meeting first = MustCreate(Draft());
  Screened("heard", "ipswich");
  SAFEGUARD_ASSERT_OK(List("heard", first));
  PlanAction open = MustAct(first, Action("heard", "police", 10));
  PlanAction done = MustAct(first, Action("heard", "housing", 10));
  audit_ = AuditRecord();
  SAFEGUARD_ASSERT_OK(meetings_.UpdateAction(coordinator_, done.id,
                                             ActionStatus::kDone, "", 1)
                          .status());

  Meeting next = MustCreate(Draft(absl::Hours(24 * 30)));
  Screened("repeat", "ipswich", false, true);
  Screened("new", "ipswich");
  Screened("children", "ipswich", true);
  Screened("elsewhere", "babergh");
  for (const char* id : {"repeat", "new", "children"}) {
    SAFEGUARD_ASSERT_OK(List(id, next));
  }
  audit_ = AuditRecord();
  RoleSet roles;
  absl::StatusOr<Agenda> agenda =
      meetings_.GetAgenda(Representative("police"), next.id, &roles);
  ASSERT_TRUE(agenda.ok()) << agenda.status();
  EXPECT_EQ(roles, RoleSet{Role::kMaracRepresentative});
  std::vector<std::pair<std::string, AgendaSection>> order;
  for (const AgendaItem& item : agenda->items) {
    order.push_back({item.referral.id, item.section});
  }
  EXPECT_EQ(order, (std::vector<std::pair<std::string, AgendaSection>>{
                       {"heard", AgendaSection::kActionsOutstanding},
                       {"children", AgendaSection::kNewWithChildren},
                       {"new", AgendaSection::kNew},
                       {"repeat", AgendaSection::kRepeat}}));
  // The outstanding action only: the done one was reviewed already.
  ASSERT_EQ(agenda->items[0].actions.size(), 1u);
  EXPECT_EQ(agenda->items[0].actions[0].id, open.id);
  EXPECT_TRUE(agenda->items[0].listing.referral_id.empty());
  // Every case shown is in the read's audit entry.
  EXPECT_EQ(audit_.disclosed, (std::vector<std::string>{
                                  "heard", "children", "new", "repeat"}));
}

TEST_F(MeetingServiceTest, ResearchIsByRepresentedAgenciesBeforeTheMeeting) {
  Meeting m = MustCreate(Draft());
  Screened("r1", "ipswich");
  SAFEGUARD_ASSERT_OK(List("r1", m));
  struct Case {
    const char* name;
    CallContext ctx;
    std::string referral;
    absl::StatusCode code;
    std::string message;
  } cases[] = {
      {"an agency not represented", Representative("education"), "r1",
       absl::StatusCode::kPermissionDenied,
       "the caller's agency is not represented at the meeting"},
      {"not a representative", coordinator_, "r1",
       absl::StatusCode::kPermissionDenied,
       "only an agency's representative records its research"},
      {"a case not listed", Representative("police"), "r9",
       absl::StatusCode::kInvalidArgument, "invalid argument"},
      {"a meeting out of reach",
       Caller("police", "person/rep", {Role::kMaracRepresentative},
              {"babergh"}),
       "r1", absl::StatusCode::kNotFound, "meeting not found"},
  };
  for (Case& c : cases) {
    audit_ = AuditRecord();
    absl::Status s =
        meetings_.RecordResearch(c.ctx, m.id, c.referral, "Known to us")
            .status();
    EXPECT_EQ(s.code(), c.code) << c.name << ": " << s;
    if (c.code == absl::StatusCode::kInvalidArgument) {
      EXPECT_EQ(FieldViolations(s),
                (std::vector<FieldViolation>{
                    {"referral", "is not a case listed to the meeting"}}))
          << c.name;
    } else {
      EXPECT_EQ(s.message(), c.message) << c.name;
    }
    EXPECT_FALSE(audit_.committed) << c.name;
  }
  audit_ = AuditRecord();
  absl::StatusOr<Meeting> researched = meetings_.RecordResearch(
      Representative("police"), m.id, "r1", "Two call-outs this year");
  ASSERT_TRUE(researched.ok()) << researched.status();
  ASSERT_EQ(researched->cases[0].research.size(), 1u);
  EXPECT_EQ(researched->cases[0].research[0].agency, "police");
  EXPECT_EQ(researched->cases[0].research[0].author, "police/person/rep");
  EXPECT_EQ(audit_.referral_id, "r1");
  EXPECT_TRUE(audit_.committed);

  audit_ = AuditRecord();
  SAFEGUARD_ASSERT_OK(
      meetings_.Transition(coordinator_, m.id, "hold", researched->version)
          .status());
  EXPECT_THAT(meetings_.RecordResearch(Representative("health"), m.id, "r1",
                                       "Late"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "research is recorded before the meeting is held"));
}

TEST_F(MeetingServiceTest, ActionsNeedAnOwnerAndADueDateAndOnlyTheOwnerUpdates) {
  Meeting m = MustCreate(Draft());
  Screened("r1", "ipswich");
  SAFEGUARD_ASSERT_OK(List("r1", m));
  struct Case {
    const char* name;
    std::function<void(ActionDraft&)> change;
    std::vector<FieldViolation> want;
  } cases[] = {
      {"no owner",
       [](ActionDraft& a) {
         a.owner_agency.clear();
         a.owner.clear();
       },
       {{"action.owner_agency", "is required"}, {"action.owner", "is required"}}},
      {"no due date", [](ActionDraft& a) { a.due_date = Date(); },
       {{"action.due_date", "is required"}}},
      {"a due date past", [](ActionDraft& a) { a.due_date.year -= 1; },
       {{"action.due_date", "is in the past"}}},
      {"not a date", [](ActionDraft& a) { a.due_date.month = 13; },
       {{"action.due_date", "is not a date"}}},
      {"a case not listed", [](ActionDraft& a) { a.referral_id = "r9"; },
       {{"action.referral", "is not a case listed to the meeting"}}},
  };
  for (const Case& c : cases) {
    ActionDraft a = Action("r1", "police", 7);
    c.change(a);
    audit_ = AuditRecord();
    absl::Status s =
        meetings_.CreateAction(coordinator_, m.id, "bad", "fp", a).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(FieldViolations(s), c.want) << c.name;
    EXPECT_FALSE(audit_.committed) << c.name;
  }

  PlanAction a = MustAct(m, Action("r1", "police", 7));
  EXPECT_EQ(a.status, ActionStatus::kOpen);
  EXPECT_EQ(a.area, "ipswich");
  EXPECT_EQ(audit_.referral_id, "r1");
  EXPECT_THAT(meetings_.UpdateAction(Representative("housing"), a.id,
                                     ActionStatus::kDone, "", 1),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "only the agency that owns the action, or the "
                       "meeting's organiser, updates it"));
  absl::Status no_reason = meetings_
                               .UpdateAction(Representative("police"), a.id,
                                             ActionStatus::kNotDone, "", 1)
                               .status();
  EXPECT_EQ(FieldViolations(no_reason),
            (std::vector<FieldViolation>{{"status_reason", "is required"}}));
  EXPECT_THAT(meetings_.UpdateAction(Representative("police"), a.id,
                                     ActionStatus::kDone, "", 7),
              StatusIs(absl::StatusCode::kAborted));

  // Overdue once its day has passed, while open.
  ActionQuery overdue;
  overdue.owner_agency = "police";
  overdue.statuses = {ActionStatus::kOpen};
  clock_.Advance(absl::Hours(24 * 8));
  absl::StatusOr<ActionPage> page =
      meetings_.ListActions(Representative("police"), overdue);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->actions.size(), 1u);
  EXPECT_TRUE(IsOverdue(page->actions[0], meetings_.Today()));

  audit_ = AuditRecord();
  absl::StatusOr<PlanAction> not_done = meetings_.UpdateAction(
      Representative("police"), a.id, ActionStatus::kNotDone,
      "The victim moved before the visit", 1);
  ASSERT_TRUE(not_done.ok()) << not_done.status();
  EXPECT_EQ(not_done->status_reason, "The victim moved before the visit");
  EXPECT_EQ(not_done->updated_by, "police/person/rep");
  EXPECT_FALSE(IsOverdue(*not_done, meetings_.Today()));
  EXPECT_TRUE(IsOutstanding(not_done->status));
}

// A MARAC case's actions are reviewed only once none is still open.
TEST_F(MeetingServiceTest, ACaseIsReviewedOnceNoneOfItsActionsIsOpen) {
  Meeting m = MustCreate(Draft());
  Screened("r1", "ipswich");
  SAFEGUARD_ASSERT_OK(List("r1", m));
  PlanAction a = MustAct(m, Action("r1", "police", 7));
  Referral heard = *store_.Get("r1");
  heard.state = "ACTIONS_OPEN";
  store_.Put(heard);
  audit_ = AuditRecord();
  EXPECT_THAT(referrals_.Transition(coordinator_, "r1", "review_actions",
                                    heard.version, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the case has 1 open action(s): record each as done, "
                       "not possible or not done first"));
  EXPECT_FALSE(audit_.committed);
  audit_ = AuditRecord();
  SAFEGUARD_ASSERT_OK(meetings_
                          .UpdateAction(Representative("police"), a.id,
                                        ActionStatus::kNotPossible,
                                        "The victim declined the visit", 1)
                          .status());
  audit_ = AuditRecord();
  absl::StatusOr<Referral> reviewed = referrals_.Transition(
      coordinator_, "r1", "review_actions", heard.version, {});
  ASSERT_TRUE(reviewed.ok()) << reviewed.status();
  EXPECT_EQ(reviewed->state, "ACTIONS_REVIEWED");
}

}  // namespace
}  // namespace safeguard
