// File: server/rpc/grpc_adapter.h
//
// The gRPC transport's adapter onto the API (server/api/api_method.h):
// InboundFrom() says what gRPC knows of a call (the verified peer
// certificate, x-request-id, deadline, cancellation); ServeUnary() and
// ServeStream() run an ApiMethod from a callback handler and answer
// through a reactor. Every decision is the ApiMethod's.
//
// Reactors are owned by gRPC and delete themselves in OnDone(). Thread-safe.
#ifndef SAFEGUARD_SERVER_RPC_GRPC_ADAPTER_H_
#define SAFEGUARD_SERVER_RPC_GRPC_ADAPTER_H_

#include <memory>

#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "server/access/inbound_call.h"
#include "server/api/api_method.h"
#include "server/rpc/status_convert.h"

namespace safeguard {

// Sent as initial metadata once a stream is live (referrals.proto).
inline constexpr char kStreamLiveKey[] = "safeguard-watch";
inline constexpr char kStreamLiveValue[] = "live";

InboundCall InboundFrom(grpc::CallbackServerContext* context);

grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     const ApiMethod& method,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message* response);

// One server stream: the transport's StreamSink, owning the API's session.
template <typename Item>
class StreamReactor final : public grpc::ServerWriteReactor<Item>,
                            public StreamSink {
 public:
  explicit StreamReactor(grpc::CallbackServerContext* context)
      : context_(context) {}

  void Live() override {
    context_->AddInitialMetadata(kStreamLiveKey, kStreamLiveValue);
    this->StartSendInitialMetadata();
  }
  void Write(const google::protobuf::Message& message) override {
    this->StartWrite(static_cast<const Item*>(&message));
  }
  void Close(const absl::Status& status) override {
    this->Finish(ToGrpcStatus(status));
  }
  void OnWriteDone(bool ok) override { session_->OnWritten(ok); }
  void OnCancel() override {
    if (session_ != nullptr) session_->Cancel();
  }
  void OnDone() override {
    session_.reset();
    delete this;
  }

  std::unique_ptr<StreamSession>* session() { return &session_; }

 private:
  grpc::CallbackServerContext* const context_;
  std::unique_ptr<StreamSession> session_;
};

template <typename Item>
grpc::ServerWriteReactor<Item>* ServeStream(
    grpc::CallbackServerContext* context, const ApiMethod& method,
    const google::protobuf::Message& request) {
  auto* reactor = new StreamReactor<Item>(context);
  method.open(InboundFrom(context), request, reactor, reactor->session());
  return reactor;
}

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_GRPC_ADAPTER_H_
