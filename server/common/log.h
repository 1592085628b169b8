// File: server/common/log.h
//
// safeguardd's log: one line on stderr per event, with a level and a fixed
// event name. As text (the default) a line reads "safeguardd: <message>";
// as JSON (log_format: json) it is one object:
//   {"time":"2026-12-05T18:00:00.123Z","level":"info","event":"started",
//    "message":"...", <fields>}
// with each field a string or a number.
//
// What may be logged: start-up, shutdown, reloads, storage and checkpoint
// trouble, refusals by method and code, slow calls by method and duration.
// Never who called, a referral, or anything a caller sent: callers pass
// only fixed text, paths, methods, codes and counts.
//
// Thread-safe: each line is written with one call, and the format is set
// once at start-up, before other threads log.
#ifndef SAFEGUARD_SERVER_COMMON_LOG_H_
#define SAFEGUARD_SERVER_COMMON_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>
#include <variant>

#include "absl/strings/string_view.h"

namespace safeguard {

enum class LogLevel { kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

void SetLogFormat(LogFormat format);

using LogValue = std::variant<std::string, double, long long>;
using LogField = std::pair<absl::string_view, LogValue>;

// Writes one line. `event` is snake_case and fixed ("backup_failed");
// `message` is the sentence a person reads.
void Log(LogLevel level, absl::string_view event, absl::string_view message,
         std::initializer_list<LogField> fields = {});

// `s` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view s);

}  // namespace safeguard

#endif  // SAFEGUARD_SERVER_COMMON_LOG_H_
