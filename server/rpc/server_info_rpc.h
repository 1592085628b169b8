// File: server/rpc/server_info_rpc.h
//
// ServerInfoRpc: the safeguard.v1.ServerInfo adapter. Each handler takes the
// identity from the peer, hands the domain call to the WorkerPool (it writes
// to the database), converts the result and finishes the reactor.
//
// Does not own the service, the gate or the pool; all must outlive the gRPC
// server.
#ifndef SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_
#define SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_

#include <string>

#include "safeguard/v1/server_info.grpc.pb.h"
#include "server/core/audit_log.h"
#include "server/core/clock.h"
#include "server/core/server_info_service.h"
#include "server/policy/policy.h"
#include "server/rpc/call_gate.h"
#include "server/rpc/worker_pool.h"

namespace safeguard {

class ServerInfoRpc final : public v1::ServerInfo::CallbackService {
 public:
  ServerInfoRpc(ServerInfoService& service, AuditLog& audit,
                const PolicyHolder& policies, const Clock& clock,
                CallGate& gate, WorkerPool& pool, std::string trust_domain)
      : service_(service),
        audit_(audit),
        policies_(policies),
        clock_(clock),
        gate_(gate),
        pool_(pool),
        trust_domain_(std::move(trust_domain)) {}

  grpc::ServerUnaryReactor* GetServerInfo(
      grpc::CallbackServerContext* context,
      const v1::GetServerInfoRequest* request,
      v1::GetServerInfoResponse* response) override;

 private:
  ServerInfoService& service_;
  AuditLog& audit_;
  const PolicyHolder& policies_;
  const Clock& clock_;
  CallGate& gate_;
  WorkerPool& pool_;
  const std::string trust_domain_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_SERVER_INFO_RPC_H_
