// Target hardening: security measures at a victim's home, within the
// scheme's hours of the referral (domain.md 1.4). A one-visit scheme (the
// seed's) may install at the booked survey; a job may be cancelled, with a
// reason, until its works are done.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/core/field_violations.h"
#include "server/core/kinds/kinds.h"
#include "server/core/working_days.h"

namespace safeguard {
namespace {

using R = Role;
using G = Guard;

constexpr ReferralKind kTh = ReferralKind::kTargetHardening;
constexpr RoleSet kSanctuary{R::kSanctuaryCoordinator};
constexpr RoleSet kSanctuaryOrContractor{R::kSanctuaryCoordinator,
                                         R::kContractor};
constexpr RoleSet kSanctuaryOrFire{R::kSanctuaryCoordinator, R::kFireOfficer};

// Consent, the perpetrator not living there, and the tenure's permission.
absl::Status Eligible(const Referral& r, const StepContext&) {
  const TargetHardeningForm& th = std::get<TargetHardeningForm>(r.form);
  std::vector<std::string> unmet;
  if (r.consent.status != ConsentStatus::kGiven) {
    unmet.push_back("the victim's consent");
  }
  if (th.perpetrator_resident) {
    unmet.push_back("the perpetrator not living at the property");
  }
  if (th.tenure != Tenure::kOwnerOccupier && !th.landlord_permission) {
    unmet.push_back("the landlord's permission");
  }
  if (unmet.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("not eligible for target hardening; missing: ",
                   absl::StrJoin(unmet, ", ")));
}

// The scheme surveys and installs at one visit.
absl::Status OneVisit(const Referral& r, const StepContext& step) {
  const std::string& scheme = std::get<TargetHardeningForm>(r.form).scheme;
  if (step.config.one_visit_schemes.count(scheme) > 0) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "the job's scheme surveys and installs at separate visits: record the "
      "survey, then order the works");
}

// The survey and measures, within the scheme's hours of the referral.
absl::Time Service(const Referral& r, const StepContext& step) {
  const std::string& scheme = std::get<TargetHardeningForm>(r.form).scheme;
  auto it = step.config.service_hours_by_scheme.find(scheme);
  return HoursDeadline(step.now,
                       it != step.config.service_hours_by_scheme.end()
                           ? it->second
                           : step.config.default_service_hours);
}

absl::Time FirstReview(const Referral&, const StepContext& step) {
  return MonthsDeadline(step.now, step.config.first_review_months, step.zone);
}

// From the installation, however late the first review was.
absl::Time SecondReview(const Referral& r, const StepContext& step) {
  absl::Time installed = step.now;
  for (auto it = r.history.rbegin(); it != r.history.rend(); ++it) {
    if (it->action == "record_installation") {
      installed = it->time;
      break;
    }
  }
  return MonthsDeadline(installed, step.config.second_review_months, step.zone);
}

void SetAppointment(Referral& r, const StepContext& step) {
  std::get<TargetHardeningForm>(r.form).appointment_time =
      *step.details.appointment_time;
}

void RecordInstallation(Referral& r, const StepContext& step) {
  std::get<TargetHardeningForm>(r.form).measures_installed =
      *step.details.installation;
}

void SetEmergencyFlag(Referral& r, const StepContext&) {
  std::get<TargetHardeningForm>(r.form).emergency_services_flag = true;
}

void ClearEmergencyFlag(Referral& r, const StepContext&) {
  std::get<TargetHardeningForm>(r.form).emergency_services_flag = false;
}

// Only what was installed is taken back.
absl::Status RecoversInstalled(const Referral& r, const StepContext& step) {
  const std::vector<SecurityMeasure>& installed =
      std::get<TargetHardeningForm>(r.form).measures_installed;
  std::vector<FieldViolation> bad;
  const std::vector<SecurityMeasure>& recovered = *step.details.recovery;
  for (size_t i = 0; i < recovered.size(); ++i) {
    if (std::find(installed.begin(), installed.end(), recovered[i]) ==
        installed.end()) {
      bad.push_back({absl::StrCat("recovery.measures_recovered[", i, "]"),
                     "was not installed"});
    }
  }
  return bad.empty() ? absl::OkStatus() : InvalidArgumentWithViolations(bad);
}

// The job ends with its equipment taken back (the victim moved, say).
void RecordRecovery(Referral& r, const StepContext& step) {
  TargetHardeningForm& th = std::get<TargetHardeningForm>(r.form);
  th.measures_recovered = *step.details.recovery;
  th.emergency_services_flag = false;
}

// A cancelled job leaves whoever it was assigned to, the locksmith too.
void Cancel(Referral& r, const StepContext&) { r.assignee.clear(); }

// Consent withdrawn stops the job: recorded, unassigned, the emergency
// services' flag taken off. What was installed may still be recovered.
void WithdrawConsent(Referral& r, const StepContext& step) {
  RecordConsent(r, step);
  r.assignee.clear();
  std::get<TargetHardeningForm>(r.form).emergency_services_flag = false;
}

// clang-format off
constexpr TransitionRule kRules[] = {
  {kTh, "", "submit", "REFERRED", G::kNone, kAnyReferrer, Service, nullptr},
  {kTh, "REFERRED", "begin_eligibility", "ELIGIBILITY", G::kNone, kSanctuary, KeepDeadline, nullptr},
  {kTh, "ELIGIBILITY", "accept", "ACCEPTED", G::kNone, kSanctuary, KeepDeadline, nullptr, Eligible},
  {kTh, "ELIGIBILITY", "decline", "DECLINED", G::kReason, kSanctuary, nullptr, nullptr},
  {kTh, "ACCEPTED", "book_survey", "SURVEY_BOOKED", G::kAppointment, kSanctuaryOrContractor, KeepDeadline, SetAppointment},
  {kTh, "SURVEY_BOOKED", "record_survey", "SURVEYED", G::kNone, kSanctuaryOrContractor, KeepDeadline, nullptr},
  {kTh, "SURVEY_BOOKED", "record_installation", "INSTALLED", G::kInstallation, kSanctuaryOrContractor, FirstReview, RecordInstallation, OneVisit},
  {kTh, "SURVEYED", "order_works", "WORKS_ORDERED", G::kNone, kSanctuary, KeepDeadline, nullptr},
  {kTh, "WORKS_ORDERED", "record_installation", "INSTALLED", G::kInstallation, kSanctuaryOrContractor, FirstReview, RecordInstallation},
  {kTh, "INSTALLED", "set_emergency_flag", "ES_FLAG_SET", G::kNone, kSanctuaryOrFire, KeepDeadline, SetEmergencyFlag},
  {kTh, "ES_FLAG_SET", "complete_review", "REVIEW_3M", G::kNone, kSanctuary, SecondReview, nullptr},
  {kTh, "REVIEW_3M", "complete_review", "REVIEW_6M", G::kNone, kSanctuary, nullptr, nullptr},
  {kTh, "REVIEW_6M", "close", "CLOSED", G::kReason, kSanctuary, nullptr, ClearEmergencyFlag},
  // A declined job is re-referred when things change (the perpetrator has
  // left, the landlord agrees): back to eligibility's start, a new service
  // deadline.
  {kTh, "DECLINED", "re_refer", "REFERRED", G::kReason, kAnyReferrer, Service, nullptr},
  {kTh, "REFERRED", "cancel", "CANCELLED", G::kReason, kSanctuary, nullptr, Cancel},
  {kTh, "ELIGIBILITY", "cancel", "CANCELLED", G::kReason, kSanctuary, nullptr, Cancel},
  {kTh, "ACCEPTED", "cancel", "CANCELLED", G::kReason, kSanctuary, nullptr, Cancel},
  {kTh, "SURVEY_BOOKED", "cancel", "CANCELLED", G::kReason, kSanctuary, nullptr, Cancel},
  {kTh, "SURVEYED", "cancel", "CANCELLED", G::kReason, kSanctuary, nullptr, Cancel},
  {kTh, "WORKS_ORDERED", "cancel", "CANCELLED", G::kReason, kSanctuary, nullptr, Cancel},
  {kTh, "INSTALLED", "recover_and_close", "CLOSED", G::kRecovery, kSanctuary, nullptr, RecordRecovery, RecoversInstalled},
  {kTh, "ES_FLAG_SET", "recover_and_close", "CLOSED", G::kRecovery, kSanctuary, nullptr, RecordRecovery, RecoversInstalled},
  {kTh, "REVIEW_3M", "recover_and_close", "CLOSED", G::kRecovery, kSanctuary, nullptr, RecordRecovery, RecoversInstalled},
  {kTh, "REVIEW_6M", "recover_and_close", "CLOSED", G::kRecovery, kSanctuary, nullptr, RecordRecovery, RecoversInstalled},
  // Consent withdrawn, at any stage before the job ends, stops it.
  {kTh, "REFERRED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "ELIGIBILITY", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "ACCEPTED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "SURVEY_BOOKED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "SURVEYED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "WORKS_ORDERED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "INSTALLED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "ES_FLAG_SET", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "REVIEW_3M", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "REVIEW_6M", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kSanctuary, nullptr, WithdrawConsent, ConsentWasGiven},
  {kTh, "CONSENT_WITHDRAWN", "recover_and_close", "CLOSED", G::kRecovery, kSanctuary, nullptr, RecordRecovery, RecoversInstalled},
};

// Case owners in any state with an action left; a locksmith only once the
// job is accepted (eligibility, and so consent, established) and until the
// works are done.
constexpr AssignmentRule kAssignmentRules[] = {
  {kTh, "", kSanctuary, kSanctuary},
  {kTh, "ACCEPTED SURVEY_BOOKED SURVEYED WORKS_ORDERED", kSanctuary, RoleSet{R::kContractor}},
};
// clang-format on

class TargetHardeningModule final : public ReferralKindModule {
 public:
  ReferralKind kind() const override { return kTh; }
  absl::string_view reference_prefix() const override { return "THD"; }
  absl::Span<const TransitionRule> rules() const override { return kRules; }
  absl::Span<const AssignmentRule> assignment_rules() const override {
    return kAssignmentRules;
  }

  void Validate(const Referral& r, const ValidationConfig& config,
                absl::CivilDay, FieldChecker& c) const override {
    const TargetHardeningForm& f = std::get<TargetHardeningForm>(r.form);
    const std::string p = "referral.target_hardening";
    if (f.address.lines.empty()) c.Add(p + ".address.lines", "is required");
    c.Text(p + ".address.postcode", f.address.postcode, 16, true);
    c.Text(p + ".access_instructions", f.access_instructions,
           kMaxShortTextBytes);
    if (f.measures_requested.empty()) {
      c.Add(p + ".measures_requested", "must name at least one measure");
    }
    for (size_t i = 0; i < f.measures_requested.size(); ++i) {
      if (f.measures_requested[i] == SecurityMeasure::kUnspecified) {
        c.Add(absl::StrCat(p, ".measures_requested[", i, "]"),
              "is not a known measure");
      }
    }
    if (f.tenure == Tenure::kUnspecified) c.Add(p + ".tenure", "is required");
    if (f.perpetrator_resident) {
      c.Add(p + ".perpetrator_resident",
            "must be false: the perpetrator may not live at the property");
    }
    // An empty scheme means the default service deadline.
    if (!f.scheme.empty() && !config.schemes.empty() &&
        std::find(config.schemes.begin(), config.schemes.end(), f.scheme) ==
            config.schemes.end()) {
      c.Add(p + ".scheme", "is not a configured scheme");
    }
  }

  absl::Span<const CorrectableField> correctable_fields() const override {
    static constexpr CorrectableField kFields[] = {
        {"target_hardening.address", &CopyFormField<&TargetHardeningForm::address>},
        {"target_hardening.access_instructions", &CopyFormField<&TargetHardeningForm::access_instructions>},
        {"target_hardening.measures_requested", &CopyFormField<&TargetHardeningForm::measures_requested>},
        {"target_hardening.fire_arson_risk", &CopyFormField<&TargetHardeningForm::fire_arson_risk>},
        {"target_hardening.tenure", &CopyFormField<&TargetHardeningForm::tenure>},
        {"target_hardening.landlord_permission", &CopyFormField<&TargetHardeningForm::landlord_permission>},
    };
    return kFields;
  }

  void ClearServerFields(ReferralForm& form) const override {
    TargetHardeningForm& f = std::get<TargetHardeningForm>(form);
    f.appointment_time = absl::InfinitePast();
    f.measures_installed.clear();
    f.emergency_services_flag = false;
    f.measures_recovered.clear();
  }

  // A job made from a MARAC case names it.
  bool TakesLink(LinkType type) const override {
    return type == LinkType::kMaracCase;
  }
};

}  // namespace

const ReferralKindModule& TargetHardeningKind() {
  static const ReferralKindModule* const kModule = new TargetHardeningModule();
  return *kModule;
}

}  // namespace safeguard
