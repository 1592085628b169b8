// File: server/api/api_method.h
//
// The API as every transport sees it: one ApiMethod per governed method,
// looked up by its full name. A transport decodes the request, builds an
// InboundCall and calls the method; the method admits the call through the
// AccessGate (identity, policy decision, scopes, audit) and runs the
// handler's body. A transport adds an adapter and nothing else.
//
// Unary: `unary(call, request, response, done)`. `request` and `response`
// must stay alive until `done` has run; `done` runs exactly once, on any
// thread, with the status to send (`response` is filled only when it is
// OK) and the call's CallTicket, which the transport keeps until the answer
// is on the wire (it holds the server's drain open for the call).
//
// Server streaming: `open(call, request, sink, &session)` stores the
// StreamSession in `session` before anything can call the sink; the
// transport owns it and must keep it (and `sink`, and `request`) alive
// until the session has called sink->Close() (it may stay null if the
// sink was closed at once). The session calls the sink from any thread:
//   Live()   at most once, first: the stream is open and allowed; for a
//            watch, every later change will be seen.
//   Write(m) one message at a time; the transport calls OnWritten(ok)
//            once `m` is sent (ok) or cannot be (client gone); `m` lives
//            until then.
//   Close(s) exactly once, last: the stream ends with `s` (OK or the
//            refusal or failure). The session touches nothing after it, so
//            the transport may destroy the session once Close has been
//            called and no OnWritten/Cancel call of its own is running.
// The transport calls Cancel() when the client goes away.
#ifndef SAFEGUARD_SERVER_API_API_METHOD_H_
#define SAFEGUARD_SERVER_API_API_METHOD_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/access/access_gate.h"
#include "server/access/call_gate.h"
#include "server/access/inbound_call.h"
#include "server/api/request_limits.h"

namespace safeguard {

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  virtual void Live() = 0;
  virtual void Write(const google::protobuf::Message& message) = 0;
  virtual void Close(const absl::Status& status) = 0;
};

class StreamSession {
 public:
  virtual ~StreamSession() = default;
  virtual void OnWritten(bool ok) = 0;
  virtual void Cancel() = 0;
};

using UnaryDone = absl::AnyInvocable<void(absl::Status, CallTicket)>;

struct ApiMethod {
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  // Exactly one is set, as the method is unary or server-streaming.
  std::function<void(InboundCall call, const google::protobuf::Message& request,
                     google::protobuf::Message* response, UnaryDone done)>
      unary;
  std::function<void(InboundCall call, const google::protobuf::Message& request,
                     StreamSink* sink, std::unique_ptr<StreamSession>* session)>
      open;
};

// A server stream of the API: what a transport's StreamSession is, plus
// what MakeStream calls while the opening is decided. Check() runs on the
// worker pool before the opening is audited; then exactly one of Start()
// (allowed and audited) or Refuse() (its last act: sink->Close).
class ApiStream : public StreamSession {
 public:
  virtual absl::Status Check(const ResolvedCall&) { return absl::OkStatus(); }
  virtual void Start(ResolvedCall call) = 0;
  virtual void Refuse(const absl::Status& why) = 0;
};

// The "safeguard.v1.Service/Method" name of `method`.
std::string FullMethodName(const google::protobuf::MethodDescriptor& method);

// A unary method whose body is
// `body(ResolvedCall&, AuditRecord&, const Request&, Response*) -> Status`,
// run through `gate` once the request is found within its limits
// (request_limits.h). `gate` must outlive the method.
template <typename Request, typename Response, typename Body>
ApiMethod MakeUnary(AccessGate& gate,
                    const google::protobuf::MethodDescriptor* descriptor,
                    Body body) {
  ApiMethod m;
  m.descriptor = descriptor;
  m.unary = [&gate, name = FullMethodName(*descriptor), body](
                InboundCall call, const google::protobuf::Message& request,
                google::protobuf::Message* response, UnaryDone done) {
    if (request.GetDescriptor() != Request::descriptor() ||
        response->GetDescriptor() != Response::descriptor()) {
      done(absl::InternalError("request of the wrong type"), CallTicket());
      return;
    }
    call.method = name;
    const auto* req = static_cast<const Request*>(&request);
    auto* resp = static_cast<Response*>(response);
    gate.Unary(
        std::move(call),
        [body, req, resp](ResolvedCall& c, AuditRecord& audit) {
          absl::Status limits = CheckRequestLimits(*req);
          if (!limits.ok()) return limits;
          return body(c, audit, *req, resp);
        },
        std::move(done));
  };
  return m;
}

// The unary method `name` of `service` whose body is `api`'s member
// `body`; as MakeUnary. `api` must outlive the method.
template <typename Api, typename Request, typename Response>
ApiMethod MakeMemberUnary(AccessGate& gate,
                          const google::protobuf::ServiceDescriptor& service,
                          const char* name, Api* api,
                          absl::Status (Api::*body)(ResolvedCall&, AuditRecord&,
                                                    const Request&, Response*)) {
  return MakeUnary<Request, Response>(
      gate, service.FindMethodByName(name),
      [api, body](ResolvedCall& c, AuditRecord& a, const Request& q,
                  Response* r) { return (api->*body)(c, a, q, r); });
}

// A server-streaming method whose sessions are made by
// `make(const Request&, StreamSink*) -> std::unique_ptr<ApiStream>`.
template <typename Request, typename Make>
ApiMethod MakeStream(AccessGate& gate,
                     const google::protobuf::MethodDescriptor* descriptor,
                     Make make) {
  ApiMethod m;
  m.descriptor = descriptor;
  m.open = [&gate, name = FullMethodName(*descriptor), make](
               InboundCall call, const google::protobuf::Message& request,
               StreamSink* sink, std::unique_ptr<StreamSession>* session) {
    if (request.GetDescriptor() != Request::descriptor()) {
      sink->Close(absl::InternalError("request of the wrong type"));
      return;
    }
    call.method = name;
    const auto* req = static_cast<const Request*>(&request);
    std::unique_ptr<ApiStream> made = make(*req, sink);
    ApiStream* s = made.get();
    *session = std::move(made);
    gate.OpenStream(
        std::move(call),
        [s, req](const ResolvedCall& c) {
          absl::Status limits = CheckRequestLimits(*req);
          return limits.ok() ? s->Check(c) : limits;
        },
        [s](absl::StatusOr<ResolvedCall> c) {
          if (c.ok()) {
            s->Start(*std::move(c));
          } else {
            s->Refuse(c.status());
          }
        });
  };
  return m;
}

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_API_METHOD_H_
