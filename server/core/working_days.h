// File: server/core/working_days.h
//
// Working days and deadlines for England and Wales.
//
// HolidayCalendar knows the bank holidays, read from a plain text file that
// an operator keeps up to date (deploy/bank-holidays-england-and-wales.txt,
// from gov.uk/bank-holidays). A working day is Monday to Friday and not a
// bank holiday. The free functions turn a start time and a statutory time
// limit (working days, hours, calendar days or months) into the absl::Time
// at which the limit expires, counting in local time (callers pass
// Europe/London, loaded with absl::LoadTimeZone).
//
// The file lists whole years, first_day() to last_day(). Beyond that range
// the calendar knows no holidays and treats only weekends as non-working;
// callers should warn when a deadline falls after last_day().
//
// HolidayCalendar is immutable after construction and safe for concurrent
// use; the free functions are pure.
#ifndef SAFEGUARD_SERVER_CORE_WORKING_DAYS_H_
#define SAFEGUARD_SERVER_CORE_WORKING_DAYS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace safeguard {

class HolidayCalendar {
 public:
  // Parses the bank holiday file format: one holiday per line as
  // "YYYY-MM-DD  Name" (the date, whitespace, a non-empty name). Lines whose
  // first non-blank character is '#', and blank lines, are ignored. Dates
  // must be weekdays (the file lists substitute days, not the weekend
  // date), strictly ascending, and every year from the first to the last
  // must have at least one holiday.
  //
  // Returns kInvalidArgument "<source_name>:<line>: <problem>" for the
  // first bad line, or "<source_name>: contains no bank holidays".
  static absl::StatusOr<HolidayCalendar> Parse(absl::string_view text,
                                               absl::string_view source_name);

  // Reads and parses the file at `path`. Returns kNotFound
  // "bank holiday file <path>: cannot be read" if it cannot be read, else
  // as Parse() with `path` as the source name.
  static absl::StatusOr<HolidayCalendar> Load(const std::string& path);

  // True if `day` is Monday to Friday and not a bank holiday.
  bool IsWorkingDay(absl::CivilDay day) const;

  // The n-th working day after `start` (`start` itself is not counted).
  // For n == 0: `start` if it is a working day, else the next working day.
  // REQUIRES: n >= 0.
  absl::CivilDay AddWorkingDays(absl::CivilDay start, int n) const;

  // The number of working days in (from, to]; 0 if to <= from.
  // WorkingDaysBetween(d, AddWorkingDays(d, n)) == n for n >= 1.
  int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const;

  // The range the file covers: 1 January of its first year to 31 December
  // of its last year.
  absl::CivilDay first_day() const { return first_day_; }
  absl::CivilDay last_day() const { return last_day_; }

  // The bank holidays, ascending.
  const std::vector<absl::CivilDay>& holidays() const { return holidays_; }

 private:
  explicit HolidayCalendar(std::vector<absl::CivilDay> holidays);

  std::vector<absl::CivilDay> holidays_;  // ascending, non-empty
  absl::CivilDay first_day_;
  absl::CivilDay last_day_;
};

// The end (23:59:59 local) of the working day that is `working_days`
// working days after the local date of `start`, as AddWorkingDays().
absl::Time WorkingDaysDeadline(const HolidayCalendar& calendar,
                               absl::Time start, int working_days,
                               absl::TimeZone tz);

// `hours` elapsed hours after `start`, regardless of weekends, holidays and
// clock changes.
absl::Time HoursDeadline(absl::Time start, int hours);

// The end (23:59:59 local) of the day `days` calendar days after the local
// date of `start`.
absl::Time CalendarDaysDeadline(absl::Time start, int days, absl::TimeZone tz);

// The end (23:59:59 local) of the same day of the month `months` months
// after the local date of `start`, clamped to the end of a shorter month
// (31 January + 1 month is 28 or 29 February).
absl::Time MonthsDeadline(absl::Time start, int months, absl::TimeZone tz);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_WORKING_DAYS_H_
