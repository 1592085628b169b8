// File: server/api/referral_changes.h
//
// What a correction changed, as the API shows it: DescribeChanges compares
// two versions of a referral under the paths of an update mask and lists
// each field that differs with its values before and after in protobuf's
// JSON mapping. Changes are listed at the finest field a field view can
// name: within a message field by field, within a list of the same length
// item by item ("subjects[0].date_of_birth"); a list that grew or shrank,
// a list of values, a date, an address or a time is one change.
//
// Stateless; thread-safe.
#ifndef SAFEGUARD_SERVER_API_REFERRAL_CHANGES_H_
#define SAFEGUARD_SERVER_API_REFERRAL_CHANGES_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "server/core/referral.h"

namespace safeguard {

// `paths` are valid field paths of safeguard.v1.Referral.
std::vector<FieldChange> DescribeChanges(const Referral& before,
                                         const Referral& after,
                                         absl::Span<const std::string> paths);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_REFERRAL_CHANGES_H_
