// File: server/core/minutes.h
//
// A meeting's minutes, generated from its record: when and where it met and
// who chaired it; each represented agency's attendance (present, apologies,
// apologies with information sent) and whether its attendee acknowledged
// the confidentiality statement; and each case on the agenda, by its
// reference, with its outcome and its actions: owner, due date and status,
// a reason for each not possible or not done, as SafeLives asks. The people
// are named only by the cases' references.
//
// A pure function; thread-safe.
#ifndef SAFEGUARD_SERVER_CORE_MINUTES_H_
#define SAFEGUARD_SERVER_CORE_MINUTES_H_

#include <string>

#include "absl/time/time.h"
#include "server/core/agenda.h"

namespace safeguard {

// Plain text, one item a line; times in `zone`.
std::string RenderMinutes(const Agenda& agenda, absl::TimeZone zone);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_CORE_MINUTES_H_
