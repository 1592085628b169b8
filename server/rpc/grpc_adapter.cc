#include "server/rpc/grpc_adapter.h"

#include <utility>

#include "absl/time/clock.h"
#include "grpc/grpc_security_constants.h"

namespace safeguard {
namespace {

// Leaves the drain gate (its ticket) once gRPC is done with the call:
// after its status has been sent, or it was cancelled. Leaving right after
// Finish() would let shutdown cancel a finished call whose response is not
// yet on the wire. Deletes itself.
class UnaryReactor final : public grpc::ServerUnaryReactor {
 public:
  void Answer(absl::Status status, CallTicket ticket) {
    ticket_ = std::move(ticket);
    Finish(ToGrpcStatus(status));
  }
  void OnDone() override { delete this; }

 private:
  CallTicket ticket_;
};

}  // namespace

InboundCall InboundFrom(grpc::CallbackServerContext* context) {
  InboundCall call;
  std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    std::vector<grpc::string_ref> pem =
        auth->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (pem.size() == 1) call.peer_certificate_pem.assign(pem[0].data(), pem[0].size());
  }
  auto id = context->client_metadata().find("x-request-id");
  if (id != context->client_metadata().end()) {
    call.request_id_hint.assign(id->second.data(), id->second.size());
  }
  call.deadline = absl::FromChrono(context->deadline());
  call.cancelled = [context] { return context->IsCancelled(); };
  return call;
}

grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     const ApiMethod& method,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message* response) {
  auto* reactor = new UnaryReactor();
  method.unary(InboundFrom(context), request, response,
               [reactor](absl::Status status, CallTicket ticket) {
                 reactor->Answer(std::move(status), std::move(ticket));
               });
  return reactor;
}

}  // namespace safeguard
