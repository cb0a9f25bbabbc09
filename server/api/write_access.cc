#include "api/write_access.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace podmeta::api {
namespace {

// Compares without an early exit, so timing does not reveal how much of a
// token matched.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i < b.size() ? i : 0]);
  }
  return difference == 0;
}

}  // namespace

absl::Status WriteAccess::Reload() {
  if (token_file_.empty()) return absl::OkStatus();
  std::ifstream file(token_file_);
  if (!file) return absl::FailedPreconditionError(absl::StrCat("cannot read the token file ", token_file_));
  auto tokens = std::make_shared<std::vector<std::string>>();
  std::string line;
  while (std::getline(file, line)) {
    const absl::string_view token = absl::StripAsciiWhitespace(line);
    if (!token.empty() && token.front() != '#') tokens->emplace_back(token);
  }
  if (tokens->empty()) return absl::FailedPreconditionError(absl::StrCat("the token file ", token_file_, " has no token"));
  std::lock_guard lock(mutex_);
  tokens_ = std::move(tokens);
  return absl::OkStatus();
}

absl::Status WriteAccess::CheckWrite(const grpc::CallbackServerContext& context) const {
  if (!enforced()) return absl::OkStatus();
  const auto& metadata = context.client_metadata();
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    return absl::UnauthenticatedError("writes need \"authorization: Bearer <token>\" (podmeta --token)");
  }
  const absl::string_view value(header->second.data(), header->second.size());
  absl::string_view presented = value;
  if (!absl::ConsumePrefix(&presented, "Bearer ")) {
    return absl::UnauthenticatedError("the authorization header must be \"Bearer <token>\"");
  }
  std::shared_ptr<const std::vector<std::string>> tokens;
  {
    std::lock_guard lock(mutex_);
    tokens = tokens_;
  }
  bool matched = false;
  for (const std::string& token : *tokens) matched |= ConstantTimeEquals(presented, token);
  if (!matched) return absl::PermissionDeniedError("the token is not allowed to write");
  return absl::OkStatus();
}

bool ListenerIsLocal(const std::string& listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) return true;
  return absl::StartsWith(listen, "127.") || absl::StartsWith(listen, "[::1]:") ||
         absl::StartsWith(listen, "localhost:") || absl::StartsWith(listen, "ipv4:127.");
}

}  // namespace podmeta::api
