// Integration: safeguard.v1.Referrals through the real server (in-process
// SafeguardServer on 127.0.0.1 port 0, test PKI, a fresh SQLCipher file and
// the shipped policy): a whole lifecycle of each kind, idempotent retries,
// version conflicts, bad input, a watch, and a page walk of the queue.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "server/app/safeguard_server.h"
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
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;
using ::safeguard::testing::Today;

// Identities granted in policy/partnership.textproto.
constexpr char kPolice[] = "suffolk-police/system/athena";
constexpr char kPrevent[] = "suffolk-police/person/prevent-officer";
constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kProbation[] = "probation-service/system/ndelius";
constexpr char kChair[] = "suffolk-county-council/person/channel-chair";
constexpr char kMaracCoordinator[] =
    "suffolk-county-council/person/marac-coordinator";
constexpr char kIdva[] = "leeway/person/idva";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";
constexpr char kLocksmith[] = "safe-partnership/person/locksmith";
constexpr char kFire[] = "suffolk-fire-rescue/person/fire-officer";

std::vector<google::rpc::BadRequest::FieldViolation> Violations(
    const grpc::Status& s) {
  google::rpc::Status details;
  google::rpc::BadRequest bad;
  std::vector<google::rpc::BadRequest::FieldViolation> out;
  if (details.ParseFromString(s.error_details()) && details.details_size() == 1 &&
      details.details(0).UnpackTo(&bad)) {
    out.assign(bad.field_violations().begin(), bad.field_violations().end());
  }
  return out;
}

class ReferralsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  grpc::Status Submit(const std::string& who, const std::string& request_id,
                      const v1::Referral& referral, v1::Referral* out) {
    return callers_->Submit(who, request_id, referral, out);
  }

  v1::Referral MustSubmit(const std::string& who, const v1::Referral& r) {
    v1::Referral out;
    grpc::Status s = Submit(who, absl::StrCat("req-", ++requests_), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Do(const std::string& who, v1::Referral& r,
                  const std::string& action,
                  v1::TransitionReferralRequest request = {}) {
    return callers_->Transition(who, r, action, std::move(request));
  }

  // Takes each action in turn as `who`, expecting OK and the given state.
  void Walk(const std::string& who, v1::Referral& r,
            std::vector<std::pair<std::string, std::string>> steps) {
    for (const auto& [action, state] : steps) {
      grpc::Status s = Do(who, r, action);
      ASSERT_TRUE(s.ok()) << action << ": " << s.error_message();
      EXPECT_EQ(r.state(), state) << action;
    }
  }

  grpc::Status Get(const std::string& who, const std::string& name,
                   v1::Referral* out) {
    return callers_->Get(who, name, out);
  }

  grpc::Status Assign(const std::string& who, v1::Referral& r,
                      const std::string& assignee) {
    return callers_->Assign(who, r, assignee);
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int requests_ = 0;
};

TEST_F(ReferralsTest, NrmLifecycle) {
  v1::Referral r = MustSubmit(kPolice, NrmSubmission());
  EXPECT_EQ(r.state(), "NRM_SUBMITTED");
  EXPECT_EQ(r.version(), 1);
  EXPECT_EQ(r.referring_agency(), "suffolk-police");
  EXPECT_EQ(r.referrer(), "system/athena");
  EXPECT_TRUE(r.has_deadline());  // reasonable grounds: 5 working days
  EXPECT_EQ(r.reference().substr(0, 4), "NRM-");
  EXPECT_EQ(r.name().size(), std::string("referrals/").size() + 26);

  v1::TransitionReferralRequest reference;
  reference.mutable_external_reference()->set_system(v1::NRM_CASE);
  reference.mutable_external_reference()->set_value("NRM-SCA-000001");
  ASSERT_TRUE(Do(kPolice, r, "record_sca_reference", reference).ok());
  EXPECT_EQ(r.state(), "REF_ASSIGNED");
  Walk(kPolice, r, {{"await_rg_decision", "RG_PENDING"}});
  v1::TransitionReferralRequest positive;
  positive.mutable_sca_decision()->set_outcome(v1::POSITIVE);
  *positive.mutable_sca_decision()->mutable_decision_date() = Today();
  ASSERT_TRUE(Do(kPolice, r, "record_rg_decision", positive).ok());
  EXPECT_EQ(r.state(), "RG_POSITIVE");
  EXPECT_EQ(r.nrm().reasonable_grounds().outcome(), v1::POSITIVE);
  Walk(kPolice, r, {{"start_recovery_support", "RECOVERY_SUPPORT"}});
  EXPECT_TRUE(r.nrm().has_recovery_period_end());
  // Thirty days from the decision's date, to the end of the last day.
  const absl::CivilDay decided(Today().year(), Today().month(), Today().day());
  absl::TimeZone london;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london));
  EXPECT_EQ(absl::FormatCivilTime(absl::ToCivilDay(
                absl::FromUnixSeconds(r.nrm().recovery_period_end().seconds()),
                london)),
            absl::FormatCivilTime(decided + 30));
  Walk(kPolice, r, {{"await_cg_decision", "CG_PENDING"}});
  // No conclusive decision inside the recovery period.
  grpc::Status early = Do(kPolice, r, "record_cg_decision", positive);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto v = Violations(early);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field(), "sca_decision.decision_date");
  EXPECT_EQ(v[0].description(),
            absl::StrCat("must be after the recovery period, which ends on ",
                         absl::FormatCivilTime(decided + 30)));
  EXPECT_EQ(r.state(), "CG_PENDING");
  v1::TransitionReferralRequest withdraw;
  withdraw.set_reason("the person has returned home");
  ASSERT_TRUE(Do(kPolice, r, "withdraw", withdraw).ok());
  EXPECT_EQ(r.state(), "WITHDRAWN");
  EXPECT_EQ(r.version(), 7);
  ASSERT_EQ(r.history_size(), 7);
  EXPECT_EQ(r.history(0).action(), "submit");
  EXPECT_EQ(r.history(6).to_state(), "WITHDRAWN");
  EXPECT_EQ(r.history(6).actor(), kPolice);
  EXPECT_EQ(r.external_references(0).value(), "NRM-SCA-000001");
}

TEST_F(ReferralsTest, NrmRulesAtTheServer) {
  // Only First Responder Organisations may refer into the NRM.
  v1::Referral out;
  grpc::Status s = Submit(kProbation, "p-1", NrmSubmission(), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "only a First Responder Organisation may submit NRM referrals");

  // A Duty to Notify that names the person is refused, every field named.
  v1::Referral dtn = NrmSubmission();
  dtn.mutable_nrm()->set_nature(v1::DUTY_TO_NOTIFY);
  dtn.mutable_consent()->set_status(v1::REFUSED);
  dtn.mutable_consent()->set_legal_basis(v1::MODERN_SLAVERY_ACT_S52);
  dtn.mutable_consent()->set_reason("does not consent");
  s = Submit(kPolice, "dtn-1", dtn, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& v : Violations(s)) fields.push_back(v.field());
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "referral.subjects[0].full_name",
                        "referral.subjects[0].date_of_birth",
                        "referral.subjects[0].safe_contact.phone"}));

  // Anonymous, it is accepted, and final.
  v1::Person* p = dtn.mutable_subjects(0);
  p->clear_full_name();
  p->clear_date_of_birth();
  p->clear_safe_contact();
  p->set_gender("male");
  p->set_approximate_age(35);
  s = Submit(kPolice, "dtn-2", dtn, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.state(), "DTN_SUBMITTED");
  EXPECT_FALSE(out.has_deadline());
}

TEST_F(ReferralsTest, ChannelLifecycleAndTheReferrersView) {
  v1::Referral r = MustSubmit(kProbation, ChannelSubmission());
  EXPECT_EQ(r.state(), "RECEIVED");
  EXPECT_TRUE(r.has_deadline());  // gateway: 5 working days
  // The referrer sees status, never the counter-terrorism detail.
  EXPECT_FALSE(r.has_channel());
  EXPECT_EQ(r.subjects_size(), 0);

  v1::Referral full;
  ASSERT_TRUE(Get(kPrevent, r.name(), &full).ok());
  EXPECT_EQ(full.channel().ideology_or_group(), "extreme right wing");
  r = full;
  Walk(kPrevent, r, {{"begin_gateway", "POLICE_GATEWAY"},
                     {"gateway_information_gathering", "INFO_GATHERING"}});
  v1::TransitionReferralRequest vaf;
  vaf.mutable_vaf_assessment()->set_framework_version("vaf-2015");
  for (int i = 0; i < 22; ++i) vaf.mutable_vaf_assessment()->add_factor_scores(1);
  ASSERT_TRUE(Do(kPrevent, r, "refer_to_panel", vaf).ok());
  Walk(kChair, r, {{"panel_adopted", "ADOPTED"}, {"seek_consent", "CONSENT_SOUGHT"}});
  v1::TransitionReferralRequest consent;
  consent.mutable_consent()->set_status(v1::GIVEN);
  consent.mutable_consent()->set_legal_basis(v1::CONSENT);
  consent.mutable_consent()->set_given_by(v1::SUBJECT);
  ASSERT_TRUE(Do(kChair, r, "record_consent_given", consent).ok());
  EXPECT_EQ(r.state(), "SUPPORT_PLAN");
  ASSERT_TRUE(Do(kChair, r, "review_vaf", vaf).ok());
  ASSERT_TRUE(Do(kChair, r, "exit", vaf).ok());
  EXPECT_EQ(r.state(), "EXITED");
  EXPECT_EQ(r.channel().vaf_assessments_size(), 3);
  EXPECT_EQ(r.channel().vaf_assessments(2).assessed_by(), kChair);
  Walk(kChair, r, {{"complete_post_exit_review", "POST_EXIT_REVIEW_1"},
                   {"complete_post_exit_review", "POST_EXIT_REVIEW_2"},
                   {"close", "CLOSED"}});

  v1::Referral seen;
  ASSERT_TRUE(Get(kProbation, r.name(), &seen).ok());
  EXPECT_EQ(seen.state(), "CLOSED");
  EXPECT_FALSE(seen.has_channel());
  EXPECT_EQ(seen.history_size(), 0);
}

TEST_F(ReferralsTest, MaracLifecycleCriteriaAndRepeats) {
  // Meeting no criterion is no reason to refuse: the coordinator screens it.
  v1::Referral none = MustSubmit(kIdva, MaracSubmission(13, "Nobody Else"));
  EXPECT_EQ(none.state(), "SUBMITTED");
  v1::Referral screened;
  ASSERT_TRUE(Get(kMaracCoordinator, none.name(), &screened).ok());
  EXPECT_EQ(screened.marac().dash_score(), 13);
  EXPECT_EQ(screened.marac().criteria_size(), 0);

  v1::Referral r = MustSubmit(kIdva, MaracSubmission(14));
  EXPECT_EQ(r.state(), "SUBMITTED");
  EXPECT_EQ(r.priority(), v1::HIGH);
  // The score and criteria are the coordinator's, not the submitter's.
  EXPECT_EQ(r.marac().dash_score(), 0);
  EXPECT_EQ(r.marac().criteria_size(), 0);
  EXPECT_EQ(r.marac().dash().answers_size(), 24);
  ASSERT_TRUE(Get(kMaracCoordinator, r.name(), &screened).ok());
  EXPECT_EQ(screened.marac().dash_score(), 14);
  ASSERT_EQ(screened.marac().criteria_size(), 1);
  EXPECT_EQ(screened.marac().criteria(0), v1::VISIBLE_HIGH_RISK);

  // The same victim and perpetrator again: a repeat, whatever the score.
  v1::Referral repeat = MustSubmit(kIdva, MaracSubmission(3));
  ASSERT_TRUE(Get(kMaracCoordinator, repeat.name(), &screened).ok());
  ASSERT_EQ(screened.marac().criteria_size(), 1);
  EXPECT_EQ(screened.marac().criteria(0), v1::REPEAT);
  // A client cannot claim the criteria itself.
  v1::Referral claimed = MaracSubmission(2, "Another Person");
  claimed.mutable_marac()->add_criteria(v1::REPEAT);
  claimed = MustSubmit(kIdva, claimed);
  ASSERT_TRUE(Get(kMaracCoordinator, claimed.name(), &screened).ok());
  EXPECT_EQ(screened.marac().criteria_size(), 0);

  ASSERT_TRUE(Get(kMaracCoordinator, r.name(), &r).ok());
  Walk(kMaracCoordinator, r, {{"begin_screening", "COORDINATOR_SCREEN"}});
  v1::TransitionReferralRequest meeting;
  *meeting.mutable_meeting()->mutable_meeting_date() = Today(14);
  ASSERT_TRUE(Do(kMaracCoordinator, r, "list", meeting).ok());
  EXPECT_EQ(r.state(), "LISTED");
  EXPECT_EQ(r.marac().meeting_date().day(), Today(14).day());
  Walk(kMaracCoordinator, r, {{"begin_research", "AGENCY_RESEARCH"},
                              {"record_hearing", "HEARD"}});
  ASSERT_TRUE(Do(kMaracCoordinator, r, "open_actions", meeting).ok());
  Walk(kMaracCoordinator, r, {{"review_actions", "ACTIONS_REVIEWED"},
                              {"close", "CLOSED"}});
}

// The shipped scheme surveys and fits in one visit: the locksmith records
// the installation at the booked survey. Until its works are done a job
// can be cancelled, with a reason, by the sanctuary coordinator only, and
// it leaves the locksmith's hands.
// A target-hardening job made from a MARAC case: the coordinator names the
// case it can read; the job and the case each carry a typed link, shown to
// the MARAC and sanctuary coordinators and not to the locksmith; when the
// victim moves, the job closes with its equipment taken back.
TEST_F(ReferralsTest, ATargetHardeningJobMadeFromAMaracCase) {
  v1::Referral marac = MustSubmit(kIdva, MaracSubmission(15, "Gale Example"));
  v1::Referral job = TargetHardeningSubmission("babergh");
  v1::ReferralLink* link = job.add_links();
  link->set_type(v1::LINK_MARAC_CASE);
  link->set_referral(marac.name());
  job = MustSubmit(kMaracCoordinator, job);
  ASSERT_EQ(job.links_size(), 0);  // the submit rule's view: no links

  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  ASSERT_EQ(job.links_size(), 1);
  EXPECT_EQ(job.links(0).type(), v1::LINK_MARAC_CASE);
  EXPECT_EQ(job.links(0).referral(), marac.name());
  EXPECT_EQ(job.links(0).linked_by(), kMaracCoordinator);
  ASSERT_TRUE(Get(kMaracCoordinator, marac.name(), &marac).ok());
  ASSERT_EQ(marac.links_size(), 1);
  EXPECT_EQ(marac.links(0).type(), v1::LINK_TARGET_HARDENING_JOB);
  EXPECT_EQ(marac.links(0).referral(), job.name());
  EXPECT_EQ(marac.history(marac.history_size() - 1).action(), "link");
  EXPECT_EQ(marac.version(), 2);

  // A link only to a case of the link's kind that the caller can read, and
  // only one the referral's kind takes.
  struct Case {
    const char* name;
    const char* who;
    v1::Referral referral;
    std::string field;
    std::string description;
  } cases[] = {
      {"a case the caller cannot read", kProbation,
       TargetHardeningSubmission("babergh"), "referral.links[0].referral",
       "names no MARAC referral the caller can read"},
      {"not a MARAC case", kMaracCoordinator,
       TargetHardeningSubmission("babergh"), "referral.links[0].referral",
       "names no MARAC referral the caller can read"},
      {"a kind that takes no link", kMaracCoordinator,
       MaracSubmission(15, "Hale Example"), "referral.links[0].type",
       "is not a link this kind of referral takes"},
  };
  for (Case& c : cases) {
    v1::ReferralLink* l = c.referral.add_links();
    l->set_type(v1::LINK_MARAC_CASE);
    l->set_referral(std::string(c.name) == std::string("not a MARAC case")
                        ? job.name()
                        : marac.name());
    v1::Referral out;
    grpc::Status s = Submit(c.who, absl::StrCat("bad-link-", requests_++),
                            c.referral, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    auto v = Violations(s);
    ASSERT_EQ(v.size(), 1u) << c.name;
    EXPECT_EQ(v[0].field(), c.field) << c.name;
    EXPECT_EQ(v[0].description(), c.description) << c.name;
  }
  ASSERT_TRUE(Get(kMaracCoordinator, marac.name(), &marac).ok());
  EXPECT_EQ(marac.links_size(), 1);

  // The locksmith's view has no link.
  Walk(kSanctuary, job, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});
  ASSERT_TRUE(Assign(kSanctuary, job, kLocksmith).ok());
  v1::Referral theirs;
  ASSERT_TRUE(Get(kLocksmith, job.name(), &theirs).ok());
  EXPECT_EQ(theirs.links_size(), 0);
  v1::TransitionReferralRequest appointment;
  appointment.mutable_appointment()->mutable_appointment_time()->set_seconds(
      job.create_time().seconds() + 86400);
  ASSERT_TRUE(Do(kLocksmith, theirs, "book_survey", appointment).ok());
  v1::TransitionReferralRequest installed;
  installed.mutable_installation()->add_measures_installed(v1::LOCKS);
  installed.mutable_installation()->add_measures_installed(v1::ALARM);
  ASSERT_TRUE(Do(kLocksmith, theirs, "record_installation", installed).ok());

  // Closed with the equipment taken back: only what was installed.
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  v1::TransitionReferralRequest recovery;
  recovery.mutable_recovery()->add_measures_recovered(v1::CCTV);
  grpc::Status s = Do(kSanctuary, job, "recover_and_close", recovery);
  auto v = Violations(s);
  ASSERT_EQ(v.size(), 1u) << s.error_message();
  EXPECT_EQ(v[0].field(), "recovery.measures_recovered[0]");
  EXPECT_EQ(v[0].description(), "was not installed");
  recovery.mutable_recovery()->set_measures_recovered(0, v1::ALARM);
  ASSERT_TRUE(Do(kSanctuary, job, "recover_and_close", recovery).ok());
  EXPECT_EQ(job.state(), "CLOSED");
  ASSERT_EQ(job.target_hardening().measures_recovered_size(), 1);
  EXPECT_EQ(job.target_hardening().measures_recovered(0), v1::ALARM);
}

// A job submitted before the MARAC heard the case, linked afterwards: each
// coordinator reads only its own kind, so each asks for the link from its
// side, and the answer never says whether the other referral exists.
TEST_F(ReferralsTest, AnExistingJobIsLinkedWhenBothCoordinatorsAskForIt) {
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission("babergh"));
  v1::Referral marac = MustSubmit(kIdva, MaracSubmission(15, "Iona Example"));
  auto link = [&](const char* who, const v1::Referral& from, v1::LinkType type,
                  const std::string& to, v1::Referral* out) {
    v1::LinkReferralRequest request;
    request.set_name(from.name());
    request.mutable_link()->set_type(type);
    request.mutable_link()->set_referral(to);
    return callers_->As(who).LinkReferral(Context().get(), request, out);
  };

  // The MARAC coordinator asks; the same answer for a job that does not
  // exist.
  v1::Referral asked;
  ASSERT_TRUE(link(kMaracCoordinator, marac, v1::LINK_TARGET_HARDENING_JOB,
                   job.name(), &asked)
                  .ok());
  ASSERT_EQ(asked.links_size(), 1);
  EXPECT_EQ(asked.links(0).status(), v1::LINK_PROPOSED);
  EXPECT_EQ(asked.links(0).referral(), job.name());
  EXPECT_EQ(asked.links(0).linked_by(), kMaracCoordinator);
  v1::Referral other_case = MustSubmit(kIdva, MaracSubmission(15, "Jo Example"));
  v1::Referral nowhere;
  ASSERT_TRUE(link(kMaracCoordinator, other_case, v1::LINK_TARGET_HARDENING_JOB,
                   "referrals/no-such-job", &nowhere)
                  .ok());
  ASSERT_EQ(nowhere.links_size(), 1);
  EXPECT_EQ(nowhere.links(0).status(), v1::LINK_PROPOSED);
  EXPECT_EQ(nowhere.history(nowhere.history_size() - 1).reason(),
            asked.history(asked.history_size() - 1).reason());

  // The sanctuary coordinator sees the request on the job, and confirms it.
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  ASSERT_EQ(job.links_size(), 1);
  EXPECT_EQ(job.links(0).status(), v1::LINK_REQUESTED);
  EXPECT_EQ(job.links(0).type(), v1::LINK_MARAC_CASE);
  EXPECT_EQ(job.links(0).referral(), marac.name());
  v1::Referral linked;
  ASSERT_TRUE(link(kSanctuary, job, v1::LINK_MARAC_CASE, marac.name(), &linked)
                  .ok());
  ASSERT_EQ(linked.links_size(), 1);
  EXPECT_EQ(linked.links(0).status(), v1::LINK_LINKED);
  EXPECT_EQ(linked.history(linked.history_size() - 1).reason(),
            absl::StrCat("linked to ", marac.reference()));
  ASSERT_TRUE(Get(kMaracCoordinator, marac.name(), &marac).ok());
  ASSERT_EQ(marac.links_size(), 1);
  EXPECT_EQ(marac.links(0).status(), v1::LINK_LINKED);
  EXPECT_EQ(marac.links(0).linked_by(), kSanctuary);

  // Bad requests, by field; a caller without the method is refused.
  struct Case {
    const char* name;
    const char* who;
    v1::LinkType type;
    std::string to;
    grpc::StatusCode code;
    std::string field;
    std::string description;
  } cases[] = {
      {"no type", kMaracCoordinator, v1::LINK_TYPE_UNSPECIFIED, job.name(),
       grpc::StatusCode::INVALID_ARGUMENT, "link.type", "is required"},
      {"a type the kind does not take", kMaracCoordinator, v1::LINK_MARAC_CASE,
       job.name(), grpc::StatusCode::INVALID_ARGUMENT, "link.type",
       "is not a link this kind of referral takes"},
      {"not a referral's name", kMaracCoordinator,
       v1::LINK_TARGET_HARDENING_JOB, "meetings/x",
       grpc::StatusCode::INVALID_ARGUMENT, "link.referral",
       "must be referrals/<referral id>"},
      {"the IDVA may not link", kIdva, v1::LINK_TARGET_HARDENING_JOB,
       job.name(), grpc::StatusCode::PERMISSION_DENIED, "", ""},
  };
  for (const Case& c : cases) {
    v1::Referral out;
    grpc::Status s = link(c.who, marac, c.type, c.to, &out);
    EXPECT_EQ(s.error_code(), c.code) << c.name << ": " << s.error_message();
    auto v = Violations(s);
    if (c.field.empty()) {
      EXPECT_TRUE(v.empty()) << c.name;
      continue;
    }
    ASSERT_EQ(v.size(), 1u) << c.name;
    EXPECT_EQ(v[0].field(), c.field) << c.name;
    EXPECT_EQ(v[0].description(), c.description) << c.name;
  }

  // The locksmith's view has no link; unlinking from one side unlinks both.
  v1::UnlinkReferralRequest unlink;
  unlink.set_name(marac.name());
  unlink.set_referral(job.name());
  v1::Referral unlinked;
  ASSERT_TRUE(callers_->As(kMaracCoordinator)
                  .UnlinkReferral(Context().get(), unlink, &unlinked)
                  .ok());
  EXPECT_EQ(unlinked.links_size(), 0);
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  EXPECT_EQ(job.links_size(), 0);
  EXPECT_EQ(job.history(job.history_size() - 1).reason(),
            absl::StrCat("unlinked from ", marac.reference()));
}

// Where a referral stopped, the way on: a returned MARAC referral sent back
// by its referrer (the same referral, not a repeat), a case ended because
// the victim died (recorded, for the partnership's review decision), and a
// declined job re-referred by its referrer.
TEST_F(ReferralsTest, WaysOnFromWhereAReferralStopped) {
  v1::TransitionReferralRequest why;
  why.set_reason("the victim has now been told of the referral");
  v1::Referral marac = MustSubmit(kIdva, MaracSubmission(15, "Kit Example"));
  ASSERT_TRUE(Get(kMaracCoordinator, marac.name(), &marac).ok());
  Walk(kMaracCoordinator, marac, {{"begin_screening", "COORDINATOR_SCREEN"}});
  ASSERT_TRUE(Do(kMaracCoordinator, marac, "return_to_referrer", why).ok());
  EXPECT_EQ(marac.state(), "RETURNED");

  v1::Referral mine;
  ASSERT_TRUE(Get(kIdva, marac.name(), &mine).ok());
  std::vector<std::string> offered;
  for (const v1::ActionOption& o : mine.available_actions()) {
    offered.push_back(o.action());
  }
  EXPECT_EQ(offered, std::vector<std::string>{"resubmit"});
  EXPECT_EQ(Do(kMaracCoordinator, marac, "resubmit", why).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Do(kIdva, mine, "resubmit", why).ok());
  EXPECT_EQ(mine.state(), "SUBMITTED");
  EXPECT_EQ(mine.name(), marac.name());
  ASSERT_TRUE(Get(kMaracCoordinator, marac.name(), &marac).ok());
  ASSERT_EQ(marac.marac().criteria_size(), 1);
  EXPECT_EQ(marac.marac().criteria(0), v1::VISIBLE_HIGH_RISK);  // no repeat

  // The victim died: the case ends, with the fact recorded.
  v1::TransitionReferralRequest died;
  died.set_reason("reported by the police on 2026-12-01");
  ASSERT_TRUE(Do(kMaracCoordinator, marac, "close_victim_died", died).ok());
  EXPECT_EQ(marac.state(), "CLOSED");
  EXPECT_EQ(marac.marac().ending(), v1::MARAC_ENDING_DIED);
  EXPECT_EQ(marac.history(marac.history_size() - 1).reason(),
            "reported by the police on 2026-12-01");
  EXPECT_EQ(marac.available_actions_size(), 0);

  // A declined job, re-referred by the council that referred it.
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  Walk(kSanctuary, job, {{"begin_eligibility", "ELIGIBILITY"}});
  v1::TransitionReferralRequest declined;
  declined.set_reason("the perpetrator still lives at the address");
  ASSERT_TRUE(Do(kSanctuary, job, "decline", declined).ok());
  EXPECT_FALSE(job.has_deadline());
  v1::Referral theirs;
  ASSERT_TRUE(Get(kCouncil, job.name(), &theirs).ok());
  v1::TransitionReferralRequest again;
  again.set_reason("the perpetrator has left; an injunction is in place");
  ASSERT_TRUE(Do(kCouncil, theirs, "re_refer", again).ok());
  EXPECT_EQ(theirs.state(), "REFERRED");
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  EXPECT_TRUE(job.has_deadline());
  EXPECT_EQ(job.history(job.history_size() - 1).actor(), kCouncil);
}

// Consent withdrawn on each kind that rests on it: Channel support ends, a
// target-hardening job stops (unassigned), an adult's NRM support ends; the
// referral stays as the record of who withdrew it, when and why.
TEST_F(ReferralsTest, ConsentWithdrawnOnEachKind) {
  auto withdrawal = [](const std::string& why) {
    v1::TransitionReferralRequest t;
    t.mutable_consent()->set_status(v1::WITHDRAWN);
    t.mutable_consent()->set_given_by(v1::SUBJECT);
    t.mutable_consent()->set_reason(why);
    return t;
  };
  auto expect_withdrawn = [](const v1::Referral& r, const std::string& who,
                             const std::string& why) {
    EXPECT_EQ(r.state(), "CONSENT_WITHDRAWN") << r.reference();
    EXPECT_EQ(r.consent().status(), v1::WITHDRAWN) << r.reference();
    EXPECT_EQ(r.consent().reason(), why) << r.reference();
    EXPECT_EQ(r.consent().recorded_by(), who) << r.reference();
    EXPECT_TRUE(r.consent().has_record_time()) << r.reference();
    EXPECT_FALSE(r.has_deadline()) << r.reference();
  };

  // Channel, once support has begun with the adult's consent.
  v1::Referral channel = MustSubmit(kProbation, ChannelSubmission());
  ASSERT_TRUE(Get(kPrevent, channel.name(), &channel).ok());
  Walk(kPrevent, channel, {{"begin_gateway", "POLICE_GATEWAY"},
                           {"gateway_information_gathering", "INFO_GATHERING"}});
  v1::TransitionReferralRequest vaf;
  vaf.mutable_vaf_assessment()->set_framework_version("vaf-2015");
  for (int i = 0; i < 22; ++i) vaf.mutable_vaf_assessment()->add_factor_scores(1);
  ASSERT_TRUE(Do(kPrevent, channel, "refer_to_panel", vaf).ok());
  Walk(kChair, channel,
       {{"panel_adopted", "ADOPTED"}, {"seek_consent", "CONSENT_SOUGHT"}});
  v1::TransitionReferralRequest given;
  given.mutable_consent()->set_status(v1::GIVEN);
  given.mutable_consent()->set_legal_basis(v1::CONSENT);
  given.mutable_consent()->set_given_by(v1::SUBJECT);
  given.mutable_consent()->set_capacity(v1::LACKS_CAPACITY);
  grpc::Status s = Do(kChair, channel, "record_consent_given", given);
  auto v = Violations(s);
  ASSERT_EQ(v.size(), 1u) << s.error_message();
  EXPECT_EQ(v[0].field(), "consent.capacity");
  EXPECT_EQ(v[0].description(),
            "a person assessed as lacking capacity cannot consent themselves");
  given.mutable_consent()->set_capacity(v1::HAS_CAPACITY);
  ASSERT_TRUE(Do(kChair, channel, "record_consent_given", given).ok());
  EXPECT_EQ(channel.consent().capacity(), v1::HAS_CAPACITY);
  v1::TransitionReferralRequest bare;
  bare.mutable_consent()->set_status(v1::WITHDRAWN);
  s = Do(kChair, channel, "withdraw_consent", bare);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& violation : Violations(s)) fields.push_back(violation.field());
  EXPECT_EQ(fields,
            (std::vector<std::string>{"consent.given_by", "consent.reason"}));
  ASSERT_TRUE(Do(kChair, channel, "withdraw_consent",
                 withdrawal("no longer wishes to take part"))
                  .ok());
  expect_withdrawn(channel, kChair, "no longer wishes to take part");

  // Target hardening, with the locksmith assigned: the job stops.
  v1::Referral job = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, job.name(), &job).ok());
  Walk(kSanctuary, job, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});
  ASSERT_TRUE(Assign(kSanctuary, job, kLocksmith).ok());
  ASSERT_TRUE(Do(kSanctuary, job, "withdraw_consent",
                 withdrawal("the victim has moved to a refuge"))
                  .ok());
  expect_withdrawn(job, kSanctuary, "the victim has moved to a refuge");
  EXPECT_EQ(job.assignee(), "");
  v1::Referral gone;
  EXPECT_EQ(Get(kLocksmith, job.name(), &gone).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // An adult's NRM referral: support ends; the record stays.
  v1::Referral nrm = MustSubmit(kPolice, NrmSubmission());
  ASSERT_TRUE(Do(kPolice, nrm, "withdraw_consent",
                 withdrawal("does not want Home Office contact"))
                  .ok());
  expect_withdrawn(nrm, kPolice, "does not want Home Office contact");
  v1::Referral kept;
  ASSERT_TRUE(Get(kPolice, nrm.name(), &kept).ok());
  EXPECT_EQ(kept.state(), "CONSENT_WITHDRAWN");
  EXPECT_EQ(kept.history(kept.history_size() - 1).action(), "withdraw_consent");
}

TEST_F(ReferralsTest, TargetHardeningInOneVisitAndCancelled) {
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  Walk(kSanctuary, r, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});
  ASSERT_TRUE(Assign(kSanctuary, r, kLocksmith).ok());
  v1::Referral job;
  ASSERT_TRUE(Get(kLocksmith, r.name(), &job).ok());
  v1::TransitionReferralRequest appointment;
  appointment.mutable_appointment()->mutable_appointment_time()->set_seconds(
      r.create_time().seconds() + 86400);
  ASSERT_TRUE(Do(kLocksmith, job, "book_survey", appointment).ok());
  std::vector<std::string> offered;
  for (const v1::ActionOption& o : job.available_actions()) {
    offered.push_back(o.action());
  }
  EXPECT_EQ(offered, (std::vector<std::string>{"record_survey",
                                               "record_installation"}));
  v1::TransitionReferralRequest installed;
  installed.mutable_installation()->add_measures_installed(v1::LOCKS);
  ASSERT_TRUE(Do(kLocksmith, job, "record_installation", installed).ok());
  EXPECT_EQ(job.state(), "INSTALLED");
  EXPECT_EQ(job.target_hardening().measures_installed(0), v1::LOCKS);
  // The first review, three months from the installation.
  EXPECT_GT(job.deadline().seconds() - job.create_time().seconds(),
            89 * 86400);

  v1::Referral other = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, other.name(), &other).ok());
  Walk(kSanctuary, other, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});
  ASSERT_TRUE(Assign(kSanctuary, other, kLocksmith).ok());
  v1::Referral theirs;
  ASSERT_TRUE(Get(kLocksmith, other.name(), &theirs).ok());
  grpc::Status s = Do(kLocksmith, theirs, "cancel");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(s.error_message(),
            "action 'cancel' needs one of the roles: sanctuary_coordinator");
  s = Do(kSanctuary, other, "cancel");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::TransitionReferralRequest why;
  why.set_reason("the victim has moved out of the area");
  ASSERT_TRUE(Do(kSanctuary, other, "cancel", why).ok());
  EXPECT_EQ(other.state(), "CANCELLED");
  EXPECT_EQ(other.assignee(), "");
  EXPECT_FALSE(other.has_deadline());
  EXPECT_EQ(other.available_actions_size(), 0);
  EXPECT_EQ(Get(kLocksmith, other.name(), &theirs).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReferralsTest, TargetHardeningLifecycleAndNeedToKnowViews) {
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  EXPECT_EQ(r.state(), "REFERRED");
  EXPECT_EQ(r.deadline().seconds() - r.create_time().seconds(), 48 * 3600);

  // Nobody sees a job before it is theirs.
  v1::Referral seen;
  EXPECT_EQ(Get(kLocksmith, r.name(), &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);

  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  Walk(kSanctuary, r, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});
  ASSERT_TRUE(Assign(kSanctuary, r, kLocksmith).ok());
  EXPECT_EQ(r.assignee(), kLocksmith);

  // The locksmith sees the address, access, safe contact, measures and
  // appointment of its job: nothing else.
  ASSERT_TRUE(Get(kLocksmith, r.name(), &seen).ok());
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  seen.GetReflection()->ListFields(seen, &fields);
  std::set<std::string> names;
  for (const auto* f : fields) names.insert(f->name());
  EXPECT_EQ(names, (std::set<std::string>{"name", "reference", "kind", "state",
                                          "version", "deadline", "subjects",
                                          "target_hardening",
                                          // what it may do: book the survey
                                          "available_actions"}));
  ASSERT_EQ(seen.available_actions_size(), 1);
  EXPECT_EQ(seen.available_actions(0).action(), "book_survey");
  EXPECT_EQ(seen.available_actions(0).details(), v1::APPOINTMENT);
  EXPECT_FALSE(seen.assignable());
  EXPECT_EQ(seen.subjects(0).full_name(), "");
  EXPECT_EQ(seen.subjects(0).safe_contact().times(), "weekdays 10:00-12:00");
  EXPECT_EQ(seen.target_hardening().address().postcode(), "IP33 1AA");
  EXPECT_EQ(seen.target_hardening().tenure(), v1::TENURE_UNSPECIFIED);
  EXPECT_FALSE(seen.target_hardening().fire_arson_risk());

  v1::TransitionReferralRequest appointment;
  appointment.mutable_appointment()->mutable_appointment_time()->set_seconds(
      r.create_time().seconds() + 86400);
  v1::Referral job = seen;
  ASSERT_TRUE(Do(kLocksmith, job, "book_survey", appointment).ok());
  Walk(kLocksmith, job, {{"record_survey", "SURVEYED"}});
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  Walk(kSanctuary, r, {{"order_works", "WORKS_ORDERED"}});
  job.set_version(r.version());
  v1::TransitionReferralRequest installed;
  installed.mutable_installation()->add_measures_installed(v1::LOCKS);
  installed.mutable_installation()->add_measures_installed(v1::LETTERBOX_PLATE);
  ASSERT_TRUE(Do(kLocksmith, job, "record_installation", installed).ok());
  EXPECT_EQ(job.state(), "INSTALLED");

  // Fire and rescue: the address and arson risk, in its area.
  v1::Referral fire;
  ASSERT_TRUE(Get(kFire, r.name(), &fire).ok());
  EXPECT_TRUE(fire.target_hardening().fire_arson_risk());
  EXPECT_EQ(fire.subjects_size(), 0);
  ASSERT_TRUE(Do(kFire, fire, "set_emergency_flag").ok());
  EXPECT_TRUE(fire.target_hardening().emergency_services_flag());

  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  Walk(kSanctuary, r, {{"complete_review", "REVIEW_3M"},
                       {"complete_review", "REVIEW_6M"}});
  v1::TransitionReferralRequest close;
  close.set_reason("risk reduced; flag removed");
  ASSERT_TRUE(Do(kSanctuary, r, "close", close).ok());
  EXPECT_EQ(r.state(), "CLOSED");
  EXPECT_FALSE(r.target_hardening().emergency_services_flag());
}

TEST_F(ReferralsTest, RetriesAreIdempotentByRequestId) {
  v1::Referral first, again, other;
  ASSERT_TRUE(Submit(kCouncil, "retry-1", TargetHardeningSubmission(), &first).ok());
  ASSERT_TRUE(Submit(kCouncil, "retry-1", TargetHardeningSubmission(), &again).ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.reference(), first.reference());
  grpc::Status s = Submit(kCouncil, "retry-1",
                          TargetHardeningSubmission("babergh"), &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  // Another caller's identical request id is its own.
  ASSERT_TRUE(Submit(kProbation, "retry-1", TargetHardeningSubmission(), &other).ok());
  EXPECT_NE(other.name(), first.name());
}

TEST_F(ReferralsTest, StaleVersionsAndWrongActionsAreRefused) {
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  v1::Referral stale = r;
  Walk(kSanctuary, r, {{"begin_eligibility", "ELIGIBILITY"}});
  grpc::Status s = Do(kSanctuary, stale, "begin_eligibility");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(s.error_message(),
            "the referral has changed (version 2, not 1); read it again and "
            "retry");
  s = Do(kSanctuary, r, "record_installation");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(),
            "the action is not allowed from state "
            "ELIGIBILITY; allowed: accept, decline, cancel, "
            "withdraw_consent");
  s = Do(kSanctuary, r, "decline");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(Violations(s).size(), 1u);
  EXPECT_EQ(Violations(s)[0].field(), "reason");
  v1::Referral unchanged;
  ASSERT_TRUE(Get(kSanctuary, r.name(), &unchanged).ok());
  EXPECT_EQ(unchanged.version(), 2);
  EXPECT_EQ(unchanged.state(), "ELIGIBILITY");
}

TEST_F(ReferralsTest, BadSubmissionsNameEveryField) {
  v1::Referral bad = TargetHardeningSubmission("atlantis");
  bad.mutable_target_hardening()->clear_address();
  bad.mutable_subjects(0)->mutable_date_of_birth()->set_month(13);
  v1::Referral out;
  grpc::Status s = Submit(kCouncil, "", bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<std::string> fields;
  for (const auto& v : Violations(s)) fields.push_back(v.field());
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "request_id", "referral.area",
                        "referral.subjects[0].date_of_birth",
                        "referral.target_hardening.address.lines",
                        "referral.target_hardening.address.postcode"}));
  // Nothing was stored.
  v1::ListReferralsRequest list;
  v1::ListReferralsResponse page;
  ASSERT_TRUE(callers_->As(kSanctuary).ListReferrals(Context().get(), list, &page).ok());
  EXPECT_EQ(page.referrals_size(), 0);
}

TEST_F(ReferralsTest, AWatchSeesAnotherCallersChange) {
  grpc::ClientContext context;
  v1::WatchReferralsRequest request;
  request.mutable_filter()->set_kind(v1::TARGET_HARDENING);
  auto stream = callers_->As(kSanctuary).WatchReferrals(&context, request);
  // The server says when the watch is live: no later change is missed.
  ASSERT_TRUE(testing::WaitUntilLive(*stream, context));

  v1::Referral channel = MustSubmit(kProbation, ChannelSubmission());  // not TH
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  v1::ReferralEvent event;
  ASSERT_TRUE(stream->Read(&event));
  EXPECT_EQ(event.type(), v1::ReferralEvent::CREATED);
  EXPECT_EQ(event.referral().name(), r.name());
  EXPECT_EQ(event.referral().target_hardening().address().postcode(), "IP33 1AA");

  v1::Referral mine;
  ASSERT_TRUE(Get(kSanctuary, r.name(), &mine).ok());
  Walk(kSanctuary, mine, {{"begin_eligibility", "ELIGIBILITY"}});
  ASSERT_TRUE(stream->Read(&event));
  EXPECT_EQ(event.type(), v1::ReferralEvent::UPDATED);
  EXPECT_EQ(event.referral().state(), "ELIGIBILITY");
  context.TryCancel();
  while (stream->Read(&event)) {
  }
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_F(ReferralsTest, WatchersSeeOneChangeThroughTheirOwnViews) {
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  Walk(kSanctuary, r, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});

  struct Watcher {
    const char* who;
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::ReferralEvent>> stream;
  } lead{kSanctuary}, locksmith{kLocksmith};
  for (Watcher* w : {&lead, &locksmith}) {
    v1::WatchReferralsRequest request;
    request.mutable_filter()->set_kind(v1::TARGET_HARDENING);
    w->stream = callers_->As(w->who).WatchReferrals(&w->context, request);
    EXPECT_TRUE(testing::WaitUntilLive(*w->stream, w->context));
  }
  // The assignment is a change both may see: the lead in full, the
  // locksmith through its need-to-know view.
  ASSERT_TRUE(Assign(kSanctuary, r, kLocksmith).ok());
  v1::ReferralEvent seen_by_lead, seen_by_locksmith;
  ASSERT_TRUE(lead.stream->Read(&seen_by_lead));
  ASSERT_TRUE(locksmith.stream->Read(&seen_by_locksmith));
  for (const v1::ReferralEvent* e : {&seen_by_lead, &seen_by_locksmith}) {
    EXPECT_EQ(e->type(), v1::ReferralEvent::UPDATED);
    EXPECT_EQ(e->referral().name(), r.name());
    EXPECT_EQ(e->referral().version(), r.version());
    EXPECT_EQ(e->referral().target_hardening().address().postcode(), "IP33 1AA");
  }
  EXPECT_EQ(seen_by_lead.referral().assignee(), kLocksmith);
  EXPECT_EQ(seen_by_lead.referral().subjects(0).full_name(),
            TargetHardeningSubmission().subjects(0).full_name());
  EXPECT_EQ(seen_by_locksmith.referral().assignee(), "");
  EXPECT_EQ(seen_by_locksmith.referral().subjects(0).full_name(), "");
  for (Watcher* w : {&lead, &locksmith}) {
    w->context.TryCancel();
    v1::ReferralEvent rest;
    while (w->stream->Read(&rest)) {
    }
    EXPECT_EQ(w->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
}

TEST_F(ReferralsTest, AQueuePageWalkWhileReferralsArrive) {
  std::set<std::string> submitted;
  for (int i = 0; i < 20; ++i) {
    submitted.insert(MustSubmit(kCouncil, TargetHardeningSubmission()).name());
  }
  v1::ListReferralsRequest request;
  request.set_page_size(6);
  request.mutable_filter()->set_kind(v1::TARGET_HARDENING);
  request.set_order_by(v1::BY_DEADLINE);
  std::set<std::string> seen;
  int pages = 0;
  while (true) {
    v1::ListReferralsResponse page;
    grpc::Status s = callers_->As(kSanctuary).ListReferrals(Context().get(), request, &page);
    ASSERT_TRUE(s.ok()) << s.error_message();
    for (const v1::Referral& r : page.referrals()) {
      EXPECT_TRUE(seen.insert(r.name()).second) << r.name();
    }
    MustSubmit(kCouncil, TargetHardeningSubmission());  // arrives mid-walk
    ++pages;
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_GE(pages, 4);
  for (const std::string& name : submitted) EXPECT_TRUE(seen.count(name)) << name;

  // A token is tied to its filter.
  request.mutable_filter()->set_area("babergh");
  v1::ListReferralsResponse page;
  grpc::Status s = callers_->As(kSanctuary).ListReferrals(Context().get(), request, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(Violations(s).size(), 1u);
  EXPECT_EQ(Violations(s)[0].field(), "page_token");
  EXPECT_EQ(Violations(s)[0].description(), "is not a page token for this query");
}

// A list or a watch in the basic view carries the queue's fields of each
// referral and nothing else; unset or full, everything the field view
// shows; an unknown view is refused by name.
TEST_F(ReferralsTest, TheBasicViewCarriesTheQueuesFieldsOnly) {
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  Walk(kSanctuary, r, {{"begin_eligibility", "ELIGIBILITY"}, {"accept", "ACCEPTED"}});
  ASSERT_TRUE(Assign(kSanctuary, r, kLocksmith).ok());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  ASSERT_GT(r.history_size(), 0);
  ASSERT_GT(r.subjects_size(), 0);

  // The full referral as GetReferral shows it, less what a list never
  // carries (the caller's options on one referral), and less what the
  // basic view leaves out.
  v1::Referral full = r;
  full.clear_available_actions();
  full.clear_assignable();
  v1::Referral basic = full;
  basic.clear_subjects();
  basic.clear_consent();
  basic.clear_external_references();
  basic.clear_notes();
  basic.clear_history();
  basic.clear_form();

  struct Case {
    const char* name;
    v1::ReferralView view;
    const v1::Referral* want;
  };
  for (const Case& c : {Case{"unspecified", v1::REFERRAL_VIEW_UNSPECIFIED, &full},
                        Case{"full", v1::REFERRAL_VIEW_FULL, &full},
                        Case{"basic", v1::REFERRAL_VIEW_BASIC, &basic}}) {
    v1::ListReferralsRequest request;
    request.mutable_filter()->set_kind(v1::TARGET_HARDENING);
    request.set_view(c.view);
    v1::ListReferralsResponse page;
    grpc::Status s = callers_->As(kSanctuary).ListReferrals(Context().get(), request, &page);
    ASSERT_TRUE(s.ok()) << c.name << ": " << s.error_message();
    ASSERT_EQ(page.referrals_size(), 1) << c.name;
    EXPECT_EQ(page.referrals(0).SerializeAsString(), c.want->SerializeAsString())
        << c.name << ":\n" << page.referrals(0).DebugString();
  }

  // Two watchers with the same field view, one basic and one full, see
  // one change: each in its own referral view.
  struct Watcher {
    v1::ReferralView view;
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::ReferralEvent>> stream;
    v1::ReferralEvent event;
  } basic_watcher{v1::REFERRAL_VIEW_BASIC}, full_watcher{v1::REFERRAL_VIEW_FULL};
  for (Watcher* w : {&basic_watcher, &full_watcher}) {
    v1::WatchReferralsRequest watch;
    watch.mutable_filter()->set_kind(v1::TARGET_HARDENING);
    watch.set_view(w->view);
    w->stream = callers_->As(kSanctuary).WatchReferrals(&w->context, watch);
    ASSERT_TRUE(testing::WaitUntilLive(*w->stream, w->context));
  }
  ASSERT_TRUE(Assign(kSanctuary, r, "").ok());
  ASSERT_TRUE(Get(kSanctuary, r.name(), &r).ok());
  v1::Referral full_now = r;
  full_now.clear_available_actions();
  full_now.clear_assignable();
  v1::Referral basic_now = full_now;
  for (const char* field : {"subjects", "consent", "external_references", "notes",
                            "history", "target_hardening"}) {
    basic_now.GetReflection()->ClearField(
        &basic_now, basic_now.GetDescriptor()->FindFieldByName(field));
  }
  ASSERT_TRUE(basic_watcher.stream->Read(&basic_watcher.event));
  ASSERT_TRUE(full_watcher.stream->Read(&full_watcher.event));
  EXPECT_EQ(basic_watcher.event.referral().SerializeAsString(), basic_now.SerializeAsString())
      << basic_watcher.event.referral().DebugString();
  EXPECT_EQ(full_watcher.event.referral().SerializeAsString(), full_now.SerializeAsString())
      << full_watcher.event.referral().DebugString();
  v1::ReferralEvent event;
  for (Watcher* w : {&basic_watcher, &full_watcher}) {
    w->context.TryCancel();
    while (w->stream->Read(&event)) {
    }
    EXPECT_EQ(w->stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }

  // An unknown view, on either (as any enum value the API does not define).
  v1::ListReferralsRequest bad_list;
  bad_list.set_view(static_cast<v1::ReferralView>(7));
  v1::ListReferralsResponse page;
  grpc::Status s = callers_->As(kSanctuary).ListReferrals(Context().get(), bad_list, &page);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(Violations(s).size(), 1u);
  EXPECT_EQ(Violations(s)[0].field(), "view");
  EXPECT_EQ(Violations(s)[0].description(), "is not one of the values the API defines");
  grpc::ClientContext bad_context;
  v1::WatchReferralsRequest bad_watch;
  bad_watch.set_view(static_cast<v1::ReferralView>(7));
  auto refused = callers_->As(kSanctuary).WatchReferrals(&bad_context, bad_watch);
  while (refused->Read(&event)) {
  }
  s = refused->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_EQ(Violations(s).size(), 1u);
  EXPECT_EQ(Violations(s)[0].field(), "view");
  EXPECT_EQ(Violations(s)[0].description(), "is not one of the values the API defines");
}

TEST_F(ReferralsTest, NotesAndScopes) {
  v1::Referral r = MustSubmit(kCouncil, TargetHardeningSubmission());
  v1::AddNoteRequest note;
  note.set_name(r.name());
  note.set_text("Victim prefers morning visits.");
  v1::Referral out;
  ASSERT_TRUE(callers_->As(kCouncil).AddNote(Context().get(), note, &out).ok());
  ASSERT_EQ(out.notes_size(), 1);
  EXPECT_EQ(out.notes(0).author(), kCouncil);
  EXPECT_EQ(out.version(), 2);

  // Out of scope is NOT_FOUND, exactly as a referral that does not exist.
  grpc::Status hidden = Get(kProbation, r.name(), &out);
  grpc::Status missing = Get(kProbation, "referrals/doesnotexist", &out);
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(hidden.error_message(), missing.error_message());
  // A method the role may not call at all is PERMISSION_DENIED.
  v1::TransitionReferralRequest t;
  t.set_name(r.name());
  t.set_action("begin_eligibility");
  t.set_version(2);
  grpc::Status denied =
      callers_->As("csp-audit/person/auditor")
          .TransitionReferral(Context().get(), t, &out);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace safeguard
