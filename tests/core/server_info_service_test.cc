#include "server/core/server_info_service.h"

#include "gtest/gtest.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::FakeClock;
using ::safeguard::testing::FakeStore;
using ::safeguard::testing::StatusIs;

const CallerIdentity kCaller{"suffolk-police", "system/athena", "ab12"};

TEST(ServerInfoServiceTest, ReportsVersionsAndRecordsTheCaller) {
  FakeStore store;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  ServerInfoService service(store, clock);

  absl::StatusOr<ServerInfo> first = service.GetServerInfo(kCaller);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->server_version, SAFEGUARD_VERSION);
  EXPECT_EQ(first->schema_version, 1);
  EXPECT_EQ(first->caller, kCaller);

  clock.Advance(absl::Minutes(5));
  ASSERT_TRUE(service.GetServerInfo(kCaller).ok());
  absl::StatusOr<CallerRecord> record = store.GetCaller(kCaller);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->calls, 2);
  EXPECT_EQ(record->first_seen, absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(record->last_seen, absl::FromUnixSeconds(1'700'000'300));
}

TEST(ServerInfoServiceTest, FailsUnavailableWithNoDataWhenTheStoreFails) {
  FakeStore store;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  ServerInfoService service(store, clock);
  store.set_fail_writes(true);

  EXPECT_THAT(service.GetServerInfo(kCaller),
              StatusIs(absl::StatusCode::kUnavailable,
                       "the server could not record this call"));
  EXPECT_THAT(store.GetCaller(kCaller), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace safeguard
