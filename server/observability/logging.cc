#include "observability/logging.h"

#include <grpc/support/log.h>
#include <spdlog/formatter.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace podmeta::observability {
namespace {

// Fields travel inside the message, after these separators (ASCII unit and
// record separators never appear in podmeta's own messages).
constexpr char kFieldStart = '\x1F';
constexpr char kValueStart = '\x1E';

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& destination) override {
    const std::string time =
        absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromChrono(message.time), absl::UTCTimeZone());
    const absl::string_view level = spdlog::level::to_string_view(message.level).data();
    const absl::string_view payload(message.payload.data(), message.payload.size());
    std::vector<absl::string_view> parts = absl::StrSplit(payload, kFieldStart);
    std::string line;
    if (format_ == LogFormat::kJson) {
      nlohmann::ordered_json object = {{"time", time}, {"level", level}, {"message", parts[0]}};
      for (size_t i = 1; i < parts.size(); ++i) {
        std::pair<std::string, std::string> field = absl::StrSplit(parts[i], absl::MaxSplits(kValueStart, 1));
        object[field.first] = field.second;
      }
      line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = absl::StrCat(time, " ", level, " ", parts[0]);
      for (size_t i = 1; i < parts.size(); ++i) {
        std::pair<std::string, std::string> field = absl::StrSplit(parts[i], absl::MaxSplits(kValueStart, 1));
        absl::StrAppend(&line, " ", field.first, "=", field.second);
      }
    }
    line += '\n';
    destination.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(format_); }

 private:
  LogFormat format_;
};

}  // namespace

void ConfigureLogging(LogFormat format, spdlog::level::level_enum level) {
  spdlog::set_formatter(std::make_unique<LineFormatter>(format));
  spdlog::set_level(level);
  // gRPC's own messages go through the same formatter.
  gpr_set_log_function([](gpr_log_func_args* args) {
    const spdlog::level::level_enum grpc_level = args->severity == GPR_LOG_SEVERITY_ERROR  ? spdlog::level::err
                                                 : args->severity == GPR_LOG_SEVERITY_INFO ? spdlog::level::info
                                                                                           : spdlog::level::debug;
    LogEvent(grpc_level, args->message, {{"source", absl::StrCat("grpc:", args->file, ":", args->line)}});
  });
}

void LogEvent(spdlog::level::level_enum level, absl::string_view message, std::initializer_list<LogField> fields) {
  if (!spdlog::should_log(level)) return;
  std::string payload(message);
  for (const auto& [key, value] : fields)
    absl::StrAppend(&payload, std::string(1, kFieldStart), key, std::string(1, kValueStart), value);
  spdlog::log(level, "{}", payload);
}

}  // namespace podmeta::observability
