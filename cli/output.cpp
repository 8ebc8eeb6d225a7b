#include "output.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "core/text.hpp"
#include "core/url_userinfo.hpp"

namespace mlops::cli {
namespace {

void write_out(FILE* f, std::string_view text) {
  if (text.empty()) return;
  if (std::fwrite(text.data(), 1, text.size(), f) != text.size()) {
    if (errno == EPIPE) throw BrokenPipe{};
  }
}

const char* color_code(Color c) {
  switch (c) {
    case Color::none: return "";
    case Color::bold: return "\033[1m";
    case Color::dim: return "\033[2m";
    case Color::red: return "\033[31m";
    case Color::green: return "\033[32m";
    case Color::yellow: return "\033[33m";
    case Color::blue: return "\033[34m";
    case Color::cyan: return "\033[36m";
  }
  return "";
}

// One line on stderr, rewritten in place at most ten times a second.
class TerminalProgress final : public Progress {
 public:
  void start(std::string_view phase, uint64_t total, bool bytes) override {
    std::lock_guard lock(mu_);
    phase_ = phase;
    total_ = total;
    bytes_ = bytes;
    done_ = 0;
    last_ = {};
    started_ = std::chrono::steady_clock::now();
    draw(true);
  }
  void add_total(uint64_t n) override { total_ += n; }
  void advance(uint64_t n) override {
    done_ += n;
    std::unique_lock lock(mu_, std::try_to_lock);
    if (lock.owns_lock()) draw(false);
  }
  void finish() override {
    std::lock_guard lock(mu_);
    if (!phase_.empty()) std::fputs("\r\033[K", stderr);
    phase_.clear();
  }
  ~TerminalProgress() override { finish(); }

 private:
  void draw(bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    uint64_t d = done_.load(), total = total_.load();
    auto fmt = [&](uint64_t v) { return bytes_ ? human_size(v) : std::to_string(v); };
    std::string text = "\r\033[K" + phase_ + ": " + fmt(d);
    if (total) text += " / " + fmt(total) + " (" + std::to_string(d * 100 / total) + "%)";
    // Rate and time left once there is a second of history to go by.
    double elapsed = std::chrono::duration<double>(now - started_).count();
    if (elapsed >= 1 && d > 0) {
      double rate = d / elapsed;
      text += ", " + fmt(static_cast<uint64_t>(rate)) + "/s";
      if (total > d) text += ", " + std::to_string(static_cast<uint64_t>((total - d) / rate + 0.5)) + " s left";
    }
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
  }
  std::mutex mu_;
  std::string phase_;
  std::atomic<uint64_t> total_{0};
  bool bytes_ = false;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point last_{};
  std::chrono::steady_clock::time_point started_{};
};

class GithubGroupProgress final : public Progress {
 public:
  void start(std::string_view phase, uint64_t, bool) override {
    finish();
    std::fprintf(stderr, "::group::%s\n", github_escape(phase).c_str());
    open_ = true;
  }
  void add_total(uint64_t) override {}
  void advance(uint64_t) override {}
  void finish() override {
    if (open_) std::fputs("::endgroup::\n", stderr);
    open_ = false;
  }
  ~GithubGroupProgress() override { finish(); }

 private:
  bool open_ = false;
};

}  // namespace

std::string github_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}

void Output::result(const json& doc, const std::function<void()>& human) {
  if (s_.json) line(doc.dump(2));
  else human();
}

void Output::print(std::string_view text) { write_out(stdout, text); }

void Output::line(std::string_view text) {
  write_out(stdout, without_url_passwords(text));
  write_out(stdout, "\n");
}

std::string Output::paint(Color c, std::string_view text) const {
  if (!s_.color || c == Color::none) return std::string(text);
  return std::string(color_code(c)) + std::string(text) + "\033[0m";
}

void Output::err_line(std::string_view prefix, Color c, std::string_view text) {
  std::fflush(stdout);
  std::string head = prefix.empty() ? "" : paint(c, prefix) + " ";
  std::string s = head + without_url_passwords(text) + "\n";
  std::fwrite(s.data(), 1, s.size(), stderr);
}

void Output::note(std::string_view text) {
  if (!s_.quiet) err_line("", Color::none, text);
}

void Output::passthrough(std::string_view text, bool from_stderr) {
  if (s_.quiet) return;
  if (from_stderr || s_.json) err_line("", Color::none, text);
  else line(text);
}

void Output::debug(int level, std::string_view text) {
  if (s_.verbose >= level) err_line("debug:", Color::dim, text);
}

void Output::warn(std::string_view text) {
  err_line("warning:", Color::yellow, text);
  if (s_.github_actions) std::fprintf(stderr, "::warning::%s\n", github_escape(without_url_passwords(text)).c_str());
}

void Output::error(std::string_view text) {
  err_line("error:", Color::red, text);
  if (s_.github_actions) std::fprintf(stderr, "::error::%s\n", github_escape(without_url_passwords(text)).c_str());
}

void Output::flush() {
  if (std::fflush(stdout) != 0 && errno == EPIPE) throw BrokenPipe{};
}

std::unique_ptr<Progress> Output::progress() {
  if (s_.github_actions && !s_.quiet) return std::make_unique<GithubGroupProgress>();
  if (s_.progress) return std::make_unique<TerminalProgress>();
  return std::make_unique<NullProgress>();
}

}  // namespace mlops::cli
