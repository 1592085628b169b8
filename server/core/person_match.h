// File: server/core/person_match.h
//
// Person matching: whether two mentions of a person in referrals (victims,
// subjects, perpetrators) are likely the same person, for MARAC repeat
// detection and "also known to". Compare() scores a pair; MatchKeys() gives
// the blocking keys that let the storage layer find candidates without
// comparing everyone. The result is a candidate for a human to confirm,
// never an automatic link.
//
// Names. A name is normalised (NormaliseName) and split into tokens at
// spaces; the given name is the first token, the surname the last, and
// middle tokens are ignored. Two names relate, strongest first, as:
//   same name       equal token multisets ("smith john" ~ "john smith"), or
//                   equal given name and surname ("John Paul Smith" ~
//                   "John Smith", "Zoë O'Brien-Smith" ~ "zoe obrien smith");
//   nickname        equal surnames and given names with the same formal
//                   form (FormalGivenName) through a nickname entry;
//   spelling variant
//                   given names equal, nicknames, with the same formal
//                   form only through transliteration entries (Mohammed ~
//                   Muhammad), or with equal spelling skeletons (doubled
//                   letters collapsed, a final "h" after a vowel dropped:
//                   Hannah ~ Hanna); and surnames equal, with equal phonetic
//                   keys (Smith ~ Smyth), or, when both are at least 6 ASCII
//                   letters, one edit apart (Thomson ~ Thompson); also
//                   one name's given name and surname swapped, each part
//                   related as above ("Smyth Jon" ~ "John Smith").
// Given names are never compared phonetically: John ~ Jane and Amy ~ Anna
// share phonetic keys, and twins and siblings must not match.
//
// Phonetic key: Soundex over a token of ASCII letters (first letter kept;
// b f p v=1, c g j k q s x z=2, d t=3, l=4, m n=5, r=6; vowels and y
// separate equal codes, h and w do not; runs of one code written once), not
// truncated or padded, so Robert (r163) and Robertson (r16325) differ. A
// token with any other byte is its own key.
//
// Dates of birth are compared at the precision both sides have: full,
// year-month, year; an approximate age (used only when date_of_birth is
// empty) on a day gives birth years age_on.year - age - 1 .. age_on.year -
// age. Full dates equal: kSameDateOfBirth. Consistent at a lower shared
// precision (year-month or year, or a year or age range overlapping an age
// range): kDateOfBirthAtPrecision. A conflict at any shared precision
// (years, months where both have months, days where both have days, year
// outside the age range, age ranges apart) is a different person.
//
// Score (0..100) of the best related pair of names (full name or alias of
// one against full name or alias of the other; full names first on ties):
//   full names:  same name 100, nickname 90, spelling variant 80;
//   via an alias (same name or nickname): 85; via an alias, spelling
//   variant only: 75 (reasons kSpellingVariant and kAlias);
// minus 0 for equal full dates of birth, 20 for agreement at a lower
// precision, 40 when there is no shared precision (either side has neither
// date of birth nor age). The score is 0 when no names relate, when the
// dates of birth conflict, and for twins: equal full dates of birth, equal
// surnames and unrelated given names on the full names (even if an alias
// relates them). kCandidateScore is 60, so:
//
//                     full DOB  partial DOB  no DOB
//   same name            100        80         60
//   nickname              90        70         50
//   alias                 85        65         45
//   spelling variant      80        60         40
//   alias, variant        75        55         35
//
// Identifiers decide first: the same identifier of one type is the same
// person, score 100 with kSameIdentifier (and the name and date reasons
// found), whatever the names and dates, and even when another type's
// values differ; otherwise two different values of one type are different
// people (0). Otherwise names and dates decide as above.
//
// MatchResult::reasons lists the evidence found even when a rule sets the
// score to 0 (e.g. kSameName for the same name with a different date of
// birth).
//
// Bounded work: a name (full name or alias) longer than kMaxMatchedNameBytes bytes
// is ignored, as are aliases after the first kMaxMatchedAliases.
//
// All functions are pure and safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_PERSON_MATCH_H_
#define SAFEGUARD_SERVER_CORE_PERSON_MATCH_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "server/core/referral.h"

namespace safeguard {

inline constexpr size_t kMaxMatchedNameBytes = 200;
inline constexpr size_t kMaxMatchedAliases = 20;

// What matching compares of one person.
struct PersonFacts {
  std::string full_name;
  std::vector<std::string> aliases;
  Date date_of_birth;       // full, year-month, year only, or empty
  int approximate_age = 0;  // when date_of_birth is empty: age (years)
  absl::CivilDay age_on;    // ... on this day (e.g. the referral's date);
                            // must be set when approximate_age > 0
  // Canonical (CanonicalIdentifier), at most one of each type.
  std::vector<PersonIdentifier> identifiers;
};

// Why two people may be the same; see the file comment.
enum class MatchReason {
  kSameName,
  kNickname,
  kSpellingVariant,
  kAlias,
  kSameDateOfBirth,
  kDateOfBirthAtPrecision,
  kSameIdentifier,
};

// "same_name", "nickname", "spelling_variant", "alias", "same_date_of_birth",
// "date_of_birth_at_precision", "same_identifier".
absl::string_view MatchReasonName(MatchReason reason);

// The lowest score of a candidate (see the table in the file comment).
inline constexpr int kCandidateScore = 60;

struct MatchResult {
  int score = 0;                     // 0..100
  std::vector<MatchReason> reasons;  // ordered as the enum, no repeats
  bool is_candidate() const { return score >= kCandidateScore; }
};

// Normalises a name for comparison: ASCII and Latin-1 / Latin Extended-A
// letters lower-cased with accents removed (é->e, ö->o, ß->ss, ł->l, ø->o,
// æ->ae, þ->th, œ->oe, ĳ->ij), combining accents (U+0300..U+036F) and soft
// hyphens dropped; whitespace (ASCII, no-break and typographic spaces),
// hyphens and dashes, apostrophes (' ` U+2018 U+2019 U+02BC), full stops
// and commas become spaces; spaces collapsed and trimmed. UTF-8 is decoded
// strictly; other characters and invalid bytes are kept as they are.
// "  Zoë  O'Brien-Smith " -> "zoe o brien smith".
std::string NormaliseName(absl::string_view name);

// The formal given name for a normalised given name, or the name itself
// when the table does not know it: "jon", "johnny", "jonathan" -> "john";
// "bill" -> "william"; "liz" -> "elizabeth"; transliterations to one form:
// "mohammed", "mohamed" -> "muhammad", "aleksandr" -> "alexander". A
// nickname of two formal names ("alex": Alexander, Alexandra) maps to one
// of them. The result views static storage or `normalised_given`.
absl::string_view FormalGivenName(absl::string_view normalised_given);

// Compares two people; symmetric.
MatchResult Compare(const PersonFacts& a, const PersonFacts& b);

// Blocking keys of a person, sorted and unique: for the full name and each
// alias, "t:" and the sorted tokens; and for each orientation (given name
// first, and swapped) "p:" surname phonetic key ":" given key, and, for a
// surname of at least 6 ASCII letters, "a:" its first 3 letters ":" given
// key and "z:" its last 3 letters ":" given key (one edit leaves one of
// them intact). The given key is the spelling skeleton of the formal given
// name. Each identifier adds "i:" its type number ":" its value. Two people whom Compare() makes candidates share at least one key.
// Dates of birth are not in the keys: a candidate may lack one. Keys hold
// names in clear; the storage layer keeps only keyed hashes of them.
std::vector<std::string> MatchKeys(const PersonFacts& person);

// Whether `key` (MatchKeys) is an identifier's ("i:"): people who share one
// are candidates whatever their dates of birth.
bool IsIdentifierKey(absl::string_view key);

// The date of birth as Compare() reads it, a key for each precision it
// has, coarsest first: "y:1980", "m:1980-05", "d:1980-05-17"; none without
// a year (an approximate age gives none). Two people whose keys differ at
// a precision both have are never candidates unless they share an
// identifier, so an index can rule them out without reading the rest.
std::vector<std::string> BirthKeys(const PersonFacts& person);

// Whether two people's BirthKeys are equal at every precision both have.
bool BirthKeysAgree(const std::vector<std::string>& a,
                    const std::vector<std::string>& b);

// `keys` (MatchKeys) in the order a bounded lookup tries them, each kind
// in its given order: identifiers, whole names ("t:"), phonetic keys
// ("p:"), then surname fragments ("a:", "z:"). A lookup that stops at a
// limit then keeps the exact names before the loose keys that many other
// people share.
std::vector<std::string> StrongestFirst(std::vector<std::string> keys);

// The keys a lookup for `person` tries, strongest first (StrongestFirst):
// its MatchKeys, without the surname fragments ("a:", "z:") when it has
// neither a date of birth nor an age. Such a person is a candidate only
// by the same full name (score 100 less 40) or an identifier, and two
// people with the same name share a "t:" or "p:" key.
std::vector<std::string> LookupKeys(const PersonFacts& person);

// Whether every candidate of `person` scores kCandidateScore: with neither
// a date of birth, an age nor an identifier, only the same name makes a
// candidate (100 less 40), so candidates differ only in how recently they
// were mentioned.
bool CandidatesScoreAlike(const PersonFacts& person);

namespace person_match_internal {

// How the given name table reaches a formal name.
enum class GivenNameLink { kFormal, kNickname, kTransliteration };

// The formal name for `normalised_given` and the link, or
// {normalised_given, kFormal} when not in the table (nicknames.cc).
std::pair<absl::string_view, GivenNameLink> LookUpGivenName(
    absl::string_view normalised_given);

}  // namespace person_match_internal
}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_PERSON_MATCH_H_
