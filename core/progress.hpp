#pragma once
// How core/ reports progress without printing: cli/ implements this observer
// (a bar on a TTY, nothing otherwise); tests use NullProgress.
#include <cstdint>
#include <string_view>

namespace mlops {

class Progress {
 public:
  virtual ~Progress() = default;
  // A new phase; `total` may be 0 when unknown. `bytes` picks the unit.
  virtual void start(std::string_view phase, uint64_t total, bool bytes) = 0;
  // The total grows while work is still being found (a scan reads files
  // while it walks); may be called from any thread.
  virtual void add_total(uint64_t n) = 0;
  virtual void advance(uint64_t n) = 0;  // may be called from worker threads
  virtual void finish() = 0;
};

class NullProgress final : public Progress {
 public:
  void start(std::string_view, uint64_t, bool) override {}
  void add_total(uint64_t) override {}
  void advance(uint64_t) override {}
  void finish() override {}
};

}  // namespace mlops
