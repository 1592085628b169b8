#include "bench/reports_data.h"

#include <cmath>
#include <initializer_list>
#include <iterator>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bench/draws.h"
#include "bench/people_data.h"
#include "server/app/referral_id_generator.h"

namespace safeguard::bench {
namespace {

constexpr uint64_t kSeed = 20250401;
enum Purpose : uint64_t { kWhen = 1, kWho, kPath };

// The day the data set stands at: no step comes after its end.
const absl::CivilDay kAsOf(2026, 6, 30);

const absl::TimeZone& Zone() {
  static const auto* const zone = [] {
    auto* z = new absl::TimeZone(absl::UTCTimeZone());
    absl::LoadTimeZone("Europe/London", z);
    return z;
  }();
  return *zone;
}

// One of `options`, each with its weight.
template <typename T>
struct Option {
  T value;
  double weight;
};
template <typename T>
T Choose(DrawStream& d, std::initializer_list<Option<T>> options) {
  double total = 0;
  for (const Option<T>& o : options) total += o.weight;
  double u = d.Unit() * total;
  for (const Option<T>& o : options) {
    if (u < o.weight) return o.value;
    u -= o.weight;
  }
  return std::prev(options.end())->value;
}

// A delay from `lo` to `hi`, log-uniform: as many of an hour or two as
// of a day or two.
absl::Duration Between(DrawStream& d, absl::Duration lo, absl::Duration hi) {
  const double a = std::log(absl::ToDoubleSeconds(lo));
  const double b = std::log(absl::ToDoubleSeconds(hi));
  return absl::Seconds(std::exp(a + (b - a) * d.Unit()));
}
absl::Duration Minutes(double m) { return absl::Minutes(m); }
absl::Duration Hours(double h) { return absl::Hours(h); }
absl::Duration Days(double days) { return absl::Hours(24 * days); }

// When referral `i` of `n` was received: day i * 365 / n of the year,
// three in four in working hours.
absl::Time ReceivedAt(int64_t i, int64_t n) {
  DrawStream d(kSeed, kWhen, static_cast<uint64_t>(i));
  const int64_t days = kReportsYearEnd - kReportsYearStart + 1;
  const absl::CivilDay day = kReportsYearStart + i * days / n;
  const double hour = d.Chance(0.75) ? 8 + 10 * d.Unit() : 24 * d.Unit();
  return absl::FromCivil(absl::CivilSecond(day), Zone()) +
         absl::Seconds(static_cast<int64_t>(hour * 3600));
}

// The referral's history as its workflow makes it, one step after
// another, until the data set's day: a step that would come after it is
// not taken, nor any after it.
class Path {
 public:
  Path(Referral& r, DrawStream& d)
      : r_(r),
        d_(d),
        at_(r.create_time),
        end_(absl::FromCivil(absl::CivilSecond(kAsOf + 1), Zone())) {}

  DrawStream& draws() { return d_; }
  const std::string& referrer() const { return referrer_; }

  void Submit(absl::string_view state) {
    referrer_ = absl::StrCat(r_.referring_agency, "/", r_.referrer);
    Step(referrer_, "submit", state, absl::ZeroDuration());
  }
  // The step `action` into `to` by `actor`, `after` the last step; false
  // (and no step) if it would come after the data set's day.
  bool Step(const std::string& actor, absl::string_view action,
            absl::string_view to, absl::Duration after,
            absl::string_view reason = "") {
    if (at_ + after >= end_) at_ = absl::InfiniteFuture();
    if (at_ == absl::InfiniteFuture()) return false;
    at_ += after;
    TransitionRecord step;
    step.actor = actor;
    step.time = at_;
    step.action = std::string(action);
    step.from_state = r_.state;
    step.to_state = std::string(to);
    step.reason = std::string(reason);
    r_.history.push_back(std::move(step));
    r_.state = std::string(to);
    r_.version = static_cast<int64_t>(r_.history.size());
    r_.update_time = at_;
    return true;
  }
  // When the last step was taken.
  absl::Time last() const { return r_.update_time; }

 private:
  Referral& r_;
  DrawStream& d_;
  std::string referrer_;
  absl::Time at_;
  const absl::Time end_;
};

// Who refers each kind, as "<agency>/<principal>", and how often.
using Referrer = std::pair<const char*, const char*>;
Referrer ReferrerOf(ReferralKind kind, DrawStream& d) {
  switch (kind) {
    case ReferralKind::kNrm:  // First Responders only
      return Choose<Referrer>(
          d, {{{"suffolk-police", "system/athena"}, 60},
              {{"suffolk-county-council", "person/safeguarding-lead"}, 20},
              {{"west-suffolk-council", "person/safeguarding-lead"}, 12},
              {{"babergh-mid-suffolk-council", "system/case"}, 8}});
    case ReferralKind::kChannel:
      return Choose<Referrer>(
          d, {{{"suffolk-education", "person/dsl"}, 30},
              {{"suffolk-police", "system/athena"}, 28},
              {{"suffolk-childrens-services", "person/social-worker"}, 10},
              {{"suffolk-icb", "person/safeguarding-nurse"}, 10},
              {{"probation-service", "system/ndelius"}, 7},
              {{"youth-justice", "person/case-worker"}, 6},
              {{"west-suffolk-council", "system/case"}, 5},
              {{"anglia-care-trust", "person/support-worker"}, 4}});
    case ReferralKind::kMarac:
      return Choose<Referrer>(
          d, {{{"suffolk-police", "system/athena"}, 62},
              {{"leeway", "person/idva"}, 12},
              {{"suffolk-icb", "person/safeguarding-nurse"}, 6},
              {{"suffolk-childrens-services", "person/social-worker"}, 6},
              {{"registered-social-landlord", "person/housing-officer"}, 4},
              {{"probation-service", "system/ndelius"}, 4},
              {{"suffolk-adult-social-care", "person/social-worker"}, 3},
              {{"anglia-care-trust", "person/support-worker"}, 3}});
    default:
      return Choose<Referrer>(
          d, {{{"west-suffolk-council", "system/case"}, 28},
              {{"babergh-mid-suffolk-council", "system/case"}, 22},
              {{"suffolk-police", "system/athena"}, 20},
              {{"leeway", "person/idva"}, 15},
              {{"registered-social-landlord", "person/housing-officer"}, 10},
              {{"suffolk-fire-rescue", "person/fire-officer"}, 4},
              {{"anglia-care-trust", "person/support-worker"}, 5}});
  }
}

// ---- Each kind's path --------------------------------------------------

void NrmPath(int64_t i, Referral& r, Path& p) {
  DrawStream& d = p.draws();
  NrmForm& f = std::get<NrmForm>(r.form);
  f.subject_is_child = d.Chance(0.4);
  const ExploitationType types[] = {
      ExploitationType::kSexual, ExploitationType::kLabour,
      ExploitationType::kDomesticServitude, ExploitationType::kCriminal,
      ExploitationType::kOrganHarvesting};
  auto type = [&] {
    return types[Choose<int>(d, {{0, 18}, {1, 30}, {2, 8}, {3, 43}, {4, 1}})];
  };
  f.exploitation_types = {type()};
  if (d.Chance(0.12)) {
    const ExploitationType second = type();
    if (second != f.exploitation_types[0]) {
      f.exploitation_types.push_back(second);
    }
  }
  r.subjects[0].nationality = Choose<const char*>(
      d, {{"British", 28}, {"Albanian", 14}, {"Vietnamese", 9},
          {"Eritrean", 7}, {"Sudanese", 7}, {"Romanian", 5}, {"Indian", 4},
          {"Chinese", 3}, {"Iranian", 3}, {"Afghan", 4}, {"Polish", 3},
          {"Nigerian", 3}, {"Other", 5}, {"", 5}});
  if (d.Chance(0.08)) {
    f.nature = NrmNature::kDutyToNotify;
    f.subject_is_child = false;  // adults only
    p.Submit("DTN_SUBMITTED");
    return;
  }
  f.nature = NrmNature::kNrmReferral;
  p.Submit("NRM_SUBMITTED");
  const std::string fr = p.referrer();
  if (d.Chance(0.03)) {
    p.Step(fr, "withdraw", "WITHDRAWN", Between(d, Hours(2), Days(10)),
           "Referred in error: not a victim of modern slavery");
    return;
  }
  if (!p.Step(fr, "record_sca_reference", "REF_ASSIGNED",
              Between(d, Hours(1), Days(3)))) {
    return;
  }
  r.external_references.push_back(
      {ExternalSystem::kNrmCase, absl::StrCat("NRM", 2500000 + i)});
  if (!p.Step(fr, "await_rg_decision", "RG_PENDING",
              Between(d, Minutes(20), Days(2)))) {
    return;
  }
  const bool positive = d.Chance(0.86);
  if (!p.Step(fr, "record_rg_decision",
              positive ? "RG_POSITIVE" : "RG_NEGATIVE",
              Between(d, Days(1), Days(20)))) {
    return;
  }
  if (!positive) {
    if (d.Chance(0.15) &&
        p.Step(fr, "request_reconsideration", "RECONSIDERATION_REQUESTED",
               Between(d, Days(2), Days(25)),
               "New evidence from the subject's support worker")) {
      p.Step(fr, "record_rg_decision",
             d.Chance(0.4) ? "RG_POSITIVE" : "RG_NEGATIVE",
             Between(d, Days(7), Days(60)));
    }
    return;
  }
  if (!f.subject_is_child && d.Chance(0.04)) {
    p.Step(fr, "withdraw_consent", "CONSENT_WITHDRAWN",
           Between(d, Days(1), Days(30)), "The subject withdrew consent");
    return;
  }
  if (!p.Step(fr, "start_recovery_support", "RECOVERY_SUPPORT",
              Between(d, Hours(4), Days(5))) ||
      !p.Step(fr, "await_cg_decision", "CG_PENDING",
              Days(30) + Between(d, Hours(1), Days(10)))) {
    return;
  }
  if (d.Chance(0.02)) {
    p.Step(fr, "disqualify_public_order", "DISQUALIFIED_PUBLIC_ORDER",
           Between(d, Days(5), Days(90)), "Public order grounds");
    return;
  }
  p.Step(fr, "record_cg_decision",
         d.Chance(0.9) ? "CG_POSITIVE" : "CG_NEGATIVE",
         Between(d, Days(20), Days(400)));
}

void ChannelPath(Referral& r, Path& p) {
  DrawStream& d = p.draws();
  std::get<ChannelForm>(r.form).subject_is_minor = d.Chance(0.55);
  const std::string prevent = "suffolk-police/person/prevent-officer";
  const std::string chair = "suffolk-county-council/person/channel-chair";
  p.Submit("RECEIVED");
  if (!p.Step(prevent, "begin_gateway", "POLICE_GATEWAY",
              Between(d, Minutes(30), Days(3)))) {
    return;
  }
  struct Gateway {
    const char* action;
    const char* to;
    const char* reason;
  };
  const Gateway gateway = Choose<Gateway>(
      d, {{{"gateway_no_further_action", "NFA", "No vulnerability to "
                                                  "radicalisation found"},
           33},
          {{"gateway_signpost", "SIGNPOSTED", "Signposted to early help"}, 30},
          {{"gateway_case_management", "PCM", ""}, 10},
          {{"gateway_information_gathering", "INFO_GATHERING", ""}, 27}});
  if (!p.Step(prevent, gateway.action, gateway.to,
              Between(d, Hours(4), Days(14)), gateway.reason)) {
    return;
  }
  if (absl::string_view(gateway.to) == "PCM") {
    p.Step(prevent, "close", "CLOSED", Between(d, Days(14), Days(120)),
           "Managed by Prevent; no further concern");
    return;
  }
  if (absl::string_view(gateway.to) != "INFO_GATHERING" ||
      !p.Step(prevent, "refer_to_panel", "PANEL",
              Between(d, Days(3), Days(30)))) {
    return;
  }
  if (!d.Chance(0.6)) {
    p.Step(chair, "panel_not_adopted", "NOT_ADOPTED",
           Between(d, Days(3), Days(30)), "Other support is better placed");
    return;
  }
  if (!p.Step(chair, "panel_adopted", "ADOPTED",
              Between(d, Days(3), Days(30))) ||
      !p.Step(chair, "seek_consent", "CONSENT_SOUGHT",
              Between(d, Hours(2), Days(7)))) {
    return;
  }
  if (d.Chance(0.12)) {
    p.Step(chair, "record_consent_declined", "DECLINED",
           Between(d, Days(1), Days(14)), "Support declined");
    return;
  }
  if (!p.Step(chair, "record_consent_given", "SUPPORT_PLAN",
              Between(d, Days(1), Days(14)))) {
    return;
  }
  if (d.Chance(0.08)) {
    p.Step(chair, "withdraw_consent", "CONSENT_WITHDRAWN",
           Between(d, Days(14), Days(120)), "Consent withdrawn");
    return;
  }
  if (p.Step(chair, "exit", "EXITED", Between(d, Days(60), Days(300))) &&
      p.Step(chair, "complete_post_exit_review", "POST_EXIT_REVIEW_1",
             Days(182) + Between(d, Hours(1), Days(14))) &&
      p.Step(chair, "complete_post_exit_review", "POST_EXIT_REVIEW_2",
             Days(182) + Between(d, Hours(1), Days(14)))) {
    p.Step(chair, "close", "CLOSED", Between(d, Hours(1), Days(14)));
  }
}

void MaracPath(Referral& r, Path& p) {
  DrawStream& d = p.draws();
  MaracForm& f = std::get<MaracForm>(r.form);
  if (d.Chance(0.28)) f.criteria.push_back(MaracCriterion::kRepeat);
  if (d.Chance(0.7)) {  // equality monitoring, where recorded
    using V = VictimCharacteristics;
    V& v = f.victim;
    v.age_band = Choose<V::AgeBand>(
        d, {{V::AgeBand::k16To17, 3}, {V::AgeBand::k18To24, 20},
            {V::AgeBand::k25To34, 32}, {V::AgeBand::k35To44, 23},
            {V::AgeBand::k45To54, 13}, {V::AgeBand::k55To64, 6},
            {V::AgeBand::k65OrOver, 3}});
    v.sex = Choose<V::Sex>(d, {{V::Sex::kFemale, 93}, {V::Sex::kMale, 6},
                               {V::Sex::kUnspecified, 1}});
    v.ethnicity_group = Choose<V::EthnicityGroup>(
        d, {{V::EthnicityGroup::kWhite, 84}, {V::EthnicityGroup::kAsian, 5},
            {V::EthnicityGroup::kBlack, 4}, {V::EthnicityGroup::kMixed, 4},
            {V::EthnicityGroup::kOther, 2},
            {V::EthnicityGroup::kUnspecified, 1}});
    v.disability = Choose<V::Answer>(
        d, {{V::Answer::kYes, 16}, {V::Answer::kNo, 70},
            {V::Answer::kPreferNotToSay, 5}, {V::Answer::kUnspecified, 9}});
    v.lgbt = Choose<V::Answer>(
        d, {{V::Answer::kYes, 4}, {V::Answer::kNo, 78},
            {V::Answer::kPreferNotToSay, 7}, {V::Answer::kUnspecified, 11}});
  }
  const std::string coordinator =
      "suffolk-county-council/person/marac-coordinator";
  p.Submit("SUBMITTED");
  auto screen = [&] {
    return p.Step(coordinator, "begin_screening", "COORDINATOR_SCREEN",
                  Between(d, Hours(1), Days(3)));
  };
  if (!screen()) return;
  enum Route { kList, kEmergency, kDefer, kReturn, kTransfer, kWithdraw };
  Route route = Choose<Route>(d, {{kList, 80}, {kEmergency, 4}, {kDefer, 4},
                                  {kReturn, 5}, {kTransfer, 3},
                                  {kWithdraw, 4}});
  if (route == kReturn) {
    if (!p.Step(coordinator, "return_to_referrer", "RETURNED",
                Between(d, Hours(2), Days(2)),
                "The DASH checklist is incomplete") ||
        !d.Chance(0.7) ||
        !p.Step(p.referrer(), "resubmit", "SUBMITTED",
                Between(d, Days(1), Days(14)), "Checklist completed") ||
        !screen()) {
      return;
    }
    route = kList;
  }
  switch (route) {
    case kTransfer:
      p.Step(coordinator, "transfer", "TRANSFERRED",
             Between(d, Hours(2), Days(5)), "The victim lives elsewhere");
      return;
    case kWithdraw:
      p.Step(coordinator, "withdraw", "WITHDRAWN",
             Between(d, Hours(2), Days(5)), "Does not meet the threshold");
      return;
    case kEmergency:
      if (!p.Step(coordinator, "list_emergency", "EMERGENCY_MARAC",
                  Between(d, Hours(1), Hours(12))) ||
          !p.Step(coordinator, "record_hearing", "HEARD",
                  Between(d, Hours(12), Days(3)))) {
        return;
      }
      break;
    default:
      if (route == kDefer &&
          !p.Step(coordinator, "defer", "DEFERRED",
                  Between(d, Hours(2), Days(3)), "Awaiting information")) {
        return;
      }
      if (!p.Step(coordinator, "list", "LISTED",
                  route == kDefer ? Between(d, Days(7), Days(35))
                                  : Between(d, Hours(2), Days(2))) ||
          !p.Step(coordinator, "begin_research", "AGENCY_RESEARCH",
                  Between(d, Hours(4), Days(3)))) {
        return;
      }
      if (d.Chance(0.02)) {
        p.Step(coordinator, "withdraw", "WITHDRAWN",
               Between(d, Days(1), Days(10)), "The victim moved away");
        return;
      }
      if (!p.Step(coordinator, "record_hearing", "HEARD",
                  Between(d, Days(5), Days(25)))) {
        return;
      }
  }
  const absl::CivilDay heard = absl::ToCivilDay(p.last(), Zone());
  f.meeting_date = {static_cast<int>(heard.year()), heard.month(),
                    heard.day()};
  if (p.Step(coordinator, "open_actions", "ACTIONS_OPEN",
             Between(d, Minutes(30), Hours(6))) &&
      p.Step(coordinator, "review_actions", "ACTIONS_REVIEWED",
             Between(d, Days(14), Days(70)))) {
    p.Step(coordinator, "close", "CLOSED", Between(d, Hours(1), Days(10)));
  }
}

void TargetHardeningPath(Referral& r, Path& p) {
  DrawStream& d = p.draws();
  TargetHardeningForm& f = std::get<TargetHardeningForm>(r.form);
  if (d.Chance(0.9)) f.scheme = "suffolk-target-hardening";
  const std::string sanctuary =
      "west-suffolk-council/person/sanctuary-coordinator";
  const std::string contractor = "safe-partnership/system/jobs";
  p.Submit("REFERRED");
  if (!p.Step(sanctuary, "begin_eligibility", "ELIGIBILITY",
              Between(d, Minutes(20), Hours(12)))) {
    return;
  }
  enum Eligibility { kAccept, kDecline, kCancel, kConsent };
  switch (Choose<Eligibility>(
      d, {{kAccept, 86}, {kDecline, 9}, {kCancel, 3}, {kConsent, 2}})) {
    case kDecline:
      p.Step(sanctuary, "decline", "DECLINED", Between(d, Hours(1), Days(2)),
             "The perpetrator still lives at the address");
      return;
    case kCancel:
      p.Step(sanctuary, "cancel", "CANCELLED", Between(d, Hours(1), Days(2)),
             "The victim has moved");
      return;
    case kConsent:
      p.Step(sanctuary, "withdraw_consent", "CONSENT_WITHDRAWN",
             Between(d, Hours(1), Days(2)), "The victim withdrew consent");
      return;
    case kAccept:
      break;
  }
  if (!p.Step(sanctuary, "accept", "ACCEPTED", Between(d, Hours(1), Hours(24))) ||
      !p.Step(sanctuary, "book_survey", "SURVEY_BOOKED",
              Between(d, Hours(1), Hours(12)))) {
    return;
  }
  f.appointment_time = p.last() + Hours(2);
  if (d.Chance(0.75)) {
    if (!p.Step(contractor, "record_installation", "INSTALLED",
                Between(d, Hours(4), Hours(60)))) {
      return;
    }
  } else if (!p.Step(contractor, "record_survey", "SURVEYED",
                     Between(d, Hours(4), Days(3))) ||
             !p.Step(sanctuary, "order_works", "WORKS_ORDERED",
                     Between(d, Hours(2), Days(3))) ||
             !p.Step(contractor, "record_installation", "INSTALLED",
                     Between(d, Days(2), Days(21)))) {
    return;
  }
  const std::pair<SecurityMeasure, double> measures[] = {
      {SecurityMeasure::kLocks, 0.9},
      {SecurityMeasure::kDoorReinforcement, 0.4},
      {SecurityMeasure::kAlarm, 0.3},
      {SecurityMeasure::kPropertyMarking, 0.1},
      {SecurityMeasure::kVideoDoorbell, 0.35},
      {SecurityMeasure::kCctv, 0.1},
      {SecurityMeasure::kLighting, 0.2},
      {SecurityMeasure::kFencing, 0.05},
      {SecurityMeasure::kSafeRoom, 0.02},
      {SecurityMeasure::kLetterboxPlate, 0.3},
      {SecurityMeasure::kSmokeAlarms, 0.25}};
  for (const auto& [measure, chance] : measures) {
    if (d.Chance(chance)) f.measures_installed.push_back(measure);
  }
  if (f.measures_installed.empty()) {
    f.measures_installed.push_back(SecurityMeasure::kLocks);
  }
  if (!d.Chance(0.95) ||
      !p.Step("suffolk-fire-rescue/person/fire-officer", "set_emergency_flag",
              "ES_FLAG_SET", Between(d, Hours(1), Days(3)))) {
    return;
  }
  f.emergency_services_flag = true;
  if (p.Step(sanctuary, "complete_review", "REVIEW_3M",
             Days(91) + Between(d, Hours(1), Days(14))) &&
      p.Step(sanctuary, "complete_review", "REVIEW_6M",
             Days(91) + Between(d, Hours(1), Days(14))) &&
      p.Step(sanctuary, "close", "CLOSED", Between(d, Hours(1), Days(14)),
             "Reviews complete; the victim feels safe")) {
    f.emergency_services_flag = false;
  }
}

}  // namespace

Referral ReportsReferralAt(int64_t i, int64_t n) {
  const absl::Time received = ReceivedAt(i, n);
  Referral r = PeopleReferralAt(i, received);
  r.id = ReferralIdGenerator::IdAt(received);
  DrawStream who(kSeed, kWho, static_cast<uint64_t>(i));
  const Referrer referrer = ReferrerOf(r.kind, who);
  r.referring_agency = referrer.first;
  r.referrer = referrer.second;
  r.area = Choose<const char*>(
      who, {{"west-suffolk", 45}, {"babergh", 25}, {"mid-suffolk", 30}});
  r.state.clear();
  r.history.clear();
  DrawStream d(kSeed, kPath, static_cast<uint64_t>(i));
  Path path(r, d);
  switch (r.kind) {
    case ReferralKind::kNrm:
      NrmPath(i, r, path);
      break;
    case ReferralKind::kChannel:
      ChannelPath(r, path);
      break;
    case ReferralKind::kMarac:
      MaracPath(r, path);
      break;
    default:
      TargetHardeningPath(r, path);
      break;
  }
  return r;
}

}  // namespace safeguard::bench
