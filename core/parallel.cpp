#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "interrupt.hpp"

namespace mlops {

void parallel_for(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    try {
      for (size_t i; (i = next++) < n;) {
        check_interrupted();
        fn(i);
      }
    } catch (...) {
      std::lock_guard lock(mu);
      if (!failure) failure = std::current_exception();
      next = n;
    }
  };
  size_t threads_wanted = std::min<size_t>(std::max(jobs, 1), n);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < threads_wanted; ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace mlops
