#include "api/write_access.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "domain/errors.h"

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
  if (!file)
    return domain::Error(domain::Reason::kServerMisconfigured,
                         absl::StrCat("cannot read the token file ", token_file_));
  auto tokens = std::make_shared<std::vector<std::string>>();
  std::string line;
  while (std::getline(file, line)) {
    const absl::string_view token = absl::StripAsciiWhitespace(line);
    if (!token.empty() && token.front() != '#') tokens->emplace_back(token);
  }
  // A file emptied of tokens revokes them all: no one may write until a
  // token is added (and the server reloads it).
  if (tokens->empty()) spdlog::warn("the token file {} has no token: every write is refused", token_file_);
  sync::MutexLock lock(mutex_);
  tokens_ = std::move(tokens);
  return absl::OkStatus();
}

absl::Status WriteAccess::CheckWrite(const grpc::CallbackServerContext& context) const {
  if (!enforced()) return absl::OkStatus();
  if (read_only_) {
    return domain::Error(domain::Reason::kReadOnlyServer,
                         "this server is read-only (--read-only): send writes to a server started with a token file");
  }
  const auto& metadata = context.client_metadata();
  const auto header = metadata.find("authorization");
  if (header == metadata.end()) {
    return domain::Error(domain::Reason::kTokenMissing,
                         "writes need \"authorization: Bearer <token>\" (podmeta --token)");
  }
  // "Bearer", in any case (the scheme is case-insensitive), then the token.
  const absl::string_view value =
      absl::StripAsciiWhitespace(absl::string_view(header->second.data(), header->second.size()));
  constexpr absl::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
    return domain::Error(domain::Reason::kTokenMalformed, "the authorization header must be \"Bearer <token>\"");
  }
  const absl::string_view presented = absl::StripLeadingAsciiWhitespace(value.substr(kScheme.size()));
  std::shared_ptr<const std::vector<std::string>> tokens;
  {
    sync::MutexLock lock(mutex_);
    tokens = tokens_;
  }
  bool matched = false;
  for (const std::string& token : *tokens) matched |= ConstantTimeEquals(presented, token);
  if (!matched) return domain::Error(domain::Reason::kTokenNotAllowed, "the token is not allowed to write");
  return absl::OkStatus();
}

bool ListenerIsLocal(const std::string& listen) {
  if (absl::StartsWith(listen, "unix:") || absl::StartsWith(listen, "unix-abstract:")) return true;
  absl::string_view address = listen;
  absl::ConsumePrefix(&address, "ipv4:");
  absl::ConsumePrefix(&address, "ipv6:");
  // HOST:PORT, HOST being an address literal (IPv6 in brackets) or "localhost".
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;
  std::string host(address.substr(0, colon));
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr ipv6{};
    return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &ipv6) == 1 && IN6_IS_ADDR_LOOPBACK(&ipv6);
  }
  in_addr ipv4{};
  // inet_pton takes only dotted quads: "127.example.com" is no address.
  return inet_pton(AF_INET, host.c_str(), &ipv4) == 1 && (ntohl(ipv4.s_addr) >> 24) == 127;
}

}  // namespace podmeta::api
