// Gauges read at scrape time from the live objects (pool, change feed), so
// they are never stale and cost nothing between scrapes.
#pragma once

#include <prometheus/collectable.h>

#include <functional>
#include <string>
#include <vector>

namespace podmeta::observability {

class LiveGauges final : public prometheus::Collectable {
 public:
  void Add(std::string name, std::string help, std::function<double()> read);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  std::vector<Gauge> gauges_;
};

}  // namespace podmeta::observability
