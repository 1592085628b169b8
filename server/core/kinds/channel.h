// File: server/core/kinds/channel.h
//
// What the Channel kind tells others: the Vulnerability Assessment
// Frameworks its workflow accepts (GetServerInfo lists them).
#ifndef SAFEGUARD_SERVER_CORE_KINDS_CHANNEL_H_
#define SAFEGUARD_SERVER_CORE_KINDS_CHANNEL_H_

#include <string>
#include <vector>

namespace safeguard {

// A Vulnerability Assessment Framework the workflow accepts:
// VafAssessment::factor_scores holds engagement_factors scores, then
// intent_factors, then capability_factors, each 0 to max_factor_score.
struct VafFramework {
  std::string version;
  int engagement_factors = 0;
  int intent_factors = 0;
  int capability_factors = 0;
  int max_factor_score = 0;
  // Each factor's name, in factor_scores' order.
  std::vector<std::string> factor_names;
};

// Every framework the workflow accepts (today "vaf-2015").
std::vector<VafFramework> VafFrameworks();

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_KINDS_CHANNEL_H_
