// Fetching feeds and chapters files over HTTP(S) with libcurl, guarded the
// way a server that fetches URLs its callers name must be:
//   - http and https only, also on redirects (at most 5);
//   - a connect timeout and a total timeout, a size cap (checked while the
//     body arrives, not only from Content-Length);
//   - gzip and deflate accepted and decoded;
//   - by default no connection to loopback, link-local, private, shared or
//     multicast addresses, checked on the address actually connected to
//     (every redirect, every DNS answer), so neither a redirect nor DNS
//     rebinding reaches an internal service (server-side request forgery);
//   - conditional GET: a stored ETag / Last-Modified goes out as
//     If-None-Match / If-Modified-Since, and a 304 is reported as such.
// Each Fetch is one blocking call on the calling thread (run it on the
// blocking executor).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace podmeta::fetch {

struct FetchLimits {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{30'000};
  size_t max_bytes = 32 << 20;
  // Allow private, loopback and link-local addresses (tests, private
  // networks).
  bool allow_private_addresses = false;
};

struct FetchRequest {
  std::string uri;
  std::string if_none_match;      // a stored ETag, or empty
  std::string if_modified_since;  // a stored Last-Modified, or empty
  std::string accept;             // the Accept header, or empty
};

struct FetchResult {
  bool not_modified = false;  // 304: body empty
  std::string body;
  std::string etag;
  std::string last_modified;
  std::string final_uri;  // after redirects
  std::string content_type;
};

// INVALID_ARGUMENT for a URL that is not http(s) or names a forbidden
// address; UNAVAILABLE for network failures, 5xx and the timeout (the
// caller's own deadline is not what ran out); FAILED_PRECONDITION for other
// non-2xx answers, too many redirects and a body past the size cap.
// Messages name the URL.
absl::StatusOr<FetchResult> Fetch(const FetchRequest& request, const FetchLimits& limits);

// libcurl's global setup; Fetch does it at its first call.
void InitializeFetching();

}  // namespace podmeta::fetch
