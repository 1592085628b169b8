#include "server/rpc/auth_processor.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "server/rpc/peer_identity.h"
#include "server/rpc/status_convert.h"

namespace safeguard {

grpc::Status AccessProcessor::Process(const InputMetadata& auth_metadata,
                                     grpc::AuthContext* context,
                                     OutputMetadata* consumed_auth_metadata,
                                     OutputMetadata* response_metadata) {
  auto found = auth_metadata.find(":path");
  absl::string_view path;
  if (found != auth_metadata.end()) {
    path = absl::string_view(found->second.data(), found->second.size());
  }
  if (absl::StartsWith(path, "/grpc.health.v1.Health/") ||
      absl::StartsWith(path, "/grpc.reflection.")) {
    return grpc::Status::OK;
  }
  absl::ConsumePrefix(&path, "/");
  absl::StatusOr<CallerIdentity> identity =
      IdentityFromAuthContext(*context, trust_domain_);
  if (!identity.ok()) return Refuse(nullptr, path, identity.status(), RoleSet());
  AccessDecision decision = policies_.Current()->Decide(*identity, path);
  if (decision.allowed) return grpc::Status::OK;
  return Refuse(&*identity, path, decision.status, decision.roles);
}

grpc::Status AccessProcessor::Refuse(const CallerIdentity* caller,
                                     absl::string_view method,
                                     const absl::Status& why, RoleSet roles) {
  AuditRecord audit;
  audit.time = clock_.Now();
  if (caller != nullptr) {
    audit.agency = caller->agency;
    audit.principal = caller->principal;
    audit.certificate_sha256 = caller->certificate_sha256;
  }
  audit.roles = roles.ToString();
  audit.rule = "default-deny";
  audit.method = std::string(method.substr(0, 200));
  audit.code = static_cast<int>(why.code());
  if (!audit_.Append(audit).ok()) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the server cannot record this call now");
  }
  return ToGrpcStatus(why);
}

}  // namespace safeguard
