#include "server/core/working_days.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::safeguard::testing::StatusIs;

constexpr absl::CivilDay Day(int year, int month, int day) {
  return absl::CivilDay(year, month, day);
}

constexpr char kHolidayFile[] =
    SAFEGUARD_SOURCE_DIR "/deploy/bank-holidays-england-and-wales.txt";

// Tests against the real bank holiday file, in Europe/London.
class WorkingDaysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<HolidayCalendar> calendar =
        HolidayCalendar::Load(kHolidayFile);
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    calendar_.emplace(*std::move(calendar));
    ASSERT_TRUE(absl::LoadTimeZone("Europe/London", &london_));
  }

  const HolidayCalendar& calendar() const { return *calendar_; }

  // An RFC 3339 time, e.g. "2025-05-02T10:30:00+01:00".
  static absl::Time At(const std::string& rfc3339) {
    absl::Time t;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) {
      ADD_FAILURE() << rfc3339 << ": " << error;
    }
    return t;
  }

  // `t` as RFC 3339 in London local time, offset included.
  std::string InLondon(absl::Time t) const {
    return absl::FormatTime(absl::RFC3339_sec, t, london_);
  }

  std::optional<HolidayCalendar> calendar_;
  absl::TimeZone london_;
};

TEST_F(WorkingDaysTest, TheRealFileHasEightBankHolidaysEachYear) {
  EXPECT_EQ(calendar().first_day(), absl::CivilDay(2024, 1, 1));
  EXPECT_EQ(calendar().last_day(), absl::CivilDay(2030, 12, 31));
  std::map<absl::civil_year_t, int> per_year;
  for (absl::CivilDay day : calendar().holidays()) ++per_year[day.year()];
  // No one-off extra bank holiday has been announced for 2024 to 2030.
  const std::map<absl::civil_year_t, int> expected = {
      {2024, 8}, {2025, 8}, {2026, 8}, {2027, 8},
      {2028, 8}, {2029, 8}, {2030, 8}};
  EXPECT_EQ(per_year, expected);
}

TEST_F(WorkingDaysTest, IsWorkingDay) {
  struct Case {
    const char* name;
    absl::CivilDay day;
    bool working;
  } cases[] = {
      {"Friday", Day(2025, 1, 3), true},
      {"Saturday", Day(2025, 1, 4), false},
      {"Sunday", Day(2025, 1, 5), false},
      {"Monday", Day(2025, 1, 6), true},
      {"New Year's Day", Day(2025, 1, 1), false},
      {"Maundy Thursday", Day(2025, 4, 17), true},
      {"Good Friday 2025", Day(2025, 4, 18), false},
      {"Easter Monday 2025", Day(2025, 4, 21), false},
      {"Tuesday after Easter", Day(2025, 4, 22), true},
      {"Good Friday 2027", Day(2027, 3, 26), false},
      {"Easter Monday 2027", Day(2027, 3, 29), false},
      {"early May bank holiday", Day(2025, 5, 5), false},
      {"spring bank holiday", Day(2025, 5, 26), false},
      {"summer bank holiday", Day(2026, 8, 31), false},
      {"Christmas 2026 on Friday", Day(2026, 12, 25), false},
      {"Boxing Day 2026 on Saturday", Day(2026, 12, 26), false},
      {"Boxing Day 2026 substitute Monday", Day(2026, 12, 28), false},
      {"Tuesday after Christmas 2026", Day(2026, 12, 29), true},
      {"Christmas 2027 on Saturday", Day(2027, 12, 25), false},
      {"Christmas 2027 substitute Monday", Day(2027, 12, 27), false},
      {"Boxing Day 2027 substitute Tuesday", Day(2027, 12, 28), false},
      {"Wednesday after Christmas 2027", Day(2027, 12, 29), true},
      {"New Year 2028 substitute Monday", Day(2028, 1, 3), false},
      {"beyond the data: New Year 2031 counts as working", Day(2031, 1, 1),
       true},
      {"beyond the data: Saturday", Day(2031, 1, 4), false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(calendar().IsWorkingDay(c.day), c.working) << c.name;
  }
}

TEST_F(WorkingDaysTest, AddWorkingDays) {
  struct Case {
    const char* name;
    absl::CivilDay start;
    int n;
    absl::CivilDay expected;
  } cases[] = {
      {"Friday plus one is Monday", Day(2025, 1, 3), 1, Day(2025, 1, 6)},
      {"Saturday plus one is Monday", Day(2025, 1, 4), 1, Day(2025, 1, 6)},
      {"Monday plus five is next Monday", Day(2025, 1, 6), 5, Day(2025, 1, 13)},
      {"over Good Friday and Easter Monday", Day(2025, 4, 17), 1,
       Day(2025, 4, 22)},
      {"five from Friday before early May bank holiday", Day(2025, 5, 2), 5,
       Day(2025, 5, 12)},
      {"Christmas Eve 2026 plus one skips Boxing Day substitute",
       Day(2026, 12, 24), 1, Day(2026, 12, 29)},
      {"Christmas Eve 2027 plus one skips both substitutes", Day(2027, 12, 24),
       1, Day(2027, 12, 29)},
      {"New Year's Eve 2027 plus one skips New Year substitute",
       Day(2027, 12, 31), 1, Day(2028, 1, 4)},
      {"twenty over Christmas 2026", Day(2026, 12, 1), 20, Day(2026, 12, 31)},
      {"zero on a working day is that day", Day(2025, 1, 6), 0,
       Day(2025, 1, 6)},
      {"zero on Good Friday is the Tuesday", Day(2025, 4, 18), 0,
       Day(2025, 4, 22)},
      {"zero on Sunday is Monday", Day(2025, 1, 5), 0, Day(2025, 1, 6)},
      {"beyond the data only weekends count", Day(2030, 12, 31), 2,
       Day(2031, 1, 2)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(calendar().AddWorkingDays(c.start, c.n), c.expected) << c.name;
  }
}

TEST_F(WorkingDaysTest, WorkingDaysBetween) {
  struct Case {
    const char* name;
    absl::CivilDay from;
    absl::CivilDay to;
    int expected;
  } cases[] = {
      {"same day", Day(2025, 1, 6), Day(2025, 1, 6), 0},
      {"backwards", Day(2025, 1, 13), Day(2025, 1, 6), 0},
      {"Friday to Monday", Day(2025, 1, 3), Day(2025, 1, 6), 1},
      {"Friday to Sunday", Day(2025, 1, 3), Day(2025, 1, 5), 0},
      {"over Easter 2025", Day(2025, 4, 17), Day(2025, 4, 22), 1},
      {"Christmas Eve 2026 to the Tuesday", Day(2026, 12, 24),
       Day(2026, 12, 29), 1},
      {"Christmas Eve 2027 to New Year's Eve", Day(2027, 12, 24),
       Day(2027, 12, 31), 3},
      // 261 weekdays in 2025, less its 8 bank holidays.
      {"the whole of 2025", Day(2024, 12, 31), Day(2025, 12, 31), 253},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(calendar().WorkingDaysBetween(c.from, c.to), c.expected)
        << c.name;
  }
}

TEST_F(WorkingDaysTest, WorkingDaysBetweenInvertsAddWorkingDays) {
  for (absl::CivilDay start(2024, 1, 1); start <= absl::CivilDay(2030, 12, 31);
       start += 7) {
    for (int n = 1; n <= 30; ++n) {
      absl::CivilDay end = calendar().AddWorkingDays(start, n);
      ASSERT_EQ(calendar().WorkingDaysBetween(start, end), n)
          << start << " + " << n;
      ASSERT_TRUE(calendar().IsWorkingDay(end)) << start << " + " << n;
    }
  }
}

TEST_F(WorkingDaysTest, WorkingDaysDeadline) {
  struct Case {
    const char* name;
    const char* start;
    int working_days;
    const char* expected;
  } cases[] = {
      {"five from Friday before early May bank holiday",
       "2025-05-02T10:30:00+01:00", 5, "2025-05-12T23:59:59+01:00"},
      {"one over Christmas 2026", "2026-12-24T16:00:00Z", 1,
       "2026-12-29T23:59:59+00:00"},
      {"one over the autumn clock change", "2025-10-24T15:00:00+01:00", 1,
       "2025-10-27T23:59:59+00:00"},
      {"one over the spring clock change", "2025-03-28T15:00:00Z", 1,
       "2025-03-31T23:59:59+01:00"},
      {"counts from the London date, not the UTC date", "2025-06-30T23:30:00Z",
       1, "2025-07-02T23:59:59+01:00"},
      {"zero on Good Friday is the end of the Tuesday",
       "2025-04-18T09:00:00+01:00", 0, "2025-04-22T23:59:59+01:00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InLondon(WorkingDaysDeadline(calendar(), At(c.start),
                                           c.working_days, london_)),
              c.expected)
        << c.name;
  }
}

TEST_F(WorkingDaysTest, HoursDeadline) {
  struct Case {
    const char* name;
    const char* start;
    int hours;
    const char* expected;
  } cases[] = {
      {"48 hours across a weekend", "2025-01-03T17:00:00Z", 48,
       "2025-01-05T17:00:00+00:00"},
      {"24 hours across the spring clock change", "2025-03-29T12:00:00Z", 24,
       "2025-03-30T13:00:00+01:00"},
      {"24 hours across the autumn clock change", "2025-10-25T12:00:00+01:00",
       24, "2025-10-26T11:00:00+00:00"},
      {"72 hours across Easter 2025", "2025-04-17T09:00:00+01:00", 72,
       "2025-04-20T09:00:00+01:00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InLondon(HoursDeadline(At(c.start), c.hours)), c.expected)
        << c.name;
  }
}

TEST_F(WorkingDaysTest, CalendarDaysDeadline) {
  struct Case {
    const char* name;
    const char* start;
    int days;
    const char* expected;
  } cases[] = {
      {"zero is the end of the same day", "2025-01-06T09:00:00Z", 0,
       "2025-01-06T23:59:59+00:00"},
      {"into BST on the clock change day", "2025-03-29T12:00:00Z", 1,
       "2025-03-30T23:59:59+01:00"},
      {"out of BST on the clock change day", "2025-10-25T12:00:00+01:00", 1,
       "2025-10-26T23:59:59+00:00"},
      {"weekends and holidays count", "2025-12-24T09:00:00Z", 3,
       "2025-12-27T23:59:59+00:00"},
      {"counts from the London date, not the UTC date", "2025-06-30T23:30:00Z",
       0, "2025-07-01T23:59:59+01:00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InLondon(CalendarDaysDeadline(At(c.start), c.days, london_)),
              c.expected)
        << c.name;
  }
}

TEST_F(WorkingDaysTest, MonthsDeadline) {
  struct Case {
    const char* name;
    const char* start;
    int months;
    const char* expected;
  } cases[] = {
      {"same day of the month", "2025-08-15T10:00:00+01:00", 3,
       "2025-11-15T23:59:59+00:00"},
      {"31 January to 28 February", "2025-01-31T10:00:00Z", 1,
       "2025-02-28T23:59:59+00:00"},
      {"31 January to 29 February in a leap year", "2024-01-31T10:00:00Z", 1,
       "2024-02-29T23:59:59+00:00"},
      {"31 March to 30 April", "2025-03-31T10:00:00+01:00", 1,
       "2025-04-30T23:59:59+01:00"},
      {"over a year end", "2025-11-30T10:00:00Z", 3,
       "2026-02-28T23:59:59+00:00"},
      {"twelve months from 29 February", "2024-02-29T10:00:00Z", 12,
       "2025-02-28T23:59:59+00:00"},
      {"counts from the London date, not the UTC date", "2025-05-31T23:30:00Z",
       1, "2025-07-01T23:59:59+01:00"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InLondon(MonthsDeadline(At(c.start), c.months, london_)),
              c.expected)
        << c.name;
  }
}

TEST(HolidayCalendarTest, ParsesCommentsBlankLinesAndCrLf) {
  absl::StatusOr<HolidayCalendar> calendar = HolidayCalendar::Parse(
      "# Bank holidays\n"
      "\n"
      "  # indented comment\n"
      "2025-12-25  Christmas Day\r\n"
      "2025-12-26\tBoxing Day\n"
      "2026-01-01 New Year's Day   \n"
      "\n",
      "test.txt");
  ASSERT_TRUE(calendar.ok()) << calendar.status();
  const std::vector<absl::CivilDay> expected = {
      Day(2025, 12, 25), Day(2025, 12, 26), Day(2026, 1, 1)};
  EXPECT_EQ(calendar->holidays(), expected);
  EXPECT_EQ(calendar->first_day(), absl::CivilDay(2025, 1, 1));
  EXPECT_EQ(calendar->last_day(), absl::CivilDay(2026, 12, 31));
}

TEST(HolidayCalendarTest, RefusesBadFiles) {
  struct Case {
    const char* name;
    const char* text;
    const char* message;
  } cases[] = {
      {"month 13", "# header\n\n2024-13-01  X\n",
       "test.txt:3: \"2024-13-01\" is not a valid YYYY-MM-DD date"},
      {"30 February", "2025-02-30  X\n",
       "test.txt:1: \"2025-02-30\" is not a valid YYYY-MM-DD date"},
      {"two-digit year", "24-01-01  X\n",
       "test.txt:1: \"24-01-01\" is not a valid YYYY-MM-DD date"},
      {"slashes", "2024/01/01  X\n",
       "test.txt:1: \"2024/01/01\" is not a valid YYYY-MM-DD date"},
      {"signed day", "2024-01-+1  X\n",
       "test.txt:1: \"2024-01-+1\" is not a valid YYYY-MM-DD date"},
      {"name without date", "New Year's Day\n",
       "test.txt:1: \"New\" is not a valid YYYY-MM-DD date"},
      {"no name", "2024-01-01\n",
       "test.txt:1: no holiday name after 2024-01-01"},
      {"only blanks after the date", "2024-01-01  \t\r\n",
       "test.txt:1: no holiday name after 2024-01-01"},
      {"weekend date", "2027-01-01  X\n2027-12-25  Christmas Day\n",
       "test.txt:2: 2027-12-25 is a weekend day; list the substitute weekday "
       "instead"},
      {"duplicate", "2024-01-01  A\n2024-01-01  B\n",
       "test.txt:2: duplicate date 2024-01-01"},
      {"not ascending", "2024-04-01  A\n# note\n2024-03-29  B\n",
       "test.txt:3: 2024-03-29 is not after the previous date 2024-04-01"},
      {"missing year", "2024-01-01  A\n2026-01-01  B\n",
       "test.txt:2: no bank holidays listed for 2025"},
      {"line numbers count CRLF lines",
       "2024-01-01  A\r\n\r\n2024-13-01  B\r\n",
       "test.txt:3: \"2024-13-01\" is not a valid YYYY-MM-DD date"},
      {"empty", "", "test.txt: contains no bank holidays"},
      {"comments only", "# nothing yet\n\n",
       "test.txt: contains no bank holidays"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(HolidayCalendar::Parse(c.text, "test.txt"),
                StatusIs(absl::StatusCode::kInvalidArgument, c.message))
        << c.name;
  }
}

TEST(HolidayCalendarTest, LoadReportsAMissingFile) {
  EXPECT_THAT(HolidayCalendar::Load("/nonexistent/bank-holidays.txt"),
              StatusIs(absl::StatusCode::kNotFound,
                       "bank holiday file /nonexistent/bank-holidays.txt: "
                       "cannot be read"));
}

TEST(HolidayCalendarTest, LoadNamesTheFileInParseErrors) {
  const std::string path = ::testing::TempDir() + "/bank-holidays-bad.txt";
  {
    std::ofstream out(path);
    out << "# holidays\n2024-01-01  New Year's Day\n2024-02-30  X\n";
    ASSERT_TRUE(out.good()) << path;
  }
  EXPECT_THAT(HolidayCalendar::Load(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       path + ":3: \"2024-02-30\" is not a valid YYYY-MM-DD "
                              "date"));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace safeguard
