#pragma once
// Behaviour that every protocol shares, as wrappers around any Remote
// (STYLE §2): retries with backoff for transient failures, a cap on
// concurrent requests, and dry-run. Backends stay free of all three.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <semaphore>

#include "remote.hpp"

namespace mlops {

// Forwards every call through around(), which a decorator overrides.
class ForwardingRemote : public Remote {
 public:
  explicit ForwardingRemote(std::unique_ptr<Remote> inner) : inner_(std::move(inner)) {}
  const RemoteProperties& properties() const override { return inner_->properties(); }
  Result<std::vector<bool>> exists(const std::vector<std::string>& keys) override;
  Result<std::vector<RemoteEntry>> list(const std::string& prefix) override;
  Result<std::vector<RemoteEntry>> list_unfinished(const std::string& prefix) override;
  Result<std::string> get_bytes(const std::string& key, std::optional<ByteRange> range) override;
  Status get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) override;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::filesystem::path& src) override;
  Status remove(const std::string& key) override;
  uint64_t resumed_upload_bytes() const override { return inner_->resumed_upload_bytes(); }

 protected:
  virtual Status around(const std::function<Status()>& op) { return op(); }
  template <class T>
  Result<T> guarded(const std::function<Result<T>()>& op) {
    std::optional<Result<T>> out;
    Status s = around([&]() -> Status {
      out.emplace(op());
      return out->ok() ? ok_status() : Status(out->failure());
    });
    if (!out) return s.failure();
    return std::move(*out);
  }
  std::unique_ptr<Remote> inner_;
};

struct RetryPolicy {
  int attempts = 5;
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{5000};
};

// Retries transient failures with exponential backoff and full jitter.
// Downloads resume from what the failed attempt already wrote.
class RetryingRemote final : public ForwardingRemote {
 public:
  RetryingRemote(std::unique_ptr<Remote> inner, RetryPolicy policy)
      : ForwardingRemote(std::move(inner)), policy_(policy) {}
  Status get_file(const std::string& key, const std::filesystem::path& dst, uint64_t resume_from) override;

 protected:
  Status around(const std::function<Status()>& op) override;

 private:
  RetryPolicy policy_;
};

// At most N requests in flight, whatever the number of worker threads, so a
// server is not flooded (DVC's SSH remotes are known to overload servers).
class LimitedRemote final : public ForwardingRemote {
 public:
  LimitedRemote(std::unique_ptr<Remote> inner, int max_in_flight)
      : ForwardingRemote(std::move(inner)), slots_(max_in_flight > 0 ? max_in_flight : 1) {}

 protected:
  Status around(const std::function<Status()>& op) override;

 private:
  std::counting_semaphore<1024> slots_;
};

// Reads go through; writes and removals are counted, not done.
class DryRunRemote final : public ForwardingRemote {
 public:
  using ForwardingRemote::ForwardingRemote;
  Status put_bytes(const std::string& key, std::string_view data) override;
  Status put_file(const std::string& key, const std::filesystem::path& src) override;
  Status remove(const std::string& key) override;
};

}  // namespace mlops
