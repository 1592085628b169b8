#include "tests/testing/referral_fixtures.h"

#include <chrono>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

#include "tests/testing/test_server.h"

namespace safeguard::testing {
namespace {

v1::Person Adult(const std::string& name) {
  v1::Person p;
  p.set_full_name(name);
  p.mutable_date_of_birth()->set_year(1988);
  p.mutable_date_of_birth()->set_month(4);
  p.mutable_date_of_birth()->set_day(12);
  p.mutable_safe_contact()->add_channels(v1::PHONE);
  p.mutable_safe_contact()->set_phone("07700900123");
  p.mutable_safe_contact()->set_times("weekdays 10:00-12:00");
  return p;
}

void Consent(v1::Referral& r) {
  r.mutable_consent()->set_status(v1::GIVEN);
  r.mutable_consent()->set_legal_basis(v1::CONSENT);
}

}  // namespace

v1::Referral NrmSubmission(const std::string& area) {
  v1::Referral r;
  r.set_kind(v1::NRM);
  r.set_area(area);
  *r.add_subjects() = Adult("Sam Example");
  Consent(r);
  v1::NrmForm* nrm = r.mutable_nrm();
  nrm->set_nature(v1::NRM_REFERRAL);
  nrm->add_exploitation_types(v1::LABOUR);
  nrm->add_indicators("passport held by employer");
  nrm->set_narrative("Found working long hours for no pay.");
  return r;
}

v1::Referral ChannelSubmission(const std::string& area) {
  v1::Referral r;
  r.set_kind(v1::CHANNEL);
  r.set_area(area);
  *r.add_subjects() = Adult("Jo Example");
  Consent(r);
  r.mutable_channel()->set_concern("Shares extremist material in class.");
  r.mutable_channel()->set_ideology_or_group("extreme right wing");
  return r;
}

v1::Referral MaracSubmission(int yes_answers, const std::string& victim,
                             const std::string& area) {
  v1::Referral r;
  r.set_kind(v1::MARAC);
  r.set_area(area);
  *r.add_subjects() = Adult(victim);
  r.mutable_consent()->set_status(v1::OVERRIDDEN);
  r.mutable_consent()->set_legal_basis(v1::DPA_2018_SCH1_PARA18);
  r.mutable_consent()->set_reason("high risk; asking would increase it");
  v1::MaracForm* m = r.mutable_marac();
  m->mutable_dash()->set_question_set_version("safelives-2009");
  for (int i = 0; i < 24; ++i) {
    m->mutable_dash()->add_answers(i < yes_answers ? v1::YES : v1::NO);
  }
  m->mutable_perpetrator()->set_full_name("Pat Example");
  m->set_relationship("ex-partner");
  m->set_idva_referral(true);
  return r;
}

v1::Referral TargetHardeningSubmission(const std::string& area) {
  v1::Referral r;
  r.set_kind(v1::TARGET_HARDENING);
  r.set_area(area);
  *r.add_subjects() = Adult("Chris Example");
  Consent(r);
  v1::TargetHardeningForm* th = r.mutable_target_hardening();
  th->mutable_address()->add_lines("1 Example Row");
  th->mutable_address()->set_town("Bury St Edmunds");
  th->mutable_address()->set_postcode("IP33 1AA");
  th->set_access_instructions("Call first; side gate.");
  th->add_measures_requested(v1::LOCKS);
  th->add_measures_requested(v1::LETTERBOX_PLATE);
  th->set_fire_arson_risk(true);
  th->set_tenure(v1::SOCIAL_RENT);
  th->set_landlord_permission(true);
  th->set_scheme("suffolk-target-hardening");
  return r;
}

v1::Referral SixtyBadFieldsSubmission() {
  v1::Referral many = TargetHardeningSubmission();
  many.clear_subjects();
  for (int i = 0; i < 10; ++i) {
    v1::Person* p = many.add_subjects();
    p->set_full_name(std::string(300, 'n'));
    p->set_gender(std::string(300, 'g'));
    p->set_nationality(std::string(300, 'n'));
    p->mutable_address()->set_town(std::string(300, 't'));
    p->mutable_address()->set_postcode(std::string(300, 'p'));
    p->mutable_safe_contact()->set_phone(std::string(300, '0'));
  }
  return many;
}

std::shared_ptr<grpc::Channel> Callers::Channel(const std::string& who) {
  size_t slash = who.find('/');
  CertFiles cert =
      pki_.IssueIdentity(who.substr(0, slash), who.substr(slash + 1));
  return ConnectedTestChannel(port_, pki_.ca_file(), cert);
}

v1::Referrals::Stub& Callers::As(const std::string& who) {
  auto it = stubs_.find(who);
  if (it != stubs_.end()) return *it->second;
  return *(stubs_[who] = v1::Referrals::NewStub(Channel(who)));
}

v1::People::Stub& Callers::People(const std::string& who) {
  auto it = people_.find(who);
  if (it != people_.end()) return *it->second;
  return *(people_[who] = v1::People::NewStub(Channel(who)));
}

v1::Reports::Stub& Callers::Reports(const std::string& who) {
  auto it = reports_.find(who);
  if (it != reports_.end()) return *it->second;
  return *(reports_[who] = v1::Reports::NewStub(Channel(who)));
}

std::vector<v1::AuditEntry> Callers::AuditEntriesFor(
    const std::string& request_id) {
  auto auditor = v1::Audit::NewStub(Channel("csp-audit/person/auditor"));
  v1::ListAuditEntriesRequest request;
  request.set_page_size(1000);
  v1::ListAuditEntriesResponse page;
  grpc::Status s = auditor->ListAuditEntries(Context().get(), request, &page);
  std::vector<v1::AuditEntry> found;
  if (!s.ok()) return found;
  for (const v1::AuditEntry& e : page.entries()) {
    if (e.request_id() == request_id) found.push_back(e);
  }
  return found;
}

std::vector<FieldViolation> Violations(const grpc::Status& status) {
  google::rpc::Status details;
  google::rpc::BadRequest bad;
  std::vector<FieldViolation> out;
  if (details.ParseFromString(status.error_details()) &&
      details.details_size() == 1 && details.details(0).UnpackTo(&bad)) {
    for (const auto& v : bad.field_violations()) {
      out.push_back({v.field(), v.description()});
    }
  }
  return out;
}

grpc::Status Callers::Submit(const std::string& who,
                             const std::string& request_id,
                             const v1::Referral& referral, v1::Referral* out) {
  v1::SubmitReferralRequest request;
  request.set_request_id(request_id);
  *request.mutable_referral() = referral;
  return As(who).SubmitReferral(Context().get(), request, out);
}

grpc::Status Callers::Get(const std::string& who, const std::string& name,
                          v1::Referral* out) {
  v1::GetReferralRequest request;
  request.set_name(name);
  return As(who).GetReferral(Context().get(), request, out);
}

grpc::Status Callers::Transition(const std::string& who, v1::Referral& r,
                                 const std::string& action,
                                 v1::TransitionReferralRequest request) {
  request.set_name(r.name());
  request.set_action(action);
  request.set_version(r.version());
  v1::Referral out;
  grpc::Status s = As(who).TransitionReferral(Context().get(), request, &out);
  if (s.ok()) r = out;
  return s;
}

grpc::Status Callers::Assign(const std::string& who, v1::Referral& r,
                             const std::string& assignee) {
  v1::AssignReferralRequest request;
  request.set_name(r.name());
  request.set_assignee(assignee);
  request.set_version(r.version());
  v1::Referral out;
  grpc::Status s = As(who).AssignReferral(Context().get(), request, &out);
  if (s.ok()) r = out;
  return s;
}

v1::Date Today(int days) {
  absl::TimeZone london;
  absl::LoadTimeZone("Europe/London", &london);
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), london) + days;
  v1::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  return context;
}

bool WaitUntilLive(grpc::ClientReader<v1::ReferralEvent>& stream,
                   const grpc::ClientContext& context) {
  stream.WaitForInitialMetadata();
  const auto& metadata = context.GetServerInitialMetadata();
  auto live = metadata.find("safeguard-watch");
  return live != metadata.end() && live->second == "live";
}

}  // namespace safeguard::testing
