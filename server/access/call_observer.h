// File: server/access/call_observer.h
//
// CallObserver: told how each call through the access gate ended, whatever
// its transport: for metrics and operational logs. It is given the method
// (one of the API's, never caller text), the outcome's code and how long
// the call took from its arrival at the gate; never who called or about
// what, so nothing it keeps can identify a person.
//
// Implementations must be thread-safe and quick: they run on the thread
// that answers the call.
#ifndef SAFEGUARD_SERVER_ACCESS_CALL_OBSERVER_H_
#define SAFEGUARD_SERVER_ACCESS_CALL_OBSERVER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace safeguard {

class CallObserver {
 public:
  enum class Kind { kUnary, kStreamOpening };
  virtual ~CallObserver() = default;
  virtual void CallEnded(absl::string_view method, Kind kind,
                         absl::StatusCode code, absl::Duration elapsed) = 0;
};

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_ACCESS_CALL_OBSERVER_H_
