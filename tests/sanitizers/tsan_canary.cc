// A race on purpose: scripts/tsan builds this with the TSan build's flags and
// runs it with the suppressions the suites run with, and fails unless TSan
// reports it. It keeps the suppressions and options from hiding a race in
// podmeta's own code.
#include <thread>

namespace podmeta::canary {

long counter = 0;

void Count() {
  for (int i = 0; i < 1000; ++i) ++counter;
}

}  // namespace podmeta::canary

int main() {
  std::thread first(podmeta::canary::Count);
  std::thread second(podmeta::canary::Count);
  first.join();
  second.join();
  return podmeta::canary::counter > 0 ? 0 : 1;
}
