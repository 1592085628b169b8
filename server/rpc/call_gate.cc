#include "server/rpc/call_gate.h"

namespace safeguard {

bool CallGate::TryEnter() {
  absl::MutexLock lock(&mu_);
  if (draining_) return false;
  ++in_flight_;
  return true;
}

void CallGate::Exit() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

void CallGate::StartDraining() {
  absl::MutexLock lock(&mu_);
  draining_ = true;
}

bool CallGate::WaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithDeadline(
      absl::Condition(
          +[](int* n) { return *n == 0; }, &in_flight_),
      deadline);
}

}  // namespace safeguard
