#include "server/core/person_match.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace safeguard {
namespace {

using person_match_internal::GivenNameLink;
using person_match_internal::LookUpGivenName;

constexpr size_t kMinEditSurname = 6;  // letters, for the one-edit rule

// ---- Normalisation -------------------------------------------------------

// The code point at s[i] and its length in *len; -1 (length 1) for a byte
// that does not start a well-formed UTF-8 sequence (overlong forms,
// surrogates and values above U+10FFFF included).
int DecodeUtf8(absl::string_view s, size_t i, size_t* len) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  *len = 1;
  unsigned char b = byte(i);
  if (b < 0x80) return b;
  size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
  if (n == 0 || b > 0xF4 || i + n > s.size()) return -1;
  int cp = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return -1;
  }
  *len = n;
  return cp;
}

bool IsSeparator(int cp) {
  // clang-format off
  switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f':
    case '-': case '\'': case '`': case '.': case ',':
    case 0xA0: case 0x02BC: case 0x2018: case 0x2019: case 0x202F:
    case 0x3000:
      return true;
    default:
      return (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2010 && cp <= 0x2015);
  }
  // clang-format on
}

// The unaccented lower-case spelling of a Latin-1 or Latin Extended-A
// letter, or "" for any other code point. In the tables '*' is not a letter
// (× ÷) and capitals stand for two letters.
absl::string_view FoldLatin(int cp) {
  static constexpr char kLatin1[] =  // U+00C0..U+00FF
      "aaaaaaAceeeeiiiidnooooo*ouuuuyTSaaaaaaAceeeeiiiidnooooo*ouuuuyTy";
  static constexpr char kExtendedA[] =  // U+0100..U+017F
      "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiIIjjkkk"
      "llllllllllnnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuu"
      "wwyyyzzzzzzs";
  static_assert(sizeof(kLatin1) == 64 + 1 && sizeof(kExtendedA) == 128 + 1);
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
  char c;
  if (cp >= 0xC0 && cp <= 0xFF) {
    c = kLatin1[cp - 0xC0];
  } else if (cp >= 0x100 && cp <= 0x17F) {
    c = kExtendedA[cp - 0x100];
  } else {
    return "";
  }
  switch (c) {  // clang-format off
    case '*': return "";
    case 'A': return "ae";
    case 'I': return "ij";
    case 'O': return "oe";
    case 'S': return "ss";
    case 'T': return "th";
    default: return absl::string_view(&kLetters[c - 'a'], 1);
  }  // clang-format on
}

// ---- Names ---------------------------------------------------------------

enum Level { kNone, kVariant, kNickname, kSame };

struct Name {
  std::vector<std::string> tokens;  // empty when ignored
  std::string sorted;               // the tokens sorted, space separated
  absl::string_view given() const { return tokens.front(); }
  absl::string_view surname() const { return tokens.back(); }
};

Name ParseName(absl::string_view raw) {
  Name name;
  if (raw.size() > kMaxMatchedNameBytes) return name;
  name.tokens = absl::StrSplit(NormaliseName(raw), ' ', absl::SkipEmpty());
  std::vector<std::string> sorted = name.tokens;
  std::sort(sorted.begin(), sorted.end());
  name.sorted = absl::StrJoin(sorted, " ");
  return name;
}

// The full name first (tokens empty when ignored), then the aliases.
std::vector<Name> NamesOf(const PersonFacts& p) {
  std::vector<Name> names = {ParseName(p.full_name)};
  for (size_t i = 0; i < p.aliases.size() && i < kMaxMatchedAliases; ++i) {
    names.push_back(ParseName(p.aliases[i]));
  }
  return names;
}

bool IsAsciiWord(absl::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return c >= 'a' && c <= 'z';
  });
}

// Soundex, untruncated (see the header); other tokens are their own key.
std::string PhoneticKey(absl::string_view token) {
  if (!IsAsciiWord(token)) return std::string(token);
  static constexpr char kCodes[] = "01230120022455012623010202";  // a..z
  std::string key(1, token[0]);
  char last = kCodes[token[0] - 'a'];
  for (char c : token.substr(1)) {
    if (c == 'h' || c == 'w') continue;
    char code = kCodes[c - 'a'];
    if (code != '0' && code != last) key += code;
    last = code;
  }
  return key;
}

// Doubled ASCII letters collapsed and a final "h" after a vowel dropped.
std::string Skeleton(absl::string_view given) {
  std::string out;
  for (char c : given) {
    if (out.empty() || c != out.back() || !absl::ascii_isalpha(c)) out += c;
  }
  if (out.size() >= 2 && out.back() == 'h' &&
      absl::string_view("aeiouy").find(out[out.size() - 2]) !=
          absl::string_view::npos) {
    out.pop_back();
  }
  return out;
}

bool WithinOneEdit(absl::string_view a, absl::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;
  return a.size() == b.size() ? a.substr(i + 1) == b.substr(i + 1)
                              : a.substr(i) == b.substr(i + 1);
}

Level GivenLevel(absl::string_view x, absl::string_view y) {
  if (x == y) return kSame;
  auto [fx, lx] = LookUpGivenName(x);
  auto [fy, ly] = LookUpGivenName(y);
  if (fx == fy) {
    return lx == GivenNameLink::kNickname || ly == GivenNameLink::kNickname
               ? kNickname
               : kVariant;
  }
  return Skeleton(fx) == Skeleton(fy) ? kVariant : kNone;
}

Level SurnameLevel(absl::string_view x, absl::string_view y) {
  if (x == y) return kSame;
  if (PhoneticKey(x) == PhoneticKey(y)) return kVariant;
  bool long_words = IsAsciiWord(x) && IsAsciiWord(y) &&
                    std::min(x.size(), y.size()) >= kMinEditSurname;
  return long_words && WithinOneEdit(x, y) ? kVariant : kNone;
}

// Given names and surnames related, the weaker of the two.
Level Related(absl::string_view given_x, absl::string_view surname_x,
              absl::string_view given_y, absl::string_view surname_y) {
  return std::min(GivenLevel(given_x, given_y),
                  SurnameLevel(surname_x, surname_y));
}

Level NameLevel(const Name& x, const Name& y) {
  if (x.tokens.empty() || y.tokens.empty()) return kNone;
  if (x.sorted == y.sorted) return kSame;
  Level level = Related(x.given(), x.surname(), y.given(), y.surname());
  if (x.tokens.size() > 1 && y.tokens.size() > 1) {  // one side swapped
    Level swapped =
        std::max(Related(x.surname(), x.given(), y.given(), y.surname()),
                 Related(x.given(), x.surname(), y.surname(), y.given()));
    level = std::max(level, std::min(kVariant, swapped));
  }
  return level;
}

// ---- Dates of birth ------------------------------------------------------

enum class Birth { kUnknown, kAtPrecision, kSame, kConflict };

// Inclusive range of possible birth years, if any.
std::optional<std::pair<int, int>> BirthYears(const PersonFacts& p) {
  if (p.date_of_birth.year != 0) {
    return std::make_pair(p.date_of_birth.year, p.date_of_birth.year);
  }
  if (p.approximate_age <= 0) return std::nullopt;
  int year = static_cast<int>(p.age_on.year()) - p.approximate_age;
  return std::make_pair(year - 1, year);
}

Birth CompareBirth(const PersonFacts& a, const PersonFacts& b) {
  const Date& x = a.date_of_birth;
  const Date& y = b.date_of_birth;
  if (x.year != 0 && y.year != 0) {
    if (x.year != y.year) return Birth::kConflict;
    if (x.month == 0 || y.month == 0) return Birth::kAtPrecision;
    if (x.month != y.month) return Birth::kConflict;
    if (x.day == 0 || y.day == 0) return Birth::kAtPrecision;
    return x.day == y.day ? Birth::kSame : Birth::kConflict;
  }
  std::optional<std::pair<int, int>> ra = BirthYears(a), rb = BirthYears(b);
  if (!ra || !rb) return Birth::kUnknown;
  return ra->first <= rb->second && rb->first <= ra->second
             ? Birth::kAtPrecision
             : Birth::kConflict;
}

}  // namespace

absl::string_view MatchReasonName(MatchReason reason) {
  switch (reason) {  // clang-format off
    case MatchReason::kSameName: return "same_name";
    case MatchReason::kNickname: return "nickname";
    case MatchReason::kSpellingVariant: return "spelling_variant";
    case MatchReason::kAlias: return "alias";
    case MatchReason::kSameDateOfBirth: return "same_date_of_birth";
    case MatchReason::kDateOfBirthAtPrecision:
      return "date_of_birth_at_precision";
    case MatchReason::kSameIdentifier: return "same_identifier";
  }  // clang-format on
  return "unknown";
}

std::string NormaliseName(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_space = false;
  const auto put = [&](absl::string_view s) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(s.data(), s.size());
  };
  for (size_t i = 0, len = 1; i < name.size(); i += len) {
    int cp = DecodeUtf8(name, i, &len);
    if (IsSeparator(cp)) {
      pending_space = true;
    } else if (cp >= 0 && cp < 0x80) {
      char c = absl::ascii_tolower(static_cast<unsigned char>(cp));
      put(absl::string_view(&c, 1));
    } else if (cp == 0xAD || (cp >= 0x300 && cp <= 0x36F)) {
      continue;  // soft hyphen, combining accent
    } else {
      absl::string_view folded = FoldLatin(cp);
      put(folded.empty() ? name.substr(i, len) : folded);
    }
  }
  return out;
}

MatchResult Compare(const PersonFacts& a, const PersonFacts& b) {
  std::vector<Name> na = NamesOf(a), nb = NamesOf(b);
  MatchResult result;
  int name_score = 0;
  for (size_t i = 0; i < na.size(); ++i) {
    for (size_t j = 0; j < nb.size(); ++j) {
      Level level = NameLevel(na[i], nb[j]);
      if (level == kNone) continue;
      int score;
      std::vector<MatchReason> reasons;
      if (i == 0 && j == 0) {
        static constexpr int kScores[] = {0, 80, 90, 100};
        static constexpr MatchReason kReasons[] = {
            MatchReason::kSameName, MatchReason::kSpellingVariant,
            MatchReason::kNickname, MatchReason::kSameName};
        score = kScores[level];
        reasons.push_back(kReasons[level]);
      } else if (level == kVariant) {
        score = 75;
        reasons.push_back(MatchReason::kSpellingVariant);
        reasons.push_back(MatchReason::kAlias);
      } else {
        score = 85;
        reasons.push_back(MatchReason::kAlias);
      }
      if (score > name_score) {
        name_score = score;
        result.reasons = std::move(reasons);
      }
    }
  }
  Birth birth = CompareBirth(a, b);
  int penalty = 40;
  if (birth == Birth::kSame) {
    penalty = 0;
    result.reasons.push_back(MatchReason::kSameDateOfBirth);
  } else if (birth == Birth::kAtPrecision) {
    penalty = 20;
    result.reasons.push_back(MatchReason::kDateOfBirthAtPrecision);
  }
  const Name& fa = na[0];
  const Name& fb = nb[0];
  bool twins = birth == Birth::kSame && !fa.tokens.empty() &&
               !fb.tokens.empty() && fa.surname() == fb.surname() &&
               GivenLevel(fa.given(), fb.given()) == kNone;
  if (name_score > 0 && birth != Birth::kConflict && !twins) {
    result.score = name_score - penalty;
  }
  bool same_identifier = false, different_identifier = false;
  for (const PersonIdentifier& x : a.identifiers) {
    for (const PersonIdentifier& y : b.identifiers) {
      if (x.type != y.type) continue;
      (x.value == y.value ? same_identifier : different_identifier) = true;
    }
  }
  if (same_identifier) {
    result.score = 100;
    result.reasons.push_back(MatchReason::kSameIdentifier);
  } else if (different_identifier) {
    result.score = 0;
  }
  return result;
}

std::vector<std::string> StrongestFirst(std::vector<std::string> keys) {
  static constexpr absl::string_view kOrder = "itpaz";
  std::stable_sort(keys.begin(), keys.end(),
                   [](const std::string& a, const std::string& b) {
                     return kOrder.find(a.substr(0, 1)) <
                            kOrder.find(b.substr(0, 1));
                   });
  return keys;
}

std::vector<std::string> LookupKeys(const PersonFacts& person) {
  std::vector<std::string> keys = StrongestFirst(MatchKeys(person));
  if (person.date_of_birth.year == 0 && person.approximate_age <= 0) {
    keys.erase(std::remove_if(keys.begin(), keys.end(),
                              [](const std::string& k) {
                                return absl::StartsWith(k, "a:") ||
                                       absl::StartsWith(k, "z:");
                              }),
               keys.end());
  }
  return keys;
}

bool CandidatesScoreAlike(const PersonFacts& person) {
  return person.date_of_birth.year == 0 && person.approximate_age <= 0 &&
         person.identifiers.empty();
}

bool IsIdentifierKey(absl::string_view key) {
  return absl::StartsWith(key, "i:");
}

std::vector<std::string> BirthKeys(const PersonFacts& person) {
  const Date& d = person.date_of_birth;
  std::vector<std::string> keys;
  if (d.year == 0) return keys;
  keys.push_back(absl::StrCat("y:", d.year));
  if (d.month == 0) return keys;
  keys.push_back(absl::StrFormat("m:%d-%02d", d.year, d.month));
  if (d.day == 0) return keys;
  keys.push_back(absl::StrFormat("d:%d-%02d-%02d", d.year, d.month, d.day));
  return keys;
}

bool BirthKeysAgree(const std::vector<std::string>& a,
                    const std::vector<std::string>& b) {
  const size_t shared = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + shared, b.begin());
}

std::vector<std::string> MatchKeys(const PersonFacts& person) {
  std::vector<std::string> keys;
  for (const Name& name : NamesOf(person)) {
    if (name.tokens.empty()) continue;
    keys.push_back(absl::StrCat("t:", name.sorted));
    for (bool swap : {false, true}) {
      absl::string_view surname = swap ? name.given() : name.surname();
      std::string given =
          Skeleton(FormalGivenName(swap ? name.surname() : name.given()));
      keys.push_back(absl::StrCat("p:", PhoneticKey(surname), ":", given));
      if (IsAsciiWord(surname) && surname.size() >= kMinEditSurname) {
        keys.push_back(absl::StrCat("a:", surname.substr(0, 3), ":", given));
        keys.push_back(
            absl::StrCat("z:", surname.substr(surname.size() - 3), ":", given));
      }
    }
  }
  for (const PersonIdentifier& id : person.identifiers) {
    keys.push_back(absl::StrCat("i:", static_cast<int>(id.type), ":", id.value));
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace safeguard
