// Log lines as text for people or one JSON object per line for log
// pipelines (--log-format). Events carry fields:
//
//   LogEvent(spdlog::level::warn, "call", {{"method", method}, {"code", "NOT_FOUND"}});
//   text: 2026-01-02T03:04:05.678Z warn call method=/podmeta.v1.EpisodeService/GetEpisode code=NOT_FOUND
//   json: {"time":"2026-01-02T03:04:05.678Z","level":"warn","message":"call","method":"...","code":"NOT_FOUND"}
//
// Plain spdlog::info(...) lines work in both formats too.
#pragma once

#include <spdlog/spdlog.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace podmeta::observability {

enum class LogFormat { kText, kJson };

// Sets the default logger's format and level.
void ConfigureLogging(LogFormat format, spdlog::level::level_enum level);

using LogField = std::pair<absl::string_view, std::string>;

void LogEvent(spdlog::level::level_enum level, absl::string_view message, std::initializer_list<LogField> fields);

}  // namespace podmeta::observability
