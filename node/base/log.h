// One-line structured logs on stderr, in logfmt:
//   ts=2026-11-27T20:41:00.123Z level=info msg="listening" addr=127.0.0.1:7400
// Never log person data (names, national ids, birth dates): ids and counts only.
//
// Thread-safe: each line is written with one call.
#ifndef PACTO_NODE_BASE_LOG_H_
#define PACTO_NODE_BASE_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace pacto {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Lines below `level` are dropped. Default: info.
void SetLogLevel(LogLevel level);
// Parses "debug", "info", "warning" or "error"; false when unknown.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

using LogField = std::pair<absl::string_view, std::string>;

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields = {});

inline void LogInfo(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarning(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(absl::string_view m, std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

}  // namespace pacto

#endif  // PACTO_NODE_BASE_LOG_H_
