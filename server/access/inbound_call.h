// File: server/access/inbound_call.h
//
// InboundCall: what a transport knows of a call before anything is decided
// about it: the method, the peer's credential as its TLS layer verified it,
// the client's request-id hint, and when the client gives up on it. Every
// transport (gRPC, Connect over HTTPS) builds one and hands it to the
// AccessGate; nothing else about the transport reaches the decision.
//
// A plain value; copyable. `cancelled`, when set, must be safe to call from
// any thread for as long as the call is in flight.
#ifndef SAFEGUARD_SERVER_ACCESS_INBOUND_CALL_H_
#define SAFEGUARD_SERVER_ACCESS_INBOUND_CALL_H_

#include <functional>
#include <string>

#include "absl/time/time.h"

namespace safeguard {

struct InboundCall {
  // "safeguard.v1.<Service>/<Method>".
  std::string method;
  // The client certificate in PEM form, verified by the transport's TLS
  // layer against the configured CA bundle and CRLs; empty if the peer
  // presented none (or the transport could not verify it).
  std::string peer_certificate_pem;
  // The client's request id ("x-request-id"), used only if it is 1-64
  // characters of [A-Za-z0-9._-]; otherwise the server makes one.
  std::string request_id_hint;
  // When the client gives up on the call.
  absl::Time deadline = absl::InfiniteFuture();
  // True once the client has cancelled the call; may be empty.
  std::function<bool()> cancelled;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_INBOUND_CALL_H_
