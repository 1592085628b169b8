#include "bench/meeting_agenda.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "safeguard/v1/meetings.grpc.pb.h"
#include "safeguard/v1/referrals.grpc.pb.h"
#include "server/common/proto_time.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard::bench {
namespace {

constexpr char kCoordinator[] = "suffolk-county-council/person/marac-coordinator";

absl::Status Check(const grpc::Status& s, const char* what) {
  if (s.ok()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(what, ": ", s.error_message()));
}

class Callers {
 public:
  Callers(int port, testing::TestPki& pki) : port_(port), pki_(pki) {}

  std::shared_ptr<grpc::Channel> Of(const std::string& who) {
    auto& channel = channels_[who];
    if (channel == nullptr) {
      const size_t slash = who.find('/');
      channel = testing::TestChannel(
          port_, pki_.ca_file(),
          pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1)));
    }
    return channel;
  }

 private:
  const int port_;
  testing::TestPki& pki_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace

absl::StatusOr<std::string> MakeMeeting(int port, testing::TestPki& pki,
                                        int cases) {
  Callers callers(port, pki);
  auto meetings = v1::Meetings::NewStub(callers.Of(kCoordinator));
  auto coordinator = v1::Referrals::NewStub(callers.Of(kCoordinator));
  auto idva = v1::Referrals::NewStub(callers.Of("leeway/person/idva"));
  const std::string run = absl::StrCat(absl::ToUnixMicros(absl::Now()));

  v1::CreateMeetingRequest create;
  create.set_request_id(absl::StrCat("bench-meeting-", run));
  v1::Meeting* m = create.mutable_meeting();
  m->set_kind(v1::MARAC);
  m->set_area("babergh");
  ToTimestamp(absl::Now() + absl::Hours(48), m->mutable_start_time());
  m->set_chair("Chair");
  m->set_venue("Endeavour House");
  v1::Meeting meeting;
  absl::Status s = Check(
      meetings->CreateMeeting(testing::Context().get(), create, &meeting),
      "create the meeting");
  if (!s.ok()) return s;

  for (int i = 0; i < cases; ++i) {
    v1::SubmitReferralRequest submit;
    submit.set_request_id(absl::StrCat("bench-case-", run, "-", i));
    *submit.mutable_referral() = testing::MaracSubmission(
        16, absl::StrCat("Synthetic Victim ", run, " ", i), "babergh");
    if (i % 2 == 0) {
      v1::ChildDetails* child =
          submit.mutable_referral()->mutable_marac()->add_children();
      child->set_full_name(absl::StrCat("Synthetic Child ", i));
      child->mutable_date_of_birth()->set_year(2018);
      child->mutable_date_of_birth()->set_month(1);
      child->mutable_date_of_birth()->set_day(1 + i % 28);
    }
    v1::Referral r;
    s = Check(idva->SubmitReferral(testing::Context().get(), submit, &r),
              "submit a case");
    if (!s.ok()) return s;
    for (const char* action : {"begin_screening", "list"}) {
      v1::TransitionReferralRequest step;
      step.set_name(r.name());
      step.set_action(action);
      step.set_version(r.version());
      if (std::string(action) == "list") {
        step.mutable_meeting()->set_name(meeting.name());
      }
      s = Check(coordinator->TransitionReferral(testing::Context().get(), step,
                                                &r),
                action);
      if (!s.ok()) return s;
    }
    for (const char* agency : kRepresentedAgencies) {
      v1::RecordResearchRequest research;
      research.set_name(meeting.name());
      research.set_referral(r.name());
      research.set_text(
          "Known to this agency: two contacts in the last year, the latest a "
          "call-out to the address; no current involvement.");
      v1::Meeting ignored;
      s = Check(v1::Meetings::NewStub(callers.Of(absl::StrCat(
                                          agency, "/person/marac-representative")))
                    ->RecordResearch(testing::Context().get(), research,
                                     &ignored),
                "research");
      if (!s.ok()) return s;
    }
    for (int a = 0; a < 2; ++a) {
      v1::CreateActionRequest action;
      action.set_name(meeting.name());
      action.set_request_id(absl::StrCat("bench-action-", run, "-", i, "-", a));
      action.mutable_action()->set_referral(r.name());
      action.mutable_action()->set_description("Share the safety plan");
      action.mutable_action()->set_owner_agency(kRepresentedAgencies[(i + a) % 8]);
      action.mutable_action()->set_owner("Named worker");
      *action.mutable_action()->mutable_due_date() = testing::Today(14);
      v1::Action made;
      s = Check(meetings->CreateAction(testing::Context().get(), action, &made),
                "create an action");
      if (!s.ok()) return s;
    }
  }
  return meeting.name();
}

}  // namespace safeguard::bench
