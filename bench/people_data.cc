#include "bench/people_data.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "bench/draws.h"
#include "tests/testing/referral_fixtures.h"

namespace safeguard::bench {
namespace {

// ---- Draws ------------------------------------------------------------

constexpr uint64_t kSeed = 20261206;

// What a stream of draws decides; each (purpose, index) has its own stream.
enum Purpose : uint64_t {
  kKind = 1, kRepeat, kLink, kFresh, kMention, kChildren, kForm, kSearch,
};

// A stream of draws fixed by its purpose and index.
class Draws : public DrawStream {
 public:
  Draws(Purpose purpose, uint64_t index) : DrawStream(kSeed, purpose, index) {}
};

// Picks an index of `weights`' cumulative table (its last entry is the total).
size_t Weighted(const std::vector<double>& cumulative, Draws& d) {
  const double u = d.Unit() * cumulative.back();
  return std::min<size_t>(
      std::upper_bound(cumulative.begin(), cumulative.end(), u) -
          cumulative.begin(),
      cumulative.size() - 1);
}

// Cumulative Zipf-like weights 1 / (rank + offset)^exponent for n items.
std::vector<double> Zipf(size_t n, double offset, double exponent) {
  std::vector<double> out(n);
  double sum = 0;
  for (size_t r = 0; r < n; ++r) {
    sum += 1.0 / std::pow(static_cast<double>(r + 1) + offset, exponent);
    out[r] = sum;
  }
  return out;
}

// ---- Names ------------------------------------------------------------

// Given names, most common first, across the generations referrals name.
constexpr const char* kFemale[] = {
    "Sarah", "Emma", "Laura", "Rebecca", "Jessica", "Amy", "Charlotte",
    "Hannah", "Emily", "Sophie", "Lauren", "Gemma", "Rachel", "Samantha",
    "Katie", "Claire", "Nicola", "Lisa", "Michelle", "Kelly", "Jennifer",
    "Elizabeth", "Victoria", "Amanda", "Helen", "Louise", "Stacey",
    "Danielle", "Chloe", "Olivia", "Amelia", "Jade", "Leanne", "Natalie",
    "Zoe", "Megan", "Lucy", "Holly", "Ella", "Grace", "Jasmine", "Isabella",
    "Ava", "Mia", "Lily", "Susan", "Karen", "Julie", "Tracey", "Joanne",
    "Donna", "Deborah", "Angela", "Carol", "Margaret", "Patricia", "Mary",
    "Janet", "Christine", "Jacqueline", "Dawn", "Caroline", "Kerry",
    "Kirsty", "Jodie", "Abigail", "Paige", "Courtney", "Shannon", "Bethany",
    "Ellie", "Freya", "Poppy", "Isla", "Evie", "Ruby", "Sophia", "Fatima",
    "Aisha", "Ayesha", "Khadija", "Maryam", "Zainab", "Amina", "Priya",
    "Anjali", "Agnieszka", "Katarzyna", "Anna", "Maria", "Natalia", "Julia",
    "Oksana", "Siobhan", "Niamh", "Aoife", "Sinead", "Bronwen", "Catherine",
    "Kathryn", "Teresa", "Gillian", "Pamela", "Sally", "Eleanor", "Frances",
    "Rosie", "Alice", "Georgia", "Phoebe", "Millie", "Daisy", "Esme",
    "Harriet", "Molly", "Kayleigh", "Chantelle", "Shanice", "Tanisha",
    "Precious", "Blessing", "Adaeze", "Yasmin", "Nadia", "Leila", "Hiba",
    "Sana", "Zoë", "Chloé", "Renée", "Małgorzata",
};
constexpr const char* kMale[] = {
    "David", "John", "Michael", "Paul", "Andrew", "Mark", "James", "Richard",
    "Robert", "Christopher", "Daniel", "Matthew", "Thomas", "Stephen",
    "Peter", "Anthony", "Lee", "Craig", "Darren", "Jason", "Wayne", "Dean",
    "Gary", "Kevin", "Steven", "Ian", "Simon", "Neil", "Martin", "Stuart",
    "Adam", "Ryan", "Jamie", "Luke", "Liam", "Ben", "Jack", "Joshua",
    "Callum", "Connor", "Kieran", "Jordan", "Lewis", "Nathan", "Aaron",
    "Scott", "Shaun", "Carl", "Jonathan", "William", "George", "Harry",
    "Oliver", "Charlie", "Alfie", "Noah", "Leo", "Oscar", "Archie", "Jacob",
    "Ethan", "Mason", "Tyler", "Kyle", "Brandon", "Reece", "Mohammed",
    "Muhammad", "Mohammad", "Ahmed", "Ali", "Omar", "Hassan", "Hussain",
    "Ibrahim", "Yusuf", "Bilal", "Imran", "Tariq", "Arjun", "Rahul",
    "Sanjay", "Piotr", "Tomasz", "Krzysztof", "Marcin", "Andrei", "Ionut",
    "Mihai", "Sergei", "Dmitri", "Oleksandr", "Luis", "Kwame", "Chinedu",
    "Tunde", "Emeka", "Declan", "Sean", "Patrick", "Kenneth", "Raymond",
    "Brian", "Keith", "Terence", "Graham", "Colin", "Barry", "Trevor",
    "Philip", "Dennis", "Roy", "José", "Łukasz",
};

// Nicknames referrers use for some of them.
struct Nicknames {
  const char* given;
  const char* nicknames[3];
};
constexpr Nicknames kNicknames[] = {
    {"William", {"Bill", "Will", "Billy"}},
    {"Robert", {"Rob", "Bob", "Robbie"}},
    {"Richard", {"Rich", "Ricky"}},
    {"James", {"Jim", "Jimmy"}},
    {"John", {"Jon", "Johnny"}},
    {"Michael", {"Mike", "Mick"}},
    {"Thomas", {"Tom", "Tommy"}},
    {"Christopher", {"Chris"}},
    {"Anthony", {"Tony"}},
    {"Daniel", {"Dan", "Danny"}},
    {"Matthew", {"Matt"}},
    {"Andrew", {"Andy"}},
    {"Stephen", {"Steve"}},
    {"Steven", {"Steve"}},
    {"Peter", {"Pete"}},
    {"David", {"Dave"}},
    {"Kenneth", {"Ken"}},
    {"Raymond", {"Ray"}},
    {"Terence", {"Terry"}},
    {"Philip", {"Phil"}},
    {"Elizabeth", {"Liz", "Beth", "Lizzie"}},
    {"Margaret", {"Maggie"}},
    {"Catherine", {"Cathy", "Kate"}},
    {"Kathryn", {"Kate", "Kathy"}},
    {"Rebecca", {"Becky"}},
    {"Jennifer", {"Jenny", "Jen"}},
    {"Jessica", {"Jess"}},
    {"Susan", {"Sue"}},
    {"Deborah", {"Debbie"}},
    {"Patricia", {"Trish"}},
    {"Victoria", {"Vicky"}},
    {"Jacqueline", {"Jackie"}},
    {"Abigail", {"Abby"}},
    {"Amanda", {"Mandy"}},
    {"Eleanor", {"Ellie"}},
    {"Sarah", {"Sally"}},
    {"Pamela", {"Pam"}},
    {"Gillian", {"Gill"}},
    {"Mohammed", {"Mo"}},
    {"Muhammad", {"Mo"}},
};

// Common surnames in England and Wales, most common first.
constexpr const char* kCommonSurnames[] = {
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans",
    "Wilson", "Thomas", "Johnson", "Roberts", "Robinson", "Thompson",
    "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner",
    "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee",
    "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott",
    "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young",
    "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams",
    "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb",
    "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell",
    "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
    "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins",
    "Murray", "Dixon", "Harvey", "Graham", "Pearson", "Ahmed", "Fletcher",
    "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart", "Elliott",
    "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day",
    "Brooks", "West", "Lawrence", "Cole", "Atkinson", "Bradley", "Spencer",
    "Gill", "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Rose", "Booth",
    "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
    "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter",
    "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods",
    "Parsons", "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding",
    "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy",
    "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane", "Cooke",
    "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns",
    "Nicholson", "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren",
    "Nicholls", "Hamilton", "Byrne", "Sutton", "McDonald", "Yates",
    "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor", "Harper",
    "Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "O'Neill",
    "Griffin", "Sharp", "Hardy", "Wheeler", "Potter", "Osborne", "Johnston",
    "Gordon", "Doyle", "Wallace", "George", "Jordan", "Hutchinson", "Rahman",
    "Nowak", "Kowalski", "Wiśniewski", "Nguyen", "Mohamed", "Abdi",
    "Popescu", "Silva", "Santos", "Yilmaz", "Chowdhury", "Miah", "Islam",
    "Uddin", "Akhtar", "Iqbal", "Mahmood", "Okafor", "Adeyemi", "Mensah",
};

// English surnames' parts: a place's first part and its ending.
constexpr const char* kPlaceStarts[] = {
    "Ash", "Brad", "Brom", "Chad", "Hather", "Lang", "Brook", "Hamp",
    "Whit", "Black", "Stan", "Wood", "Hol", "Hay", "Stock", "Bar", "Har",
    "Cal", "Mor", "Wat", "Wal", "Bur", "Kings", "Ast", "Ather", "Bing",
    "Brent", "Cleve", "Craw", "Dar", "Ding", "Dun", "Fair", "Farn", "Fen",
    "Gar", "Gold", "Gos", "Green", "Hal", "Hart", "Hen", "Hud", "Kil",
    "Kirk", "Lin", "Lock", "Long", "Mal", "Mar", "Mid", "Mil", "New",
    "North", "Oak", "Pen", "Pil", "Rad", "Red", "Rod", "Rush", "Sal",
    "Sand", "Shel", "Shir", "South", "Stam", "Staple", "Strat", "Sut",
    "Thorn", "Thurs", "Wad", "War", "Wes", "Wether", "Wick", "Wil", "Win",
    "Wor", "Ald", "Ames", "Beck", "Bel", "Bram", "Bris", "Cart", "Coll",
    "Cots", "Dal", "Ed", "Els", "Ever", "Fol", "Gil", "Grim", "Hock",
    "Ingle", "Lud", "Mat", "Nor", "Pad", "Ris", "Sel", "Tad", "Up", "Ver",
};
constexpr const char* kPlaceEnds[] = {
    "ley", "ton", "worth", "field", "ford", "by", "ham", "wood", "well",
    "stone", "more", "land", "son", "ridge", "combe", "dale", "hurst",
    "bury", "wick", "ington", "er", "ing", "wright", "ell", "bourne",
    "thorpe", "cott", "shaw", "den", "low",
};
constexpr const char* kJoins[] = {"e", "ing", "er", "s"};

// Syllables of surnames of other origins.
constexpr const char* kOnsets[] = {
    "b", "d", "k", "m", "n", "r", "s", "t", "v", "z", "ch", "sh", "kr",
    "dr", "gr", "br", "l", "p", "j", "h", "y", "f", "g", "kh",
};
constexpr const char* kVowels[] = {"a", "e", "i", "o", "u", "ai",
                                   "ou", "ia", "ee", "an", "en", "on"};
constexpr const char* kEndings[] = {
    "", "n", "r", "s", "ko", "ski", "enko", "ov", "ova", "ez", "i", "ar",
    "oglu", "awa", "ba", "ule", "ani", "eva", "ic", "escu",
};

template <size_t N>
const char* Pick(const char* const (&list)[N], const std::vector<double>& cum,
                 Draws& d) {
  return list[Weighted(cum, d)];
}

std::string GivenName(bool female, Draws& d) {
  static const auto* female_weights =
      new std::vector<double>(Zipf(std::size(kFemale), 10, 1.0));
  static const auto* male_weights =
      new std::vector<double>(Zipf(std::size(kMale), 10, 1.0));
  return female ? Pick(kFemale, *female_weights, d)
                : Pick(kMale, *male_weights, d);
}

std::string Surname(Draws& d) {
  static const auto* common =
      new std::vector<double>(Zipf(std::size(kCommonSurnames), 4, 0.9));
  static const auto* starts =
      new std::vector<double>(Zipf(std::size(kPlaceStarts), 5, 0.6));
  static const auto* ends =
      new std::vector<double>(Zipf(std::size(kPlaceEnds), 3, 0.8));
  static const auto* onsets =
      new std::vector<double>(Zipf(std::size(kOnsets), 3, 0.5));
  static const auto* vowels =
      new std::vector<double>(Zipf(std::size(kVowels), 3, 0.5));
  static const auto* endings =
      new std::vector<double>(Zipf(std::size(kEndings), 3, 0.7));
  const double u = d.Unit();
  if (u < 0.33) return Pick(kCommonSurnames, *common, d);
  if (u < 0.83) {
    std::string name = Pick(kPlaceStarts, *starts, d);
    if (d.Chance(0.25)) name += kJoins[d.Below(std::size(kJoins))];
    return name + Pick(kPlaceEnds, *ends, d);
  }
  std::string name;
  const int syllables = 2 + static_cast<int>(d.Below(2));
  for (int s = 0; s < syllables; ++s) {
    name += Pick(kOnsets, *onsets, d);
    name += Pick(kVowels, *vowels, d);
  }
  name += Pick(kEndings, *endings, d);
  name[0] = absl::ascii_toupper(name[0]);
  return name;
}

// As a referrer may misspell `surname`: a letter doubled or not, i for y,
// a final e added or dropped (matching takes each for the same surname).
std::string SpellingVariant(std::string s, Draws& d) {
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] == s[i - 1] &&
        absl::ascii_isalpha(static_cast<unsigned char>(s[i]))) {
      return s.erase(i, 1);
    }
  }
  const size_t y = s.find_first_of("iy", 1);
  if (y != std::string::npos && d.Chance(0.5)) {
    s[y] = s[y] == 'i' ? 'y' : 'i';
    return s;
  }
  if (s.size() > 3 && s.back() == 'e') {
    s.pop_back();
    return s;
  }
  return s + "e";
}

const Nicknames* NicknamesOf(const std::string& given) {
  for (const Nicknames& n : kNicknames) {
    if (given == n.given) return &n;
  }
  return nullptr;
}

// An NHS number: nine digits and their modulus 11 check digit.
std::string NhsNumber(Draws& d) {
  while (true) {
    int digits[9];
    int sum = 0;
    for (int k = 0; k < 9; ++k) {
      digits[k] = k == 0 ? 4 + static_cast<int>(d.Below(6))
                         : static_cast<int>(d.Below(10));
      sum += digits[k] * (10 - k);
    }
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) continue;  // no valid number with these nine
    std::string out;
    for (int k : digits) out += static_cast<char>('0' + k);
    out += static_cast<char>('0' + check);
    return out;
  }
}

// ---- People -----------------------------------------------------------

// Each person named is (referral, slot): 0 the subject (a MARAC case's
// victim), 1 a MARAC perpetrator, 2.. its children.
constexpr int64_t kSlots = 8;
constexpr int kSubject = 0, kPerpetrator = 1, kFirstChild = 2;

// How far back a person recurs, in referrals.
constexpr int64_t kRecurWindow = 200000;

// Dates of birth are drawn before every referral's date.
constexpr absl::CivilDay kBornBy(2023, 6, 1);

// A person as they are, before a referral spells them.
struct Someone {
  std::string given, middle, surname, alias;
  Date date_of_birth;
  std::string nhs_number;
};

Date ToDate(absl::CivilDay day) {
  return {static_cast<int>(day.year()), day.month(), day.day()};
}

// An earlier referral of `kind` (any kind if unspecified), at most
// kRecurWindow back; -1 if none is found.
int64_t Earlier(int64_t i, ReferralKind kind, Draws& d) {
  if (i <= 0) return -1;
  int64_t j = i - 1 - static_cast<int64_t>(d.Below(std::min(i, kRecurWindow)));
  for (int tries = 0; j >= 0 && tries < 64; ++tries, --j) {
    if (kind == ReferralKind::kUnspecified || PeopleKindAt(j) == kind) return j;
  }
  return -1;
}

// The earlier MARAC case that MARAC case `i` repeats, or -1.
int64_t RepeatOf(int64_t i) {
  Draws d(kRepeat, i);
  if (!d.Chance(0.2)) return -1;
  return Earlier(i, ReferralKind::kMarac, d);
}

// Whether repeat `i` names its earlier case's perpetrator, and children.
bool SamePerpetrator(int64_t i) {
  return Draws(kRepeat, i * 2 + 1).Chance(0.8);
}
bool SameChildren(int64_t i) { return Draws(kRepeat, i * 2 + 2).Chance(0.7); }

int ChildrenOf(int64_t i) {
  const int64_t j = RepeatOf(i);
  if (j >= 0 && SameChildren(i)) return ChildrenOf(j);
  const double u = Draws(kChildren, i).Unit();
  return u < 0.45 ? 0 : u < 0.70 ? 1 : u < 0.88 ? 2 : u < 0.97 ? 3 : 4;
}

Someone SomeoneAt(int64_t i, int slot);

// A person named for the first time in referral `i`.
Someone NewSomeone(int64_t i, int slot) {
  Draws d(kFresh, static_cast<uint64_t>(i * kSlots + slot));
  const ReferralKind kind = PeopleKindAt(i);
  double female = 0.5;
  int youngest = 18, span = 60;
  double skew = 1.0;  // >1: younger ages more likely
  if (slot == kSubject && kind == ReferralKind::kMarac) {
    female = 0.86, span = 47, skew = 1.6;
  } else if (slot == kPerpetrator) {
    female = 0.1, span = 52, skew = 1.5;
  } else if (slot >= kFirstChild) {
    youngest = 0, span = 17, skew = 1.0;
  } else if (kind == ReferralKind::kChannel) {
    female = 0.2, youngest = 11, span = 29, skew = 2.0;
  } else if (kind == ReferralKind::kNrm) {
    female = 0.35, youngest = 16, span = 44, skew = 1.4;
  } else {
    span = 67;
  }
  Someone p;
  const bool is_female = d.Chance(female);
  p.given = GivenName(is_female, d);
  if (d.Chance(0.25)) {
    p.middle = GivenName(is_female, d);
    if (p.middle == p.given) p.middle.clear();
  }
  if (slot >= kFirstChild && d.Chance(0.75)) {
    p.surname = SomeoneAt(i, kSubject).surname;  // the victim's
  } else {
    p.surname = Surname(d);
    if (d.Chance(0.02)) p.surname += "-" + Surname(d);
  }
  const int age =
      youngest + static_cast<int>(span * std::pow(d.Unit(), skew));
  p.date_of_birth =
      ToDate(kBornBy - age * 365 - static_cast<int>(d.Below(365)));
  if (d.Chance(0.04)) {
    p.alias = d.Chance(0.5)
                  ? absl::StrCat(GivenName(is_female, d), " ", p.surname)
                  : absl::StrCat(p.given, " ", Surname(d));
  }
  if (d.Chance(slot >= kFirstChild ? 0.4 : 0.2)) p.nhs_number = NhsNumber(d);
  return p;
}

// The person in `slot` of referral `i`: someone named before, or new.
Someone SomeoneAt(int64_t i, int slot) {
  const ReferralKind kind = PeopleKindAt(i);
  const int64_t repeat = kind == ReferralKind::kMarac ? RepeatOf(i) : -1;
  Draws d(kLink, static_cast<uint64_t>(i * kSlots + slot));
  if (slot == kSubject) {
    if (repeat >= 0) return SomeoneAt(repeat, kSubject);
    if (kind != ReferralKind::kMarac && d.Chance(1.0 / 7)) {
      const int64_t j = Earlier(i, ReferralKind::kUnspecified, d);
      if (j >= 0) return SomeoneAt(j, kSubject);
    }
  } else if (slot == kPerpetrator) {
    if (repeat >= 0 && SamePerpetrator(i)) return SomeoneAt(repeat, slot);
    if (d.Chance(0.1)) {
      const int64_t j = Earlier(i, ReferralKind::kMarac, d);
      if (j >= 0) return SomeoneAt(j, kPerpetrator);
    }
  } else if (repeat >= 0 && SameChildren(i)) {
    return SomeoneAt(repeat, slot);  // ChildrenOf(i) == ChildrenOf(repeat)
  }
  return NewSomeone(i, slot);
}

// `who` as referral `i` names them in `slot`, on `made`.
Person Mention(const Someone& who, int64_t i, int slot, absl::CivilDay made) {
  Draws d(kMention, static_cast<uint64_t>(i * kSlots + slot));
  std::string given = who.given;
  if (const Nicknames* n = NicknamesOf(given); n != nullptr && d.Chance(0.08)) {
    int count = 0;
    while (count < 3 && n->nicknames[count] != nullptr) ++count;
    given = n->nicknames[d.Below(count)];
  }
  std::string surname = who.surname;
  if (d.Chance(0.02)) surname = SpellingVariant(surname, d);
  Person p;
  p.full_name = who.middle.empty() || d.Chance(0.3)
                    ? absl::StrCat(given, " ", surname)
                    : absl::StrCat(given, " ", who.middle, " ", surname);
  // How much of the date of birth the referrer knows.
  double full = 0.82, month = 0.03, year = 0.05, age = 0.05;
  if (slot == kPerpetrator) full = 0.55, month = 0, year = 0.1, age = 0.15;
  if (slot >= kFirstChild) full = 0.95, month = 0, year = 0.05, age = 0;
  const double u = d.Unit();
  const Date& dob = who.date_of_birth;
  if (u < full) {
    p.date_of_birth = dob;
  } else if (u < full + month) {
    p.date_of_birth = {dob.year, dob.month, 0};
  } else if (u < full + month + year) {
    p.date_of_birth = {dob.year, 0, 0};
  } else if (u < full + month + year + age) {
    p.approximate_age =
        std::max(1, static_cast<int>(made.year()) - dob.year);
  }
  if (!who.alias.empty() && d.Chance(0.6)) p.aliases.push_back(who.alias);
  if (!who.nhs_number.empty() && d.Chance(0.5)) {
    p.identifiers.push_back({PersonIdentifierType::kNhsNumber, who.nhs_number});
  }
  return p;
}

// Everyone referral `i` names, as it names them.
struct Named {
  Person subject;
  Person perpetrator;            // MARAC only
  std::vector<ChildDetails> children;  // MARAC only
};

Named NamedIn(int64_t i, absl::CivilDay made) {
  Named out;
  out.subject = Mention(SomeoneAt(i, kSubject), i, kSubject, made);
  if (PeopleKindAt(i) != ReferralKind::kMarac) return out;
  out.perpetrator = Mention(SomeoneAt(i, kPerpetrator), i, kPerpetrator, made);
  for (int c = 0; c < ChildrenOf(i); ++c) {
    const int slot = kFirstChild + c;
    Person child = Mention(SomeoneAt(i, slot), i, slot, made);
    out.children.push_back({child.full_name, child.date_of_birth, ""});
  }
  return out;
}

// ---- Protos -----------------------------------------------------------

void SetDate(const Date& d, v1::Date* out) {
  out->set_year(d.year);
  out->set_month(d.month);
  out->set_day(d.day);
}

// Puts `p`'s name, aliases, date of birth and identifiers into `out`,
// keeping the rest (contact rules) as the fixture has them.
void SetPerson(const Person& p, v1::Person* out) {
  out->set_full_name(p.full_name);
  out->clear_aliases();
  for (const std::string& a : p.aliases) out->add_aliases(a);
  out->clear_date_of_birth();
  out->set_approximate_age(0);
  if (!p.date_of_birth.empty()) {
    SetDate(p.date_of_birth, out->mutable_date_of_birth());
  } else if (p.approximate_age > 0) {
    out->set_approximate_age(p.approximate_age);
  }
  out->clear_identifiers();
  for (const PersonIdentifier& id : p.identifiers) {
    v1::PersonIdentifier* o = out->add_identifiers();
    o->set_type(v1::NHS_NUMBER);
    o->set_value(id.value);
  }
}

constexpr const char* kAreas[] = {"west-suffolk", "babergh", "mid-suffolk"};

}  // namespace

ReferralKind PeopleKindAt(int64_t i) {
  const uint64_t u = Draws(kKind, static_cast<uint64_t>(i)).Below(100);
  if (u < 25) return ReferralKind::kMarac;
  if (u < 55) return ReferralKind::kTargetHardening;
  if (u < 75) return ReferralKind::kChannel;
  return ReferralKind::kNrm;
}

Referral PeopleReferralAt(int64_t i, absl::Time created) {
  Draws d(kForm, static_cast<uint64_t>(i));
  Named named = NamedIn(i, absl::ToCivilDay(created, absl::UTCTimeZone()));
  Referral r;
  r.kind = PeopleKindAt(i);
  r.area = kAreas[d.Below(std::size(kAreas))];
  r.create_time = r.update_time = created;
  r.deadline = created + absl::Hours(24 * (5 + static_cast<int>(d.Below(25))));
  r.priority = static_cast<Priority>(1 + d.Below(4));
  r.referrer = "system/athena";
  r.referring_agency = "suffolk-police";
  r.consent.status = ConsentStatus::kGiven;
  r.consent.legal_basis = LegalBasis::kConsent;
  r.consent.record_time = created;
  r.subjects = {std::move(named.subject)};
  switch (r.kind) {
    case ReferralKind::kMarac: {
      r.state = "SUBMITTED";
      r.priority = Priority::kHigh;
      if (d.Chance(0.6))
        r.referring_agency = "leeway", r.referrer = "person/idva";
      r.consent.status = ConsentStatus::kOverridden;
      r.consent.legal_basis = LegalBasis::kDpa2018Sch1Para18;
      r.consent.reason = "high risk; asking would increase it";
      MaracForm m;
      m.dash.question_set_version = "safelives-2009";
      const int yes = 8 + static_cast<int>(d.Below(13));
      for (int q = 0; q < 24; ++q) {
        m.dash.answers.push_back(q < yes ? DashAnswer::kYes : DashAnswer::kNo);
      }
      m.dash_score = yes;
      if (yes >= 14) m.criteria.push_back(MaracCriterion::kVisibleHighRisk);
      m.perpetrator = std::move(named.perpetrator);
      m.children = std::move(named.children);
      m.relationship = d.Chance(0.5) ? "partner" : "ex-partner";
      m.idva_referral = true;
      r.form = std::move(m);
      break;
    }
    case ReferralKind::kTargetHardening: {
      r.state = "REFERRED";
      r.referrer = "system/case";
      r.referring_agency = d.Chance(0.5) ? "babergh-mid-suffolk-council"
                                         : "west-suffolk-council";
      TargetHardeningForm th;
      th.address.lines = {absl::StrCat(1 + d.Below(300), " Synthetic Street")};
      th.address.postcode = "IP1 1AA";
      th.measures_requested = {SecurityMeasure::kLocks};
      th.tenure = Tenure::kSocialRent;
      r.form = std::move(th);
      break;
    }
    case ReferralKind::kChannel: {
      r.state = "RECEIVED";
      ChannelForm c;
      c.concern = "Shares extremist material in class.";
      c.ideology_or_group = "extreme right wing";
      r.form = std::move(c);
      break;
    }
    default: {
      r.kind = ReferralKind::kNrm;
      r.state = "NRM_SUBMITTED";
      NrmForm n;
      n.nature = NrmNature::kNrmReferral;
      n.exploitation_types = {d.Chance(0.5) ? ExploitationType::kLabour
                                            : ExploitationType::kCriminal};
      n.narrative = "Found working long hours for no pay.";
      r.form = std::move(n);
      break;
    }
  }
  return r;
}

v1::Referral PeopleSubmission(int64_t i) {
  Named named = NamedIn(i, absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
  v1::Referral r;
  switch (PeopleKindAt(i)) {
    case ReferralKind::kMarac: {
      r = testing::MaracSubmission(16);
      SetPerson(named.perpetrator, r.mutable_marac()->mutable_perpetrator());
      for (const ChildDetails& c : named.children) {
        v1::ChildDetails* o = r.mutable_marac()->add_children();
        o->set_full_name(c.full_name);
        SetDate(c.date_of_birth, o->mutable_date_of_birth());
      }
      break;
    }
    case ReferralKind::kTargetHardening:
      r = testing::TargetHardeningSubmission();
      break;
    case ReferralKind::kChannel:
      r = testing::ChannelSubmission();
      break;
    default:
      r = testing::NrmSubmission();
      break;
  }
  SetPerson(named.subject, r.mutable_subjects(0));
  return r;
}

v1::SearchPeopleRequest PeopleSearchFor(int64_t i, const std::string& reason) {
  Draws d(kSearch, static_cast<uint64_t>(i));
  int slots = 1;
  if (PeopleKindAt(i) == ReferralKind::kMarac) slots = 2 + ChildrenOf(i);
  const Someone who = SomeoneAt(i, static_cast<int>(d.Below(slots)));
  v1::SearchPeopleRequest request;
  request.set_full_name(who.middle.empty() || d.Chance(0.5)
                            ? absl::StrCat(who.given, " ", who.surname)
                            : absl::StrCat(who.given, " ", who.middle, " ",
                                           who.surname));
  SetDate(who.date_of_birth, request.mutable_date_of_birth());
  request.set_reason(reason);
  return request;
}

}  // namespace safeguard::bench
