// Sees every RPC through a gRPC server interceptor: counts it by method and
// status code, times it, gives it a request id (the caller's `x-request-id`
// when sent, else a new one, echoed in the response metadata), and logs it:
// failures at warn, successes at debug.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace podmeta::observability {

class CallObserver {
 public:
  explicit CallObserver(prometheus::Registry& registry);

  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewInterceptorFactory();

  void Record(const std::string& method, grpc::StatusCode code, double seconds, const std::string& request_id);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& latency_;
  std::mutex mutex_;
  // Family::Add locks and hashes labels; the metrics of a (method, code)
  // pair are looked up once and kept here.
  std::unordered_map<std::string, prometheus::Counter*> counters_;
  std::unordered_map<std::string, prometheus::Histogram*> histograms_;
};

}  // namespace podmeta::observability
