// The given name table behind FormalGivenName (person_match.h): common
// English nicknames and common transliterations of given names, over
// normalised names. Built once on first use; immutable afterwards.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/core/person_match.h"

namespace safeguard {
namespace {

using person_match_internal::GivenNameLink;

struct Group {
  const char* formal;
  const char* nicknames;         // space separated
  const char* transliterations;  // space separated
};

// A nickname of two formal names appears once, under the more common one.
constexpr Group kGroups[] = {
    // Men's names.
    {"william", "bill billy will willy willie liam", ""},
    {"robert", "bob bobby rob robbie robby bert", ""},
    {"richard", "rick ricky dick rich richie", ""},
    {"james", "jim jimmy jamie", ""},
    {"john", "jon johnny jonny jack jonathan jonty", ""},
    {"michael", "mike mikey mick micky mickey", "micheal mikhail"},
    {"thomas", "tom tommy", ""},
    {"christopher", "chris kit", ""},
    {"anthony", "tony", "antony"},
    {"joseph", "joe joey", ""},
    {"daniel", "dan danny", ""},
    {"matthew", "matt matty", "mathew"},
    {"andrew", "andy drew", "andrei andrey andriy"},
    {"edward", "ed eddie eddy ted teddy ned", ""},
    {"henry", "harry hal hank", ""},
    {"charles", "charlie chuck chas", ""},
    {"david", "dave davey davy", ""},
    {"peter", "pete", "pyotr piotr"},
    {"stephen", "steve stevie", "steven stefan"},
    {"nicholas", "nick nicky", "nicolas nikolai nikolay"},
    {"benjamin", "ben benny benji", ""},
    {"samuel", "sam sammy", ""},
    {"alexander", "alex alec sandy sasha",
     "aleksandr aleksander alexandr oleksandr"},
    {"frederick", "fred freddie freddy", "frederic"},
    {"timothy", "tim timmy", ""},
    {"patrick", "pat paddy", ""},
    {"gregory", "greg", ""},
    {"kenneth", "ken kenny", ""},
    {"ronald", "ron ronnie", ""},
    {"donald", "don donnie", ""},
    {"leonard", "len lenny", ""},
    {"raymond", "ray", ""},
    {"lawrence", "larry laurie", "laurence"},
    {"geoffrey", "geoff jeff", "jeffrey"},
    {"philip", "phil pip", "phillip"},
    {"jacob", "jake", ""},
    {"zachary", "zach zack", ""},
    {"gerald", "gerry jerry", ""},
    {"terence", "terry", "terrence"},
    {"douglas", "doug", ""},
    {"stanley", "stan", ""},
    {"albert", "al", ""},
    {"walter", "walt wally", ""},
    {"nathaniel", "nat nate", "nathanael"},
    {"francis", "frank frankie", ""},
    // Women's names.
    {"elizabeth", "liz lizzie lizzy beth betty bet bess eliza libby",
     "elisabeth"},
    {"margaret", "maggie meg peggy marge madge", ""},
    {"katherine", "kate katie kath kathy cathy kitty",
     "catherine kathryn katharine catharine"},
    {"rebecca", "becky becca", "rebekah"},
    {"jennifer", "jen jenny", ""},
    {"jessica", "jess jessie", ""},
    {"susan", "sue susie suzy", ""},
    {"deborah", "debbie debs deb", "debra"},
    {"patricia", "patsy trish tricia", ""},
    {"victoria", "vicky vicki tori", ""},
    {"jacqueline", "jackie", ""},
    {"abigail", "abby abbie gail", ""},
    {"amanda", "mandy", ""},
    {"dorothy", "dot dotty dolly", ""},
    {"eleanor", "ellie nell nellie", "elinor"},
    {"frances", "fran", ""},
    {"caroline", "carrie caz", "carolyn"},
    {"mary", "molly polly", ""},
    {"sarah", "sally sadie", "sara"},
    {"teresa", "tess tessa", "theresa"},
    {"gillian", "gill jill", "jillian"},
    {"kimberley", "kim", "kimberly"},
    {"pamela", "pam", ""},
    {"penelope", "penny", ""},
    {"valerie", "val", ""},
    {"christine", "chrissie", ""},
    {"samantha", "sammie", ""},
    {"anne", "annie", "ann"},
    {"sophia", "", "sophie"},
    {"zoe", "", "zoey"},
    // Transliteration groups.
    {"muhammad", "mo",
     "mohammed mohamed mohammad muhammed mohamad mohammod mohd"},
    {"ahmed", "", "ahmad ahmet"},
    {"yusuf", "", "youssef yousef yousuf yusef"},
    {"hussain", "", "hussein husain hossein"},
    {"hassan", "", "hasan"},
    {"abdullah", "", "abdulla abdallah"},
    {"ibrahim", "", "ebrahim"},
    {"mustafa", "", "mustapha mostafa"},
    {"omar", "", "umar omer"},
    {"fatima", "", "fatimah fatma"},
    {"aisha", "", "ayesha aysha aishah"},
    {"khadija", "", "khadijah"},
    {"sergei", "", "sergey serhiy"},
    {"dmitri", "", "dmitry dmitriy dimitri"},
    {"yuri", "", "yury iurii"},
    {"yevgeny", "", "evgeny evgeni yevgeni"},
    {"natalia", "", "natalya nataliya"},
    {"tatiana", "", "tatyana tetiana"},
    {"yulia", "", "yuliya iuliia"},
};

struct Entry {
  absl::string_view name;
  absl::string_view formal;
  GivenNameLink link;
  bool operator<(const Entry& other) const { return name < other.name; }
};

const std::vector<Entry>& Table() {
  static const std::vector<Entry>* const table = [] {
    auto* entries = new std::vector<Entry>;
    for (const Group& g : kGroups) {
      entries->push_back({g.formal, g.formal, GivenNameLink::kFormal});
      for (absl::string_view n :
           absl::StrSplit(g.nicknames, ' ', absl::SkipEmpty())) {
        entries->push_back({n, g.formal, GivenNameLink::kNickname});
      }
      for (absl::string_view n :
           absl::StrSplit(g.transliterations, ' ', absl::SkipEmpty())) {
        entries->push_back({n, g.formal, GivenNameLink::kTransliteration});
      }
    }
    std::sort(entries->begin(), entries->end());
    return entries;
  }();
  return *table;
}

}  // namespace

namespace person_match_internal {

std::pair<absl::string_view, GivenNameLink> LookUpGivenName(
    absl::string_view normalised_given) {
  const std::vector<Entry>& table = Table();
  auto it =
      std::lower_bound(table.begin(), table.end(),
                       Entry{normalised_given, {}, GivenNameLink::kFormal});
  if (it == table.end() || it->name != normalised_given) {
    return {normalised_given, GivenNameLink::kFormal};
  }
  return {it->formal, it->link};
}

}  // namespace person_match_internal

absl::string_view FormalGivenName(absl::string_view normalised_given) {
  return person_match_internal::LookUpGivenName(normalised_given).first;
}

}  // namespace safeguard
