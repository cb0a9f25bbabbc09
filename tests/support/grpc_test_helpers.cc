#include "support/grpc_test_helpers.h"

#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace podmeta::testing {
namespace {

std::vector<google::rpc::BadRequest::FieldViolation> Violations(const grpc::Status& status) {
  std::vector<google::rpc::BadRequest::FieldViolation> result;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return result;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) result.push_back(violation);
  }
  return result;
}

}  // namespace

std::vector<std::string> FieldViolations(const grpc::Status& status) {
  std::vector<std::string> result;
  for (const auto& violation : Violations(status)) result.push_back(violation.field() + ": " + violation.description());
  return result;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> result;
  for (const auto& violation : Violations(status)) result.push_back(violation.field());
  return result;
}

v1::Chapter MakeChapter(int64_t start_seconds, const std::string& title) {
  v1::Chapter chapter;
  chapter.mutable_start_offset()->set_seconds(start_seconds);
  chapter.set_title(title);
  return chapter;
}

v1::Episode MakeEpisode(const std::string& title, std::optional<int> number, int day,
                        std::vector<v1::Chapter> chapters) {
  using google::protobuf::util::TimeUtil;
  v1::Episode episode;
  episode.set_title(title);
  if (number) episode.set_number(*number);
  google::protobuf::Timestamp start;
  TimeUtil::FromString("2024-01-01T00:00:00Z", &start);
  *episode.mutable_publish_time() = start + TimeUtil::SecondsToDuration(int64_t{day} * 86400);
  *episode.mutable_duration() = TimeUtil::SecondsToDuration(90 * 60);
  for (v1::Chapter& chapter : chapters) *episode.add_chapters() = std::move(chapter);
  return episode;
}

}  // namespace podmeta::testing
