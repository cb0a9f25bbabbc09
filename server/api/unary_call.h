// Runs a unary RPC's work on the blocking executor and finishes the call with
// its result: the work returns absl::StatusOr<Response>; an OK result is the
// response, an error becomes the gRPC status (with field violations). The
// request passes the boundary check (domain::CheckRequestText) first.
//
//   grpc::ServerUnaryReactor* Service::GetThing(grpc::CallbackServerContext* context,
//                                               const GetThingRequest* request, Thing* response) {
//     return RunUnary(context, executor_, *request, response, [=] { return store_.Get(...); });
//   }
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "api/blocking_executor.h"
#include "api/status_mapping.h"
#include "api/write_access.h"
#include "domain/errors.h"
#include "domain/validation.h"

namespace podmeta::api {

// What a call that finds the executor's queue full gets: RESOURCE_EXHAUSTED,
// which clients retry with backoff.
inline absl::Status OverloadedStatus(size_t queued) {
  return domain::Error(domain::Reason::kServerOverloaded,
                       absl::StrCat("the server is overloaded (", queued, " calls waiting); retry with backoff"));
}

// Finishes the call on the calling thread, for answers that need no blocking work.
inline grpc::ServerUnaryReactor* FinishedNow(grpc::CallbackServerContext* context, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

template <typename Response, typename Work>
grpc::ServerUnaryReactor* RunUnary(grpc::CallbackServerContext* context, BlockingExecutor& executor,
                                   const google::protobuf::Message& request, Response* response, Work work) {
  if (absl::Status text = domain::CheckRequestText(request); !text.ok()) return FinishedNow(context, text);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const bool queued = executor.TrySubmit([context, reactor, response, work = std::move(work)]() mutable {
    // A call given up while it waited in the queue (client gone, deadline
    // passed) is not worth a database round trip: under overload, queued
    // work of abandoned calls would otherwise delay every call behind it.
    if (context->IsCancelled()) {
      reactor->Finish(
          ToGrpcStatus(domain::Error(domain::Reason::kCallCancelled, "the call ended before its work started")));
      return;
    }
    absl::StatusOr<Response> result = work();
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  if (!queued) reactor->Finish(ToGrpcStatus(OverloadedStatus(executor.max_queued())));
  return reactor;
}

// For raw methods: a copy of `bytes` as a message body.
inline grpc::ByteBuffer ByteBufferOf(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// `bytes` without a copy: the buffer holds a reference until gRPC has sent it.
inline grpc::ByteBuffer ByteBufferSharing(std::shared_ptr<const std::string> bytes) {
  auto* owner = new std::shared_ptr<const std::string>(std::move(bytes));
  grpc::Slice slice(
      const_cast<char*>((*owner)->data()), (*owner)->size(),
      [](void* held) { delete static_cast<std::shared_ptr<const std::string>*>(held); }, owner);
  return grpc::ByteBuffer(&slice, 1);
}

// For raw methods: false unless `bytes` hold a valid `message`.
template <typename Message>
bool ParseMessage(const grpc::ByteBuffer& bytes, Message& message) {
  grpc::ByteBuffer readable(bytes);  // shares the slices
  return grpc::SerializationTraits<Message>::Deserialize(&readable, &message).ok();
}

// RunUnary for writes: refused (UNAUTHENTICATED / PERMISSION_DENIED) unless
// `access` lets the caller write.
template <typename Response, typename Work>
grpc::ServerUnaryReactor* RunWrite(grpc::CallbackServerContext* context, const WriteAccess& access,
                                   BlockingExecutor& executor, const google::protobuf::Message& request,
                                   Response* response, Work work) {
  if (absl::Status allowed = access.CheckWrite(*context); !allowed.ok()) return FinishedNow(context, allowed);
  return RunUnary(context, executor, request, response, std::move(work));
}

// The call's deadline as a time point; "none" (gRPC's infinite future) stays
// the largest time point.
inline std::chrono::system_clock::time_point DeadlineOf(const grpc::ServerContextBase* context) {
  const auto deadline = context->deadline();
  const auto far_future = std::chrono::system_clock::now() + std::chrono::hours(24 * 365);
  return deadline > far_future ? std::chrono::system_clock::time_point::max() : deadline;
}

}  // namespace podmeta::api
