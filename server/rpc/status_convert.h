// File: server/rpc/status_convert.h
//
// ToGrpcStatus(): the one converter from absl::Status to grpc::Status. The
// canonical codes are numerically identical. Field violations carried by the
// status (server/core/field_violations.h) become a google.rpc.BadRequest in
// the status details, so clients can list every bad field.
#ifndef SAFEGUARD_SERVER_RPC_STATUS_CONVERT_H_
#define SAFEGUARD_SERVER_RPC_STATUS_CONVERT_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace safeguard {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_STATUS_CONVERT_H_
