// File: server/core/status_macros.h
//
// SAFEGUARD_RETURN_IF_ERROR and SAFEGUARD_ASSIGN_OR_RETURN: the two Status
// propagation macros that Abseil 20220623 does not ship yet.
//
// Example:
//   SAFEGUARD_RETURN_IF_ERROR(db.Exec("BEGIN"));
//   SAFEGUARD_ASSIGN_OR_RETURN(Key key, ReadKeyFile(path));
#ifndef SAFEGUARD_SERVER_CORE_STATUS_MACROS_H_
#define SAFEGUARD_SERVER_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SAFEGUARD_RETURN_IF_ERROR(expr)          \
  do {                                           \
    ::absl::Status safeguard_status_ = (expr);   \
    if (!safeguard_status_.ok()) return safeguard_status_; \
  } while (0)

#define SAFEGUARD_STATUS_CONCAT_INNER_(a, b) a##b
#define SAFEGUARD_STATUS_CONCAT_(a, b) SAFEGUARD_STATUS_CONCAT_INNER_(a, b)

#define SAFEGUARD_ASSIGN_OR_RETURN(lhs, expr)                              \
  SAFEGUARD_ASSIGN_OR_RETURN_IMPL_(                                        \
      SAFEGUARD_STATUS_CONCAT_(safeguard_statusor_, __LINE__), lhs, expr)

#define SAFEGUARD_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // SAFEGUARD_SERVER_CORE_STATUS_MACROS_H_
