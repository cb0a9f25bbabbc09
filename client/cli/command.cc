#include "command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::cli {

using google::protobuf::util::TimeUtil;

std::string PodcastName(const std::string& argument) {
  return absl::StartsWith(argument, "podcasts/") ? argument : "podcasts/" + argument;
}

std::string EpisodeName(const std::string& argument) {
  if (absl::StartsWith(argument, "podcasts/")) return argument;
  std::vector<std::string> parts = absl::StrSplit(argument, '/');
  return parts.size() == 2 ? "podcasts/" + parts[0] + "/episodes/" + parts[1] : argument;
}

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::stringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
  } else {
    std::ifstream file(path, std::ios::binary);
    if (!file) return absl::NotFoundError("cannot read " + path);
    content << file.rdbuf();
  }
  return content.str();
}

absl::Status ParseJsonInto(const std::string& path, google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = ReadInput(path);
  if (!json.ok()) return json.status();
  auto parsed = google::protobuf::util::JsonStringToMessage(*json, &message);
  if (!parsed.ok()) return absl::InvalidArgumentError(path + ": " + std::string(parsed.message()));
  return absl::OkStatus();
}

absl::Status SetTime(const std::string& text, google::protobuf::Timestamp* time) {
  if (!TimeUtil::FromString(text, time)) {
    return absl::InvalidArgumentError("--publish-time: \"" + text + "\" is not RFC 3339 (e.g. 2024-09-03T00:00:00Z)");
  }
  return absl::OkStatus();
}

absl::Status SetDuration(const std::string& text, google::protobuf::Duration* duration) {
  absl::Duration parsed;
  if (!absl::ParseDuration(text, &parsed) || parsed < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--duration: \"" + text + "\" is not a duration (e.g. 1h31m, 5460s)");
  }
  *duration = TimeUtil::MillisecondsToDuration(absl::ToInt64Milliseconds(parsed));
  return absl::OkStatus();
}

}  // namespace podmeta::cli
