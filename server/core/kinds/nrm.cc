// The National Referral Mechanism and the Duty to Notify (domain.md 1.1).
//
// The rules follow the Modern Slavery Act: only a First Responder
// Organisation refers; an adult must consent to an NRM referral; an adult
// who does not consent can only be notified as an anonymous Duty to Notify,
// which refuses every identifying field (s52(3)); a child needs no consent
// but needs a children's services contact.
#include "absl/strings/str_cat.h"
#include "server/core/kinds/kinds.h"
#include "server/core/working_days.h"

namespace safeguard {
namespace {

using R = Role;
using G = Guard;

constexpr ReferralKind kNrm = ReferralKind::kNrm;
constexpr RoleSet kFr{R::kFirstResponder};
constexpr RoleSet kFrOrLead{R::kFirstResponder, R::kAgencyLead};

absl::Status NrmReferralAllowed(const Referral& r, const StepContext&) {
  const auto* nrm = std::get_if<NrmForm>(&r.form);
  if (nrm != nullptr && nrm->nature == NrmNature::kNrmReferral &&
      (nrm->subject_is_child || r.consent.status == ConsentStatus::kGiven)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "an NRM referral needs a child, or an adult's informed consent");
}

absl::Status DutyToNotifyAllowed(const Referral& r, const StepContext&) {
  const auto* nrm = std::get_if<NrmForm>(&r.form);
  if (nrm != nullptr && nrm->nature == NrmNature::kDutyToNotify &&
      !nrm->subject_is_child) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "a Duty to Notify is only for an adult who does not consent");
}

// The reasonable-grounds decision, N working days from the referral.
absl::Time RgDecision(const Referral&, const StepContext& step) {
  return WorkingDaysDeadline(step.calendar, step.now,
                             step.config.rg_decision_working_days, step.zone);
}

// The recovery period: at least N calendar days, counted from the positive
// reasonable-grounds decision's date (recorded with the decision, and
// validated then; from today for a referral without one).
absl::Time RecoveryPeriod(const Referral& r, const StepContext& step) {
  const Date& decided =
      std::get<NrmForm>(r.form).reasonable_grounds.decision_date;
  const absl::Time from =
      decided.empty()
          ? step.now
          : absl::FromCivil(
                absl::CivilDay(decided.year, decided.month, decided.day),
                step.zone);
  return CalendarDaysDeadline(from, step.config.recovery_period_days,
                              step.zone);
}

// No conclusive-grounds decision before the recovery period has ended.
absl::Status AfterRecoveryPeriod(const Referral& r, const StepContext& step) {
  const absl::Time end = std::get<NrmForm>(r.form).recovery_period_end;
  if (end == absl::InfinitePast()) return absl::OkStatus();
  const absl::CivilDay last_day = absl::ToCivilDay(end, step.zone);
  const Date& d = step.details.sca_decision->decision_date;
  if (absl::CivilDay(d.year, d.month, d.day) > last_day) {
    return absl::OkStatus();
  }
  return InvalidArgumentWithViolations(
      {{"sca_decision.decision_date",
        absl::StrCat("must be after the recovery period, which ends on ",
                     absl::FormatCivilTime(last_day))}});
}

// A reconsideration is asked for within N days of the decision in force:
// the conclusive-grounds one once made, else the reasonable-grounds one.
absl::Status ReconsiderationInTime(const Referral& r,
                                   const StepContext& step) {
  const NrmForm& nrm = std::get<NrmForm>(r.form);
  const Date& d = nrm.conclusive_grounds.decision_date.empty()
                      ? nrm.reasonable_grounds.decision_date
                      : nrm.conclusive_grounds.decision_date;
  if (d.empty()) return absl::OkStatus();
  const absl::CivilDay due = absl::CivilDay(d.year, d.month, d.day) +
                            step.config.reconsideration_request_days;
  if (absl::ToCivilDay(step.now, step.zone) <= due) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "a reconsideration is asked for within ",
      step.config.reconsideration_request_days,
      " days of the decision; that was due by ", absl::FormatCivilTime(due)));
}

void RecordRgDecision(Referral& r, const StepContext& step) {
  std::get<NrmForm>(r.form).reasonable_grounds = *step.details.sca_decision;
}

void RecordCgDecision(Referral& r, const StepContext& step) {
  std::get<NrmForm>(r.form).conclusive_grounds = *step.details.sca_decision;
}

void StartRecoveryPeriod(Referral& r, const StepContext& step) {
  std::get<NrmForm>(r.form).recovery_period_end = RecoveryPeriod(r, step);
}

// clang-format off
constexpr TransitionRule kRules[] = {
  {kNrm, "", "submit", "NRM_SUBMITTED", G::kNone, kFr, RgDecision, nullptr, NrmReferralAllowed},
  {kNrm, "", "submit", "DTN_SUBMITTED", G::kNone, kFr, nullptr, nullptr, DutyToNotifyAllowed},
  {kNrm, "NRM_SUBMITTED", "record_sca_reference", "REF_ASSIGNED", G::kExternalReference, kFrOrLead, KeepDeadline, AddExternalReference},
  {kNrm, "REF_ASSIGNED", "await_rg_decision", "RG_PENDING", G::kNone, kFrOrLead, KeepDeadline, nullptr},
  {kNrm, "RG_PENDING", "record_rg_decision", "RG_POSITIVE", G::kScaPositive, kFrOrLead, nullptr, RecordRgDecision},
  {kNrm, "RG_PENDING", "record_rg_decision", "RG_NEGATIVE", G::kScaNegative, kFrOrLead, nullptr, RecordRgDecision},
  {kNrm, "RG_POSITIVE", "start_recovery_support", "RECOVERY_SUPPORT", G::kNone, kFrOrLead, RecoveryPeriod, StartRecoveryPeriod},
  {kNrm, "RECOVERY_SUPPORT", "await_cg_decision", "CG_PENDING", G::kNone, kFrOrLead, KeepDeadline, nullptr},
  {kNrm, "CG_PENDING", "record_cg_decision", "CG_POSITIVE", G::kScaPositive, kFrOrLead, nullptr, RecordCgDecision, AfterRecoveryPeriod},
  {kNrm, "CG_PENDING", "record_cg_decision", "CG_NEGATIVE", G::kScaNegative, kFrOrLead, nullptr, RecordCgDecision, AfterRecoveryPeriod},
  {kNrm, "RG_POSITIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, nullptr, nullptr, ReconsiderationInTime},
  {kNrm, "RG_NEGATIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, nullptr, nullptr, ReconsiderationInTime},
  {kNrm, "CG_POSITIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, nullptr, nullptr, ReconsiderationInTime},
  {kNrm, "CG_NEGATIVE", "request_reconsideration", "RECONSIDERATION_REQUESTED", G::kReason, kFr, nullptr, nullptr, ReconsiderationInTime},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_rg_decision", "RG_POSITIVE", G::kScaPositive, kFrOrLead, nullptr, RecordRgDecision},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_rg_decision", "RG_NEGATIVE", G::kScaNegative, kFrOrLead, nullptr, RecordRgDecision},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_cg_decision", "CG_POSITIVE", G::kScaPositive, kFrOrLead, nullptr, RecordCgDecision, AfterRecoveryPeriod},
  {kNrm, "RECONSIDERATION_REQUESTED", "record_cg_decision", "CG_NEGATIVE", G::kScaNegative, kFrOrLead, nullptr, RecordCgDecision, AfterRecoveryPeriod},
  {kNrm, "RG_POSITIVE", "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "RECOVERY_SUPPORT", "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "CG_PENDING", "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "NRM_SUBMITTED", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "REF_ASSIGNED", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "RG_PENDING", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "RG_POSITIVE", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "RECOVERY_SUPPORT", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, nullptr, nullptr},
  {kNrm, "CG_PENDING", "withdraw", "WITHDRAWN", G::kReason, kFrOrLead, nullptr, nullptr},
  // An adult withdraws consent: support ends, and the referral stays as the
  // record (a child's referral needs no consent: none to withdraw).
  {kNrm, "NRM_SUBMITTED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kFrOrLead, nullptr, RecordConsent, ConsentWasGiven},
  {kNrm, "REF_ASSIGNED", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kFrOrLead, nullptr, RecordConsent, ConsentWasGiven},
  {kNrm, "RG_PENDING", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kFrOrLead, nullptr, RecordConsent, ConsentWasGiven},
  {kNrm, "RG_POSITIVE", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kFrOrLead, nullptr, RecordConsent, ConsentWasGiven},
  {kNrm, "RECOVERY_SUPPORT", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kFrOrLead, nullptr, RecordConsent, ConsentWasGiven},
  {kNrm, "CG_PENDING", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kFrOrLead, nullptr, RecordConsent, ConsentWasGiven},
};

constexpr AssignmentRule kAssignmentRules[] = {
  {kNrm, "", kFrOrLead, kFrOrLead},
};
// clang-format on

class NrmModule final : public ReferralKindModule {
 public:
  ReferralKind kind() const override { return kNrm; }
  absl::string_view reference_prefix() const override { return "NRM"; }
  absl::Span<const TransitionRule> rules() const override { return kRules; }
  absl::Span<const AssignmentRule> assignment_rules() const override {
    return kAssignmentRules;
  }

  absl::Status MaySubmit(bool first_responder) const override {
    if (first_responder) return absl::OkStatus();
    return absl::PermissionDeniedError(
        "only a First Responder Organisation may submit NRM referrals");
  }

  void Validate(const Referral& r, const ValidationConfig&,
                absl::CivilDay today, FieldChecker& c) const override {
    const NrmForm& nrm = std::get<NrmForm>(r.form);
    const std::string p = "referral.nrm";
    CheckChildFlag(c, p + ".subject_is_child", nrm.subject_is_child, r, today);
    if (nrm.nature == NrmNature::kUnspecified) {
      c.Add(p + ".nature", "is required");
    }
    if (nrm.exploitation_types.empty()) {
      c.Add(p + ".exploitation_types", "must name at least one type");
    }
    for (size_t i = 0; i < nrm.exploitation_types.size(); ++i) {
      if (nrm.exploitation_types[i] == ExploitationType::kUnspecified) {
        c.Add(absl::StrCat(p, ".exploitation_types[", i, "]"),
              "is not a known exploitation type");
      }
    }
    c.List(p + ".indicators", nrm.indicators.size());
    c.Text(p + ".location", nrm.location, kMaxShortTextBytes);
    c.Text(p + ".period", nrm.period, kMaxShortTextBytes);
    c.Text(p + ".narrative", nrm.narrative, kMaxLongTextBytes);
    if (nrm.needs_interpreter) {
      c.Text(p + ".interpreter_language", nrm.interpreter_language,
             kMaxNameBytes, true);
    }
    if (nrm.subject_is_child) {
      if (nrm.nature == NrmNature::kDutyToNotify) {
        c.Add(p + ".nature",
              "a child is referred into the NRM, not notified: use "
              "NRM_REFERRAL");
      }
      c.Text(p + ".children_services_contact", nrm.children_services_contact,
             kMaxShortTextBytes, true);
      return;
    }
    if (nrm.nature == NrmNature::kNrmReferral &&
        r.consent.status != ConsentStatus::kGiven) {
      c.Add("referral.consent.status",
            "an adult must give informed consent to an NRM referral; without "
            "it, submit an anonymous DUTY_TO_NOTIFY");
    }
    if (nrm.nature == NrmNature::kDutyToNotify) {
      if (r.consent.status == ConsentStatus::kGiven) {
        c.Add("referral.consent.status",
              "an adult who consents is referred into the NRM: use "
              "NRM_REFERRAL");
      }
      for (size_t i = 0; i < r.subjects.size(); ++i) {
        c.AddAll(IdentifyingFields(r.subjects[i],
                                   absl::StrCat("referral.subjects[", i, "]")));
      }
      if (!r.external_references.empty()) {
        c.Add("referral.external_references",
              "must be empty in a Duty to Notify (Modern Slavery Act s52(3))");
      }
    }
  }

  // A Duty to Notify's subject is never matched with anyone (s52(3)).
  std::vector<NamedPerson> PeopleNamed(const Referral& r) const override {
    if (std::get<NrmForm>(r.form).nature == NrmNature::kDutyToNotify) {
      return {};
    }
    return ReferralKindModule::PeopleNamed(r);
  }

  absl::Span<const CorrectableField> correctable_fields() const override {
    static constexpr CorrectableField kFields[] = {
        {"nrm.exploitation_types", &CopyFormField<&NrmForm::exploitation_types>},
        {"nrm.indicators", &CopyFormField<&NrmForm::indicators>},
        {"nrm.location", &CopyFormField<&NrmForm::location>},
        {"nrm.period", &CopyFormField<&NrmForm::period>},
        {"nrm.narrative", &CopyFormField<&NrmForm::narrative>},
        {"nrm.needs_accommodation", &CopyFormField<&NrmForm::needs_accommodation>},
        {"nrm.needs_medical", &CopyFormField<&NrmForm::needs_medical>},
        {"nrm.needs_interpreter", &CopyFormField<&NrmForm::needs_interpreter>},
        {"nrm.interpreter_language", &CopyFormField<&NrmForm::interpreter_language>},
        {"nrm.children_services_contact", &CopyFormField<&NrmForm::children_services_contact>},
    };
    return kFields;
  }

  void ClearServerFields(ReferralForm& form) const override {
    NrmForm& f = std::get<NrmForm>(form);
    f.reasonable_grounds = ScaDecision();
    f.conclusive_grounds = ScaDecision();
    f.recovery_period_end = absl::InfinitePast();
  }
};

}  // namespace

const ReferralKindModule& NrmKind() {
  static const ReferralKindModule* const kModule = new NrmModule();
  return *kModule;
}

}  // namespace safeguard
