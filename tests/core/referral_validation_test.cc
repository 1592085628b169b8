#include "server/core/referral_validation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace safeguard {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 11, 24, 12, 0, 0),
                                        absl::UTCTimeZone());

ValidationConfig Config() {
  ValidationConfig config;
  config.areas = {"west-suffolk", "ipswich"};
  return config;
}

ConsentRecord Consent(ConsentStatus status, LegalBasis basis,
                      std::string reason) {
  ConsentRecord c;
  c.status = status;
  c.legal_basis = basis;
  c.reason = std::move(reason);
  return c;
}

Person Adult() {
  Person p;
  p.full_name = "Test Subject";
  p.date_of_birth = {1990, 5, 17};
  return p;
}

Referral NrmReferral() {
  Referral r;
  r.kind = ReferralKind::kNrm;
  r.area = "west-suffolk";
  r.subjects = {Adult()};
  r.consent.status = ConsentStatus::kGiven;
  r.consent.legal_basis = LegalBasis::kConsent;
  NrmForm nrm;
  nrm.nature = NrmNature::kNrmReferral;
  nrm.exploitation_types = {ExploitationType::kLabour};
  r.form = nrm;
  return r;
}

NrmForm& Nrm(Referral& r) { return std::get<NrmForm>(r.form); }

TEST(ReferralValidationTest, AConsentingAdultNrmReferralIsValid) {
  EXPECT_THAT(ValidateSubmission(NrmReferral(), Config(), kNow), IsEmpty());
}

TEST(ReferralValidationTest, NrmConsentRules) {
  const std::string s52 =
      "must be empty in a Duty to Notify: it would identify the person "
      "(Modern Slavery Act s52(3))";
  struct Case {
    const char* name;
    void (*mutate)(Referral&);
    std::vector<FieldViolation> expected;
  } cases[] = {
      {"adult without consent",
       [](Referral& r) {
         r.consent.status = ConsentStatus::kRefused;
         r.consent.reason = "declined";
         r.consent.legal_basis = LegalBasis::kModernSlaveryActS52;
       },
       {{"referral.consent.status",
         "an adult must give informed consent to an NRM referral; without it, "
         "submit an anonymous DUTY_TO_NOTIFY"}}},
      {"Duty to Notify with a name and a date of birth",
       [](Referral& r) {
         Nrm(r).nature = NrmNature::kDutyToNotify;
         r.consent = Consent(ConsentStatus::kRefused, LegalBasis::kModernSlaveryActS52, "does not consent");
       },
       {{"referral.subjects[0].full_name", s52},
        {"referral.subjects[0].date_of_birth", s52}}},
      {"Duty to Notify naming every identifying field",
       [](Referral& r) {
         Nrm(r).nature = NrmNature::kDutyToNotify;
         r.consent = Consent(ConsentStatus::kRefused, LegalBasis::kModernSlaveryActS52, "does not consent");
         Person& p = r.subjects[0];
         p.aliases = {"Alias"};
         p.address.lines = {"1 High Street"};
         p.safe_contact.phone = "07700900000";
         p.safe_contact.email = "x@example.org";
         p.identifiers = {{PersonIdentifierType::kNhsNumber, "9434765919"}};
         r.external_references = {{ExternalSystem::kCrime, "CR-1"}};
       },
       {{"referral.subjects[0].full_name", s52},
        {"referral.subjects[0].aliases", s52},
        {"referral.subjects[0].date_of_birth", s52},
        {"referral.subjects[0].identifiers", s52},
        {"referral.subjects[0].address", s52},
        {"referral.subjects[0].safe_contact.phone", s52},
        {"referral.subjects[0].safe_contact.email", s52},
        {"referral.external_references",
         "must be empty in a Duty to Notify (Modern Slavery Act s52(3))"}}},
      {"anonymous Duty to Notify",
       [](Referral& r) {
         Nrm(r).nature = NrmNature::kDutyToNotify;
         r.consent = Consent(ConsentStatus::kRefused, LegalBasis::kModernSlaveryActS52, "does not consent");
         r.subjects[0] = Person();
         r.subjects[0].gender = "female";
         r.subjects[0].nationality = "Vietnamese";
         r.subjects[0].approximate_age = 30;
       },
       {}},
      {"child without children's services contact",
       [](Referral& r) {
         Nrm(r).subject_is_child = true;
         r.subjects[0].date_of_birth = {2012, 3, 1};
         r.consent = Consent(ConsentStatus::kNotRequired, LegalBasis::kChildrenAct, "a child");
       },
       {{"referral.nrm.children_services_contact", "is required"}}},
      {"child needs no consent",
       [](Referral& r) {
         Nrm(r).subject_is_child = true;
         Nrm(r).children_services_contact = "Suffolk MASH duty desk";
         r.subjects[0].date_of_birth = {2012, 3, 1};
         r.consent = Consent(ConsentStatus::kNotRequired, LegalBasis::kChildrenAct, "a child");
       },
       {}},
      {"child as Duty to Notify",
       [](Referral& r) {
         Nrm(r).subject_is_child = true;
         Nrm(r).nature = NrmNature::kDutyToNotify;
         Nrm(r).children_services_contact = "Suffolk MASH duty desk";
         r.subjects[0].date_of_birth = {2012, 3, 1};
         r.consent = Consent(ConsentStatus::kNotRequired, LegalBasis::kChildrenAct, "a child");
       },
       {{"referral.nrm.nature",
         "a child is referred into the NRM, not notified: use NRM_REFERRAL"}}},
      {"flagged adult who is a child by date of birth",
       [](Referral& r) { r.subjects[0].date_of_birth = {2015, 0, 0}; },
       {{"referral.nrm.subject_is_child",
         "contradicts the subject's date of birth (a child)"}}},
      {"year-only birth date on the 18th birthday boundary is not flagged",
       [](Referral& r) { r.subjects[0].date_of_birth = {2008, 0, 0}; }, {}},
      {"identifiers checked, one of each type",
       [](Referral& r) {
         r.subjects[0].identifiers = {
             {PersonIdentifierType::kNhsNumber, "943 476 5919"},
             {PersonIdentifierType::kPncId, "98/123456x"},
             {PersonIdentifierType::kNhsNumber, "4010232137"},
             {PersonIdentifierType::kPncId, "98/ABC"},
             {PersonIdentifierType::kUnspecified, "1"}};
       },
       {{"referral.subjects[0].identifiers",
         "must have at most 4 items"},
        {"referral.subjects[0].identifiers[2].type",
         "must not repeat an identifier's type"},
        {"referral.subjects[0].identifiers[3].value",
         "is not a PNC id: a year, \"/\", up to 7 digits and a letter "
         "(98/123456X)"},
        {"referral.subjects[0].identifiers[4].type",
         "must be NHS_NUMBER or PNC_ID"}}},
  };
  for (const Case& c : cases) {
    Referral r = NrmReferral();
    c.mutate(r);
    EXPECT_EQ(ValidateSubmission(r, Config(), kNow), c.expected) << c.name;
  }
}

TEST(ReferralValidationTest, EnvelopeViolationsAreAllReported) {
  Referral r = NrmReferral();
  r.area = "atlantis";
  r.subjects[0].date_of_birth = {2030, 1, 1};
  r.subjects[0].approximate_age = 200;
  r.subjects[0].safe_contact.email = "not-an-address";
  r.consent = ConsentRecord();
  r.external_references = {{ExternalSystem::kUnspecified, ""}};
  EXPECT_EQ(ValidateSubmission(r, Config(), kNow),
            (std::vector<FieldViolation>{
                {"referral.area", "is not one of the partnership's areas"},
                {"referral.subjects[0].date_of_birth", "must not be in the future"},
                {"referral.subjects[0].approximate_age", "must be from 0 to 120"},
                {"referral.subjects[0].safe_contact.email",
                 "is not an email address"},
                {"referral.consent.status", "is required"},
                {"referral.external_references[0].system", "is required"},
                {"referral.external_references[0].value", "is required"},
                {"referral.consent.status",
                 "an adult must give informed consent to an NRM referral; "
                 "without it, submit an anonymous DUTY_TO_NOTIFY"},
            }));
}

TEST(ReferralValidationTest, KindAndFormMustAgree) {
  Referral r = NrmReferral();
  r.kind = ReferralKind::kMarac;
  EXPECT_THAT(ValidateSubmission(r, Config(), kNow),
              ElementsAre(FieldViolation{
                  "referral.form", "must be the form of the referral's kind"}));
  r.form = std::monostate();
  EXPECT_THAT(ValidateSubmission(r, Config(), kNow),
              ElementsAre(FieldViolation{"referral.form",
                                         "is required: the MARAC form"}));
}

TEST(ReferralValidationTest, TargetHardeningRules) {
  Referral r;
  r.kind = ReferralKind::kTargetHardening;
  r.area = "ipswich";
  r.subjects = {Adult()};
  r.consent.status = ConsentStatus::kGiven;
  TargetHardeningForm th;
  th.perpetrator_resident = true;
  th.measures_requested = {SecurityMeasure::kUnspecified};
  r.form = th;
  EXPECT_EQ(ValidateSubmission(r, Config(), kNow),
            (std::vector<FieldViolation>{
                {"referral.target_hardening.address.lines", "is required"},
                {"referral.target_hardening.address.postcode", "is required"},
                {"referral.target_hardening.measures_requested[0]",
                 "is not a known measure"},
                {"referral.target_hardening.tenure", "is required"},
                {"referral.target_hardening.perpetrator_resident",
                 "must be false: the perpetrator may not live at the property"},
            }));
}

TEST(ReferralValidationTest, AgeRangeFromPartialDates) {
  absl::CivilDay today(2026, 11, 24);
  struct Case {
    Date dob;
    int youngest, oldest;
  } cases[] = {
      {{2008, 11, 24}, 18, 18},
      {{2008, 11, 25}, 17, 17},
      {{2008, 11, 0}, 17, 18},
      {{2008, 0, 0}, 17, 18},
      {{1990, 0, 0}, 35, 36},
  };
  for (const Case& c : cases) {
    std::optional<AgeRange> age = AgeOn(c.dob, today);
    ASSERT_TRUE(age.has_value());
    EXPECT_EQ(age->youngest, c.youngest) << c.dob.year << "-" << c.dob.month;
    EXPECT_EQ(age->oldest, c.oldest) << c.dob.year << "-" << c.dob.month;
  }
  EXPECT_FALSE(AgeOn({}, today).has_value());
}

}  // namespace
}  // namespace safeguard
