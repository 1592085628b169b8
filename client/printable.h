// File: client/printable.h
//
// Printable(): text for a terminal with its control characters written as
// \xNN, so that what a caller wrote (a reason, a nationality in a report)
// cannot move the reader's cursor or recolour the terminal. Pure function.
#ifndef SAFEGUARD_CLIENT_PRINTABLE_H_
#define SAFEGUARD_CLIENT_PRINTABLE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace safeguard {

std::string Printable(absl::string_view text);

}  // namespace safeguard

#endif  // SAFEGUARD_CLIENT_PRINTABLE_H_
