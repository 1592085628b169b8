// File: server/api/written_reason.h
//
// The written reason some calls require (a person search, an unsuppressed
// report): 10 characters at least, not counting surrounding spaces, and at
// most 1000 bytes. It is kept in the call's audit entry. Pure function.
#ifndef SAFEGUARD_SERVER_API_WRITTEN_REASON_H_
#define SAFEGUARD_SERVER_API_WRITTEN_REASON_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "server/core/field_violations.h"

namespace safeguard {

// Adds a violation of field "reason" to `bad` unless `reason` is one;
// `doing` completes "say why you are ..." ("searching").
void CheckWrittenReason(absl::string_view reason, absl::string_view doing,
                        std::vector<FieldViolation>& bad);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_WRITTEN_REASON_H_
