// File: server/core/audit_log.h
//
// AuditRecord and AuditLog: one entry of the tamper-evident audit log, and
// where it goes. Every call that reaches the server gets exactly one entry,
// allowed or denied. A change and its entry commit in one transaction (the
// ReferralStore takes the record with the change); a read's entry is
// committed before the response is sent; if it cannot be, the call fails
// with UNAVAILABLE and no data. Entries hold no case content and no
// personal data: who called, what, about which referral id, which field
// view, the outcome.
//
// Implementations are safe for concurrent use.
#ifndef SAFEGUARD_SERVER_CORE_AUDIT_LOG_H_
#define SAFEGUARD_SERVER_CORE_AUDIT_LOG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace safeguard {

struct AuditRecord {
  absl::Time time = absl::InfinitePast();
  std::string agency;              // empty if the caller had no identity
  std::string principal;
  std::string certificate_sha256;
  std::string roles;               // the roles the call was decided in
  std::string rule;                // the deciding rule, or "default-deny"
  std::string method;              // "safeguard.v1.Referrals/GetReferral"
  std::string referral_id;         // the referral concerned, if one
  // Other referrals disclosed (a queue page, watch events), by id.
  std::vector<std::string> disclosed;
  std::string view;                // roles whose field views were disclosed
  // The paths of the fields a correction changed (never their values).
  std::vector<std::string> changed_fields;
  // The person records the call disclosed or changed, by id.
  std::vector<std::string> people;
  // The caller's written reason, where the method requires one.
  std::string reason;
  int code = 0;                    // google.rpc.Code of the outcome
  std::string break_glass_reason;
  std::string request_id;
  // Set by a store that wrote this record in the same transaction as the
  // change it describes; the caller must not append it again.
  bool committed = false;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Appends `record` durably, in its own transaction.
  virtual absl::Status Append(const AuditRecord& record) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_AUDIT_LOG_H_
