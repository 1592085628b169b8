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

}  // namespace
}  // namespace safeguard
