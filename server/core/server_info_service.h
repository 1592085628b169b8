// File: server/core/server_info_service.h
//
// ServerInfoService: the domain side of safeguard.v1.ServerInfo. It records
// the caller in the store (so the call exercises every layer down to the
// encrypted file) and reports versions, the caller's identity, what the
// access policy in force lets the caller do (given by the caller of
// GetServerInfo, which reads the policy), and the reference data the
// submission forms need: areas, schemes, DASH question sets with the MARAC
// thresholds in force, VAF frameworks; and the calendar deadlines are
// counted in (time zone and its offsets, bank holidays ahead).
//
// Does not own the Store, the Clock or the HolidayCalendar; each must
// outlive it. Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_SERVER_INFO_SERVICE_H_
#define SAFEGUARD_SERVER_CORE_SERVER_INFO_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "server/core/clock.h"
#include "server/core/identity.h"
#include "server/core/kinds/channel.h"
#include "server/core/referral_service.h"
#include "server/core/roles.h"
#include "server/core/store.h"
#include "server/core/workflow.h"
#include "server/core/working_days.h"

namespace safeguard {

// What the access policy in force says about one caller.
struct CallerAccess {
  RoleSet roles;
  // "safeguard.v1.Service/Method" of each method the caller may call.
  std::vector<std::string> methods;
  // The policy's partnership data; null means the built-in defaults and
  // no areas.
  std::shared_ptr<const Partnership> partnership;
};

// A DASH question set with the MARAC criteria applied to it.
struct DashQuestionSetInfo {
  std::string version;
  std::vector<std::string> questions;
  int high_risk_threshold = 0;
  int escalation_threshold = 0;
  int escalation_months = 0;
  int min_rationale_chars = 0;
};

// From `from` (until the next one's), the zone's local time is UTC plus
// utc_offset_seconds.
struct ZoneOffset {
  absl::Time from;
  int utc_offset_seconds = 0;
  bool operator==(const ZoneOffset& o) const {
    return from == o.from && utc_offset_seconds == o.utc_offset_seconds;
  }
};

struct ServerInfo {
  std::string server_version;
  int schema_version = 0;
  CallerIdentity caller;
  std::vector<std::string> roles;    // role names, sorted
  std::vector<std::string> methods;  // sorted
  std::vector<std::string> areas;    // in policy order
  std::vector<std::string> schemes;  // sorted
  std::vector<DashQuestionSetInfo> dash_question_sets;
  std::vector<VafFramework> vaf_frameworks;
  // The partnership's time zone ("Europe/London") and its bank holidays
  // from today (there) for kBankHolidayHorizonDays.
  std::string time_zone;
  std::vector<absl::CivilDay> bank_holidays;
  // The zone's offset kBankHolidayHorizonDays before now, then each change
  // up to kBankHolidayHorizonDays after now.
  std::vector<ZoneOffset> zone_offsets;
};

inline constexpr int kBankHolidayHorizonDays = 400;

class ServerInfoService {
 public:
  ServerInfoService(Store& store, const Clock& clock,
                    const HolidayCalendar& calendar, absl::TimeZone zone)
      : store_(store), clock_(clock), calendar_(calendar), zone_(zone) {}
  ServerInfoService(const ServerInfoService&) = delete;
  ServerInfoService& operator=(const ServerInfoService&) = delete;

  // Returns kUnavailable (and no data) if the caller cannot be recorded.
  absl::StatusOr<ServerInfo> GetServerInfo(const CallerIdentity& caller,
                                           const CallerAccess& access);

 private:
  Store& store_;
  const Clock& clock_;
  const HolidayCalendar& calendar_;
  const absl::TimeZone zone_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_SERVER_INFO_SERVICE_H_
