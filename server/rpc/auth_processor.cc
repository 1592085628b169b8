#include "server/rpc/auth_processor.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "server/rpc/peer_identity.h"
#include "server/rpc/status_convert.h"

namespace safeguard {

grpc::Status IdentityAuthProcessor::Process(
    const InputMetadata& auth_metadata, grpc::AuthContext* context,
    OutputMetadata* consumed_auth_metadata,
    OutputMetadata* response_metadata) {
  auto path = auth_metadata.find(":path");
  if (path != auth_metadata.end() &&
      absl::StartsWith(absl::string_view(path->second.data(),
                                         path->second.size()),
                       "/grpc.health.v1.Health/")) {
    return grpc::Status::OK;
  }
  return ToGrpcStatus(
      IdentityFromAuthContext(*context, trust_domain_).status());
}

}  // namespace safeguard
