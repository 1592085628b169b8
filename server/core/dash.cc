#include "server/core/dash.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace safeguard {
namespace {

constexpr absl::string_view kSafeLives2009 = "safelives-2009";

// The SafeLives DASH risk identification checklist (2009), paraphrased
// shortly, in checklist order. "The abuser" stands for the named person.
const DashQuestionSet& SafeLives2009() {
  static const DashQuestionSet* const kSet = new DashQuestionSet{
      std::string(kSafeLives2009),
      {
          "Has the current incident resulted in injury?",
          "Are you very frightened?",
          "Are you afraid of further injury or violence?",
          "Do you feel isolated from family or friends?",
          "Are you feeling depressed or having suicidal thoughts?",
          "Have you separated or tried to separate from the abuser within "
          "the past year?",
          "Is there conflict over child contact?",
          "Does the abuser constantly text, call, contact, follow, stalk or "
          "harass you?",
          "Are you pregnant or have you recently had a baby (within the last "
          "18 months)?",
          "Is the abuse happening more often?",
          "Is the abuse getting worse?",
          "Does the abuser try to control everything you do and/or are they "
          "excessively jealous?",
          "Has the abuser ever used weapons or objects to hurt you?",
          "Has the abuser ever threatened to kill you or someone else and you "
          "believed them?",
          "Has the abuser ever attempted to strangle, choke, suffocate or "
          "drown you?",
          "Does the abuser do or say things of a sexual nature that make you "
          "feel bad or that physically hurt you or someone else?",
          "Is there any other person who has threatened you or who you are "
          "afraid of?",
          "Do you know if the abuser has hurt anyone else?",
          "Has the abuser ever mistreated an animal or the family pet?",
          "Are there any financial issues (e.g. are you dependent on the "
          "abuser for money, have they recently lost their job)?",
          "Has the abuser had problems in the past year with drugs, alcohol "
          "or mental health leading to problems in leading a normal life?",
          "Has the abuser ever threatened or attempted suicide?",
          "Has the abuser ever broken bail, an injunction or a formal "
          "agreement for when they can see you and/or the children?",
          "Do you know if the abuser has ever been in trouble with the police "
          "or has a criminal history?",
      }};
  return *kSet;
}

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  if (prefix.empty()) return std::string(field);
  return absl::StrCat(prefix, ".", field);
}

bool IsAnswered(DashAnswer answer) {
  // Anything outside the enum (e.g. a cast from an unknown wire value) is
  // not an answer either.
  return answer == DashAnswer::kYes || answer == DashAnswer::kNo ||
         answer == DashAnswer::kNotKnown;
}

// Unicode code points in UTF-8 `s`: every byte that is not a continuation
// byte (10xxxxxx). Malformed UTF-8 is counted byte by byte, near enough.
int CodePoints(absl::string_view s) {
  int n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool IsValidRationale(absl::string_view rationale,
                      const MaracCriteriaConfig& config) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(rationale);
  return !trimmed.empty() && CodePoints(trimmed) >= config.min_rationale_chars;
}

}  // namespace

const DashQuestionSet* FindDashQuestionSet(absl::string_view version) {
  if (version == kSafeLives2009) return &SafeLives2009();
  return nullptr;
}

std::vector<const DashQuestionSet*> DashQuestionSets() {
  return {&SafeLives2009()};
}

std::vector<FieldViolation> ValidateDash(const DashForm& form,
                                         absl::string_view field_prefix,
                                         const MaracCriteriaConfig& config) {
  std::vector<FieldViolation> violations;

  const DashQuestionSet* set = FindDashQuestionSet(form.question_set_version);
  if (form.question_set_version.empty()) {
    violations.push_back(
        {FieldPath(field_prefix, "question_set_version"), "is required"});
  } else if (set == nullptr) {
    violations.push_back({FieldPath(field_prefix, "question_set_version"),
                          "is not a known question set"});
  }

  // The version is safe to quote: a known version is ours, not the
  // submitter's.
  if (set != nullptr && form.answers.size() != set->questions.size()) {
    violations.push_back(
        {FieldPath(field_prefix, "answers"),
         absl::StrCat("must have ", set->questions.size(),
                      " answers for question set ", set->version)});
  }
  for (std::size_t i = 0; i < form.answers.size(); ++i) {
    if (!IsAnswered(form.answers[i])) {
      violations.push_back(
          {FieldPath(field_prefix, absl::StrCat("answers[", i, "]")),
           "must be answered (yes, no or not known)"});
    }
  }

  if (form.professional_judgement &&
      !IsValidRationale(form.professional_judgement_rationale, config)) {
    std::string description = "is required for professional judgement";
    if (config.min_rationale_chars > 1) {
      absl::StrAppend(&description, " (at least ", config.min_rationale_chars,
                      " characters)");
    }
    violations.push_back(
        {FieldPath(field_prefix, "professional_judgement_rationale"),
         std::move(description)});
  }

  if (form.incidents_last_period < 0) {
    violations.push_back({FieldPath(field_prefix, "incidents_last_period"),
                          "must not be negative"});
  }
  return violations;
}

int DashScore(const DashForm& form) {
  return static_cast<int>(
      std::count(form.answers.begin(), form.answers.end(), DashAnswer::kYes));
}

absl::string_view MaracCriterionName(MaracCriterion criterion) {
  switch (criterion) {
    case MaracCriterion::kVisibleHighRisk:
      return "VISIBLE_HIGH_RISK";
    case MaracCriterion::kProfessionalJudgement:
      return "PROFESSIONAL_JUDGEMENT";
    case MaracCriterion::kEscalation:
      return "ESCALATION";
    case MaracCriterion::kRepeat:
      return "REPEAT";
  }
  return "UNKNOWN";
}

bool IsWithinCalendarMonths(absl::Time then, int months, absl::Time now) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond start = absl::ToCivilSecond(then, utc);
  // The CivilSecond constructor normalises the month (and any day past the
  // end of the resulting month) forward.
  const absl::CivilSecond end(start.year(), start.month() + months, start.day(),
                              start.hour(), start.minute(), start.second());
  // Keep the sub-second part of `then`, so that the end is exact.
  const absl::Time end_time =
      absl::FromCivil(end, utc) + (then - absl::FromCivil(start, utc));
  return end_time >= now;
}

absl::Time EarliestWithinCalendarMonths(int months, absl::Time now) {
  return now - absl::Hours(24) * (31 * int64_t{months} + 1);
}

MaracAssessment AssessMarac(
    const DashForm& form,
    std::optional<absl::Time> previous_marac_referral_for_pair, absl::Time now,
    const MaracCriteriaConfig& config) {
  MaracAssessment assessment;
  assessment.score = DashScore(form);
  if (assessment.score >= config.high_risk_threshold) {
    assessment.criteria.push_back(MaracCriterion::kVisibleHighRisk);
  }
  if (form.professional_judgement &&
      IsValidRationale(form.professional_judgement_rationale, config)) {
    assessment.criteria.push_back(MaracCriterion::kProfessionalJudgement);
  }
  if (form.incidents_last_period >= config.escalation_incidents) {
    assessment.criteria.push_back(MaracCriterion::kEscalation);
  }
  if (previous_marac_referral_for_pair.has_value() &&
      IsWithinCalendarMonths(*previous_marac_referral_for_pair,
                             config.repeat_months, now)) {
    assessment.criteria.push_back(MaracCriterion::kRepeat);
  }
  return assessment;
}

}  // namespace safeguard
