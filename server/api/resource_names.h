// File: server/api/resource_names.h
//
// The API's resource names: "referrals/<id>", "meetings/<id>" and
// "actions/<id>", where an id is 1-64
// characters of [A-Za-z0-9_-], so that what reaches the audit log is short
// and plain. Pure; thread-safe.
#ifndef SAFEGUARD_SERVER_API_RESOURCE_NAMES_H_
#define SAFEGUARD_SERVER_API_RESOURCE_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace safeguard {

// The id in "<collection>/<id>" (an id is 1 to 64 of [A-Za-z0-9_-]);
// kInvalidArgument naming `field` otherwise.
absl::StatusOr<std::string> IdFromName(absl::string_view name,
                                       absl::string_view collection,
                                       absl::string_view field);
// "<collection>/<id>"
std::string NameOf(absl::string_view collection, absl::string_view id);

// The id in "referrals/<id>", or a "name" field violation.
absl::StatusOr<std::string> ReferralIdFromName(absl::string_view name);

std::string ReferralName(absl::string_view id);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_RESOURCE_NAMES_H_
