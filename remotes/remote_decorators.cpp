#include "remote_decorators.hpp"

#include <random>
#include <sys/stat.h>
#include <thread>

#include "core/interrupt.hpp"

namespace mlops {

Result<std::vector<bool>> ForwardingRemote::exists(const std::vector<std::string>& keys) {
  return guarded<std::vector<bool>>([&] { return inner_->exists(keys); });
}

Result<std::vector<RemoteEntry>> ForwardingRemote::list(const std::string& prefix) {
  return guarded<std::vector<RemoteEntry>>([&] { return inner_->list(prefix); });
}

Result<std::vector<RemoteEntry>> ForwardingRemote::list_unfinished(const std::string& prefix) {
  return guarded<std::vector<RemoteEntry>>([&] { return inner_->list_unfinished(prefix); });
}

Result<std::string> ForwardingRemote::get_bytes(const std::string& key, std::optional<ByteRange> range) {
  return guarded<std::string>([&] { return inner_->get_bytes(key, range); });
}

Status ForwardingRemote::get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) {
  return around([&] { return inner_->get_file(key, dst, resume_from); });
}

Status ForwardingRemote::put_bytes(const std::string& key, std::string_view data) {
  return around([&] { return inner_->put_bytes(key, data); });
}

Status ForwardingRemote::put_file(const std::string& key, const std::filesystem::path& src) {
  return around([&] { return inner_->put_file(key, src); });
}

Status ForwardingRemote::remove(const std::string& key) {
  return around([&] { return inner_->remove(key); });
}

Status RetryingRemote::around(const std::function<Status()>& op) {
  thread_local std::mt19937 rng{std::random_device{}()};
  auto delay = policy_.first_delay;
  for (int attempt = 1;; ++attempt) {
    Status s = op();
    if (s.ok() || s.failure().kind != FailureKind::transient || attempt >= policy_.attempts) return s;
    check_interrupted();
    std::uniform_int_distribution<long> jitter(0, delay.count());
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
    delay = std::min(delay * 2, policy_.max_delay);
  }
}

Status RetryingRemote::get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) {
  bool first = true;
  return around([&] {
    // After a failed attempt, continue from what it already wrote.
    uint64_t from = resume_from;
    struct stat st {};
    if (!first && ::stat(dst.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_size) > from) from = st.st_size;
    first = false;
    return inner_->get_file(key, dst, from);
  });
}

Status LimitedRemote::around(const std::function<Status()>& op) {
  slots_.acquire();
  struct Release {
    std::counting_semaphore<1024>& s;
    ~Release() { s.release(); }
  } release{slots_};
  return op();
}

Status DryRunRemote::put_bytes(const std::string&, std::string_view) { return ok_status(); }
Status DryRunRemote::put_file(const std::string&, const std::filesystem::path&) { return ok_status(); }
Status DryRunRemote::remove(const std::string&) { return ok_status(); }

}  // namespace mlops
