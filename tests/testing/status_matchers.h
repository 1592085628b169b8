// File: tests/testing/status_matchers.h
//
// gMock matchers for absl::Status and absl::StatusOr, which Abseil
// 20220623 does not ship: IsOk(), IsOkAndHolds(m), StatusIs(code), StatusIs(code,
// message matcher). There is deliberately no "is not OK": assert the exact error.
#ifndef SAFEGUARD_TESTS_TESTING_STATUS_MATCHERS_H_
#define SAFEGUARD_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "server/core/field_violations.h"

namespace safeguard {
// Readable failures for vectors of violations.
inline void PrintTo(const FieldViolation& v, std::ostream* os) {
  *os << "{" << v.field << ": " << v.description << "}";
}
}  // namespace safeguard

namespace safeguard::testing {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& s = GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

MATCHER_P(StatusIs, code,
          "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " + absl::StatusCodeToString(code) +
               " and a matching message") {
  const absl::Status& s = GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::Matches(message_matcher)(std::string(s.message()));
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace safeguard::testing

#define SAFEGUARD_ASSERT_OK(expr) \
  ASSERT_THAT((expr), ::safeguard::testing::IsOk())
#define SAFEGUARD_EXPECT_OK(expr) \
  EXPECT_THAT((expr), ::safeguard::testing::IsOk())

#endif  // SAFEGUARD_TESTS_TESTING_STATUS_MATCHERS_H_
