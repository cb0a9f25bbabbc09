#include "fetch/http_fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/feed.h"

namespace podmeta::fetch {
namespace {

// Why an address may not be connected to, or nullptr.
const char* ForbiddenIpv4(uint32_t address) {  // host byte order
  const auto in = [address](uint32_t network, int bits) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (address & mask) == network;
  };
  if (in(0x7F000000, 8)) return "a loopback address";
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "a private address";
  if (in(0xA9FE0000, 16)) return "a link-local address";
  if (in(0x64400000, 10)) return "a shared (carrier-grade NAT) address";
  if (in(0x00000000, 8)) return "an unspecified address";
  if (in(0xE0000000, 4)) return "a multicast address";
  if (in(0xF0000000, 4)) return "a reserved address";
  if (in(0xC0000000, 24) || in(0xC6120000, 15)) return "a special-purpose address";
  return nullptr;
}

const char* ForbiddenIpv6(const in6_addr& address) {
  const uint8_t* b = address.s6_addr;
  static const uint8_t kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const uint8_t kUnspecified[16] = {};
  if (std::memcmp(b, kLoopback, 16) == 0) return "a loopback address";
  if (std::memcmp(b, kUnspecified, 16) == 0) return "an unspecified address";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "a link-local address";
  if ((b[0] & 0xFE) == 0xFC) return "a private (unique local) address";
  if (b[0] == 0xFF) return "a multicast address";
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static const uint8_t kNat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    const uint32_t v4 = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) | b[15];
    return ForbiddenIpv4(v4);
  }
  return nullptr;
}

struct Transfer {
  const FetchLimits* limits = nullptr;
  std::string body;
  bool too_large = false;
  std::string refused;  // why a connection was refused
};

curl_socket_t OpenSocket(void* context, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(context);
  if (purpose == CURLSOCKTYPE_IPCXN && !transfer->limits->allow_private_addresses) {
    const char* forbidden = nullptr;
    char text[INET6_ADDRSTRLEN] = "?";
    if (address->family == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address->addr);
      forbidden = ForbiddenIpv4(ntohl(v4->sin_addr.s_addr));
      inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    } else if (address->family == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
      forbidden = ForbiddenIpv6(v6->sin6_addr);
      inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    } else {
      forbidden = "not an internet address";
    }
    if (forbidden != nullptr) {
      transfer->refused = absl::StrCat(text, " is ", forbidden);
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t Write(char* data, size_t size, size_t count, void* context) {
  auto* transfer = static_cast<Transfer*>(context);
  const size_t bytes = size * count;
  if (transfer->body.size() + bytes > transfer->limits->max_bytes) {
    transfer->too_large = true;
    return 0;  // aborts the transfer
  }
  transfer->body.append(data, bytes);
  return bytes;
}

std::string Header(CURL* curl, const char* name) {
  curl_header* header = nullptr;
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || header == nullptr) return "";
  return header->value;
}

// A 429 without a usable Retry-After waits this long; none waits longer
// than the maximum.
constexpr std::chrono::seconds kDefaultRetryAfter{60};
constexpr std::chrono::seconds kMaxRetryAfter{3600};

// An ETag or Last-Modified value to send back next time: visible ASCII and
// spaces, at most 512 bytes (RFC 9110 allows no more); anything else is
// dropped, so a host's bad header cannot fail every later import.
std::string Validator(std::string value) {
  if (value.size() > 512) return "";
  for (char c : value) {
    if (c != ' ' && c != '\t' && (c < 0x21 || c > 0x7E)) return "";
  }
  return value;
}

struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

void InitializeFetching() {
  // Once, at the first fetch, so a server that never fetches never loads
  // libcurl's TLS and resolver state (curl_global_init is thread-safe since
  // libcurl 7.84).
  static const bool initialized = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  (void)initialized;
}

absl::StatusOr<FetchResult> Fetch(const FetchRequest& request, const FetchLimits& limits) {
  const std::string lower = absl::AsciiStrToLower(request.uri.substr(0, 8));
  if (!absl::StartsWith(lower, "http://") && !absl::StartsWith(lower, "https://")) {
    return domain::Error(domain::Reason::kInvalidFields,
                         absl::StrCat("cannot fetch \"", domain::PublicUri(request.uri).substr(0, 200),
                                      "\": only http and https URLs are fetched"));
  }
  // A URL libcurl cannot parse is the caller's mistake, not a host that is
  // down: INVALID_ARGUMENT, never retried.
  {
    std::unique_ptr<CURLU, void (*)(CURLU*)> parsed(curl_url(), curl_url_cleanup);
    if (parsed == nullptr) return domain::Error(domain::Reason::kInternal, "out of memory");
    if (const CURLUcode bad = curl_url_set(parsed.get(), CURLUPART_URL, request.uri.c_str(), 0); bad != CURLUE_OK) {
      return domain::InvalidField("uri", absl::StrCat("\"", domain::PublicUri(request.uri).substr(0, 200),
                                                      "\" is not a valid URL (", curl_url_strerror(bad), ")"));
    }
  }
  InitializeFetching();
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return domain::Error(domain::Reason::kInternal, "libcurl could not start a transfer");
  Transfer transfer;
  transfer.limits = &limits;
  std::unique_ptr<curl_slist, ListFree> headers;
  const auto add_header = [&headers](const std::string& header) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  };
  if (!request.if_none_match.empty()) add_header("If-None-Match: " + request.if_none_match);
  if (!request.if_modified_since.empty()) add_header("If-Modified-Since: " + request.if_modified_since);
  if (!request.accept.empty()) add_header("Accept: " + request.accept);
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.uri.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(handle, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(handle, CURLOPT_PROXY, "");  // no proxy from the environment: the address check must see the target
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.total_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
  curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes (gzip, deflate, ...)
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "podmeta/1 (feed import)");
  curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &transfer);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
  if (headers) curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);

  const CURLcode code = curl_easy_perform(handle);
  const std::string where = absl::StrCat("fetching ", domain::PublicUri(request.uri).substr(0, 300), ": ");
  if (!transfer.refused.empty()) {
    return domain::Error(domain::Reason::kInvalidFields,
                         absl::StrCat(where, "refused to connect to ", transfer.refused,
                                      " (allowed only with --feed-fetch-allow-private)"));
  }
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return domain::Error(domain::Reason::kFeedTooLarge,
                         absl::StrCat(where, "larger than ", limits.max_bytes, " bytes"));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return domain::Error(
        domain::Reason::kFeedFetchTimeout,
        absl::StrCat(where, "no complete answer within ", limits.total_timeout.count(), " ms (", error, ")"));
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL) {
    return domain::Error(domain::Reason::kInvalidFields,
                         absl::StrCat(where, "redirected to a URL that is not http or https"));
  }
  if (code == CURLE_TOO_MANY_REDIRECTS) {
    return domain::Error(domain::Reason::kFeedTooManyRedirects, absl::StrCat(where, "more than 5 redirects"));
  }
  if (code != CURLE_OK) {
    return domain::Error(domain::Reason::kFeedUnreachable,
                         absl::StrCat(where, error[0] != '\0' ? error : curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  FetchResult result;
  char* final_uri = nullptr;
  curl_easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &final_uri);
  if (final_uri != nullptr) result.final_uri = final_uri;
  char* content_type = nullptr;
  curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) result.content_type = content_type;
  if (status == 304) {
    if (request.if_none_match.empty() && request.if_modified_since.empty()) {
      return domain::Error(domain::Reason::kFeedRefused,
                           absl::StrCat(where,
                                        "the server answered HTTP 304 (not modified) to a request that asked "
                                        "for the whole feed"));
    }
    result.not_modified = true;
    result.etag = request.if_none_match;
    result.last_modified = request.if_modified_since;
    return result;
  }
  if (status >= 500)
    return domain::Error(domain::Reason::kFeedServerError, absl::StrCat(where, "the server answered HTTP ", status));
  if (status == 429) {
    // Its Retry-After (seconds; a date counts as the default), bounded.
    int64_t seconds = kDefaultRetryAfter.count();
    if (!absl::SimpleAtoi(Header(handle, "Retry-After"), &seconds) || seconds < 1) seconds = kDefaultRetryAfter.count();
    const auto delay = std::min(std::chrono::seconds(seconds), kMaxRetryAfter);
    return domain::WithRetryDelay(
        domain::Error(
            domain::Reason::kFeedRateLimited,
            absl::StrCat(where, "the server answered HTTP 429 (too many requests); retry in ", delay.count(), " s")),
        delay);
  }
  if (status < 200 || status >= 300) {
    return domain::Error(domain::Reason::kFeedRefused, absl::StrCat(where, "the server answered HTTP ", status));
  }
  if (status == 204) {
    return domain::Error(domain::Reason::kFeedRefused,
                         absl::StrCat(where, "the server answered HTTP 204 (no content): there is no feed there"));
  }
  result.etag = Validator(Header(handle, "ETag"));
  result.last_modified = Validator(Header(handle, "Last-Modified"));
  result.body = std::move(transfer.body);
  return result;
}

}  // namespace podmeta::fetch
