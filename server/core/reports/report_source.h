// File: server/core/reports/report_source.h
//
// ReportSource: the stored ReportFacts (report_facts.h) a report counts,
// read without any referral's body. The SQLCipher implementation is
// server/storage/sqlcipher_report_source.h; tests/testing/
// memory_referral_store.h has one over its referrals.
//
// Implementations are safe for concurrent use, and a scan does not hold up
// writers.
#ifndef SAFEGUARD_SERVER_CORE_REPORTS_REPORT_SOURCE_H_
#define SAFEGUARD_SERVER_CORE_REPORTS_REPORT_SOURCE_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/core/referral.h"
#include "server/core/reports/report_facts.h"

namespace safeguard {

// Which facts a report needs: the referrals received before `end` that had
// not ended before `start` (ReportFacts::ended), of `kind` (kUnspecified:
// every kind) and in `area` ("": every area).
struct FactsQuery {
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  ReferralKind kind = ReferralKind::kUnspecified;
  std::string area;
};

class ReportSource {
 public:
  virtual ~ReportSource() = default;
  // Calls `visit` with each referral's facts that `query` selects, in no
  // set order. Stops at, and returns, the first error.
  virtual absl::Status ForEachFacts(
      const FactsQuery& query,
      absl::FunctionRef<void(const ReportFacts&)> visit) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_REPORTS_REPORT_SOURCE_H_
