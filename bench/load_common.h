// What the C++ load generators (bench_get_episode_load, bench_write_load,
// bench_watch_load) share: a channel per simulated connection, and
// percentiles of measured latencies.
#pragma once

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace podmeta::bench {

// A channel with a TCP connection of its own: gRPC shares one connection
// among channels with equal arguments, so each gets a distinct `number`.
inline std::shared_ptr<grpc::Channel> ConnectionChannel(const std::string& address, int number,
                                                        int max_receive_bytes = 4 << 20) {
  grpc::ChannelArguments arguments;
  arguments.SetInt("podmeta.bench.connection", number);
  arguments.SetMaxReceiveMessageSize(max_receive_bytes);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
}

// The `quantile` (0.5, 0.99) of latencies in microseconds, in milliseconds;
// -1 when there are none. Reorders `values`.
inline double PercentileMs(std::vector<int64_t>& values, double quantile) {
  if (values.empty()) return -1;
  const auto index = std::min(values.size() - 1, static_cast<size_t>(static_cast<double>(values.size()) * quantile));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return static_cast<double>(values[index]) / 1000;
}

}  // namespace podmeta::bench
