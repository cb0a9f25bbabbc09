// Sees every RPC through a gRPC server interceptor: counts it by method and
// status code, times it, gives it a request id (the caller's `x-request-id`
// when sent, else a new one, echoed in the response metadata), and logs it:
// failures at warn, successes at debug.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "sync/mutex.h"

namespace podmeta::observability {

class CallObserver {
 public:
  explicit CallObserver(prometheus::Registry& registry);

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

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  sync::Mutex mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<MethodMetrics>> methods_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace podmeta::observability
