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
  absl::StatusOr<CallerIdentity> identity =
      IdentityFromAuthContext(*context, trust_domain_);
  if (!identity.ok()) return ToGrpcStatus(identity.status());
  absl::ConsumePrefix(&path, "/");
  AccessDecision decision = policies_.Current()->Decide(*identity, path);
  return decision.allowed ? grpc::Status::OK : ToGrpcStatus(decision.status);
}

}  // namespace safeguard
