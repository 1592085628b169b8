#include "server/core/server_info_service.h"

#include <algorithm>

#include "absl/status/status.h"
#include "server/core/dash.h"

namespace safeguard {

absl::StatusOr<ServerInfo> ServerInfoService::GetServerInfo(
    const CallerIdentity& caller, const CallerAccess& access) {
  absl::Status recorded = store_.RecordCaller(caller, clock_.Now());
  if (!recorded.ok()) {
    // The store's message may name internals; the caller learns only that
    // the service cannot answer now.
    return absl::UnavailableError("the server could not record this call");
  }
  ServerInfo info;
  info.server_version = SAFEGUARD_VERSION;
  info.schema_version = store_.SchemaVersion();
  info.caller = caller;
  for (int i = 0; i < kRoleCount; ++i) {
    const Role role = static_cast<Role>(i);
    if (access.roles.Has(role)) info.roles.emplace_back(RoleName(role));
  }
  std::sort(info.roles.begin(), info.roles.end());
  info.methods = access.methods;
  std::sort(info.methods.begin(), info.methods.end());
  const WorkflowConfig defaults;
  const WorkflowConfig& config =
      access.partnership != nullptr ? access.partnership->workflow : defaults;
  if (access.partnership != nullptr) info.areas = access.partnership->areas;
  for (const auto& [scheme, hours] : config.service_hours_by_scheme) {
    info.schemes.push_back(scheme);  // std::map: sorted
  }
  for (const DashQuestionSet* set : DashQuestionSets()) {
    info.dash_question_sets.push_back(
        {set->version, set->questions, config.marac.high_risk_threshold,
         config.marac.escalation_incidents, config.marac.escalation_months,
         config.marac.min_rationale_chars});
  }
  info.vaf_frameworks = VafFrameworks();
  info.time_zone = zone_.name();
  const absl::Time now = clock_.Now();
  const absl::Duration horizon = absl::Hours(24) * kBankHolidayHorizonDays;
  absl::Time t = now - horizon;
  info.zone_offsets.push_back({t, zone_.At(t).offset});
  absl::TimeZone::CivilTransition change;
  while (zone_.NextTransition(t, &change)) {
    const absl::Time at = zone_.At(change.to).trans;
    if (at > now + horizon || at <= t) break;
    info.zone_offsets.push_back({at, zone_.At(at).offset});
    t = at;
  }
  const absl::CivilDay today = absl::ToCivilDay(now, zone_);
  for (absl::CivilDay day = today; day < today + kBankHolidayHorizonDays;
       ++day) {
    const absl::Weekday weekday = absl::GetWeekday(day);
    const bool weekend = weekday == absl::Weekday::saturday ||
                         weekday == absl::Weekday::sunday;
    if (!weekend && !calendar_.IsWorkingDay(day)) {
      info.bank_holidays.push_back(day);
    }
  }
  return info;
}

}  // namespace safeguard
