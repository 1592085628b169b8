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
// Server streaming: `open(call, request, sink)` returns the StreamSession,
// owned by the transport, which must keep it (and `sink`, and `request`)
// alive until the session has called sink->Close(). The session calls the
// sink from any thread:
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

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "server/access/call_gate.h"
#include "server/access/inbound_call.h"

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
  std::function<std::unique_ptr<StreamSession>(
      InboundCall call, const google::protobuf::Message& request,
      StreamSink* sink)>
      open;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_API_API_METHOD_H_
