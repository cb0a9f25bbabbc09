// Who may write. Reads are open; every write needs `authorization: Bearer
// <token>` with a token from the token file (one per line, `#` comments),
// compared in constant time. The file is read at start and again on SIGHUP.
//
// Without a token file writes are open, which the server allows only on
// loopback and unix-socket listeners (see ListenerIsLocal); read-only, every
// write is refused.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sync/mutex.h"

namespace podmeta::api {

class WriteAccess {
 public:
  // No token file: every write is allowed.
  WriteAccess() = default;
  explicit WriteAccess(std::string token_file) : token_file_(std::move(token_file)) {}
  // Every write is refused.
  static WriteAccess ReadOnly() { return WriteAccess(ReadOnlyTag{}); }

  // (Re)reads the token file; keeps the old tokens if it cannot read it. A
  // file with no token revokes every token (writes are refused).
  absl::Status Reload();

  bool enforced() const { return read_only_ || !token_file_.empty(); }

  // UNAUTHENTICATED without a bearer token, PERMISSION_DENIED with a wrong one.
  absl::Status CheckWrite(const grpc::CallbackServerContext& context) const;

 private:
  struct ReadOnlyTag {};
  explicit WriteAccess(ReadOnlyTag) : read_only_(true) {}

  std::string token_file_;
  bool read_only_ = false;
  mutable sync::Mutex mutex_;
  std::shared_ptr<const std::vector<std::string>> tokens_ ABSL_GUARDED_BY(mutex_) =
      std::make_shared<std::vector<std::string>>();
};

// Loopback (127.0.0.0/8, [::1], localhost) and unix: addresses. Host names
// other than "localhost" are not resolved and count as not local.
bool ListenerIsLocal(const std::string& listen);

}  // namespace podmeta::api
