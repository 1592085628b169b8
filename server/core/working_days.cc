#include "server/core/working_days.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace safeguard {
namespace {

bool IsWeekend(absl::CivilDay day) {
  absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

// "YYYY-MM-DD" exactly, and a real date (no 2025-02-30).
std::optional<absl::CivilDay> ParseDate(absl::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(s[i])) return std::nullopt;
  }
  int year, month, day;
  if (!absl::SimpleAtoi(s.substr(0, 4), &year) ||
      !absl::SimpleAtoi(s.substr(5, 2), &month) ||
      !absl::SimpleAtoi(s.substr(8, 2), &day)) {
    return std::nullopt;
  }
  absl::CivilDay d(year, month, day);  // normalises out-of-range fields
  if (d.year() != year || d.month() != month || d.day() != day) {
    return std::nullopt;
  }
  return d;
}

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::Time EndOfDay(absl::CivilDay day, absl::TimeZone tz) {
  return absl::FromCivil(
      absl::CivilSecond(day.year(), day.month(), day.day(), 23, 59, 59), tz);
}

}  // namespace

HolidayCalendar::HolidayCalendar(std::vector<absl::CivilDay> holidays)
    : holidays_(std::move(holidays)),
      first_day_(holidays_.front().year(), 1, 1),
      last_day_(holidays_.back().year(), 12, 31) {}

absl::StatusOr<HolidayCalendar> HolidayCalendar::Parse(
    absl::string_view text, absl::string_view source_name) {
  std::vector<absl::CivilDay> holidays;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);  // also drops a '\r'
    if (line.empty() || line[0] == '#') continue;
    auto error = [&](absl::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", line_number, ": ", problem));
    };

    size_t space = 0;
    while (space < line.size() && !absl::ascii_isspace(line[space])) ++space;
    absl::string_view date_text = line.substr(0, space);
    std::optional<absl::CivilDay> date = ParseDate(date_text);
    if (!date) {
      return error(
          absl::StrCat("\"", date_text, "\" is not a valid YYYY-MM-DD date"));
    }
    if (space == line.size()) {
      return error(absl::StrCat("no holiday name after ", date_text));
    }
    if (IsWeekend(*date)) {
      return error(absl::StrCat(date_text,
                                " is a weekend day; list the substitute "
                                "weekday instead"));
    }
    if (!holidays.empty()) {
      const absl::CivilDay previous = holidays.back();
      if (*date == previous) {
        return error(absl::StrCat("duplicate date ", date_text));
      }
      if (*date < previous) {
        return error(absl::StrCat(date_text, " is not after the previous date ",
                                  FormatDay(previous)));
      }
      if (date->year() > previous.year() + 1) {
        return error(
            absl::StrCat("no bank holidays listed for ", previous.year() + 1));
      }
    }
    holidays.push_back(*date);
  }
  if (holidays.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": contains no bank holidays"));
  }
  return HolidayCalendar(std::move(holidays));
}

absl::StatusOr<HolidayCalendar> HolidayCalendar::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("bank holiday file ", path, ": cannot be read"));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

bool HolidayCalendar::IsWorkingDay(absl::CivilDay day) const {
  return !IsWeekend(day) &&
         !std::binary_search(holidays_.begin(), holidays_.end(), day);
}

absl::CivilDay HolidayCalendar::AddWorkingDays(absl::CivilDay start,
                                               int n) const {
  absl::CivilDay day = start;
  if (n <= 0) {
    while (!IsWorkingDay(day)) ++day;
    return day;
  }
  for (int counted = 0; counted < n;) {
    ++day;
    if (IsWorkingDay(day)) ++counted;
  }
  return day;
}

int HolidayCalendar::WorkingDaysBetween(absl::CivilDay from,
                                        absl::CivilDay to) const {
  int count = 0;
  for (absl::CivilDay day = from + 1; day <= to; ++day) {
    if (IsWorkingDay(day)) ++count;
  }
  return count;
}

absl::Time WorkingDaysDeadline(const HolidayCalendar& calendar,
                               absl::Time start, int working_days,
                               absl::TimeZone tz) {
  absl::CivilDay first = absl::ToCivilDay(start, tz);
  return EndOfDay(calendar.AddWorkingDays(first, working_days), tz);
}

absl::Time HoursDeadline(absl::Time start, int hours) {
  return start + absl::Hours(hours);
}

absl::Time CalendarDaysDeadline(absl::Time start, int days, absl::TimeZone tz) {
  return EndOfDay(absl::ToCivilDay(start, tz) + days, tz);
}

absl::Time MonthsDeadline(absl::Time start, int months, absl::TimeZone tz) {
  absl::CivilDay from = absl::ToCivilDay(start, tz);
  absl::CivilMonth month = absl::CivilMonth(from) + months;
  absl::CivilDay month_start(month);
  int days_in_month = static_cast<int>(absl::CivilDay(month + 1) - month_start);
  return EndOfDay(month_start + (std::min(from.day(), days_in_month) - 1), tz);
}

}  // namespace safeguard
