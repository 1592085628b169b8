// Channel, the Prevent programme's multi-agency panel (domain.md 1.2).
#include "server/core/kinds/channel.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "server/core/field_violations.h"
#include "server/core/kinds/kinds.h"
#include "server/core/working_days.h"

namespace safeguard {
namespace {

using R = Role;
using G = Guard;

constexpr ReferralKind kChannel = ReferralKind::kChannel;
constexpr RoleSet kPrevent{R::kPreventOfficer};
constexpr RoleSet kPanel{R::kChannelChair};

// The Vulnerability Assessment Framework (Channel Duty Guidance 2015): 22
// factors, in order 13 engagement, 6 intent, 3 capability, each scored 0-3.
constexpr char kVafFramework[] = "vaf-2015";
constexpr size_t kVafEngagementFactors = 13;
constexpr size_t kVafIntentFactors = 6;
constexpr size_t kVafCapabilityFactors = 3;
constexpr int kVafMaxFactorScore = 3;
constexpr size_t kVafFactors =
    kVafEngagementFactors + kVafIntentFactors + kVafCapabilityFactors;
// The factors of the framework (Channel: Vulnerability Assessment
// Framework, HM Government), in factor_scores' order.
constexpr const char* kVafFactorNames[kVafFactors] = {
    // Engagement with a group, cause or ideology.
    "Feelings of grievance and injustice",
    "Feeling under threat",
    "A need for identity, meaning and belonging",
    "A desire for status",
    "A desire for excitement and adventure",
    "A need to dominate and control others",
    "Susceptibility to indoctrination",
    "A desire for political or moral change",
    "Opportunistic involvement",
    "Family or friends involvement in extremism",
    "Being at a transitional time of life",
    "Being influenced or controlled by a group",
    "Relevant mental health issues",
    // Intent to cause harm.
    "Over-identification with a group or ideology",
    "'Them and us' thinking",
    "Dehumanisation of the enemy",
    "Attitudes that justify offending",
    "Harmful means to an end",
    "Harmful objectives",
    // Capability to cause harm.
    "Individual knowledge, skills and competencies",
    "Access to networks, funding or equipment",
    "Criminal capability",
};

// The scoring given is of a framework the workflow knows, in its range.
absl::Status ValidVaf(const Referral&, const StepContext& step) {
  std::vector<FieldViolation> bad;
  const VafAssessment& vaf = *step.details.vaf_assessment;
  if (vaf.framework_version != kVafFramework) {
    bad.push_back({"vaf_assessment.framework_version",
                   absl::StrCat("must be ", kVafFramework)});
  } else if (vaf.factor_scores.size() != kVafFactors) {
    bad.push_back({"vaf_assessment.factor_scores",
                   absl::StrCat("must have ", kVafFactors,
                                " scores (13 engagement, 6 intent, 3 "
                                "capability)")});
  }
  for (size_t i = 0; i < vaf.factor_scores.size(); ++i) {
    if (vaf.factor_scores[i] < 0 || vaf.factor_scores[i] > kVafMaxFactorScore) {
      bad.push_back({absl::StrCat("vaf_assessment.factor_scores[", i, "]"),
                     "must be from 0 to 3"});
    }
  }
  return bad.empty() ? absl::OkStatus() : InvalidArgumentWithViolations(bad);
}

// An adult decides; for an under-18, a parent or guardian.
absl::Status ConsentFromWhoMayGiveIt(const Referral& r,
                                     const StepContext& step) {
  const bool minor = std::get<ChannelForm>(r.form).subject_is_minor;
  const ConsentRecord& consent = *step.details.consent;
  if (minor) {
    if (consent.given_by == ConsentGiver::kParentOrGuardian ||
        consent.given_by == ConsentGiver::kLocalAuthority) {
      return absl::OkStatus();
    }
    return InvalidArgumentWithViolations(
        {{"consent.given_by",
          "must be PARENT_OR_GUARDIAN or LOCAL_AUTHORITY for an under-18"}});
  }
  if (consent.given_by != ConsentGiver::kSubject) {
    return InvalidArgumentWithViolations(
        {{"consent.given_by", "must be SUBJECT for an adult"}});
  }
  if (consent.status == ConsentStatus::kGiven &&
      consent.capacity == CapacityAssessment::kLacksCapacity) {
    return InvalidArgumentWithViolations(
        {{"consent.capacity",
          "a person assessed as lacking capacity cannot consent "
          "themselves"}});
  }
  return absl::OkStatus();
}

// The police gateway assessment, N working days from the referral.
absl::Time Gateway(const Referral&, const StepContext& step) {
  return WorkingDaysDeadline(step.calendar, step.now,
                             step.config.gateway_working_days, step.zone);
}

absl::Time ExitOr(const Referral& r, absl::Time now) {
  const absl::Time exit = std::get<ChannelForm>(r.form).exit_time;
  return exit != absl::InfinitePast() ? exit : now;
}

absl::Time FirstPostExitReview(const Referral& r, const StepContext& step) {
  return MonthsDeadline(ExitOr(r, step.now),
                        step.config.first_post_exit_review_months, step.zone);
}

absl::Time SecondPostExitReview(const Referral& r, const StepContext& step) {
  return MonthsDeadline(ExitOr(r, step.now),
                        step.config.second_post_exit_review_months, step.zone);
}

// Another post-exit review, the interval between the first two later, but
// none past the limit after exit.
absl::Time ExtendedPostExitReview(const Referral& r, const StepContext& step) {
  const WorkflowConfig& c = step.config;
  const absl::Time next = MonthsDeadline(
      step.now,
      std::max(1, c.second_post_exit_review_months -
                      c.first_post_exit_review_months),
      step.zone);
  const absl::Time limit = MonthsDeadline(
      ExitOr(r, step.now), c.post_exit_review_limit_months, step.zone);
  return std::min(next, limit);
}

absl::Status WithinReviewLimit(const Referral& r, const StepContext& step) {
  const absl::Time limit =
      MonthsDeadline(ExitOr(r, step.now),
                     step.config.post_exit_review_limit_months, step.zone);
  if (step.now < limit) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "post-exit reviews end ", step.config.post_exit_review_limit_months,
      " months after exit: close the case, or reopen it"));
}

void AddVaf(Referral& r, const StepContext& step) {
  VafAssessment vaf = *step.details.vaf_assessment;
  vaf.assess_time = step.now;
  vaf.assessed_by = step.actor.name;
  vaf.engagement_total = vaf.intent_total = vaf.capability_total = 0;
  for (size_t i = 0; i < vaf.factor_scores.size(); ++i) {
    int& total = i < kVafEngagementFactors ? vaf.engagement_total
                 : i < kVafEngagementFactors + kVafIntentFactors
                     ? vaf.intent_total
                     : vaf.capability_total;
    total += vaf.factor_scores[i];
  }
  std::get<ChannelForm>(r.form).vaf_assessments.push_back(std::move(vaf));
}

void RecordExit(Referral& r, const StepContext& step) {
  AddVaf(r, step);
  std::get<ChannelForm>(r.form).exit_time = step.now;
}

// clang-format off
constexpr TransitionRule kRules[] = {
  {kChannel, "", "submit", "RECEIVED", G::kNone, kAnyReferrer, Gateway, nullptr},
  {kChannel, "RECEIVED", "begin_gateway", "POLICE_GATEWAY", G::kNone, kPrevent, KeepDeadline, nullptr},
  {kChannel, "POLICE_GATEWAY", "gateway_no_further_action", "NFA", G::kReason, kPrevent, nullptr, nullptr},
  {kChannel, "POLICE_GATEWAY", "gateway_signpost", "SIGNPOSTED", G::kReason, kPrevent, nullptr, nullptr},
  {kChannel, "POLICE_GATEWAY", "gateway_case_management", "PCM", G::kNone, kPrevent, nullptr, nullptr},
  {kChannel, "POLICE_GATEWAY", "gateway_information_gathering", "INFO_GATHERING", G::kNone, kPrevent, nullptr, nullptr},
  {kChannel, "INFO_GATHERING", "refer_to_panel", "PANEL", G::kVafAssessment, kPrevent, nullptr, AddVaf, ValidVaf},
  {kChannel, "PANEL", "panel_not_adopted", "NOT_ADOPTED", G::kReason, kPanel, nullptr, nullptr},
  {kChannel, "PANEL", "panel_adopted", "ADOPTED", G::kNone, kPanel, nullptr, nullptr},
  {kChannel, "ADOPTED", "seek_consent", "CONSENT_SOUGHT", G::kNone, kPanel, nullptr, nullptr},
  {kChannel, "CONSENT_SOUGHT", "record_consent_declined", "DECLINED", G::kConsentRefused, kPanel, nullptr, RecordConsent, ConsentFromWhoMayGiveIt},
  {kChannel, "CONSENT_SOUGHT", "record_consent_given", "SUPPORT_PLAN", G::kConsentGiven, kPanel, nullptr, RecordConsent, ConsentFromWhoMayGiveIt},
  // Support is voluntary: consent withdrawn ends it.
  {kChannel, "SUPPORT_PLAN", "withdraw_consent", "CONSENT_WITHDRAWN", G::kConsentWithdrawn, kPanel, nullptr, RecordConsent, ConsentWasGiven},
  {kChannel, "SUPPORT_PLAN", "review_vaf", "SUPPORT_PLAN", G::kVafAssessment, kPanel, KeepDeadline, AddVaf, ValidVaf},
  {kChannel, "SUPPORT_PLAN", "exit", "EXITED", G::kVafAssessment, kPanel, FirstPostExitReview, RecordExit, ValidVaf},
  {kChannel, "EXITED", "complete_post_exit_review", "POST_EXIT_REVIEW_1", G::kNone, kPanel, SecondPostExitReview, nullptr},
  {kChannel, "POST_EXIT_REVIEW_1", "complete_post_exit_review", "POST_EXIT_REVIEW_2", G::kNone, kPanel, nullptr, nullptr},
  {kChannel, "POST_EXIT_REVIEW_2", "extend_post_exit_reviews", "POST_EXIT_REVIEW_2", G::kReason, kPanel, ExtendedPostExitReview, nullptr, WithinReviewLimit},
  {kChannel, "POST_EXIT_REVIEW_2", "close", "CLOSED", G::kNone, kPanel, nullptr, nullptr},
  // The panel hears a case at its meetings (safeguard.v1.Meetings): to
  // decide on adoption, to review the support plan and the VAF, and at its
  // post-exit reviews; when concerns return, it reopens.
  {kChannel, "PANEL", "list", "PANEL", G::kMeeting, kPanel, KeepDeadline, nullptr},
  {kChannel, "SUPPORT_PLAN", "list", "SUPPORT_PLAN", G::kMeeting, kPanel, KeepDeadline, nullptr},
  {kChannel, "EXITED", "list", "EXITED", G::kMeeting, kPanel, KeepDeadline, nullptr},
  {kChannel, "POST_EXIT_REVIEW_1", "list", "POST_EXIT_REVIEW_1", G::kMeeting, kPanel, KeepDeadline, nullptr},
  {kChannel, "EXITED", "reopen", "PANEL", G::kReason, kPanel, nullptr, nullptr},
  {kChannel, "POST_EXIT_REVIEW_1", "reopen", "PANEL", G::kReason, kPanel, nullptr, nullptr},
  {kChannel, "POST_EXIT_REVIEW_2", "reopen", "PANEL", G::kReason, kPanel, nullptr, nullptr},
  {kChannel, "PCM", "close", "CLOSED", G::kReason, kPrevent, nullptr, nullptr},
};

constexpr AssignmentRule kAssignmentRules[] = {
  {kChannel, "", RoleSet{R::kPreventOfficer, R::kChannelChair}, RoleSet{R::kPreventOfficer, R::kChannelChair}},
};
// clang-format on

class ChannelModule final : public ReferralKindModule {
 public:
  ReferralKind kind() const override { return kChannel; }
  absl::string_view reference_prefix() const override { return "CHA"; }
  absl::Span<const TransitionRule> rules() const override { return kRules; }
  absl::Span<const AssignmentRule> assignment_rules() const override {
    return kAssignmentRules;
  }

  void Validate(const Referral& r, const ValidationConfig&,
                absl::CivilDay today, FieldChecker& c) const override {
    const ChannelForm& f = std::get<ChannelForm>(r.form);
    const std::string p = "referral.channel";
    CheckChildFlag(c, p + ".subject_is_minor", f.subject_is_minor, r, today);
    c.Text(p + ".concern", f.concern, kMaxLongTextBytes, true);
    c.List(p + ".indicators", f.indicators.size());
    c.Text(p + ".ideology_or_group", f.ideology_or_group, kMaxShortTextBytes);
    c.Text(p + ".online_activity", f.online_activity, kMaxLongTextBytes);
    c.Text(p + ".other_safeguarding_concerns", f.other_safeguarding_concerns,
           kMaxLongTextBytes);
    if (!r.subjects.empty() && r.subjects[0].full_name.empty()) {
      c.Add("referral.subjects[0].full_name", "is required");
    }
  }

  absl::Span<const CorrectableField> correctable_fields() const override {
    static constexpr CorrectableField kFields[] = {
        {"channel.concern", &CopyFormField<&ChannelForm::concern>},
        {"channel.indicators", &CopyFormField<&ChannelForm::indicators>},
        {"channel.ideology_or_group", &CopyFormField<&ChannelForm::ideology_or_group>},
        {"channel.online_activity", &CopyFormField<&ChannelForm::online_activity>},
        {"channel.other_safeguarding_concerns", &CopyFormField<&ChannelForm::other_safeguarding_concerns>},
    };
    return kFields;
  }

  void ClearServerFields(ReferralForm& form) const override {
    ChannelForm& f = std::get<ChannelForm>(form);
    f.vaf_assessments.clear();
    f.exit_time = absl::InfinitePast();
  }
};

}  // namespace

std::vector<VafFramework> VafFrameworks() {
  return {{kVafFramework, static_cast<int>(kVafEngagementFactors),
           static_cast<int>(kVafIntentFactors),
           static_cast<int>(kVafCapabilityFactors), kVafMaxFactorScore,
           std::vector<std::string>(std::begin(kVafFactorNames),
                                    std::end(kVafFactorNames))}};
}

const ReferralKindModule& ChannelKind() {
  static const ReferralKindModule* const kModule = new ChannelModule();
  return *kModule;
}

}  // namespace safeguard
