// File: server/core/person_identifier.h
//
// Identifiers other services give a person (an NHS number, a police PNC
// id), checked and put in one canonical form so that matching compares
// them as equal whatever spacing or case they were given in.
//
// Pure functions; thread-safe.
#ifndef SAFEGUARD_SERVER_CORE_PERSON_IDENTIFIER_H_
#define SAFEGUARD_SERVER_CORE_PERSON_IDENTIFIER_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "server/core/referral.h"

namespace safeguard {

inline constexpr size_t kMaxPersonIdentifiers = 4;

// The canonical form of `value` as an identifier of `type`, or nullopt if it
// is not one:
//   NHS number: 10 digits (spaces and hyphens between them are dropped)
//     whose last is the modulus 11 check digit of the first nine;
//   PNC id: a 2- or 4-digit year, "/", 1 to 7 digits and a letter,
//     upper-cased ("98/123456x" -> "98/123456X"); the check letter is not
//     recomputed.
std::optional<std::string> CanonicalIdentifier(PersonIdentifierType type,
                                               absl::string_view value);

// What a valid identifier of `type` looks like, for a field violation.
absl::string_view IdentifierRule(PersonIdentifierType type);

// "nhs_number", "pnc_id".
absl::string_view IdentifierTypeName(PersonIdentifierType type);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_PERSON_IDENTIFIER_H_
