#include "server/access/call_gate.h"

namespace safeguard {

CallTicket& CallTicket::operator=(CallTicket&& other) noexcept {
  if (this != &other) {
    Release();
    gate_ = other.gate_;
    other.gate_ = nullptr;
  }
  return *this;
}

void CallTicket::Release() {
  if (gate_ != nullptr) gate_->Exit();
  gate_ = nullptr;
}

std::optional<CallTicket> CallGate::Enter() {
  absl::MutexLock lock(&mu_);
  if (draining_) return std::nullopt;
  ++in_flight_;
  return CallTicket(this);
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
