// Who is waiting for a read: a gRPC call (its deadline, and whether it was
// cancelled), or an HTTP request (a deadline the HTTP listener sets). A
// value, so the hot path allocates nothing for it.
#pragma once

#include <grpcpp/server_context.h>

#include <chrono>

#include "api/unary_call.h"
#include "storage/database.h"

namespace podmeta::api {

class Caller {
 public:
  static Caller Of(const grpc::ServerContextBase* context) { return Caller(context, storage::kNoDeadline); }
  static Caller Until(storage::Deadline deadline) { return Caller(nullptr, deadline); }

  storage::Deadline deadline() const { return context_ != nullptr ? DeadlineOf(context_) : deadline_; }
  // The call was cancelled or its deadline passed.
  bool Ended() const {
    if (context_ != nullptr) return context_->IsCancelled();
    return std::chrono::system_clock::now() >= deadline_;
  }

 private:
  Caller(const grpc::ServerContextBase* context, storage::Deadline deadline) : context_(context), deadline_(deadline) {}

  const grpc::ServerContextBase* context_;
  storage::Deadline deadline_;
};

}  // namespace podmeta::api
