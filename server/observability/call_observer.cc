#include "observability/call_observer.h"

#include <chrono>
#include <map>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/status_mapping.h"
#include "observability/logging.h"
#include "sync/handoff.h"

namespace podmeta::observability {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr size_t kMaxRequestIdBytes = 64;

const char* CodeName(grpc::StatusCode code) {
  static const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  const auto index = static_cast<size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "UNKNOWN";
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return absl::StrCat(absl::Hex(generator(), absl::kZeroPad16));
}

// A caller's id is kept if it is short and printable; anything else is replaced.
bool UsableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// The caller's usable x-request-id, else a new one.
std::string RequestIdOf(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  auto sent = metadata.find("x-request-id");
  if (sent != metadata.end() && UsableRequestId(absl::string_view(sent->second.data(), sent->second.size()))) {
    return std::string(sent->second.data(), sent->second.size());
  }
  return NewRequestId();
}

class ObservingInterceptor final : public grpc::experimental::Interceptor {
 public:
  ObservingInterceptor(grpc::experimental::ServerRpcInfo* info, CallObserver& observer)
      : metrics_(observer.ForMethod(info->method())),
        own_method_(absl::StartsWith(info->method(), "/podmeta.")),
        start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      request_id_ = RequestIdOf(*methods->GetRecvInitialMetadata());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace("x-request-id", RequestId());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // gRPC answers a request it cannot deserialize (not protobuf, or a
      // string field that is not UTF-8) with a bare UNIMPLEMENTED before any
      // handler runs; for podmeta's own methods that is the client's error.
      if (own_method_ && methods->GetSendStatus().error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          methods->GetSendStatus().error_message().empty()) {
        methods->ModifySendStatus(api::ToGrpcStatus(api::MalformedRequestStatus()));
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      metrics_.Record(methods->GetSendStatus().error_code(), seconds, RequestId());
    }
    methods->Proceed();
  }

 private:
  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  CallObserver::MethodMetrics& metrics_;
  const bool own_method_;
  const std::chrono::steady_clock::time_point start_;
  std::string request_id_;
};

}  // namespace

class ObservingInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ObservingInterceptorFactory(CallObserver& observer) : observer_(observer) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    // No interceptor at all: gRPC then skips interception for the call.
    // gRPC orders the server's start before this call, and this call before
    // the server's end (~CallObserver), out of ThreadSanitizer's sight.
    sync::TakeOver(this);
    const bool observed_by_handler = observer_.observed_by_handler_.contains(absl::string_view(info->method()));
    sync::HandOver(&observer_);
    if (observed_by_handler) return nullptr;
    return new ObservingInterceptor(info, observer_);
  }

 private:
  CallObserver& observer_;
};

CallObserver::CallObserver(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("podmeta_grpc_requests_total")
                    .Help("RPCs finished, by method and status code")
                    .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("podmeta_grpc_request_duration_seconds")
                   .Help("RPC latency from start to status, by method")
                   .Register(registry)) {}

CallObserver::~CallObserver() { sync::TakeOver(this); }

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallObserver::NewInterceptorFactory() {
  auto factory = std::make_unique<ObservingInterceptorFactory>(*this);
  sync::HandOver(factory.get());  // to the server's threads
  return factory;
}

CallObserver::MethodMetrics& CallObserver::ForMethod(const char* method) {
  sync::MutexLock lock(mutex_);
  auto found = methods_.find(absl::string_view(method));
  if (found == methods_.end()) found = methods_.emplace(method, std::make_unique<MethodMetrics>(*this, method)).first;
  return *found->second;
}

CallObserver::MethodMetrics& CallObserver::ObservedByHandler(const std::string& method) {
  observed_by_handler_.insert(method);
  return ForMethod(method.c_str());
}

ObservedCall::ObservedCall(CallObserver::MethodMetrics& metrics, grpc::CallbackServerContext& context)
    : metrics_(&metrics),
      start_(std::chrono::steady_clock::now()),
      request_id_(RequestIdOf(context.client_metadata())) {
  context.AddInitialMetadata("x-request-id", request_id_);
}

void ObservedCall::Finish(const grpc::Status& status) const {
  metrics_->Record(status.error_code(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(), request_id_);
}

CallObserver::MethodMetrics::MethodMetrics(CallObserver& observer, std::string method)
    : observer_(observer),
      method_(std::move(method)),
      latency_(observer.latency_.Add({{"method", method_}},
                                     prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                                             0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})) {}

void CallObserver::MethodMetrics::Record(grpc::StatusCode code, double seconds, const std::string& request_id) {
  const size_t index = static_cast<size_t>(code) < by_code_.size() ? static_cast<size_t>(code) : 2;  // UNKNOWN
  prometheus::Counter* counter = by_code_[index].load(std::memory_order_acquire);
  if (counter == nullptr) {
    sync::MutexLock lock(observer_.mutex_);
    counter = &observer_.requests_.Add({{"method", method_}, {"code", CodeName(code)}});
    by_code_[index].store(counter, std::memory_order_release);
  }
  counter->Increment();
  latency_.Observe(seconds);
  const spdlog::level::level_enum level = code == grpc::StatusCode::OK ? spdlog::level::debug : spdlog::level::warn;
  if (!spdlog::should_log(level)) return;
  LogEvent(level, "call",
           {{"method", method_},
            {"code", CodeName(code)},
            {"duration_ms", absl::StrFormat("%.3f", seconds * 1000)},
            {"request_id", request_id}});
}

}  // namespace podmeta::observability
