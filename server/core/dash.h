// File: server/core/dash.h
//
// The DASH risk checklist and the MARAC referral criteria.
//
// A MARAC (Multi-Agency Risk Assessment Conference) discusses high-risk
// domestic abuse cases. Referrers complete the SafeLives DASH risk checklist:
// a versioned set of questions (police forces use variants), each answered
// yes, no or not known; the score is the number of "yes" answers. A referral
// qualifies for MARAC by one or more criteria (see MaracCriterion):
//
//   VISIBLE_HIGH_RISK       score >= high_risk_threshold;
//   PROFESSIONAL_JUDGEMENT  the referrer claims it and writes a rationale;
//                           it only ever adds a criterion, never removes one;
//   ESCALATION              incidents in the escalation period >= threshold;
//   REPEAT                  a previous MARAC referral for the same victim and
//                           perpetrator within repeat_months. The server
//                           decides this from its own records; a client
//                           cannot claim it.
//
// Example:
//   std::vector<FieldViolation> violations =
//       ValidateDash(form, "referral.marac.dash", config);
//   if (!violations.empty()) return InvalidArgumentWithViolations(violations);
//   MaracAssessment assessment =
//       AssessMarac(form, previous_referral_for_pair, clock.Now(), config);
//
// Everything here is a pure function or immutable data: safe for concurrent
// use. The built-in question sets live for the whole program; pointers to
// them never dangle.
#ifndef SAFEGUARD_SERVER_CORE_DASH_H_
#define SAFEGUARD_SERVER_CORE_DASH_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/core/field_violations.h"

namespace safeguard {

enum class DashAnswer { kUnanswered, kYes, kNo, kNotKnown };

// A versioned DASH question set; answers are given in the order of
// `questions`.
struct DashQuestionSet {
  std::string version;                 // e.g. "safelives-2009"
  std::vector<std::string> questions;  // question texts, in checklist order
};

// The built-in question set called `version` (an exact, case-sensitive
// match), or nullptr if there is none. Known: "safelives-2009" (24
// questions).
const DashQuestionSet* FindDashQuestionSet(absl::string_view version);

// Every built-in question set, in version order; never null.
std::vector<const DashQuestionSet*> DashQuestionSets();

// The MARAC referral criteria of the local area. Every value is configurable
// because local practice varies: areas set their own high-risk threshold,
// and count escalation over their own period (e.g. Kent uses 6 months for
// escalation rather than 12). All values are expected to be non-negative.
struct MaracCriteriaConfig {
  // VISIBLE_HIGH_RISK when the DASH score is at least this.
  int high_risk_threshold = 14;
  // ESCALATION when at least this many incidents happened in the last
  // `escalation_months` calendar months.
  int escalation_incidents = 3;
  int escalation_months = 12;
  // REPEAT when the last MARAC referral for the same victim and perpetrator
  // was at most this many calendar months ago.
  int repeat_months = 12;
  // A professional judgement rationale needs at least this many characters
  // (Unicode code points) after trimming surrounding whitespace; it can never
  // be empty, whatever the setting.
  int min_rationale_chars = 20;
};

// A completed DASH checklist as submitted with a MARAC referral.
struct DashForm {
  std::string question_set_version;
  std::vector<DashAnswer> answers;  // one per question of the set, in order
  bool professional_judgement = false;
  std::string professional_judgement_rationale;
  // Incidents in the last config.escalation_months months, as counted by the
  // referrer (or by the server with IsWithinCalendarMonths()).
  int incidents_last_period = 0;
};

// Every problem with `form`, in field order; empty if the form is valid.
// Field paths are "<field_prefix>.<field>" (just "<field>" for an empty
// prefix); answers are named by 0-based index, e.g. "<prefix>.answers[3]"
// for question 4. Descriptions never quote submitted values. The rationale
// is checked against config.min_rationale_chars only when professional
// judgement is claimed.
std::vector<FieldViolation> ValidateDash(
    const DashForm& form, absl::string_view field_prefix,
    const MaracCriteriaConfig& config = MaracCriteriaConfig());

// The DASH score: the number of "yes" answers.
int DashScore(const DashForm& form);

// Why a referral qualifies for MARAC. The order is the order of
// MaracAssessment::criteria.
enum class MaracCriterion {
  kVisibleHighRisk,
  kProfessionalJudgement,
  kEscalation,
  kRepeat,
};

// "VISIBLE_HIGH_RISK", "PROFESSIONAL_JUDGEMENT", "ESCALATION" or "REPEAT"
// ("UNKNOWN" for a value outside the enum).
absl::string_view MaracCriterionName(MaracCriterion criterion);

struct MaracAssessment {
  int score = 0;                         // DashScore() of the form
  std::vector<MaracCriterion> criteria;  // met criteria, in enum order

  // True if the referral meets at least one criterion.
  bool qualifies() const { return !criteria.empty(); }

  friend bool operator==(const MaracAssessment& a, const MaracAssessment& b) {
    return a.score == b.score && a.criteria == b.criteria;
  }
};

// True if `then` plus `months` calendar months is at or after `now`, in
// UTC. Months are added with absl::CivilSecond arithmetic, which normalises
// a day past the end of the month forward: 2024-02-29 + 12 months is
// 2025-03-01, 2025-08-31 + 6 months is 2026-03-03. That errs towards
// counting an event as within the period. A `then` after `now` is within.
bool IsWithinCalendarMonths(absl::Time then, int months, absl::Time now);

// A time no later than any `then` that IsWithinCalendarMonths(then, months,
// now) counts: `months` months of 31 days and one day more before `now`.
absl::Time EarliestWithinCalendarMonths(int months, absl::Time now);

// Assesses `form` against the MARAC criteria, as of `now`.
//
// `previous_marac_referral_for_pair` is the time of the last MARAC referral
// for the same victim and perpetrator, from the server's own records
// (nullopt if there is none); REPEAT is met when IsWithinCalendarMonths(
// previous, config.repeat_months, now). Professional judgement counts only
// when claimed with a rationale that ValidateDash() accepts under `config`.
// Intended for forms that ValidateDash() accepts; for any other form it
// assesses what is there (unanswered answers are not "yes").
MaracAssessment AssessMarac(
    const DashForm& form,
    std::optional<absl::Time> previous_marac_referral_for_pair, absl::Time now,
    const MaracCriteriaConfig& config);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_DASH_H_
