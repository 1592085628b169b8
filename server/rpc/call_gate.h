// File: server/rpc/call_gate.h
//
// CallGate: counts the calls in flight and, once draining starts, refuses
// new ones, so that shutdown can let admitted calls finish without waiting
// for idle client connections (gRPC's Server::Shutdown waits for those
// until its deadline). Every handler calls TryEnter() first and, when that
// succeeded, Exit() exactly once when gRPC is done with the call (its
// reactor's OnDone), so that nothing admitted is cut off.
//
// Safe for concurrent use.
#ifndef SAFEGUARD_SERVER_RPC_CALL_GATE_H_
#define SAFEGUARD_SERVER_RPC_CALL_GATE_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace safeguard {

class CallGate {
 public:
  // False once draining has started: the caller must refuse the call with
  // UNAVAILABLE (the client may retry against a restarted server).
  bool TryEnter();
  void Exit();

  // Refuses new calls from now on.
  void StartDraining();
  // Waits until no call is in flight or `deadline` passes; true if idle.
  bool WaitIdle(absl::Time deadline);

 private:
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_RPC_CALL_GATE_H_
