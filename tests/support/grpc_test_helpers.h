// Helpers for tests that talk gRPC: reading field violations out of a status,
// and building chapters and episodes tersely.
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <vector>

#include "podmeta/v1/resources.pb.h"

namespace podmeta::testing {

// "field: description" for each google.rpc.BadRequest violation the status
// carries in its details.
std::vector<std::string> FieldViolations(const grpc::Status& status);

// Just the field paths.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

v1::Chapter MakeChapter(int64_t start_seconds, const std::string& title);

// An episode with a number, a publish time `day` days after 2024-01-01, a
// 90-minute duration, and the given chapters.
v1::Episode MakeEpisode(const std::string& title, std::optional<int> number, int day,
                        std::vector<v1::Chapter> chapters = {});

}  // namespace podmeta::testing
