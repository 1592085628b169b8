// File: server/access/call_gate.h
//
// CallGate: counts the calls in flight and, once draining starts, refuses
// new ones, so that shutdown can let admitted calls finish without waiting
// for idle client connections. Enter() hands out a CallTicket; the call is
// in flight until its ticket is destroyed, which the transport does once
// the answer is on the wire (gRPC: the reactor's OnDone; HTTPS: the
// response written), so that nothing admitted is cut off. Every transport
// shares one gate, and so one drain.
//
// Safe for concurrent use. The gate must outlive every ticket.
#ifndef SAFEGUARD_SERVER_ACCESS_CALL_GATE_H_
#define SAFEGUARD_SERVER_ACCESS_CALL_GATE_H_

#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace safeguard {

class CallGate;

// One admitted call's place in the gate. Move-only; an empty ticket (moved
// from, or default-made) holds nothing.
class CallTicket {
 public:
  CallTicket() = default;
  CallTicket(CallTicket&& other) noexcept : gate_(other.gate_) {
    other.gate_ = nullptr;
  }
  CallTicket& operator=(CallTicket&& other) noexcept;
  CallTicket(const CallTicket&) = delete;
  CallTicket& operator=(const CallTicket&) = delete;
  ~CallTicket() { Release(); }

  void Release();

 private:
  friend class CallGate;
  explicit CallTicket(CallGate* gate) : gate_(gate) {}
  CallGate* gate_ = nullptr;
};

class CallGate {
 public:
  // Empty once draining has started: the call must be refused with
  // UNAVAILABLE (the client may retry against a restarted server).
  std::optional<CallTicket> Enter();

  // Refuses new calls from now on.
  void StartDraining();
  // Waits until no call is in flight or `deadline` passes; true if idle.
  bool WaitIdle(absl::Time deadline);

 private:
  friend class CallTicket;
  void Exit();

  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_CALL_GATE_H_
