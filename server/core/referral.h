// File: server/core/referral.h
//
// The referral domain model: the common envelope and the four typed forms.
// It mirrors safeguard.v1.Referral (proto/safeguard/v1/referral.proto) field
// for field, so the RPC and storage layers convert mechanically, while the
// core stays free of protobuf.
//
// Value types; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_REFERRAL_H_
#define SAFEGUARD_SERVER_CORE_REFERRAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/core/dash.h"

namespace safeguard {

enum class ReferralKind { kUnspecified, kNrm, kChannel, kMarac, kTargetHardening };
absl::string_view ReferralKindName(ReferralKind kind);  // "NRM", ...

enum class Priority { kUnspecified, kStandard, kMedium, kHigh, kCritical };

// A possibly partial calendar date: month and day are 0 when unknown.
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  bool empty() const { return year == 0 && month == 0 && day == 0; }
};

struct Address {
  std::vector<std::string> lines;
  std::string town;
  std::string postcode;
  bool empty() const { return lines.empty() && town.empty() && postcode.empty(); }
};

enum class ContactChannel {
  kUnspecified, kPhone, kTextMessage, kEmail, kLetter, kInPerson,
  kViaProfessional
};

struct SafeContactRules {
  std::vector<ContactChannel> channels;
  std::string phone;
  std::string email;
  std::string times;
  bool never_at_address = false;
  std::string instructions;
};

// An identifier another service gives a person. Numbers are stored.
enum class PersonIdentifierType { kUnspecified = 0, kNhsNumber = 1, kPncId = 2 };
struct PersonIdentifier {
  PersonIdentifierType type = PersonIdentifierType::kUnspecified;
  std::string value;  // as validated: an NHS number's 10 digits, a PNC id
                      // upper-cased ("98/123456X")
  bool operator==(const PersonIdentifier& o) const {
    return type == o.type && value == o.value;
  }
};

struct Person {
  std::string full_name;
  std::vector<std::string> aliases;
  Date date_of_birth;
  int approximate_age = 0;
  std::string gender;
  std::string nationality;
  std::vector<std::string> languages;
  Address address;
  SafeContactRules safe_contact;
  std::vector<PersonIdentifier> identifiers;
};

enum class ConsentStatus {
  kUnspecified, kGiven, kRefused, kNotRequired, kOverridden, kWithdrawn
};
enum class CapacityAssessment { kUnspecified, kHasCapacity, kLacksCapacity };
enum class LegalBasis {
  kUnspecified, kConsent, kDpa2018Sch1Para18, kCrimeAndDisorderActS115,
  kModernSlaveryActS52, kCtsa2015S36, kChildrenAct
};

enum class ConsentGiver {
  kUnspecified, kSubject, kParentOrGuardian, kLocalAuthority
};

struct ConsentRecord {
  ConsentStatus status = ConsentStatus::kUnspecified;
  LegalBasis legal_basis = LegalBasis::kUnspecified;
  std::string reason;
  std::string recorded_by;  // "<agency>/<principal>"
  absl::Time record_time = absl::InfinitePast();
  ConsentGiver given_by = ConsentGiver::kUnspecified;
  CapacityAssessment capacity = CapacityAssessment::kUnspecified;
};

enum class ExternalSystem { kUnspecified, kNrmCase, kCrime, kPreventCase, kMaracCase, kOther };

struct ExternalReference {
  ExternalSystem system = ExternalSystem::kUnspecified;
  std::string value;
};

struct Note {
  std::string author;
  absl::Time create_time = absl::InfinitePast();
  std::string text;
};

// One field a correction changed: its path (with an item's index where
// only that item of a list changed, "subjects[0].date_of_birth") and its
// values before and after, as the API's JSON mapping writes them.
struct FieldChange {
  std::string path;
  std::string before;
  std::string after;
};

struct TransitionRecord {
  std::string actor;
  absl::Time time = absl::InfinitePast();
  std::string action;
  std::string from_state;
  std::string to_state;
  std::string reason;
  std::vector<FieldChange> changes;  // a correction's ("correct")
};

// ---- NRM and Duty to Notify ----
enum class NrmNature { kUnspecified, kNrmReferral, kDutyToNotify };
enum class ExploitationType {
  kUnspecified, kSexual, kLabour, kDomesticServitude, kCriminal, kOrganHarvesting
};
enum class ScaOutcome { kUnspecified, kPositive, kNegative };

struct ScaDecision {
  ScaOutcome outcome = ScaOutcome::kUnspecified;
  Date decision_date;
};

struct NrmForm {
  NrmNature nature = NrmNature::kUnspecified;
  bool subject_is_child = false;
  std::vector<ExploitationType> exploitation_types;
  std::vector<std::string> indicators;
  std::string location;
  std::string period;
  std::string narrative;
  bool needs_accommodation = false;
  bool needs_medical = false;
  bool needs_interpreter = false;
  std::string interpreter_language;
  std::string children_services_contact;
  ScaDecision reasonable_grounds;
  ScaDecision conclusive_grounds;
  absl::Time recovery_period_end = absl::InfinitePast();
};

// ---- Channel / Prevent ----
struct VafAssessment {
  std::string framework_version;
  std::vector<int> factor_scores;
  absl::Time assess_time = absl::InfinitePast();
  std::string assessed_by;
  int engagement_total = 0;
  int intent_total = 0;
  int capability_total = 0;
};

struct ChannelForm {
  std::string concern;
  std::vector<std::string> indicators;
  std::string ideology_or_group;
  std::string online_activity;
  std::string other_safeguarding_concerns;
  bool subject_is_minor = false;
  std::vector<VafAssessment> vaf_assessments;
  absl::Time exit_time = absl::InfinitePast();
};

// ---- MARAC ----
struct ChildDetails {
  std::string full_name;
  Date date_of_birth;
  std::string school;
};

struct MaracAction {
  std::string owner_agency;
  std::string description;
  Date due_date;
  bool done = false;
};

// What equality monitoring records of a MARAC victim; each optional
// (kUnspecified: not recorded). Numbered as safeguard.v1.VictimCharacteristics.
struct VictimCharacteristics {
  enum class AgeBand { kUnspecified, k16To17, k18To24, k25To34, k35To44,
                       k45To54, k55To64, k65OrOver };
  enum class Sex { kUnspecified, kFemale, kMale };
  enum class EthnicityGroup { kUnspecified, kAsian, kBlack, kMixed, kWhite,
                              kOther };
  enum class Answer { kUnspecified, kYes, kNo, kPreferNotToSay };
  AgeBand age_band = AgeBand::kUnspecified;
  Sex sex = Sex::kUnspecified;
  EthnicityGroup ethnicity_group = EthnicityGroup::kUnspecified;
  Answer disability = Answer::kUnspecified;
  Answer lgbt = Answer::kUnspecified;
};

// Why a MARAC case ended early (close_victim_moved_away and the like).
enum class MaracEnding { kUnspecified, kMovedAway, kDeclinedSupport, kDied };

struct MaracForm {
  DashForm dash;  // question set, answers, professional judgement, incidents
  Person perpetrator;
  std::vector<ChildDetails> children;
  std::string relationship;
  bool idva_referral = false;
  // Set by the server.
  int dash_score = 0;
  std::vector<MaracCriterion> criteria;
  Date meeting_date;
  std::vector<MaracAction> actions;
  MaracEnding ending = MaracEnding::kUnspecified;
  // The referrer's reason for calling it a repeat the server's records do
  // not show; and, set by the server, whether REPEAT comes from it.
  std::string repeat_claim;
  bool repeat_claimed = false;
  VictimCharacteristics victim;
};

// ---- Target hardening ----
enum class SecurityMeasure {
  kUnspecified, kLocks, kDoorReinforcement, kAlarm, kPropertyMarking,
  kVideoDoorbell, kCctv, kLighting, kFencing, kSafeRoom, kLetterboxPlate,
  kSmokeAlarms
};
enum class Tenure { kUnspecified, kOwnerOccupier, kSocialRent, kPrivateRent, kOther };

struct TargetHardeningForm {
  Address address;
  std::string access_instructions;
  std::vector<SecurityMeasure> measures_requested;
  bool fire_arson_risk = false;
  Tenure tenure = Tenure::kUnspecified;
  bool landlord_permission = false;
  bool perpetrator_resident = false;
  std::string scheme;
  absl::Time appointment_time = absl::InfinitePast();
  std::vector<SecurityMeasure> measures_installed;
  bool emergency_services_flag = false;
  std::vector<SecurityMeasure> measures_recovered;  // at close
};

using ReferralForm =
    std::variant<std::monostate, NrmForm, ChannelForm, MaracForm, TargetHardeningForm>;

// The kind a form implies (kUnspecified for no form).
ReferralKind KindOfForm(const ReferralForm& form);

// How one referral is linked to another.
enum class LinkType { kUnspecified, kMaracCase, kTargetHardeningJob };

// Where a link stands: both sides name each other (kLinked), or one side
// has asked for it: this one (kProposed) or the other (kRequested).
enum class LinkStatus { kUnspecified, kLinked, kProposed, kRequested };

struct ReferralLink {
  LinkType type = LinkType::kUnspecified;
  std::string referral_id;
  std::string linked_by;  // "<agency>/<principal>"; set by the server
  absl::Time link_time = absl::InfinitePast();
  LinkStatus status = LinkStatus::kLinked;
};

// The kind a link of `type` points to, and the link its referral gets back
// (kUnspecified for a type that points nowhere).
ReferralKind LinkTargetKind(LinkType type);
LinkType ReverseLink(LinkType type);

struct Referral {
  std::string id;         // unguessable; the resource name is "referrals/<id>"
  std::string reference;  // human-readable, e.g. "MAR-2026-000042"
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string state;
  int64_t version = 0;
  std::string referring_agency;
  std::string referrer;  // principal within the agency
  std::string area;
  Priority priority = Priority::kUnspecified;
  absl::Time deadline = absl::InfiniteFuture();  // InfiniteFuture: none
  std::string assignee;  // "<agency>/<principal>", empty if unassigned
  std::vector<Person> subjects;
  ConsentRecord consent;
  std::vector<ExternalReference> external_references;
  std::vector<Note> notes;
  std::vector<TransitionRecord> history;
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  ReferralForm form;
  std::vector<ReferralLink> links;

  bool has_deadline() const { return deadline != absl::InfiniteFuture(); }
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REFERRAL_H_
