// File: server/core/reports/report_config.h
//
// ReportsConfig: what the partnership's policy says about its reports (the
// small-number threshold, the populations rates are counted against, and
// each agency's type). Value type; thread-compatible.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_REPORT_CONFIG_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_REPORT_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "server/core/reports/suppression.h"

namespace safeguard {

struct ReportsConfig {
  SuppressionPolicy suppression;
  // Adult women (16 and over) by area, for MARAC cases per 10,000.
  std::map<std::string, int64_t, std::less<>> adult_women_by_area;
  // Agency -> its type ("police", "local authority"); others are "other".
  std::map<std::string, std::string, std::less<>> agency_types;
  // The types in the order the policy first names them.
  std::vector<std::string> type_order;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_REPORT_CONFIG_H_
