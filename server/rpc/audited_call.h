// File: server/rpc/audited_call.h
//
// The audit side of every handler: the base AuditRecord of a call (caller,
// method, rule, roles, time, request id) and FinishAudited(), which appends
// the record with the call's outcome unless a store already committed it
// with the change, and turns a failed append into UNAVAILABLE with no data
// ("no audit, no response"). Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_AUDITED_CALL_H_
#define SAFEGUARD_SERVER_RPC_AUDITED_CALL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "server/core/audit_log.h"
#include "server/core/identity.h"
#include "server/core/roles.h"

namespace safeguard {

// The client's "x-request-id" metadata when it is 1-64 characters of
// [A-Za-z0-9._-]; otherwise a new id, unique to this server process.
std::string RequestIdOf(const grpc::ServerContextBase& context);

AuditRecord BaseAuditRecord(const grpc::ServerContextBase& context,
                            const CallerIdentity* caller,
                            absl::string_view method, absl::string_view rule,
                            RoleSet roles, absl::Time now);

// Returns the status to send: `status`, or UNAVAILABLE (with `response`
// cleared) if the audit record cannot be written.
absl::Status FinishAudited(AuditLog& log, AuditRecord& audit,
                           const absl::Status& status,
                           google::protobuf::Message* response);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_AUDITED_CALL_H_
