#include "server/core/server_info_service.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/core/dash.h"
#include "tests/testing/fake_store.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::FakeClock;
using ::safeguard::testing::FakeStore;
using ::safeguard::testing::StatusIs;

const CallerIdentity kCaller{"suffolk-police", "system/athena", "ab12"};

// 1'700'000'000 s is Tuesday 14 November 2023; the horizon of 400 days ends
// on Monday 18 December 2024.
HolidayCalendar TestCalendar() {
  return *HolidayCalendar::Parse(
      "2023-05-01 Early May bank holiday\n"
      "2023-12-25 Christmas Day\n"
      "2023-12-26 Boxing Day\n"
      "2024-01-01 New Year's Day\n"
      "2024-12-25 Christmas Day\n",
      "test");
}

absl::TimeZone London() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/London", &zone));
  return zone;
}

TEST(ServerInfoServiceTest, ReportsVersionsAndRecordsTheCaller) {
  FakeStore store;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  const HolidayCalendar calendar = TestCalendar();
  ServerInfoService service(store, clock, calendar, London());

  absl::StatusOr<ServerInfo> first = service.GetServerInfo(kCaller, CallerAccess());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->server_version, SAFEGUARD_VERSION);
  EXPECT_EQ(first->schema_version, 1);
  EXPECT_EQ(first->caller, kCaller);

  clock.Advance(absl::Minutes(5));
  ASSERT_TRUE(service.GetServerInfo(kCaller, CallerAccess()).ok());
  absl::StatusOr<CallerRecord> record = store.GetCaller(kCaller);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->calls, 2);
  EXPECT_EQ(record->first_seen, absl::FromUnixSeconds(1'700'000'000));
  EXPECT_EQ(record->last_seen, absl::FromUnixSeconds(1'700'000'300));
}

TEST(ServerInfoServiceTest, ReportsWhatThePolicyAndTheServerUse) {
  FakeStore store;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  const HolidayCalendar calendar = TestCalendar();
  ServerInfoService service(store, clock, calendar, London());
  auto partnership = std::make_shared<Partnership>();
  partnership->areas = {"west-suffolk", "babergh"};
  partnership->workflow.service_hours_by_scheme = {{"sanctuary-b", 72},
                                                   {"sanctuary-a", 48}};
  partnership->workflow.marac.high_risk_threshold = 12;
  partnership->workflow.marac.escalation_incidents = 4;
  partnership->workflow.marac.escalation_months = 6;
  partnership->workflow.marac.min_rationale_chars = 30;
  CallerAccess access;
  access.roles = RoleSet{Role::kSanctuaryCoordinator, Role::kAgencyLead};
  access.methods = {"safeguard.v1.Referrals/GetReferral",
                    "safeguard.v1.ServerInfo/GetServerInfo",
                    "safeguard.v1.Audit/GetAccessLog"};
  access.partnership = partnership;

  absl::StatusOr<ServerInfo> info = service.GetServerInfo(kCaller, access);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->roles, (std::vector<std::string>{"agency_lead",
                                                   "sanctuary_coordinator"}));
  EXPECT_EQ(info->methods,
            (std::vector<std::string>{"safeguard.v1.Audit/GetAccessLog",
                                      "safeguard.v1.Referrals/GetReferral",
                                      "safeguard.v1.ServerInfo/GetServerInfo"}));
  EXPECT_EQ(info->areas, (std::vector<std::string>{"west-suffolk", "babergh"}));
  EXPECT_EQ(info->schemes,
            (std::vector<std::string>{"sanctuary-a", "sanctuary-b"}));
  ASSERT_EQ(info->dash_question_sets.size(), 1u);
  const DashQuestionSetInfo& dash = info->dash_question_sets[0];
  EXPECT_EQ(dash.version, "safelives-2009");
  EXPECT_EQ(dash.questions, FindDashQuestionSet("safelives-2009")->questions);
  EXPECT_EQ(dash.questions.size(), 24u);
  EXPECT_EQ(dash.high_risk_threshold, 12);
  EXPECT_EQ(dash.escalation_threshold, 4);
  EXPECT_EQ(dash.escalation_months, 6);
  EXPECT_EQ(dash.min_rationale_chars, 30);
  ASSERT_EQ(info->vaf_frameworks.size(), 1u);
  EXPECT_EQ(info->vaf_frameworks[0].version, "vaf-2015");

  // Without a policy's partnership: no areas or schemes, default criteria.
  info = service.GetServerInfo(kCaller, CallerAccess());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->roles.empty());
  EXPECT_TRUE(info->areas.empty());
  EXPECT_TRUE(info->schemes.empty());
  ASSERT_EQ(info->dash_question_sets.size(), 1u);
  EXPECT_EQ(info->dash_question_sets[0].high_risk_threshold,
            MaracCriteriaConfig().high_risk_threshold);
}

TEST(ServerInfoServiceTest, ReportsTheZoneAndTheBankHolidaysAhead) {
  FakeStore store;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  const HolidayCalendar calendar = TestCalendar();
  ServerInfoService service(store, clock, calendar, London());
  absl::StatusOr<ServerInfo> info = service.GetServerInfo(kCaller, {});
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->time_zone, "Europe/London");
  EXPECT_EQ(info->bank_holidays,
            (std::vector<absl::CivilDay>{absl::CivilDay(2023, 12, 25),
                                         absl::CivilDay(2023, 12, 26),
                                         absl::CivilDay(2024, 1, 1)}));
}

// The offsets run from 400 days before now (10 October 2022, in summer
// time) to 400 days after (18 December 2024), with each change of British
// Summer Time between, at 01:00 UTC on the last Sundays of March and
// October.
TEST(ServerInfoServiceTest, ReportsTheZoneOffsetsAYearEitherSide) {
  FakeStore store;
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  FakeClock clock(now);
  const HolidayCalendar calendar = TestCalendar();
  ServerInfoService service(store, clock, calendar, London());
  absl::StatusOr<ServerInfo> info = service.GetServerInfo(kCaller, {});
  ASSERT_TRUE(info.ok()) << info.status();
  const absl::TimeZone utc = absl::UTCTimeZone();
  auto at = [&](int y, int m, int d) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, 1, 0, 0), utc);
  };
  EXPECT_EQ(info->zone_offsets,
            (std::vector<ZoneOffset>{{now - absl::Hours(24 * 400), 3600},
                                     {at(2022, 10, 30), 0},
                                     {at(2023, 3, 26), 3600},
                                     {at(2023, 10, 29), 0},
                                     {at(2024, 3, 31), 3600},
                                     {at(2024, 10, 27), 0}}));
}

// A zone without changes has its one offset.
TEST(ServerInfoServiceTest, ReportsOneOffsetForAZoneThatNeverChanges) {
  FakeStore store;
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  FakeClock clock(now);
  const HolidayCalendar calendar = TestCalendar();
  ServerInfoService service(store, clock, calendar, absl::FixedTimeZone(-5 * 3600));
  absl::StatusOr<ServerInfo> info = service.GetServerInfo(kCaller, {});
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->zone_offsets,
            (std::vector<ZoneOffset>{{now - absl::Hours(24 * 400), -5 * 3600}}));
}

TEST(ServerInfoServiceTest, FailsUnavailableWithNoDataWhenTheStoreFails) {
  FakeStore store;
  FakeClock clock(absl::FromUnixSeconds(1'700'000'000));
  const HolidayCalendar calendar = TestCalendar();
  ServerInfoService service(store, clock, calendar, London());
  store.set_fail_writes(true);

  EXPECT_THAT(service.GetServerInfo(kCaller, CallerAccess()),
              StatusIs(absl::StatusCode::kUnavailable,
                       "the server could not record this call"));
  EXPECT_THAT(store.GetCaller(kCaller), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace safeguard
