#include "server/convert/referral_convert.h"

#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace safeguard {
namespace {

bool IsFinite(absl::Time t) {
  return t != absl::InfinitePast() && t != absl::InfiniteFuture();
}

// The public overloads (for shared messages) join the private ones below.
using ::safeguard::FromProto;
using ::safeguard::ToProto;

// Domain and proto enums share their order; `Offset` is the proto value of
// the domain's first enumerator. Unknown values become the first (or, with
// an offset, UNSPECIFIED maps to the domain's default).
template <typename Domain>
Domain EnumFrom(int value, int max, int offset = 0) {
  if (value - offset < 0 || value > max) return Domain{};
  return static_cast<Domain>(value - offset);
}
template <typename Domain>
int EnumTo(Domain value, int offset = 0) {
  return static_cast<int>(value) + offset;
}

template <typename DomainEnum, typename ProtoRepeated>
std::vector<DomainEnum> EnumsFrom(const ProtoRepeated& in, int max,
                                  int offset = 0) {
  std::vector<DomainEnum> out;
  for (int v : in) out.push_back(EnumFrom<DomainEnum>(v, max, offset));
  return out;
}

std::vector<std::string> Strings(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}

void ToProto(const Address& in, v1::Address* out) {
  for (const std::string& line : in.lines) out->add_lines(line);
  out->set_town(in.town);
  out->set_postcode(in.postcode);
}
Address FromProto(const v1::Address& in) {
  return {Strings(in.lines()), in.town(), in.postcode()};
}

void ToProto(const SafeContactRules& in, v1::SafeContactRules* out) {
  for (ContactChannel c : in.channels) {
    out->add_channels(static_cast<v1::ContactChannel>(EnumTo(c)));
  }
  out->set_phone(in.phone);
  out->set_email(in.email);
  out->set_times(in.times);
  out->set_never_at_address(in.never_at_address);
  out->set_instructions(in.instructions);
}
SafeContactRules FromProto(const v1::SafeContactRules& in) {
  SafeContactRules out;
  out.channels = EnumsFrom<ContactChannel>(in.channels(), v1::ContactChannel_MAX);
  out.phone = in.phone();
  out.email = in.email();
  out.times = in.times();
  out.never_at_address = in.never_at_address();
  out.instructions = in.instructions();
  return out;
}

void ToProto(const Person& in, v1::Person* out) {
  out->set_full_name(in.full_name);
  for (const std::string& a : in.aliases) out->add_aliases(a);
  if (!in.date_of_birth.empty()) ToProto(in.date_of_birth, out->mutable_date_of_birth());
  out->set_approximate_age(in.approximate_age);
  out->set_gender(in.gender);
  out->set_nationality(in.nationality);
  for (const std::string& l : in.languages) out->add_languages(l);
  if (!in.address.empty()) ToProto(in.address, out->mutable_address());
  ToProto(in.safe_contact, out->mutable_safe_contact());
  for (const PersonIdentifier& id : in.identifiers) {
    v1::PersonIdentifier* o = out->add_identifiers();
    o->set_type(static_cast<v1::PersonIdentifierType>(id.type));
    o->set_value(id.value);
  }
}
Person FromProto(const v1::Person& in) {
  Person out;
  out.full_name = in.full_name();
  out.aliases = Strings(in.aliases());
  out.date_of_birth = FromProto(in.date_of_birth());
  out.approximate_age = in.approximate_age();
  out.gender = in.gender();
  out.nationality = in.nationality();
  out.languages = Strings(in.languages());
  out.address = FromProto(in.address());
  out.safe_contact = FromProto(in.safe_contact());
  for (const v1::PersonIdentifier& id : in.identifiers()) {
    out.identifiers.push_back(
        {static_cast<PersonIdentifierType>(id.type()), id.value()});
  }
  return out;
}

void ToProto(const NrmForm& in, v1::NrmForm* out) {
  out->set_nature(static_cast<v1::NrmNature>(EnumTo(in.nature)));
  out->set_subject_is_child(in.subject_is_child);
  for (ExploitationType t : in.exploitation_types) {
    out->add_exploitation_types(static_cast<v1::ExploitationType>(EnumTo(t)));
  }
  for (const std::string& i : in.indicators) out->add_indicators(i);
  out->set_location(in.location);
  out->set_period(in.period);
  out->set_narrative(in.narrative);
  out->set_needs_accommodation(in.needs_accommodation);
  out->set_needs_medical(in.needs_medical);
  out->set_needs_interpreter(in.needs_interpreter);
  out->set_interpreter_language(in.interpreter_language);
  out->set_children_services_contact(in.children_services_contact);
  if (in.reasonable_grounds.outcome != ScaOutcome::kUnspecified) {
    ToProto(in.reasonable_grounds, out->mutable_reasonable_grounds());
  }
  if (in.conclusive_grounds.outcome != ScaOutcome::kUnspecified) {
    ToProto(in.conclusive_grounds, out->mutable_conclusive_grounds());
  }
  if (IsFinite(in.recovery_period_end)) ToTimestamp(in.recovery_period_end, out->mutable_recovery_period_end());
}
NrmForm FromProto(const v1::NrmForm& in) {
  NrmForm out;
  out.nature = EnumFrom<NrmNature>(in.nature(), v1::NrmNature_MAX);
  out.subject_is_child = in.subject_is_child();
  out.exploitation_types =
      EnumsFrom<ExploitationType>(in.exploitation_types(), v1::ExploitationType_MAX);
  out.indicators = Strings(in.indicators());
  out.location = in.location();
  out.period = in.period();
  out.narrative = in.narrative();
  out.needs_accommodation = in.needs_accommodation();
  out.needs_medical = in.needs_medical();
  out.needs_interpreter = in.needs_interpreter();
  out.interpreter_language = in.interpreter_language();
  out.children_services_contact = in.children_services_contact();
  out.reasonable_grounds = FromProto(in.reasonable_grounds());
  out.conclusive_grounds = FromProto(in.conclusive_grounds());
  out.recovery_period_end = FromTimestamp(in.recovery_period_end());
  return out;
}

void ToProto(const ChannelForm& in, v1::ChannelForm* out) {
  out->set_concern(in.concern);
  for (const std::string& i : in.indicators) out->add_indicators(i);
  out->set_ideology_or_group(in.ideology_or_group);
  out->set_online_activity(in.online_activity);
  out->set_other_safeguarding_concerns(in.other_safeguarding_concerns);
  out->set_subject_is_minor(in.subject_is_minor);
  for (const VafAssessment& v : in.vaf_assessments) {
    ToProto(v, out->add_vaf_assessments());
  }
  if (IsFinite(in.exit_time)) ToTimestamp(in.exit_time, out->mutable_exit_time());
}
ChannelForm FromProto(const v1::ChannelForm& in) {
  ChannelForm out;
  out.concern = in.concern();
  out.indicators = Strings(in.indicators());
  out.ideology_or_group = in.ideology_or_group();
  out.online_activity = in.online_activity();
  out.other_safeguarding_concerns = in.other_safeguarding_concerns();
  out.subject_is_minor = in.subject_is_minor();
  for (const v1::VafAssessment& v : in.vaf_assessments()) {
    out.vaf_assessments.push_back(FromProto(v));
  }
  out.exit_time = FromTimestamp(in.exit_time());
  return out;
}

void ToProto(const MaracForm& in, v1::MaracForm* out) {
  v1::DashChecklist* dash = out->mutable_dash();
  dash->set_question_set_version(in.dash.question_set_version);
  for (DashAnswer a : in.dash.answers) {
    dash->add_answers(static_cast<v1::DashAnswer>(EnumTo(a)));
  }
  dash->set_professional_judgement(in.dash.professional_judgement);
  dash->set_professional_judgement_rationale(
      in.dash.professional_judgement_rationale);
  dash->set_incidents_last_period(in.dash.incidents_last_period);
  ToProto(in.perpetrator, out->mutable_perpetrator());
  for (const ChildDetails& c : in.children) {
    v1::ChildDetails* child = out->add_children();
    child->set_full_name(c.full_name);
    if (!c.date_of_birth.empty()) ToProto(c.date_of_birth, child->mutable_date_of_birth());
    child->set_school(c.school);
  }
  out->set_relationship(in.relationship);
  out->set_idva_referral(in.idva_referral);
  out->set_dash_score(in.dash_score);
  for (MaracCriterion c : in.criteria) {
    out->add_criteria(static_cast<v1::MaracCriterion>(EnumTo(c, 1)));
  }
  if (!in.meeting_date.empty()) ToProto(in.meeting_date, out->mutable_meeting_date());
  for (const MaracAction& a : in.actions) {
    v1::MaracAction* action = out->add_actions();
    action->set_owner_agency(a.owner_agency);
    action->set_description(a.description);
    if (!a.due_date.empty()) ToProto(a.due_date, action->mutable_due_date());
    action->set_done(a.done);
  }
  out->set_ending(static_cast<v1::MaracEnding>(EnumTo(in.ending)));
  out->set_repeat_claim(in.repeat_claim);
  out->set_repeat_claimed(in.repeat_claimed);
  const VictimCharacteristics& v = in.victim;
  if (v.age_band != VictimCharacteristics::AgeBand::kUnspecified ||
      v.sex != VictimCharacteristics::Sex::kUnspecified ||
      v.ethnicity_group != VictimCharacteristics::EthnicityGroup::kUnspecified ||
      v.disability != VictimCharacteristics::Answer::kUnspecified ||
      v.lgbt != VictimCharacteristics::Answer::kUnspecified) {
    using P = v1::VictimCharacteristics;
    P* victim = out->mutable_victim();
    victim->set_age_band(static_cast<P::AgeBand>(EnumTo(v.age_band)));
    victim->set_sex(static_cast<P::Sex>(EnumTo(v.sex)));
    victim->set_ethnicity_group(
        static_cast<P::EthnicityGroup>(EnumTo(v.ethnicity_group)));
    victim->set_disability(static_cast<P::Answer>(EnumTo(v.disability)));
    victim->set_lgbt(static_cast<P::Answer>(EnumTo(v.lgbt)));
  }
}
MaracForm FromProto(const v1::MaracForm& in) {
  MaracForm out;
  out.dash.question_set_version = in.dash().question_set_version();
  out.dash.answers = EnumsFrom<DashAnswer>(in.dash().answers(), v1::DashAnswer_MAX);
  out.dash.professional_judgement = in.dash().professional_judgement();
  out.dash.professional_judgement_rationale =
      in.dash().professional_judgement_rationale();
  out.dash.incidents_last_period = in.dash().incidents_last_period();
  out.perpetrator = FromProto(in.perpetrator());
  for (const v1::ChildDetails& c : in.children()) {
    out.children.push_back({c.full_name(), FromProto(c.date_of_birth()), c.school()});
  }
  out.relationship = in.relationship();
  out.idva_referral = in.idva_referral();
  out.dash_score = in.dash_score();
  for (int c : in.criteria()) {
    if (c >= 1 && c <= v1::MaracCriterion_MAX) {
      out.criteria.push_back(static_cast<MaracCriterion>(c - 1));
    }
  }
  out.meeting_date = FromProto(in.meeting_date());
  for (const v1::MaracAction& a : in.actions()) {
    out.actions.push_back(
        {a.owner_agency(), a.description(), FromProto(a.due_date()), a.done()});
  }
  out.repeat_claim = in.repeat_claim();
  out.repeat_claimed = in.repeat_claimed();
  using V = VictimCharacteristics;
  using P = v1::VictimCharacteristics;
  const P& v = in.victim();
  out.victim.age_band = EnumFrom<V::AgeBand>(v.age_band(), P::AgeBand_MAX);
  out.victim.sex = EnumFrom<V::Sex>(v.sex(), P::Sex_MAX);
  out.victim.ethnicity_group =
      EnumFrom<V::EthnicityGroup>(v.ethnicity_group(), P::EthnicityGroup_MAX);
  out.victim.disability = EnumFrom<V::Answer>(v.disability(), P::Answer_MAX);
  out.victim.lgbt = EnumFrom<V::Answer>(v.lgbt(), P::Answer_MAX);
  return out;
}

void ToProto(const TargetHardeningForm& in, v1::TargetHardeningForm* out) {
  if (!in.address.empty()) ToProto(in.address, out->mutable_address());
  out->set_access_instructions(in.access_instructions);
  for (SecurityMeasure m : in.measures_requested) {
    out->add_measures_requested(static_cast<v1::SecurityMeasure>(EnumTo(m)));
  }
  out->set_fire_arson_risk(in.fire_arson_risk);
  out->set_tenure(static_cast<v1::Tenure>(EnumTo(in.tenure)));
  out->set_landlord_permission(in.landlord_permission);
  out->set_perpetrator_resident(in.perpetrator_resident);
  out->set_scheme(in.scheme);
  if (IsFinite(in.appointment_time)) ToTimestamp(in.appointment_time, out->mutable_appointment_time());
  for (SecurityMeasure m : in.measures_installed) {
    out->add_measures_installed(static_cast<v1::SecurityMeasure>(EnumTo(m)));
  }
  out->set_emergency_services_flag(in.emergency_services_flag);
  for (SecurityMeasure m : in.measures_recovered) {
    out->add_measures_recovered(static_cast<v1::SecurityMeasure>(EnumTo(m)));
  }
}
TargetHardeningForm FromProto(const v1::TargetHardeningForm& in) {
  TargetHardeningForm out;
  out.address = FromProto(in.address());
  out.access_instructions = in.access_instructions();
  out.measures_requested =
      EnumsFrom<SecurityMeasure>(in.measures_requested(), v1::SecurityMeasure_MAX);
  out.fire_arson_risk = in.fire_arson_risk();
  out.tenure = EnumFrom<Tenure>(in.tenure(), v1::Tenure_MAX);
  out.landlord_permission = in.landlord_permission();
  out.perpetrator_resident = in.perpetrator_resident();
  out.scheme = in.scheme();
  out.appointment_time = FromTimestamp(in.appointment_time());
  out.measures_installed =
      EnumsFrom<SecurityMeasure>(in.measures_installed(), v1::SecurityMeasure_MAX);
  out.emergency_services_flag = in.emergency_services_flag();
  out.measures_recovered =
      EnumsFrom<SecurityMeasure>(in.measures_recovered(), v1::SecurityMeasure_MAX);
  return out;
}

}  // namespace

Date FromProto(const v1::Date& in) { return {in.year(), in.month(), in.day()}; }
void ToProto(const Date& in, v1::Date* out) {
  out->set_year(in.year);
  out->set_month(in.month);
  out->set_day(in.day);
}

SecurityMeasure FromProto(v1::SecurityMeasure in) {
  return EnumFrom<SecurityMeasure>(in, v1::SecurityMeasure_MAX);
}

LinkType FromProto(v1::LinkType in) {
  return EnumFrom<LinkType>(in, v1::LinkType_MAX);
}

void ToProto(const ScaDecision& in, v1::ScaDecision* out) {
  out->set_outcome(static_cast<v1::ScaOutcome>(EnumTo(in.outcome)));
  if (!in.decision_date.empty()) ToProto(in.decision_date, out->mutable_decision_date());
}
ScaDecision FromProto(const v1::ScaDecision& in) {
  return {EnumFrom<ScaOutcome>(in.outcome(), v1::ScaOutcome_MAX),
          FromProto(in.decision_date())};
}

void ToProto(const VafAssessment& in, v1::VafAssessment* out) {
  out->set_framework_version(in.framework_version);
  for (int s : in.factor_scores) out->add_factor_scores(s);
  if (IsFinite(in.assess_time)) ToTimestamp(in.assess_time, out->mutable_assess_time());
  out->set_assessed_by(in.assessed_by);
  out->set_engagement_total(in.engagement_total);
  out->set_intent_total(in.intent_total);
  out->set_capability_total(in.capability_total);
}
VafAssessment FromProto(const v1::VafAssessment& in) {
  VafAssessment out;
  out.framework_version = in.framework_version();
  out.factor_scores.assign(in.factor_scores().begin(), in.factor_scores().end());
  out.assess_time = FromTimestamp(in.assess_time());
  out.assessed_by = in.assessed_by();
  out.engagement_total = in.engagement_total();
  out.intent_total = in.intent_total();
  out.capability_total = in.capability_total();
  return out;
}

void ToProto(const ConsentRecord& in, v1::ConsentRecord* out) {
  out->set_status(static_cast<v1::ConsentStatus>(EnumTo(in.status)));
  out->set_legal_basis(static_cast<v1::LegalBasis>(EnumTo(in.legal_basis)));
  out->set_reason(in.reason);
  out->set_recorded_by(in.recorded_by);
  if (IsFinite(in.record_time)) ToTimestamp(in.record_time, out->mutable_record_time());
  out->set_given_by(static_cast<v1::ConsentGiver>(EnumTo(in.given_by)));
  out->set_capacity(static_cast<v1::CapacityAssessment>(EnumTo(in.capacity)));
}
ConsentRecord FromProto(const v1::ConsentRecord& in) {
  ConsentRecord out;
  out.status = EnumFrom<ConsentStatus>(in.status(), v1::ConsentStatus_MAX);
  out.legal_basis = EnumFrom<LegalBasis>(in.legal_basis(), v1::LegalBasis_MAX);
  out.reason = in.reason();
  out.recorded_by = in.recorded_by();
  out.record_time = FromTimestamp(in.record_time());
  out.given_by = EnumFrom<ConsentGiver>(in.given_by(), v1::ConsentGiver_MAX);
  out.capacity =
      EnumFrom<CapacityAssessment>(in.capacity(), v1::CapacityAssessment_MAX);
  return out;
}

void ToProto(const ExternalReference& in, v1::ExternalReference* out) {
  out->set_system(static_cast<v1::ExternalSystem>(EnumTo(in.system)));
  out->set_value(in.value);
}
ExternalReference FromProto(const v1::ExternalReference& in) {
  return {EnumFrom<ExternalSystem>(in.system(), v1::ExternalSystem_MAX),
          in.value()};
}

void ToProto(const Referral& in, v1::Referral* out) {
  out->Clear();
  if (!in.id.empty()) out->set_name("referrals/" + in.id);
  out->set_reference(in.reference);
  out->set_kind(static_cast<v1::ReferralKind>(EnumTo(in.kind)));
  out->set_state(in.state);
  out->set_version(in.version);
  out->set_referring_agency(in.referring_agency);
  out->set_referrer(in.referrer);
  out->set_area(in.area);
  out->set_priority(static_cast<v1::Priority>(EnumTo(in.priority)));
  if (IsFinite(in.deadline)) ToTimestamp(in.deadline, out->mutable_deadline());
  out->set_assignee(in.assignee);
  for (const Person& p : in.subjects) ToProto(p, out->add_subjects());
  ToProto(in.consent, out->mutable_consent());
  for (const ExternalReference& e : in.external_references) {
    ToProto(e, out->add_external_references());
  }
  for (const Note& n : in.notes) {
    v1::Note* note = out->add_notes();
    note->set_author(n.author);
    if (IsFinite(n.create_time)) ToTimestamp(n.create_time, note->mutable_create_time());
    note->set_text(n.text);
  }
  for (const TransitionRecord& h : in.history) {
    v1::TransitionRecord* record = out->add_history();
    record->set_actor(h.actor);
    if (IsFinite(h.time)) ToTimestamp(h.time, record->mutable_time());
    record->set_action(h.action);
    record->set_from_state(h.from_state);
    record->set_to_state(h.to_state);
    record->set_reason(h.reason);
    for (const FieldChange& c : h.changes) {
      v1::FieldChange* change = record->add_changes();
      change->set_path(c.path);
      change->set_before(c.before);
      change->set_after(c.after);
    }
  }
  if (IsFinite(in.create_time)) ToTimestamp(in.create_time, out->mutable_create_time());
  if (IsFinite(in.update_time)) ToTimestamp(in.update_time, out->mutable_update_time());
  if (const auto* f = std::get_if<NrmForm>(&in.form)) ToProto(*f, out->mutable_nrm());
  if (const auto* f = std::get_if<ChannelForm>(&in.form)) ToProto(*f, out->mutable_channel());
  if (const auto* f = std::get_if<MaracForm>(&in.form)) ToProto(*f, out->mutable_marac());
  if (const auto* f = std::get_if<TargetHardeningForm>(&in.form)) {
    ToProto(*f, out->mutable_target_hardening());
  }
  for (const ReferralLink& l : in.links) {
    v1::ReferralLink* link = out->add_links();
    link->set_type(static_cast<v1::LinkType>(EnumTo(l.type)));
    link->set_referral(absl::StrCat("referrals/", l.referral_id));
    link->set_linked_by(l.linked_by);
    if (IsFinite(l.link_time)) ToTimestamp(l.link_time, link->mutable_link_time());
    link->set_status(static_cast<v1::LinkStatus>(EnumTo(l.status)));
  }
}

void ToProto(const KnownElsewhere& in, v1::KnownElsewhere* out) {
  out->set_kind(static_cast<v1::ReferralKind>(EnumTo(in.kind)));
  out->set_referring_agency(in.referring_agency);
  out->set_state(in.state);
  if (IsFinite(in.create_time)) ToTimestamp(in.create_time, out->mutable_create_time());
  out->set_person(in.person);
  out->set_named_as(std::string(PersonRoleName(in.named_as)));
  out->set_score(in.match.score);
  for (MatchReason reason : in.match.reasons) {
    out->add_reasons(std::string(MatchReasonName(reason)));
  }
  if (!in.person_record.empty()) {
    out->set_person_record("people/" + in.person_record);
  }
  if (!in.other_person_record.empty()) {
    out->set_other_person_record("people/" + in.other_person_record);
  }
  out->set_confirmed(in.confirmed);
}

TransitionDetails DetailsFromProto(
    const v1::TransitionReferralRequest& request) {
  TransitionDetails d;
  d.reason = request.reason();
  switch (request.details_case()) {
    case v1::TransitionReferralRequest::kScaDecision:
      d.sca_decision = FromProto(request.sca_decision());
      break;
    case v1::TransitionReferralRequest::kVafAssessment:
      d.vaf_assessment = FromProto(request.vaf_assessment());
      break;
    case v1::TransitionReferralRequest::kMeeting:
      d.meeting_date = FromProto(request.meeting().meeting_date());
      break;
    case v1::TransitionReferralRequest::kAppointment:
      d.appointment_time = FromTimestamp(request.appointment().appointment_time());
      break;
    case v1::TransitionReferralRequest::kInstallation: {
      std::vector<SecurityMeasure> measures;
      for (int m : request.installation().measures_installed()) {
        measures.push_back(FromProto(static_cast<v1::SecurityMeasure>(m)));
      }
      d.installation = std::move(measures);
      break;
    }
    case v1::TransitionReferralRequest::kConsent:
      d.consent = FromProto(request.consent());
      break;
    case v1::TransitionReferralRequest::kRecovery: {
      std::vector<SecurityMeasure> measures;
      for (int m : request.recovery().measures_recovered()) {
        measures.push_back(FromProto(static_cast<v1::SecurityMeasure>(m)));
      }
      d.recovery = std::move(measures);
      break;
    }
    case v1::TransitionReferralRequest::kExternalReference:
      d.external_reference = FromProto(request.external_reference());
      break;
    case v1::TransitionReferralRequest::DETAILS_NOT_SET:
      break;
  }
  return d;
}

Referral FromProto(const v1::Referral& in) {
  Referral out;
  absl::string_view name = in.name();
  if (name.substr(0, 10) == "referrals/") out.id = std::string(name.substr(10));
  out.reference = in.reference();
  out.kind = EnumFrom<ReferralKind>(in.kind(), v1::ReferralKind_MAX);
  out.state = in.state();
  out.version = in.version();
  out.referring_agency = in.referring_agency();
  out.referrer = in.referrer();
  out.area = in.area();
  out.priority = EnumFrom<Priority>(in.priority(), v1::Priority_MAX);
  out.deadline = FromTimestamp(in.deadline(), absl::InfiniteFuture());
  out.assignee = in.assignee();
  for (const v1::Person& p : in.subjects()) out.subjects.push_back(FromProto(p));
  out.consent = FromProto(in.consent());
  for (const v1::ExternalReference& e : in.external_references()) {
    out.external_references.push_back(FromProto(e));
  }
  for (const v1::Note& n : in.notes()) {
    out.notes.push_back({n.author(), FromTimestamp(n.create_time()), n.text()});
  }
  for (const v1::TransitionRecord& h : in.history()) {
    TransitionRecord& step = out.history.emplace_back(TransitionRecord{
        h.actor(), FromTimestamp(h.time()), h.action(), h.from_state(),
        h.to_state(), h.reason(), {}});
    for (const v1::FieldChange& c : h.changes()) {
      step.changes.push_back({c.path(), c.before(), c.after()});
    }
  }
  for (const v1::ReferralLink& l : in.links()) {
    ReferralLink link;
    link.type = FromProto(l.type());
    // A name that is not "referrals/<id>" leaves the id empty: required.
    absl::string_view id = l.referral();
    if (absl::ConsumePrefix(&id, "referrals/")) link.referral_id = std::string(id);
    link.linked_by = l.linked_by();
    link.link_time = FromTimestamp(l.link_time());
    out.links.push_back(std::move(link));
  }
  out.create_time = FromTimestamp(in.create_time());
  out.update_time = FromTimestamp(in.update_time());
  switch (in.form_case()) {
    case v1::Referral::kNrm:
      out.form = FromProto(in.nrm());
      break;
    case v1::Referral::kChannel:
      out.form = FromProto(in.channel());
      break;
    case v1::Referral::kMarac:
      out.form = FromProto(in.marac());
      break;
    case v1::Referral::kTargetHardening:
      out.form = FromProto(in.target_hardening());
      break;
    case v1::Referral::FORM_NOT_SET:
      break;
  }
  return out;
}

}  // namespace safeguard
