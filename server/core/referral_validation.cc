#include "server/core/referral_validation.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/core/person_identifier.h"
#include "server/core/referral_kind.h"

namespace safeguard {

void FieldChecker::Add(std::string field, std::string description) {
  out_.push_back({std::move(field), std::move(description)});
}

void FieldChecker::AddAll(std::vector<FieldViolation> more) {
  for (FieldViolation& v : more) out_.push_back(std::move(v));
}

void FieldChecker::Text(const std::string& field, const std::string& value,
                        size_t max, bool required) {
  if (required && absl::StripAsciiWhitespace(value).empty()) {
    Add(field, "is required");
  } else if (value.size() > max) {
    Add(field, absl::StrCat("must be at most ", max, " bytes"));
  }
}

void FieldChecker::List(const std::string& field, size_t size, size_t max) {
  if (size > max) Add(field, absl::StrCat("must have at most ", max, " items"));
}

bool IsValidDate(const Date& d) {
  if (d.year < 1900 || d.year > 2200) return false;
  if (d.month < 0 || d.month > 12) return false;
  if (d.month == 0) return d.day == 0;
  if (d.day == 0) return true;
  absl::CivilDay day(d.year, d.month, d.day);
  return day.year() == d.year && day.month() == d.month && day.day() == d.day;
}

void CheckDate(FieldChecker& c, const std::string& field, const Date& d,
               absl::CivilDay today) {
  if (d.empty()) return;
  if (!IsValidDate(d)) {
    c.Add(field, "is not a valid date (year, or year and month, or full date)");
    return;
  }
  absl::CivilDay earliest(d.year, d.month == 0 ? 1 : d.month,
                          d.day == 0 ? 1 : d.day);
  if (earliest > today) c.Add(field, "must not be in the future");
}

void CheckPerson(FieldChecker& c, const std::string& path, const Person& p,
                 absl::CivilDay today) {
  c.Text(path + ".full_name", p.full_name, kMaxNameBytes);
  c.List(path + ".aliases", p.aliases.size());
  for (size_t i = 0; i < p.aliases.size(); ++i) {
    c.Text(absl::StrCat(path, ".aliases[", i, "]"), p.aliases[i], kMaxNameBytes,
           true);
  }
  CheckDate(c, path + ".date_of_birth", p.date_of_birth, today);
  if (p.approximate_age < 0 || p.approximate_age > 120) {
    c.Add(path + ".approximate_age", "must be from 0 to 120");
  }
  c.List(path + ".identifiers", p.identifiers.size(), kMaxPersonIdentifiers);
  for (size_t i = 0; i < p.identifiers.size(); ++i) {
    const PersonIdentifier& id = p.identifiers[i];
    const std::string at = absl::StrCat(path, ".identifiers[", i, "]");
    if (id.type != PersonIdentifierType::kNhsNumber &&
        id.type != PersonIdentifierType::kPncId) {
      c.Add(at + ".type", "must be NHS_NUMBER or PNC_ID");
    } else if (!CanonicalIdentifier(id.type, id.value)) {
      c.Add(at + ".value", std::string(IdentifierRule(id.type)));
    } else {
      for (size_t j = 0; j < i; ++j) {
        if (p.identifiers[j].type == id.type) {
          c.Add(at + ".type", "must not repeat an identifier's type");
          break;
        }
      }
    }
  }
  c.Text(path + ".gender", p.gender, kMaxNameBytes);
  c.Text(path + ".nationality", p.nationality, kMaxNameBytes);
  c.List(path + ".languages", p.languages.size());
  c.List(path + ".address.lines", p.address.lines.size(), 8);
  for (size_t i = 0; i < p.address.lines.size(); ++i) {
    c.Text(absl::StrCat(path, ".address.lines[", i, "]"), p.address.lines[i],
           kMaxNameBytes);
  }
  c.Text(path + ".address.postcode", p.address.postcode, 16);
  const SafeContactRules& sc = p.safe_contact;
  for (size_t i = 0; i < sc.channels.size(); ++i) {
    if (sc.channels[i] == ContactChannel::kUnspecified) {
      c.Add(absl::StrCat(path, ".safe_contact.channels[", i, "]"),
            "is not a known contact channel");
    }
  }
  if (!sc.email.empty() && sc.email.find('@') == std::string::npos) {
    c.Add(path + ".safe_contact.email", "is not an email address");
  }
  c.Text(path + ".safe_contact.phone", sc.phone, 40);
  c.Text(path + ".safe_contact.times", sc.times, kMaxShortTextBytes);
  c.Text(path + ".safe_contact.instructions", sc.instructions,
         kMaxShortTextBytes);
  if (sc.never_at_address &&
      std::find(sc.channels.begin(), sc.channels.end(),
                ContactChannel::kLetter) != sc.channels.end()) {
    c.Add(path + ".safe_contact.channels",
          "must not include LETTER when contact at the address is forbidden");
  }
}

// Child or adult, from the form's flag checked against the date of birth.
void CheckChildFlag(FieldChecker& c, const std::string& flag_field,
                    bool is_child, const Referral& r, absl::CivilDay today) {
  if (r.subjects.empty()) return;
  std::optional<AgeRange> age = AgeOn(r.subjects[0].date_of_birth, today);
  if (!age.has_value()) return;
  if (is_child && age->youngest >= 18) {
    c.Add(flag_field, "contradicts the subject's date of birth (an adult)");
  } else if (!is_child && age->oldest < 18) {
    c.Add(flag_field, "contradicts the subject's date of birth (a child)");
  }
}

namespace {

void CheckConsent(FieldChecker& c, const ConsentRecord& consent) {
  switch (consent.status) {
    case ConsentStatus::kUnspecified:
      c.Add("referral.consent.status", "is required");
      return;
    case ConsentStatus::kGiven:
      if (consent.given_by == ConsentGiver::kSubject &&
          consent.capacity == CapacityAssessment::kLacksCapacity) {
        c.Add("referral.consent.capacity",
              "a person assessed as lacking capacity cannot consent "
              "themselves");
      }
      return;
    case ConsentStatus::kWithdrawn:
      c.Add("referral.consent.status",
            "cannot be WITHDRAWN at submission (withdraw_consent records a "
            "withdrawal)");
      return;
    case ConsentStatus::kRefused:
    case ConsentStatus::kNotRequired:
    case ConsentStatus::kOverridden:
      if (absl::StripAsciiWhitespace(consent.reason).empty()) {
        c.Add("referral.consent.reason",
              "is required when consent is not given");
      }
      if (consent.legal_basis == LegalBasis::kUnspecified ||
          consent.legal_basis == LegalBasis::kConsent) {
        c.Add("referral.consent.legal_basis",
              "must name the legal basis for sharing without consent");
      }
      return;
  }
}

}  // namespace

std::optional<AgeRange> AgeOn(const Date& dob, absl::CivilDay today) {
  if (dob.year == 0 || !IsValidDate(dob)) return std::nullopt;
  absl::CivilDay earliest(dob.year, dob.month == 0 ? 1 : dob.month,
                          dob.day == 0 ? 1 : dob.day);
  if (earliest > today) return std::nullopt;
  absl::CivilDay latest =
      dob.month == 0
          ? absl::CivilDay(dob.year, 12, 31)
          : (dob.day == 0
                 ? absl::CivilDay(absl::CivilMonth(dob.year, dob.month) + 1) - 1
                 : earliest);
  auto age = [&](absl::CivilDay born) {
    int years = static_cast<int>(today.year() - born.year());
    if (today.month() < born.month() ||
        (today.month() == born.month() && today.day() < born.day())) {
      --years;
    }
    return years;
  };
  return AgeRange{age(latest), age(earliest)};
}

std::vector<FieldViolation> IdentifyingFields(const Person& person,
                                              const std::string& path) {
  const std::string why =
      "must be empty in a Duty to Notify: it would identify the person "
      "(Modern Slavery Act s52(3))";
  std::vector<FieldViolation> out;
  auto flag = [&](bool present, const char* field) {
    if (present) out.push_back({path + "." + field, why});
  };
  flag(!person.full_name.empty(), "full_name");
  flag(!person.aliases.empty(), "aliases");
  flag(!person.date_of_birth.empty(), "date_of_birth");
  flag(!person.identifiers.empty(), "identifiers");
  flag(!person.address.empty(), "address");
  flag(!person.safe_contact.phone.empty(), "safe_contact.phone");
  flag(!person.safe_contact.email.empty(), "safe_contact.email");
  flag(!person.safe_contact.instructions.empty(), "safe_contact.instructions");
  return out;
}

std::vector<FieldViolation> ValidateSubmission(const Referral& r,
                                               const ValidationConfig& config,
                                               absl::Time now) {
  FieldChecker c;
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  const ReferralKind form_kind = KindOfForm(r.form);
  if (r.kind == ReferralKind::kUnspecified) {
    c.Add("referral.kind", "is required");
  } else if (form_kind == ReferralKind::kUnspecified) {
    c.Add("referral.form", absl::StrCat("is required: the ",
                                        ReferralKindName(r.kind), " form"));
  } else if (form_kind != r.kind) {
    c.Add("referral.form", "must be the form of the referral's kind");
  }
  if (r.area.empty()) {
    c.Add("referral.area", "is required");
  } else if (std::find(config.areas.begin(), config.areas.end(), r.area) ==
             config.areas.end()) {
    c.Add("referral.area", "is not one of the partnership's areas");
  }
  if (r.subjects.empty()) {
    c.Add("referral.subjects", "must name the person the referral is about");
  }
  c.List("referral.subjects", r.subjects.size(), 10);
  for (size_t i = 0; i < r.subjects.size(); ++i) {
    CheckPerson(c, absl::StrCat("referral.subjects[", i, "]"), r.subjects[i],
                today);
  }
  CheckConsent(c, r.consent);
  c.List("referral.external_references", r.external_references.size(), 20);
  for (size_t i = 0; i < r.external_references.size(); ++i) {
    const std::string ep = absl::StrCat("referral.external_references[", i, "]");
    if (r.external_references[i].system == ExternalSystem::kUnspecified) {
      c.Add(ep + ".system", "is required");
    }
    c.Text(ep + ".value", r.external_references[i].value, kMaxNameBytes, true);
  }
  const ReferralKindModule* kind = FindReferralKind(r.kind);
  if (form_kind == r.kind && kind != nullptr) {
    kind->Validate(r, config, today, c);
  }
  return c.Take();
}

}  // namespace safeguard
