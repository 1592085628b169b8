#include "server/app/referral_id_generator.h"

#include <set>

#include "gtest/gtest.h"

namespace safeguard {
namespace {

TEST(ReferralIdGeneratorTest, IdsSortByCreationTime) {
  const absl::Time t = absl::FromUnixMillis(1795000000000);
  std::string previous;
  for (int ms : {0, 1, 2, 1000, 86400000, 1000000000}) {
    std::string id = ReferralIdGenerator::IdAt(t + absl::Milliseconds(ms));
    ASSERT_EQ(id.size(), 26u) << id;
    for (char c : id) {
      EXPECT_TRUE((c >= '2' && c <= '7') || (c >= 'a' && c <= 'z')) << id;
    }
    EXPECT_LT(previous, id) << ms;
    previous = id;
  }
}

TEST(ReferralIdGeneratorTest, IdsInTheSameMillisecondDifferInTheirRandomBits) {
  const absl::Time t = absl::FromUnixMillis(1795000000000);
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(ReferralIdGenerator::IdAt(t));
  EXPECT_EQ(ids.size(), 1000u);
  // The first 9 characters (45 bits) are all time.
  EXPECT_EQ(ids.begin()->substr(0, 9), ids.rbegin()->substr(0, 9));
}

}  // namespace
}  // namespace safeguard
