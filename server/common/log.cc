#include "server/common/log.h"

#include <atomic>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace safeguard {
namespace {

std::atomic<LogFormat> format{LogFormat::kText};

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

std::string JsonValue(const LogValue& value) {
  if (const std::string* s = std::get_if<std::string>(&value)) return JsonQuote(*s);
  if (const long long* n = std::get_if<long long>(&value)) return absl::StrCat(*n);
  return absl::StrFormat("%.6g", std::get<double>(value));
}

}  // namespace

void SetLogFormat(LogFormat f) { format.store(f); }

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

void Log(LogLevel level, absl::string_view event, absl::string_view message,
         std::initializer_list<LogField> fields) {
  std::string line;
  if (format.load() == LogFormat::kText) {
    line = absl::StrCat("safeguardd: ", message, "\n");
  } else {
    line = absl::StrCat(
        "{\"time\":",
        JsonQuote(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                   absl::UTCTimeZone())),
        ",\"level\":\"", LevelName(level), "\",\"event\":", JsonQuote(event),
        ",\"message\":", JsonQuote(message));
    for (const LogField& field : fields) {
      absl::StrAppend(&line, ",", JsonQuote(field.first), ":",
                      JsonValue(field.second));
    }
    line += "}\n";
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace safeguard
