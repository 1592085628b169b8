// Integration: people across referrals through the real server. A MARAC
// repeat is found by matching the victim and perpetrator (a nickname is
// still the same person), and one the server cannot see is claimed by the
// referrer with a reason, flagged as claimed; what the coordinator sees
// of it and what the referrer sees.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/app/safeguard_server.h"
#include "tests/testing/referral_fixtures.h"
#include "tests/testing/test_server.h"

namespace safeguard {
namespace {

using ::safeguard::testing::Callers;
using ::safeguard::testing::MaracSubmission;
using ::safeguard::testing::TempDir;
using ::safeguard::testing::TestPki;
using ::safeguard::testing::TestServerConfig;

constexpr char kIdva[] = "leeway/person/idva";
constexpr char kCoordinator[] = "suffolk-county-council/person/marac-coordinator";
constexpr char kCouncil[] = "babergh-mid-suffolk-council/system/case";
constexpr char kSanctuary[] = "west-suffolk-council/person/sanctuary-coordinator";

class PeopleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = SafeguardServer::Start(config_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    callers_ = std::make_unique<Callers>(pki_, server_->port());
  }

  // Submits as the IDVA and reads the case back as the coordinator.
  v1::Referral SubmitAndRead(const v1::Referral& r) {
    v1::Referral submitted, read;
    grpc::Status s = callers_->Submit(
        kIdva, "req-" + std::to_string(++requests_), r, &submitted);
    EXPECT_TRUE(s.ok()) << s.error_message();
    // The referrer's view holds no criteria: they come from others' cases.
    EXPECT_EQ(submitted.marac().criteria_size(), 0);
    EXPECT_FALSE(submitted.marac().repeat_claimed());
    s = callers_->Get(kCoordinator, submitted.name(), &read);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return read;
  }

  static std::vector<int> Criteria(const v1::Referral& r) {
    return {r.marac().criteria().begin(), r.marac().criteria().end()};
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
  ServerConfig config_ = TestServerConfig(dir_, pki_);
  std::unique_ptr<SafeguardServer> server_;
  std::unique_ptr<Callers> callers_;
  int requests_ = 0;
};

TEST_F(PeopleTest, ARepeatIsFoundByMatchingOrClaimedByTheReferrer) {
  // Five yes answers: no criterion of its own.
  v1::Referral first = SubmitAndRead(MaracSubmission(5, "Jonathan Example"));
  EXPECT_EQ(Criteria(first), std::vector<int>{});

  // The same victim by a nickname, with the same perpetrator and dates of
  // birth: a repeat.
  v1::Referral again = SubmitAndRead(MaracSubmission(5, "Jon Example"));
  EXPECT_EQ(Criteria(again), std::vector<int>{v1::REPEAT});
  EXPECT_FALSE(again.marac().repeat_claimed());

  // Someone else: not a repeat, unless the referrer claims one the server
  // cannot see, with its reason.
  v1::Referral other = SubmitAndRead(MaracSubmission(5, "Robin Sample"));
  EXPECT_EQ(Criteria(other), std::vector<int>{});
  v1::Referral claim = MaracSubmission(5, "Kim Sample");
  claim.mutable_marac()->set_repeat_claim("heard at the Norfolk MARAC in May");
  v1::Referral claimed = SubmitAndRead(claim);
  EXPECT_EQ(Criteria(claimed), std::vector<int>{v1::REPEAT});
  EXPECT_TRUE(claimed.marac().repeat_claimed());
  EXPECT_EQ(claimed.marac().repeat_claim(), "heard at the Norfolk MARAC in May");
}

TEST_F(PeopleTest, AlsoKnownToShowsWhereElseAPersonIsKnownToThoseItIsFor) {
  // A MARAC victim, then a target-hardening job for the same person by a
  // nickname ("Jon"), and someone else's job.
  v1::Referral marac = MaracSubmission(15, "Jonathan Example");
  v1::Referral submitted;
  ASSERT_TRUE(callers_->Submit(kIdva, "m-1", marac, &submitted).ok());
  v1::Referral job = testing::TargetHardeningSubmission("west-suffolk");
  job.mutable_subjects(0)->set_full_name("Jon Example");
  v1::Referral job_out;
  ASSERT_TRUE(callers_->Submit(kCouncil, "t-1", job, &job_out).ok());
  v1::Referral other = testing::TargetHardeningSubmission("west-suffolk");
  other.mutable_subjects(0)->set_full_name("Robin Sample");
  v1::Referral other_out;
  ASSERT_TRUE(callers_->Submit(kCouncil, "t-2", other, &other_out).ok());

  // The MARAC coordinator sees that the victim is known to a job: its
  // envelope, never its content.
  v1::Referral seen;
  ASSERT_TRUE(
      callers_->Get(kCoordinator, submitted.name(), &seen).ok());
  ASSERT_EQ(seen.also_known_to_size(), 1) << seen.DebugString();
  const v1::KnownElsewhere& k = seen.also_known_to(0);
  EXPECT_EQ(k.kind(), v1::TARGET_HARDENING);
  EXPECT_EQ(k.referring_agency(), "babergh-mid-suffolk-council");
  EXPECT_EQ(k.state(), job_out.state());
  EXPECT_EQ(k.create_time().seconds(), job_out.create_time().seconds());
  EXPECT_EQ(k.person(), "subjects[0]");
  EXPECT_EQ(k.named_as(), "subject");
  EXPECT_EQ(k.score(), 90);
  EXPECT_EQ(std::vector<std::string>(k.reasons().begin(), k.reasons().end()),
            (std::vector<std::string>{"nickname", "same_date_of_birth"}));
  EXPECT_EQ(k.DebugString().find("Example"), std::string::npos);

  // The sanctuary coordinator sees the case from the job's side.
  v1::Referral from_job;
  ASSERT_TRUE(callers_->Get(kSanctuary, job_out.name(), &from_job).ok());
  ASSERT_EQ(from_job.also_known_to_size(), 1);
  EXPECT_EQ(from_job.also_known_to(0).kind(), v1::MARAC);
  EXPECT_EQ(from_job.also_known_to(0).referring_agency(), "leeway");

  // The referrers see nothing of it.
  v1::Referral as_referrer;
  ASSERT_TRUE(callers_->Get(kIdva, submitted.name(), &as_referrer).ok());
  EXPECT_EQ(as_referrer.also_known_to_size(), 0);
  ASSERT_TRUE(callers_->Get(kCouncil, job_out.name(), &as_referrer).ok());
  EXPECT_EQ(as_referrer.also_known_to_size(), 0);
}

}  // namespace
}  // namespace safeguard
