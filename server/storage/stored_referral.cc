#include "server/storage/stored_referral.h"

#include <string>
#include <vector>

#include "server/common/proto_time.h"
#include "server/storage/stored_enums.h"

namespace safeguard {
namespace {

namespace pb = storage::v1;

// The stored numbers of the core's enumerations: each is its enumerator's
// value (MaracCriterion's plus one, 0 being unset). Values are only ever
// added at the end; these pin the numbers already stored.
static_assert(static_cast<int>(ReferralKind::kTargetHardening) == 4);
static_assert(static_cast<int>(Priority::kCritical) == 4);
static_assert(static_cast<int>(ContactChannel::kViaProfessional) == 6);
static_assert(static_cast<int>(ConsentStatus::kOverridden) == 4);
static_assert(static_cast<int>(LegalBasis::kChildrenAct) == 6);
static_assert(static_cast<int>(ConsentGiver::kLocalAuthority) == 3);
static_assert(static_cast<int>(ConsentStatus::kWithdrawn) == 5);
static_assert(static_cast<int>(CapacityAssessment::kLacksCapacity) == 2);
static_assert(static_cast<int>(ExternalSystem::kOther) == 5);
static_assert(static_cast<int>(NrmNature::kDutyToNotify) == 2);
static_assert(static_cast<int>(ExploitationType::kOrganHarvesting) == 5);
static_assert(static_cast<int>(ScaOutcome::kNegative) == 2);
static_assert(static_cast<int>(DashAnswer::kNotKnown) == 3);
static_assert(static_cast<int>(MaracCriterion::kRepeat) == 3);
static_assert(static_cast<int>(SecurityMeasure::kSmokeAlarms) == 11);
static_assert(static_cast<int>(Tenure::kOther) == 4);
static_assert(static_cast<int>(LinkType::kTargetHardeningJob) == 2);
static_assert(static_cast<int>(LinkStatus::kRequested) == 3);
static_assert(static_cast<int>(MaracEnding::kDied) == 3);

bool IsFinite(absl::Time t) {
  return t != absl::InfinitePast() && t != absl::InfiniteFuture();
}
// Sets the time field `mutable_field` of `message`; an unset time leaves it
// absent.
template <typename M>
void PutTime(absl::Time t, M* message,
             google::protobuf::Timestamp* (M::*mutable_field)()) {
  if (IsFinite(t)) ToTimestamp(t, (message->*mutable_field)());
}

std::vector<std::string> Strings(
    const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}
void PutStrings(const std::vector<std::string>& in,
                google::protobuf::RepeatedPtrField<std::string>* out) {
  out->Add(in.begin(), in.end());
}

Date FromStored(const pb::Date& in) {
  return {in.year(), in.month(), in.day()};
}
void PutDate(const Date& in, pb::Date* out) {
  out->set_year(in.year);
  out->set_month(in.month);
  out->set_day(in.day);
}

Address FromStored(const pb::Address& in) {
  return {Strings(in.lines()), in.town(), in.postcode()};
}
void PutAddress(const Address& in, pb::Address* out) {
  PutStrings(in.lines, out->mutable_lines());
  out->set_town(in.town);
  out->set_postcode(in.postcode);
}

Person FromStored(const pb::Person& in) {
  Person out;
  out.full_name = in.full_name();
  out.aliases = Strings(in.aliases());
  out.date_of_birth = FromStored(in.date_of_birth());
  out.approximate_age = in.approximate_age();
  out.gender = in.gender();
  out.nationality = in.nationality();
  out.languages = Strings(in.languages());
  out.address = FromStored(in.address());
  const pb::SafeContactRules& sc = in.safe_contact();
  out.safe_contact.channels =
      Enums<ContactChannel>(sc.channels());
  out.safe_contact.phone = sc.phone();
  out.safe_contact.email = sc.email();
  out.safe_contact.times = sc.times();
  out.safe_contact.never_at_address = sc.never_at_address();
  out.safe_contact.instructions = sc.instructions();
  for (const pb::PersonIdentifier& id : in.identifiers()) {
    out.identifiers.push_back({Enum<PersonIdentifierType>(id.type()), id.value()});
  }
  return out;
}
void PutPerson(const Person& in, pb::Person* out) {
  out->set_full_name(in.full_name);
  PutStrings(in.aliases, out->mutable_aliases());
  if (!in.date_of_birth.empty()) {
    PutDate(in.date_of_birth, out->mutable_date_of_birth());
  }
  out->set_approximate_age(in.approximate_age);
  out->set_gender(in.gender);
  out->set_nationality(in.nationality);
  PutStrings(in.languages, out->mutable_languages());
  if (!in.address.empty()) PutAddress(in.address, out->mutable_address());
  pb::SafeContactRules* sc = out->mutable_safe_contact();
  for (ContactChannel c : in.safe_contact.channels) sc->add_channels(Number(c));
  sc->set_phone(in.safe_contact.phone);
  sc->set_email(in.safe_contact.email);
  sc->set_times(in.safe_contact.times);
  sc->set_never_at_address(in.safe_contact.never_at_address);
  sc->set_instructions(in.safe_contact.instructions);
  for (const PersonIdentifier& id : in.identifiers) {
    pb::PersonIdentifier* o = out->add_identifiers();
    o->set_type(Number(id.type));
    o->set_value(id.value);
  }
}

ScaDecision FromStored(const pb::ScaDecision& in) {
  return {Enum<ScaOutcome>(in.outcome()),
          FromStored(in.decision_date())};
}
void PutSca(const ScaDecision& in, pb::ScaDecision* out) {
  out->set_outcome(Number(in.outcome));
  if (!in.decision_date.empty()) {
    PutDate(in.decision_date, out->mutable_decision_date());
  }
}

NrmForm FromStored(const pb::NrmForm& in) {
  NrmForm out;
  out.nature = Enum<NrmNature>(in.nature());
  out.subject_is_child = in.subject_is_child();
  out.exploitation_types =
      Enums<ExploitationType>(in.exploitation_types());
  out.indicators = Strings(in.indicators());
  out.location = in.location();
  out.period = in.period();
  out.narrative = in.narrative();
  out.needs_accommodation = in.needs_accommodation();
  out.needs_medical = in.needs_medical();
  out.needs_interpreter = in.needs_interpreter();
  out.interpreter_language = in.interpreter_language();
  out.children_services_contact = in.children_services_contact();
  out.reasonable_grounds = FromStored(in.reasonable_grounds());
  out.conclusive_grounds = FromStored(in.conclusive_grounds());
  out.recovery_period_end = FromTimestamp(in.recovery_period_end());
  return out;
}
void PutNrm(const NrmForm& in, pb::NrmForm* out) {
  out->set_nature(Number(in.nature));
  out->set_subject_is_child(in.subject_is_child);
  for (ExploitationType t : in.exploitation_types) {
    out->add_exploitation_types(Number(t));
  }
  PutStrings(in.indicators, out->mutable_indicators());
  out->set_location(in.location);
  out->set_period(in.period);
  out->set_narrative(in.narrative);
  out->set_needs_accommodation(in.needs_accommodation);
  out->set_needs_medical(in.needs_medical);
  out->set_needs_interpreter(in.needs_interpreter);
  out->set_interpreter_language(in.interpreter_language);
  out->set_children_services_contact(in.children_services_contact);
  if (in.reasonable_grounds.outcome != ScaOutcome::kUnspecified) {
    PutSca(in.reasonable_grounds, out->mutable_reasonable_grounds());
  }
  if (in.conclusive_grounds.outcome != ScaOutcome::kUnspecified) {
    PutSca(in.conclusive_grounds, out->mutable_conclusive_grounds());
  }
  PutTime(in.recovery_period_end, out,
          &pb::NrmForm::mutable_recovery_period_end);
}

ChannelForm FromStored(const pb::ChannelForm& in) {
  ChannelForm out;
  out.concern = in.concern();
  out.indicators = Strings(in.indicators());
  out.ideology_or_group = in.ideology_or_group();
  out.online_activity = in.online_activity();
  out.other_safeguarding_concerns = in.other_safeguarding_concerns();
  out.subject_is_minor = in.subject_is_minor();
  for (const pb::VafAssessment& v : in.vaf_assessments()) {
    VafAssessment vaf;
    vaf.framework_version = v.framework_version();
    vaf.factor_scores.assign(v.factor_scores().begin(),
                             v.factor_scores().end());
    vaf.assess_time = FromTimestamp(v.assess_time());
    vaf.assessed_by = v.assessed_by();
    vaf.engagement_total = v.engagement_total();
    vaf.intent_total = v.intent_total();
    vaf.capability_total = v.capability_total();
    out.vaf_assessments.push_back(std::move(vaf));
  }
  out.exit_time = FromTimestamp(in.exit_time());
  return out;
}
void PutChannel(const ChannelForm& in, pb::ChannelForm* out) {
  out->set_concern(in.concern);
  PutStrings(in.indicators, out->mutable_indicators());
  out->set_ideology_or_group(in.ideology_or_group);
  out->set_online_activity(in.online_activity);
  out->set_other_safeguarding_concerns(in.other_safeguarding_concerns);
  out->set_subject_is_minor(in.subject_is_minor);
  for (const VafAssessment& v : in.vaf_assessments) {
    pb::VafAssessment* vaf = out->add_vaf_assessments();
    vaf->set_framework_version(v.framework_version);
    vaf->mutable_factor_scores()->Add(v.factor_scores.begin(),
                                      v.factor_scores.end());
    PutTime(v.assess_time, vaf, &pb::VafAssessment::mutable_assess_time);
    vaf->set_assessed_by(v.assessed_by);
    vaf->set_engagement_total(v.engagement_total);
    vaf->set_intent_total(v.intent_total);
    vaf->set_capability_total(v.capability_total);
  }
  PutTime(in.exit_time, out, &pb::ChannelForm::mutable_exit_time);
}

MaracForm FromStored(const pb::MaracForm& in) {
  MaracForm out;
  out.dash.question_set_version = in.dash().question_set_version();
  out.dash.answers = Enums<DashAnswer>(in.dash().answers());
  out.dash.professional_judgement = in.dash().professional_judgement();
  out.dash.professional_judgement_rationale =
      in.dash().professional_judgement_rationale();
  out.dash.incidents_last_period = in.dash().incidents_last_period();
  out.perpetrator = FromStored(in.perpetrator());
  for (const pb::ChildDetails& c : in.children()) {
    out.children.push_back(
        {c.full_name(), FromStored(c.date_of_birth()), c.school()});
  }
  out.relationship = in.relationship();
  out.idva_referral = in.idva_referral();
  out.dash_score = in.dash_score();
  for (int c : in.criteria()) {
    if (c >= 1) out.criteria.push_back(Enum<MaracCriterion>(c - 1));
  }
  out.meeting_date = FromStored(in.meeting_date());
  for (const pb::MaracAction& a : in.actions()) {
    out.actions.push_back({a.owner_agency(), a.description(),
                           FromStored(a.due_date()), a.done()});
  }
  out.ending = Enum<MaracEnding>(in.ending());
  out.repeat_claim = in.repeat_claim();
  out.repeat_claimed = in.repeat_claimed();
  out.victim = ::safeguard::FromStored(in.victim());
  return out;
}
void PutMarac(const MaracForm& in, pb::MaracForm* out) {
  pb::DashChecklist* dash = out->mutable_dash();
  dash->set_question_set_version(in.dash.question_set_version);
  for (DashAnswer a : in.dash.answers) dash->add_answers(Number(a));
  dash->set_professional_judgement(in.dash.professional_judgement);
  dash->set_professional_judgement_rationale(
      in.dash.professional_judgement_rationale);
  dash->set_incidents_last_period(in.dash.incidents_last_period);
  PutPerson(in.perpetrator, out->mutable_perpetrator());
  for (const ChildDetails& c : in.children) {
    pb::ChildDetails* child = out->add_children();
    child->set_full_name(c.full_name);
    if (!c.date_of_birth.empty()) {
      PutDate(c.date_of_birth, child->mutable_date_of_birth());
    }
    child->set_school(c.school);
  }
  out->set_relationship(in.relationship);
  out->set_idva_referral(in.idva_referral);
  out->set_dash_score(in.dash_score);
  for (MaracCriterion c : in.criteria) out->add_criteria(Number(c) + 1);
  if (!in.meeting_date.empty()) {
    PutDate(in.meeting_date, out->mutable_meeting_date());
  }
  for (const MaracAction& a : in.actions) {
    pb::MaracAction* action = out->add_actions();
    action->set_owner_agency(a.owner_agency);
    action->set_description(a.description);
    if (!a.due_date.empty()) PutDate(a.due_date, action->mutable_due_date());
    action->set_done(a.done);
  }
  out->set_ending(Number(in.ending));
  out->set_repeat_claim(in.repeat_claim);
  out->set_repeat_claimed(in.repeat_claimed);
  ::safeguard::ToStored(in.victim, out->mutable_victim());
}

TargetHardeningForm FromStored(const pb::TargetHardeningForm& in) {
  TargetHardeningForm out;
  out.address = FromStored(in.address());
  out.access_instructions = in.access_instructions();
  out.measures_requested =
      Enums<SecurityMeasure>(in.measures_requested());
  out.fire_arson_risk = in.fire_arson_risk();
  out.tenure = Enum<Tenure>(in.tenure());
  out.landlord_permission = in.landlord_permission();
  out.perpetrator_resident = in.perpetrator_resident();
  out.scheme = in.scheme();
  out.appointment_time = FromTimestamp(in.appointment_time());
  out.measures_installed =
      Enums<SecurityMeasure>(in.measures_installed());
  out.emergency_services_flag = in.emergency_services_flag();
  out.measures_recovered = Enums<SecurityMeasure>(in.measures_recovered());
  return out;
}
void PutTargetHardening(const TargetHardeningForm& in,
                        pb::TargetHardeningForm* out) {
  if (!in.address.empty()) PutAddress(in.address, out->mutable_address());
  out->set_access_instructions(in.access_instructions);
  for (SecurityMeasure m : in.measures_requested) {
    out->add_measures_requested(Number(m));
  }
  out->set_fire_arson_risk(in.fire_arson_risk);
  out->set_tenure(Number(in.tenure));
  out->set_landlord_permission(in.landlord_permission);
  out->set_perpetrator_resident(in.perpetrator_resident);
  out->set_scheme(in.scheme);
  PutTime(in.appointment_time, out,
          &pb::TargetHardeningForm::mutable_appointment_time);
  for (SecurityMeasure m : in.measures_installed) {
    out->add_measures_installed(Number(m));
  }
  out->set_emergency_services_flag(in.emergency_services_flag);
  for (SecurityMeasure m : in.measures_recovered) {
    out->add_measures_recovered(Number(m));
  }
}

}  // namespace

void ToStored(const Referral& in, pb::StoredReferral* out) {
  out->Clear();
  if (!in.id.empty()) out->set_name("referrals/" + in.id);
  out->set_reference(in.reference);
  out->set_kind(Number(in.kind));
  out->set_state(in.state);
  out->set_version(in.version);
  out->set_referring_agency(in.referring_agency);
  out->set_referrer(in.referrer);
  out->set_area(in.area);
  out->set_priority(Number(in.priority));
  PutTime(in.deadline, out, &pb::StoredReferral::mutable_deadline);
  out->set_assignee(in.assignee);
  for (const Person& p : in.subjects) PutPerson(p, out->add_subjects());
  pb::ConsentRecord* consent = out->mutable_consent();
  consent->set_status(Number(in.consent.status));
  consent->set_legal_basis(Number(in.consent.legal_basis));
  consent->set_reason(in.consent.reason);
  consent->set_recorded_by(in.consent.recorded_by);
  PutTime(in.consent.record_time, consent,
          &pb::ConsentRecord::mutable_record_time);
  consent->set_given_by(Number(in.consent.given_by));
  consent->set_capacity(Number(in.consent.capacity));
  for (const ExternalReference& e : in.external_references) {
    pb::ExternalReference* ref = out->add_external_references();
    ref->set_system(Number(e.system));
    ref->set_value(e.value);
  }
  for (const Note& n : in.notes) {
    pb::Note* note = out->add_notes();
    note->set_author(n.author);
    PutTime(n.create_time, note, &pb::Note::mutable_create_time);
    note->set_text(n.text);
  }
  for (const ReferralLink& l : in.links) {
    pb::StoredLink* link = out->add_links();
    link->set_type(Number(l.type));
    link->set_referral_id(l.referral_id);
    link->set_linked_by(l.linked_by);
    PutTime(l.link_time, link, &pb::StoredLink::mutable_link_time);
    link->set_status(Number(l.status));
  }
  for (const TransitionRecord& h : in.history) {
    pb::TransitionRecord* record = out->add_history();
    record->set_actor(h.actor);
    PutTime(h.time, record, &pb::TransitionRecord::mutable_time);
    record->set_action(h.action);
    record->set_from_state(h.from_state);
    record->set_to_state(h.to_state);
    record->set_reason(h.reason);
    for (const FieldChange& c : h.changes) {
      pb::FieldChange* change = record->add_changes();
      change->set_path(c.path);
      change->set_before(c.before);
      change->set_after(c.after);
    }
  }
  PutTime(in.create_time, out, &pb::StoredReferral::mutable_create_time);
  PutTime(in.update_time, out, &pb::StoredReferral::mutable_update_time);
  if (const auto* f = std::get_if<NrmForm>(&in.form)) {
    PutNrm(*f, out->mutable_nrm());
  } else if (const auto* f = std::get_if<ChannelForm>(&in.form)) {
    PutChannel(*f, out->mutable_channel());
  } else if (const auto* f = std::get_if<MaracForm>(&in.form)) {
    PutMarac(*f, out->mutable_marac());
  } else if (const auto* f = std::get_if<TargetHardeningForm>(&in.form)) {
    PutTargetHardening(*f, out->mutable_target_hardening());
  }
}

Referral FromStored(const pb::StoredReferral& in) {
  Referral out;
  absl::string_view name = in.name();
  if (name.substr(0, 10) == "referrals/") out.id = std::string(name.substr(10));
  out.reference = in.reference();
  out.kind = Enum<ReferralKind>(in.kind());
  out.state = in.state();
  out.version = in.version();
  out.referring_agency = in.referring_agency();
  out.referrer = in.referrer();
  out.area = in.area();
  out.priority = Enum<Priority>(in.priority());
  out.deadline = FromTimestamp(in.deadline(), absl::InfiniteFuture());
  out.assignee = in.assignee();
  for (const pb::Person& p : in.subjects()) {
    out.subjects.push_back(FromStored(p));
  }
  const pb::ConsentRecord& consent = in.consent();
  out.consent.status = Enum<ConsentStatus>(consent.status());
  out.consent.legal_basis = Enum<LegalBasis>(consent.legal_basis());
  out.consent.reason = consent.reason();
  out.consent.recorded_by = consent.recorded_by();
  out.consent.record_time = FromTimestamp(consent.record_time());
  out.consent.given_by =
      Enum<ConsentGiver>(consent.given_by());
  out.consent.capacity = Enum<CapacityAssessment>(consent.capacity());
  for (const pb::ExternalReference& e : in.external_references()) {
    out.external_references.push_back(
        {Enum<ExternalSystem>(e.system()), e.value()});
  }
  for (const pb::Note& n : in.notes()) {
    out.notes.push_back({n.author(), FromTimestamp(n.create_time()), n.text()});
  }
  for (const pb::TransitionRecord& h : in.history()) {
    TransitionRecord& step = out.history.emplace_back(TransitionRecord{
        h.actor(), FromTimestamp(h.time()), h.action(), h.from_state(),
        h.to_state(), h.reason(), {}});
    for (const pb::FieldChange& c : h.changes()) {
      step.changes.push_back({c.path(), c.before(), c.after()});
    }
  }
  for (const pb::StoredLink& l : in.links()) {
    // Links stored before proposals existed hold no status: linked.
    out.links.push_back({Enum<LinkType>(l.type()), l.referral_id(),
                         l.linked_by(), FromTimestamp(l.link_time()),
                         l.status() == 0 ? LinkStatus::kLinked
                                         : Enum<LinkStatus>(l.status())});
  }
  out.create_time = FromTimestamp(in.create_time());
  out.update_time = FromTimestamp(in.update_time());
  switch (in.form_case()) {
    case pb::StoredReferral::kNrm:
      out.form = FromStored(in.nrm());
      break;
    case pb::StoredReferral::kChannel:
      out.form = FromStored(in.channel());
      break;
    case pb::StoredReferral::kMarac:
      out.form = FromStored(in.marac());
      break;
    case pb::StoredReferral::kTargetHardening:
      out.form = FromStored(in.target_hardening());
      break;
    case pb::StoredReferral::FORM_NOT_SET:
      break;
  }
  return out;
}

void ToStored(const VictimCharacteristics& in, pb::VictimCharacteristics* out) {
  out->set_age_band(Number(in.age_band));
  out->set_sex(Number(in.sex));
  out->set_ethnicity_group(Number(in.ethnicity_group));
  out->set_disability(Number(in.disability));
  out->set_lgbt(Number(in.lgbt));
}

VictimCharacteristics FromStored(const pb::VictimCharacteristics& in) {
  using V = VictimCharacteristics;
  V out;
  out.age_band = Enum<V::AgeBand>(in.age_band());
  out.sex = Enum<V::Sex>(in.sex());
  out.ethnicity_group = Enum<V::EthnicityGroup>(in.ethnicity_group());
  out.disability = Enum<V::Answer>(in.disability());
  out.lgbt = Enum<V::Answer>(in.lgbt());
  return out;
}

}  // namespace safeguard
