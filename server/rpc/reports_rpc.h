// File: server/rpc/reports_rpc.h
//
// ReportsRpc: the safeguard.v1.Reports service for gRPC. Each handler hands
// its call to the API's method (server/api/reports_api.h) through the gRPC
// adapter; nothing is decided here.
//
// Does not own `api`, which must outlive the gRPC server.
#ifndef SAFEGUARD_SERVER_RPC_REPORTS_RPC_H_
#define SAFEGUARD_SERVER_RPC_REPORTS_RPC_H_

#include "safeguard/v1/reports.grpc.pb.h"
#include "server/api/api_methods.h"

namespace safeguard {

class ReportsRpc final : public v1::Reports::CallbackService {
 public:
  explicit ReportsRpc(const ApiMethods& api) : api_(api) {}

#define SAFEGUARD_UNARY(Method, Request, Response)             \
  grpc::ServerUnaryReactor* Method(                            \
      grpc::CallbackServerContext* context,                    \
      const v1::Request* request, v1::Response* response) override;
  SAFEGUARD_UNARY(ListReportDefinitions, ListReportDefinitionsRequest,
                  ListReportDefinitionsResponse)
  SAFEGUARD_UNARY(RunReport, RunReportRequest, Report)
  SAFEGUARD_UNARY(RunUnsuppressedReport, RunUnsuppressedReportRequest, Report)
#undef SAFEGUARD_UNARY

 private:
  const ApiMethods& api_;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_REPORTS_RPC_H_
