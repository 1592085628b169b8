#include "server/api/server_info_api.h"

#include <string>
#include <vector>

#include "safeguard/v1/server_info.pb.h"
#include "server/convert/referral_convert.h"
#include "server/policy/policy.h"

namespace safeguard {
namespace {

// What the policy of this call says about its caller: its roles, the
// methods a rule lets it call, and the partnership data.
CallerAccess AccessOf(const ResolvedCall& call) {
  CallerAccess access;
  const CompiledPolicy& policy = *call.policy;
  access.roles = policy.RolesOf(call.context.identity);
  static const std::vector<std::string>* const kGoverned =
      new std::vector<std::string>(GovernedMethods());
  for (const std::string& method : *kGoverned) {
    if (policy.Decide(call.context.identity, method).allowed) {
      access.methods.push_back(method);
    }
  }
  access.partnership = policy.partnership();
  return access;
}

void ToProto(const ServerInfo& info, v1::GetServerInfoResponse* response) {
  response->set_server_version(info.server_version);
  response->set_schema_version(info.schema_version);
  v1::CallerIdentity* out = response->mutable_caller();
  out->set_agency(info.caller.agency);
  out->set_principal(info.caller.principal);
  out->set_certificate_sha256(info.caller.certificate_sha256);
  for (const std::string& role : info.roles) response->add_roles(role);
  for (const std::string& method : info.methods) response->add_methods(method);
  for (const std::string& area : info.areas) response->add_areas(area);
  for (const std::string& scheme : info.schemes) response->add_schemes(scheme);
  for (const DashQuestionSetInfo& set : info.dash_question_sets) {
    v1::DashQuestionSet* s = response->add_dash_question_sets();
    s->set_version(set.version);
    for (const std::string& q : set.questions) s->add_questions(q);
    s->set_high_risk_threshold(set.high_risk_threshold);
    s->set_escalation_threshold(set.escalation_threshold);
    s->set_escalation_months(set.escalation_months);
    s->set_min_rationale_chars(set.min_rationale_chars);
  }
  for (const VafFramework& vaf : info.vaf_frameworks) {
    v1::VafFramework* v = response->add_vaf_frameworks();
    v->set_version(vaf.version);
    v->set_engagement_factors(vaf.engagement_factors);
    v->set_intent_factors(vaf.intent_factors);
    v->set_capability_factors(vaf.capability_factors);
    v->set_max_factor_score(vaf.max_factor_score);
    for (const std::string& name : vaf.factor_names) v->add_factor_names(name);
  }
  response->set_time_zone(info.time_zone);
  for (const absl::CivilDay& day : info.bank_holidays) {
    v1::Date* out = response->add_bank_holidays();
    out->set_year(static_cast<int32_t>(day.year()));
    out->set_month(day.month());
    out->set_day(day.day());
  }
  for (const ZoneOffset& offset : info.zone_offsets) {
    v1::ZoneOffset* out = response->add_zone_offsets();
    ToTimestamp(offset.from, out->mutable_from());
    out->set_utc_offset_seconds(offset.utc_offset_seconds);
  }
}

}  // namespace

ApiMethod ServerInfoMethod(AccessGate& gate, ServerInfoService& service) {
  return MakeUnary<v1::GetServerInfoRequest, v1::GetServerInfoResponse>(
      gate,
      v1::GetServerInfoRequest::descriptor()
          ->file()
          ->FindServiceByName("ServerInfo")
          ->FindMethodByName("GetServerInfo"),
      [&service](ResolvedCall& call, AuditRecord&, const auto&,
                 v1::GetServerInfoResponse* response) -> absl::Status {
        absl::StatusOr<ServerInfo> info =
            service.GetServerInfo(call.context.identity, AccessOf(call));
        if (!info.ok()) return info.status();
        ToProto(*info, response);
        return absl::OkStatus();
      });
}

}  // namespace safeguard
