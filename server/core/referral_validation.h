// File: server/core/referral_validation.h
//
// ValidateSubmission(): every rule a new referral must meet, for the common
// envelope and (through its kind's module, referral_kind.h) for its form,
// returning every violation with its field path (as in
// safeguard.v1.SubmitReferralRequest, e.g.
// "referral.subjects[0].date_of_birth"). Descriptions never quote values.
// FieldChecker and the checks of people and dates are the kinds' too.
//
// Pure functions; thread-safe. A FieldChecker is thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_VALIDATION_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_VALIDATION_H_

#include <string>
#include <vector>

#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/core/dash.h"
#include "server/core/field_violations.h"
#include "server/core/referral.h"

namespace safeguard {

struct ValidationConfig {
  // The partnership's areas, e.g. the districts; a referral names one.
  std::vector<std::string> areas;
  // Target-hardening schemes; empty means any scheme name is accepted.
  std::vector<std::string> schemes;
  MaracCriteriaConfig marac;
};

// Limits on free text, in bytes.
inline constexpr size_t kMaxNameBytes = 200;
inline constexpr size_t kMaxShortTextBytes = 1000;
inline constexpr size_t kMaxLongTextBytes = 20000;
inline constexpr size_t kMaxListItems = 100;

// Collects violations; the checks add a description that never quotes the
// value.
class FieldChecker {
 public:
  void Add(std::string field, std::string description);
  void AddAll(std::vector<FieldViolation> more);
  // At most `max` bytes; with `required`, not blank either.
  void Text(const std::string& field, const std::string& value, size_t max,
            bool required = false);
  // At most `max` items.
  void List(const std::string& field, size_t size, size_t max = kMaxListItems);
  std::vector<FieldViolation> Take() { return std::move(out_); }

 private:
  std::vector<FieldViolation> out_;
};

// A person under `path`: text limits, dates, safe-contact rules.
void CheckPerson(FieldChecker& c, const std::string& path, const Person& p,
                 absl::CivilDay today);
// A possibly partial date, valid and not in the future.
void CheckDate(FieldChecker& c, const std::string& field, const Date& d,
               absl::CivilDay today);
// A form's "is a child" flag against the first subject's date of birth.
void CheckChildFlag(FieldChecker& c, const std::string& flag_field,
                    bool is_child, const Referral& r, absl::CivilDay today);

std::vector<FieldViolation> ValidateSubmission(const Referral& referral,
                                               const ValidationConfig& config,
                                               absl::Time now);

// A year (1900-2200), a year and month, or a real calendar date.
bool IsValidDate(const Date& date);

// The fields of a Duty to Notify subject that would identify the person.
std::vector<FieldViolation> IdentifyingFields(const Person& person,
                                              const std::string& path);

// The youngest and oldest the person can be on `today` given a possibly
// partial date of birth (a year-only date spans the whole year), or nullopt
// for an empty, invalid or future date.
struct AgeRange {
  int youngest = 0;
  int oldest = 0;
};
std::optional<AgeRange> AgeOn(const Date& date_of_birth, absl::CivilDay today);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_VALIDATION_H_
