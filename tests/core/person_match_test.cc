// Person matching (server/core/person_match.h): name normalisation, the
// given name table, Compare()'s exact scores and reasons, and the property
// that candidates share a MatchKeys() key.
#include "server/core/person_match.h"

#include <optional>

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "server/core/person_identifier.h"

namespace safeguard {
namespace {

using R = MatchReason;

PersonFacts P(std::string name, Date dob = {},
              std::vector<std::string> aliases = {}) {
  PersonFacts p;
  p.full_name = std::move(name);
  p.aliases = std::move(aliases);
  p.date_of_birth = dob;
  return p;
}

PersonFacts WithId(PersonFacts p, PersonIdentifierType type, std::string v) {
  p.identifiers.push_back({type, std::move(v)});
  return p;
}
constexpr auto kNhs = PersonIdentifierType::kNhsNumber;
constexpr auto kPnc = PersonIdentifierType::kPncId;

PersonFacts Aged(std::string name, int age, absl::CivilDay on) {
  PersonFacts p = P(std::move(name));
  p.approximate_age = age;
  p.age_on = on;
  return p;
}

std::vector<std::string> Names(const std::vector<MatchReason>& reasons) {
  std::vector<std::string> names;
  for (MatchReason r : reasons) names.emplace_back(MatchReasonName(r));
  return names;
}

// "John <filler> Smith" of exactly `bytes` bytes.
std::string NameOfLength(size_t bytes) {
  return "John " + std::string(bytes - 11, 'q') + " Smith";
}

// `fillers` unrelated aliases, then "John Smith".
std::vector<std::string> AliasesWithJohnSmithAfter(size_t fillers) {
  std::vector<std::string> aliases(fillers, "Other Person");
  aliases.push_back("John Smith");
  return aliases;
}

constexpr Date kDob{1990, 5, 1};

struct CompareCase {
  std::string name;
  PersonFacts a;
  PersonFacts b;
  int score;
  std::vector<MatchReason> reasons;
};

std::vector<CompareCase> CompareCases() {
  const absl::CivilDay new_year(2026, 1, 1);
  // clang-format off
  return {
      // Names, with equal full dates of birth.
      {"same_name", P("John Smith", kDob), P("John Smith", kDob), 100,
       {R::kSameName, R::kSameDateOfBirth}},
      {"nickname_jon_john", P("Jon Smith", kDob), P("John Smith", kDob), 90,
       {R::kNickname, R::kSameDateOfBirth}},
      {"nickname_bill_william", P("Bill Jones", kDob),
       P("William Jones", kDob), 90, {R::kNickname, R::kSameDateOfBirth}},
      {"nickname_jonathan_jon", P("Jonathan Smith", kDob),
       P("Jon Smith", kDob), 90, {R::kNickname, R::kSameDateOfBirth}},
      {"nickname_of_transliterated_name", P("Mo Khan", kDob),
       P("Mohammed Khan", kDob), 90, {R::kNickname, R::kSameDateOfBirth}},
      {"transliteration_mohammed_muhammad", P("Mohammed Khan", kDob),
       P("Muhammad Khan", kDob), 80,
       {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"transliteration_aleksandr_alexander", P("Aleksandr Petrov", kDob),
       P("Alexander Petrov", kDob), 80,
       {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"transliteration_yusuf_youssef", P("Yusuf Ali", kDob),
       P("Youssef Ali", kDob), 80, {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"given_skeleton_hannah_hanna", P("Hannah Cole", kDob),
       P("Hanna Cole", kDob), 80, {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"surname_phonetic_smyth_smith", P("John Smyth", kDob),
       P("John Smith", kDob), 80, {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"surname_phonetic_khan_kahn", P("Imran Khan", kDob),
       P("Imran Kahn", kDob), 80, {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"surname_one_edit_thomson_thompson", P("Anna Thomson", kDob),
       P("Anna Thompson", kDob), 80,
       {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"short_surname_one_edit_is_not_variant", P("Anna Cole", kDob),
       P("Anna Dole", kDob), 0, {R::kSameDateOfBirth}},
      {"surname_prefix_is_not_variant", P("Anna Robert", kDob),
       P("Anna Robertson", kDob), 0, {R::kSameDateOfBirth}},
      {"swapped_order_is_same_token_set", P("Smith John", kDob),
       P("John Smith", kDob), 100, {R::kSameName, R::kSameDateOfBirth}},
      {"swapped_order_with_variants", P("Smyth Jon", kDob),
       P("John Smith", kDob), 80, {R::kSpellingVariant, R::kSameDateOfBirth}},
      {"middle_names_ignored", P("John Paul Smith", kDob),
       P("John Smith", kDob), 100, {R::kSameName, R::kSameDateOfBirth}},
      {"surname_alone_is_not_a_name_match", P("Smith", kDob),
       P("John Smith", kDob), 0, {R::kSameDateOfBirth}},
      {"accents_case_typographic_apostrophe", P("ZOE O'BRIEN-SMITH", kDob),
       P("Zo\u00eb O\u2019Brien Smith", kDob), 100,
       {R::kSameName, R::kSameDateOfBirth}},
      {"joined_apostrophe_name_same_by_given_and_surname",
       P("Zo\u00eb O'Brien-Smith", kDob), P("zoe obrien smith", kDob), 100,
       {R::kSameName, R::kSameDateOfBirth}},
      {"other_script_compared_bytewise",
       P("\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432", kDob),
       P("\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432", kDob),
       100, {R::kSameName, R::kSameDateOfBirth}},
      {"given_names_never_phonetic_john_jane", P("John Smith", kDob),
       P("Jane Smith", kDob), 0, {R::kSameDateOfBirth}},
      {"date_of_birth_alone", P("John Smith", kDob), P("Peter Jones", kDob), 0,
       {R::kSameDateOfBirth}},
      {"empty_names", P("", kDob), P("", kDob), 0, {R::kSameDateOfBirth}},
      // Aliases.
      {"full_name_equals_alias", P("Jane Doe", kDob),
       P("Janet Roe", kDob, {"Jane Doe"}), 85, {R::kAlias, R::kSameDateOfBirth}},
      {"alias_nickname_of_alias", P("Kay Green", kDob, {"Katie Hall"}),
       P("Karen White", kDob, {"Kate Hall"}), 85,
       {R::kAlias, R::kSameDateOfBirth}},
      {"alias_variant_only", P("Ali Hassan", kDob),
       P("Sam Lee", kDob, {"Ali Hasan"}), 75,
       {R::kSpellingVariant, R::kAlias, R::kSameDateOfBirth}},
      {"alias_year_only", P("Jane Doe", Date{1990, 0, 0}),
       P("Janet Roe", kDob, {"Jane Doe"}), 65,
       {R::kAlias, R::kDateOfBirthAtPrecision}},
      {"alias_variant_year_only_below_threshold",
       P("Ali Hassan", Date{1990, 0, 0}), P("Sam Lee", kDob, {"Ali Hasan"}),
       55, {R::kSpellingVariant, R::kAlias, R::kDateOfBirthAtPrecision}},
      {"alias_without_date_of_birth", P("Jane Doe"),
       P("Janet Roe", {}, {"Jane Doe"}), 45, {R::kAlias}},
      {"twentieth_alias_counts", P("John Smith", kDob),
       P("Zed Quist", kDob, AliasesWithJohnSmithAfter(19)), 85,
       {R::kAlias, R::kSameDateOfBirth}},
      {"twenty_first_alias_ignored", P("John Smith", kDob),
       P("Zed Quist", kDob, AliasesWithJohnSmithAfter(20)), 0,
       {R::kSameDateOfBirth}},
      {"name_of_200_bytes_compared", P(NameOfLength(200), kDob),
       P(NameOfLength(200), kDob), 100, {R::kSameName, R::kSameDateOfBirth}},
      {"name_of_201_bytes_ignored", P(NameOfLength(201), kDob),
       P(NameOfLength(201), kDob), 0, {R::kSameDateOfBirth}},
      // Dates of birth at each precision.
      {"full_vs_year_month", P("John Smith", kDob),
       P("John Smith", Date{1990, 5, 0}), 80,
       {R::kSameName, R::kDateOfBirthAtPrecision}},
      {"full_vs_year", P("John Smith", kDob), P("John Smith", Date{1990, 0, 0}),
       80, {R::kSameName, R::kDateOfBirthAtPrecision}},
      {"year_vs_year", P("John Smith", Date{1990, 0, 0}),
       P("John Smith", Date{1990, 0, 0}), 80,
       {R::kSameName, R::kDateOfBirthAtPrecision}},
      {"year_month_conflicting_month", P("John Smith", kDob),
       P("John Smith", Date{1990, 6, 0}), 0, {R::kSameName}},
      {"different_year", P("John Smith", Date{1990, 1, 1}),
       P("John Smith", Date{1991, 1, 1}), 0, {R::kSameName}},
      {"different_day", P("John Smith", Date{1990, 1, 1}),
       P("John Smith", Date{1990, 1, 2}), 0, {R::kSameName}},
      {"age_consistent_with_date", Aged("John Smith", 30, new_year),
       P("John Smith", Date{1995, 6, 1}), 80,
       {R::kSameName, R::kDateOfBirthAtPrecision}},
      {"age_consistent_at_range_end", Aged("John Smith", 30, new_year),
       P("John Smith", Date{1996, 0, 0}), 80,
       {R::kSameName, R::kDateOfBirthAtPrecision}},
      {"age_inconsistent_with_year", Aged("John Smith", 30, new_year),
       P("John Smith", Date{1980, 0, 0}), 0, {R::kSameName}},
      {"ages_overlapping", Aged("John Smith", 30, new_year),
       Aged("John Smith", 31, absl::CivilDay(2026, 6, 1)), 80,
       {R::kSameName, R::kDateOfBirthAtPrecision}},
      {"ages_apart", Aged("John Smith", 30, new_year),
       Aged("John Smith", 40, new_year), 0, {R::kSameName}},
      {"nickname_year_month", P("Jon Smith", kDob),
       P("John Smith", Date{1990, 5, 0}), 70,
       {R::kNickname, R::kDateOfBirthAtPrecision}},
      {"variant_year_at_threshold", P("John Smyth", kDob),
       P("John Smith", Date{1990, 0, 0}), 60,
       {R::kSpellingVariant, R::kDateOfBirthAtPrecision}},
      // Without a shared precision.
      {"same_name_no_dates", P("John Smith"), P("John Smith"), 60,
       {R::kSameName}},
      {"same_name_one_date", P("John Smith", kDob), P("John Smith"), 60,
       {R::kSameName}},
      {"nickname_no_dates", P("Jon Smith"), P("John Smith"), 50,
       {R::kNickname}},
      {"variant_no_dates", P("John Smyth"), P("John Smith"), 40,
       {R::kSpellingVariant}},
      // Twins.
      {"twins_amy_emma", P("Amy Brown", kDob), P("Emma Brown", kDob), 0,
       {R::kSameDateOfBirth}},
      {"twins_even_through_alias", P("Amy Brown", kDob, {"Emma Brown"}),
       P("Emma Brown", kDob), 0, {R::kAlias, R::kSameDateOfBirth}},
      {"amy_emma_year_only_not_twins_rule",
       P("Amy Brown", Date{1990, 0, 0}, {"Emma Brown"}),
       P("Emma Brown", kDob), 65, {R::kAlias, R::kDateOfBirthAtPrecision}},
      // Identifiers decide first.
      {"same_nhs_number_other_name",
       WithId(P("Sam Jones"), kNhs, "9434765919"),
       WithId(P("Samantha Price", kDob), kNhs, "9434765919"), 100,
       {R::kSameIdentifier}},
      {"same_nhs_number_same_name",
       WithId(P("John Smith", kDob), kNhs, "9434765919"),
       WithId(P("John Smith", kDob), kNhs, "9434765919"), 100,
       {R::kSameName, R::kSameDateOfBirth, R::kSameIdentifier}},
      {"other_nhs_number_same_name",
       WithId(P("John Smith", kDob), kNhs, "9434765919"),
       WithId(P("John Smith", kDob), kNhs, "4010232137"), 0,
       {R::kSameName, R::kSameDateOfBirth}},
      {"nhs_number_and_pnc_id_do_not_compare",
       WithId(P("John Smith", kDob), kNhs, "9434765919"),
       WithId(P("John Smith", kDob), kPnc, "98/123456X"), 100,
       {R::kSameName, R::kSameDateOfBirth}},
      {"same_nhs_number_other_year",
       WithId(P("John Smith", {1980, 1, 1}), kNhs, "9434765919"),
       WithId(P("John Smith", {1990, 1, 1}), kNhs, "9434765919"), 100,
       {R::kSameName, R::kSameIdentifier}},
      {"same_pnc_id_other_nhs_number",
       WithId(WithId(P("John Smith", kDob), kNhs, "9434765919"), kPnc,
              "98/123456X"),
       WithId(WithId(P("John Smith", kDob), kPnc, "98/123456X"), kNhs,
              "4010232137"),
       100,
       {R::kSameName, R::kSameDateOfBirth, R::kSameIdentifier}},
      {"same_pnc_id_only", WithId(P(""), kPnc, "98/123456X"),
       WithId(P("John Smith"), kPnc, "98/123456X"), 100,
       {R::kSameIdentifier}},
  };
  // clang-format on
}

TEST(PersonMatchTest, CompareGivesExactScoresAndReasons) {
  for (const CompareCase& c : CompareCases()) {
    MatchResult ab = Compare(c.a, c.b);
    EXPECT_EQ(ab.score, c.score) << c.name;
    EXPECT_EQ(Names(ab.reasons), Names(c.reasons)) << c.name;
    EXPECT_EQ(ab.is_candidate(), c.score >= kCandidateScore) << c.name;
    MatchResult ba = Compare(c.b, c.a);
    EXPECT_EQ(ba.score, ab.score) << c.name << " (swapped)";
    EXPECT_EQ(Names(ba.reasons), Names(ab.reasons)) << c.name << " (swapped)";
  }
}

TEST(PersonMatchTest, CandidatesShareAMatchKey) {
  int candidates = 0;
  for (const CompareCase& c : CompareCases()) {
    if (!Compare(c.a, c.b).is_candidate()) continue;
    ++candidates;
    std::vector<std::string> ka = MatchKeys(c.a), kb = MatchKeys(c.b);
    ASSERT_TRUE(std::is_sorted(ka.begin(), ka.end())) << c.name;
    ASSERT_TRUE(std::is_sorted(kb.begin(), kb.end())) << c.name;
    std::vector<std::string> shared;
    std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(),
                          std::back_inserter(shared));
    EXPECT_FALSE(shared.empty()) << c.name;
  }
  EXPECT_GE(candidates, 30);
}

TEST(PersonMatchTest, MatchKeysOfOnePerson) {
  struct Case {
    std::string name;
    PersonFacts person;
    std::vector<std::string> keys;
  };
  const std::vector<Case> cases = {
      {"short_surname",
       P("Jon Smith"),
       {"p:j5:smith", "p:s53:john", "t:jon smith"}},
      {"long_surname_adds_prefix_and_suffix",
       P("Anna Thomson"),
       {"a:tho:ana", "p:a5:thomson", "p:t525:ana", "t:anna thomson",
        "z:son:ana"}},
      {"single_token",
       P("Madonna"),
       {"a:mad:madona", "p:m35:madona", "t:madonna", "z:nna:madona"}},
      {"alias_keys_added_duplicates_dropped",
       P("Jon Smith", {}, {"Jon Smith", "Bo"}),
       {"p:b:bo", "p:j5:smith", "p:s53:john", "t:bo", "t:jon smith"}},
      {"other_script_token_is_its_own_key",
       P("\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432"),
       {"p:\u0418\u0432\u0430\u043d:\u041f\u0435\u0442\u0440\u043e\u0432",
        "p:\u041f\u0435\u0442\u0440\u043e\u0432:\u0418\u0432\u0430\u043d",
        "t:\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432"}},
      {"empty_name", P(""), {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MatchKeys(c.person), c.keys) << c.name;
  }
}

TEST(PersonMatchTest, NormaliseName) {
  struct Case {
    std::string name;
    std::string input;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"spec_example", "  Zo\u00eb  O'Brien-Smith ", "zoe o brien smith"},
      {"upper_case", "ZOE O'BRIEN-SMITH", "zoe o brien smith"},
      {"typographic_apostrophe", "O\u2019Brien", "o brien"},
      {"full_stops_and_commas", "Tolkien, J.R.R.", "tolkien j r r"},
      {"whitespace_collapsed", "a\t\n b\r\n", "a b"},
      {"no_break_space", "Anne\u00a0Marie", "anne marie"},
      {"en_dash", "Smith\u2013Jones", "smith jones"},
      {"german", "J\u00fcrgen Gro\u00df", "jurgen gross"},
      {"polish", "\u0141ukasz Wa\u0142\u0119sa", "lukasz walesa"},
      {"danish", "S\u00f8ren \u00c6r\u00f8", "soren aero"},
      {"czech", "Dvo\u0159\u00e1k, Anton\u00edn", "dvorak antonin"},
      {"ligatures", "\u0152dipe \u0132ssel", "oedipe ijssel"},
      {"thorn", "\u00de\u00f3r", "thor"},
      {"extended_a_spread",
       "\u011e\u0130\u015f\u017e\u017f \u0174\u0178\u0179\u0150\u014a\u0138"
       "\u0126\u0110",
       "giszs wyzonkhd"},
      {"combining_accent", "Zoe\u0308", "zoe"},
      {"soft_hyphen_dropped", "Ann\u00adabel", "annabel"},
      {"multiplication_sign_kept", "A\u00d7B", "a\u00d7b"},
      {"other_script_unchanged",
       "\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432",
       "\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432"},
      {"invalid_byte_kept",
       "a\xff"
       "b",
       "a\xff"
       "b"},
      {"overlong_encoding_kept", "\xc0\xaf", "\xc0\xaf"},
      {"surrogate_kept", "\xed\xa0\x80", "\xed\xa0\x80"},
      {"truncated_sequence_kept", "x\xc3", "x\xc3"},
      {"only_separators", "  - ' . ", ""},
      {"empty", "", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormaliseName(c.input), c.want) << c.name;
  }
}

TEST(PersonMatchTest, FormalGivenName) {
  struct Case {
    std::string name;
    std::string given;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"jon", "jon", "john"},
      {"johnny", "johnny", "john"},
      {"jonathan", "jonathan", "john"},
      {"formal_is_itself", "john", "john"},
      {"bill", "bill", "william"},
      {"liz", "liz", "elizabeth"},
      {"peggy", "peggy", "margaret"},
      {"mohammed", "mohammed", "muhammad"},
      {"mohamed", "mohamed", "muhammad"},
      {"mohammad", "mohammad", "muhammad"},
      {"aleksandr", "aleksandr", "alexander"},
      {"aleksander", "aleksander", "alexander"},
      {"youssef", "youssef", "yusuf"},
      {"yousef", "yousef", "yusuf"},
      {"unknown_is_itself", "zebedee", "zebedee"},
      {"not_normalised_is_itself", "Jon", "Jon"},
      {"empty", "", ""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormalGivenName(c.given), c.want) << c.name;
  }
}

TEST(PersonMatchTest, CanonicalIdentifier) {
  const struct {
    PersonIdentifierType type;
    const char* value;
    std::optional<std::string> canonical;
  } cases[] = {
      {kNhs, "9434765919", "9434765919"},
      {kNhs, "943 476 5919", "9434765919"},
      {kNhs, "943-476-5919", "9434765919"},
      {kNhs, "9434765918", std::nullopt},   // check digit 9
      {kNhs, "943476591", std::nullopt},    // 9 digits
      {kNhs, "94347659190", std::nullopt},  // 11 digits
      {kNhs, "943476591x", std::nullopt},
      {kNhs, "4010232137", "4010232137"},
      {kNhs, "0000000000", "0000000000"},   // remainder 0: check digit 0
      {kNhs, "0000000060", std::nullopt},   // check value 10: never valid
      {kPnc, "98/123456X", "98/123456X"},
      {kPnc, " 98/123456x ", "98/123456X"},
      {kPnc, "2001/7Z", "2001/7Z"},
      {kPnc, "98/12345678X", std::nullopt},  // 8 digits
      {kPnc, "98/X", std::nullopt},          // no digits
      {kPnc, "98/1234567", std::nullopt},    // no letter
      {kPnc, "998/123456X", std::nullopt},   // 3-digit year
      {kPnc, "98-123456X", std::nullopt},
      {PersonIdentifierType::kUnspecified, "9434765919", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CanonicalIdentifier(c.type, c.value), c.canonical) << c.value;
  }
}

TEST(PersonMatchTest, BirthKeys) {
  struct Case {
    std::string name;
    PersonFacts person;
    std::vector<std::string> keys;
  };
  const std::vector<Case> cases = {
      {"full", P("A B", {1988, 4, 2}), {"y:1988", "m:1988-04", "d:1988-04-02"}},
      {"year and month", P("A B", {1988, 11, 0}), {"y:1988", "m:1988-11"}},
      {"year", P("A B", {1988, 0, 0}), {"y:1988"}},
      {"none", P("A B"), {}},
      {"approximate age", Aged("A B", 30, absl::CivilDay(2026, 1, 1)), {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(BirthKeys(c.person), c.keys) << c.name;
  }
  EXPECT_TRUE(BirthKeysAgree({"y:1988", "m:1988-04"}, {"y:1988"}));
  EXPECT_TRUE(BirthKeysAgree({}, {"y:1988"}));
  EXPECT_FALSE(BirthKeysAgree({"y:1988", "m:1988-04"}, {"y:1988", "m:1988-05"}));
  EXPECT_FALSE(BirthKeysAgree({"y:1988"}, {"y:1987", "m:1987-04"}));
  EXPECT_TRUE(IsIdentifierKey("i:1:9434765919"));
  EXPECT_FALSE(IsIdentifierKey("t:john smith"));
}

// What lets an index skip people by their BirthKeys: a candidate's agree
// with the other's, or the two share an identifier's key.
TEST(PersonMatchTest, CandidatesBirthKeysAgreeOrShareAnIdentifier) {
  int ruled_out = 0, candidates = 0;
  for (const CompareCase& c : CompareCases()) {
    if (BirthKeysAgree(BirthKeys(c.a), BirthKeys(c.b))) continue;
    ++ruled_out;
    std::vector<std::string> ka = MatchKeys(c.a), kb = MatchKeys(c.b);
    std::vector<std::string> shared;
    std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(),
                          std::back_inserter(shared));
    const bool same_identifier =
        std::any_of(shared.begin(), shared.end(),
                    [](const std::string& k) { return IsIdentifierKey(k); });
    if (!Compare(c.a, c.b).is_candidate()) continue;
    ++candidates;
    EXPECT_TRUE(same_identifier) << c.name;
  }
  EXPECT_GE(ruled_out, 4);
  EXPECT_GE(candidates, 1);
}

TEST(PersonMatchTest, LookupKeys) {
  EXPECT_EQ(LookupKeys(P("John Robinson", {1980, 0, 0})),
            (std::vector<std::string>{"t:john robinson", "p:j5:robinson",
                                      "p:r1525:john", "a:rob:john",
                                      "z:son:john"}));
  // Without a date of birth or an age, only the same name can match.
  EXPECT_EQ(LookupKeys(P("John Robinson")),
            (std::vector<std::string>{"t:john robinson", "p:j5:robinson",
                                      "p:r1525:john"}));
  EXPECT_EQ(LookupKeys(Aged("John Robinson", 40, absl::CivilDay(2026, 1, 1)))
                .size(),
            5u);
}

// A lookup with LookupKeys finds every candidate indexed by MatchKeys.
TEST(PersonMatchTest, CandidatesShareALookupKey) {
  int without_dates = 0;
  for (const CompareCase& c : CompareCases()) {
    if (!Compare(c.a, c.b).is_candidate()) continue;
    for (const auto& [query, stored] :
         {std::make_pair(c.a, c.b), std::make_pair(c.b, c.a)}) {
      if (query.date_of_birth.year == 0 && query.approximate_age <= 0) {
        ++without_dates;
      }
      std::vector<std::string> lookup = LookupKeys(query);
      std::sort(lookup.begin(), lookup.end());
      const std::vector<std::string> indexed = MatchKeys(stored);
      std::vector<std::string> shared;
      std::set_intersection(lookup.begin(), lookup.end(), indexed.begin(),
                            indexed.end(), std::back_inserter(shared));
      EXPECT_FALSE(shared.empty()) << c.name;
    }
  }
  EXPECT_GE(without_dates, 3);
}

// What lets a search by a name alone stop at a page: its candidates all
// score kCandidateScore.
TEST(PersonMatchTest, CandidatesOfANameAloneScoreAlike) {
  int alike = 0;
  for (const CompareCase& c : CompareCases()) {
    for (const auto& [query, other] :
         {std::make_pair(c.a, c.b), std::make_pair(c.b, c.a)}) {
      if (!CandidatesScoreAlike(query)) continue;
      const MatchResult m = Compare(query, other);
      if (!m.is_candidate()) continue;
      ++alike;
      EXPECT_EQ(m.score, kCandidateScore) << c.name;
      EXPECT_EQ(m.reasons, std::vector<MatchReason>{MatchReason::kSameName})
          << c.name;
    }
  }
  EXPECT_GE(alike, 3);
  EXPECT_TRUE(CandidatesScoreAlike(P("John Smith")));
  EXPECT_FALSE(CandidatesScoreAlike(P("John Smith", {1980, 0, 0})));
  EXPECT_FALSE(
      CandidatesScoreAlike(Aged("John Smith", 40, absl::CivilDay(2026, 1, 1))));
  EXPECT_FALSE(CandidatesScoreAlike(WithId(P("John Smith"), kNhs, "9434765919")));
}

TEST(PersonMatchTest, StrongestKeysFirst) {
  EXPECT_EQ(StrongestFirst({"a:rob:jon", "i:1:9434765919", "p:r1525:jon",
                            "t:john robinson", "z:son:jon", "p:j5:robinson"}),
            (std::vector<std::string>{"i:1:9434765919", "t:john robinson",
                                      "p:r1525:jon", "p:j5:robinson",
                                      "a:rob:jon", "z:son:jon"}));
}

TEST(PersonMatchTest, IdentifiersAreMatchKeys) {
  EXPECT_EQ(MatchKeys(WithId(P(""), kNhs, "9434765919")),
            std::vector<std::string>{"i:1:9434765919"});
}

TEST(PersonMatchTest, MatchReasonName) {
  struct Case {
    MatchReason reason;
    std::string want;
  };
  const std::vector<Case> cases = {
      {R::kSameName, "same_name"},
      {R::kNickname, "nickname"},
      {R::kSpellingVariant, "spelling_variant"},
      {R::kAlias, "alias"},
      {R::kSameDateOfBirth, "same_date_of_birth"},
      {R::kDateOfBirthAtPrecision, "date_of_birth_at_precision"},
      {R::kSameIdentifier, "same_identifier"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(MatchReasonName(c.reason), c.want) << c.want;
  }
}

}  // namespace
}  // namespace safeguard
