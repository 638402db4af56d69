// Small helpers for absl::Status plumbing. Debian's Abseil (20220623) has no status
// macros of its own.
#ifndef PACTO_COMMON_STATUS_MACROS_H_
#define PACTO_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define PACTO_CONCAT_INNER_(a, b) a##b
#define PACTO_CONCAT_(a, b) PACTO_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define PACTO_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status pacto_status_ = (expr);         \
    if (!pacto_status_.ok()) return pacto_status_; \
  } while (0)

// `lhs = value of expr` (an absl::StatusOr<T>), or returns its error.
#define PACTO_ASSIGN_OR_RETURN(lhs, expr) \
  PACTO_ASSIGN_OR_RETURN_IMPL_(PACTO_CONCAT_(pacto_statusor_, __LINE__), lhs, expr)
#define PACTO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

#endif  // PACTO_COMMON_STATUS_MACROS_H_
