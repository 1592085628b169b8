#include "server/core/person_index.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/core/person_identifier.h"
#include "server/core/referral_kind.h"

namespace safeguard {

bool CheckedOnSubmission(ReferralKind kind, PersonRole role) {
  return kind == ReferralKind::kMarac &&
         (role == PersonRole::kSubject || role == PersonRole::kPerpetrator);
}

std::vector<NamedPerson> CheckedPeople(ReferralKind kind,
                                       const std::vector<NamedPerson>& people) {
  std::vector<NamedPerson> checked;
  for (const NamedPerson& p : people) {
    if (CheckedOnSubmission(kind, p.role)) checked.push_back(p);
  }
  return checked;
}

PersonFacts FactsOf(const Person& person, absl::Time made) {
  PersonFacts facts;
  facts.full_name = person.full_name;
  facts.aliases = person.aliases;
  facts.date_of_birth = person.date_of_birth;
  facts.approximate_age = person.approximate_age;
  facts.age_on = absl::ToCivilDay(made, absl::UTCTimeZone());
  for (const PersonIdentifier& id : person.identifiers) {
    std::optional<std::string> canonical =
        CanonicalIdentifier(id.type, id.value);
    if (!canonical) continue;  // refused at submission; kept out of matching
    bool repeated = false;
    for (const PersonIdentifier& seen : facts.identifiers) {
      repeated = repeated || seen.type == id.type;
    }
    if (!repeated) facts.identifiers.push_back({id.type, *std::move(canonical)});
  }
  return facts;
}

absl::string_view PersonField(PersonRole role) {
  switch (role) {
    case PersonRole::kPerpetrator:
      return "marac.perpetrator";
    case PersonRole::kChild:
      return "marac.children";
    case PersonRole::kSubject:
      break;
  }
  return "subjects";
}

std::string PersonPath(const NamedPerson& person) {
  if (person.role == PersonRole::kPerpetrator) {
    return std::string(PersonField(person.role));
  }
  return absl::StrCat(PersonField(person.role), "[", person.index, "]");
}

absl::string_view PersonRoleName(PersonRole role) {
  switch (role) {
    case PersonRole::kPerpetrator:
      return "perpetrator";
    case PersonRole::kChild:
      return "child";
    case PersonRole::kSubject:
      break;
  }
  return "subject";
}

std::vector<NamedPerson> ReferralKindModule::PeopleNamed(
    const Referral& referral) const {
  std::vector<NamedPerson> out;
  for (size_t i = 0; i < referral.subjects.size(); ++i) {
    out.push_back({PersonRole::kSubject, static_cast<int>(i),
                   FactsOf(referral.subjects[i], referral.create_time)});
  }
  return out;
}

}  // namespace safeguard
