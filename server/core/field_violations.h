// File: server/core/field_violations.h
//
// Field violations: the domain's way to say which request fields are bad.
// InvalidArgumentWithViolations() builds a kInvalidArgument status that
// carries every violation as a payload, and FieldViolations() reads them
// back. The RPC layer turns them into google.rpc.BadRequest details; the
// core stays free of protobuf.
//
// Violation descriptions must never quote the submitted value: they end up
// in error messages, and values may be personal data.
#ifndef SAFEGUARD_SERVER_CORE_FIELD_VIOLATIONS_H_
#define SAFEGUARD_SERVER_CORE_FIELD_VIOLATIONS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace safeguard {

struct FieldViolation {
  std::string field;        // path, e.g. "referral.subject.date_of_birth"
  std::string description;  // what is wrong, e.g. "must not be in the future"

  friend bool operator==(const FieldViolation& a, const FieldViolation& b) {
    return a.field == b.field && a.description == b.description;
  }
};

// A status carries at most this many violations, then one with the field
// "..." that says how many more there were.
inline constexpr size_t kMaxFieldViolations = 50;

// REQUIRES: !violations.empty().
absl::Status InvalidArgumentWithViolations(
    const std::vector<FieldViolation>& violations);

// The violations carried by `status`; empty if it carries none.
std::vector<FieldViolation> FieldViolations(const absl::Status& status);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_FIELD_VIOLATIONS_H_
