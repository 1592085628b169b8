#include "server/rpc/reports_rpc.h"

#include "server/rpc/grpc_adapter.h"

namespace safeguard {

#define SAFEGUARD_UNARY(Method, Request, Response)                        \
  grpc::ServerUnaryReactor* ReportsRpc::Method(                            \
      grpc::CallbackServerContext* context, const v1::Request* request,   \
      v1::Response* response) {                                           \
    return ServeUnary(context, api_.Get("safeguard.v1.Reports/" #Method),  \
                      *request, response);                                \
  }

SAFEGUARD_UNARY(ListReportDefinitions, ListReportDefinitionsRequest,
                ListReportDefinitionsResponse)
SAFEGUARD_UNARY(RunReport, RunReportRequest, Report)
SAFEGUARD_UNARY(RunUnsuppressedReport, RunUnsuppressedReportRequest, Report)

#undef SAFEGUARD_UNARY

}  // namespace safeguard
