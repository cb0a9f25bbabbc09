// Sees every RPC: counts it by method and status code, times it, gives it a
// request id (the caller's `x-request-id` when sent, else a new one, echoed
// in the response metadata), and logs it: failures at warn, successes at
// debug.
//
// Calls are seen through a gRPC server interceptor, except those of methods
// whose handler observes its own calls (ObservedByHandler + ObservedCall):
// gRPC runs every operation of a call with an interceptor through its
// interception machinery, about a twentieth of a cached GetEpisode's
// throughput; a call without interceptors skips it. Health,
// reflection and unknown methods never reach a podmeta handler and keep the
// interceptor.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "sync/mutex.h"

namespace podmeta::observability {

class CallObserver {
 public:
  explicit CallObserver(prometheus::Registry& registry);
  ~CallObserver();
  CallObserver(const CallObserver&) = delete;
  CallObserver& operator=(const CallObserver&) = delete;

  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  // One method's metrics. Family::Add locks and hashes labels, so each
  // method's are looked up once, when its first call starts.
  class MethodMetrics {
   public:
    MethodMetrics(CallObserver& observer, std::string method);
    void Record(grpc::StatusCode code, double seconds, const std::string& request_id);

   private:
    CallObserver& observer_;
    const std::string method_;
    prometheus::Histogram& latency_;
    std::array<std::atomic<prometheus::Counter*>, 17> by_code_{};  // grpc::StatusCode 0..16
  };
  MethodMetrics& ForMethod(const char* method);

  // `method` ("/package.Service/Method") gets no interceptor: its handler
  // observes each call with an ObservedCall on these metrics. Call before
  // the server starts.
  MethodMetrics& ObservedByHandler(const std::string& method);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  sync::Mutex mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_ ABSL_GUARDED_BY(mutex_);
  // Filled before the server starts, read-only after: read without a lock
  // on every call.
  absl::flat_hash_set<std::string> observed_by_handler_;

  friend class ObservingInterceptorFactory;
};

// One call of a method observed by its handler: what the interceptor does
// for the others, from the handler. Made when the handler starts; Finish
// once, with the status the call ends with.
class ObservedCall {
 public:
  ObservedCall(CallObserver::MethodMetrics& metrics, grpc::CallbackServerContext& context);
  void Finish(const grpc::Status& status) const;

 private:
  CallObserver::MethodMetrics* metrics_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
};

}  // namespace podmeta::observability
