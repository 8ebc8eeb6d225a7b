#pragma once
// The only code that writes to stdout and stderr (STYLE.md §8).
// stdout carries results: a human rendering, or one JSON document with --json.
// stderr carries notes, warnings, errors and progress. Under GitHub Actions
// warnings and errors are also workflow commands (::warning::/::error::) and
// progress phases become ::group:: blocks.
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/progress.hpp"

namespace mlops::cli {

using nlohmann::json;

// Thrown when stdout is a closed pipe (`mlops ls | head`): main exits quietly.
struct BrokenPipe {};

enum class Color { none, bold, dim, red, green, yellow, blue, cyan };

struct OutputSettings {
  bool json = false;
  bool quiet = false;
  int verbose = 0;
  bool color = false;
  bool progress = false;
  bool github_actions = false;
};

class Output {
 public:
  explicit Output(OutputSettings s) : s_(s) {}

  bool json_mode() const { return s_.json; }
  bool quiet() const { return s_.quiet; }
  int verbosity() const { return s_.verbose; }

  // A command's result: the JSON document with --json, else the human rendering.
  void result(const json& doc, const std::function<void()>& human);
  void print(std::string_view text);  // stdout, as is
  void line(std::string_view text);   // stdout, with a newline
  std::string paint(Color c, std::string_view text) const;

  void note(std::string_view text);              // stderr; hidden by -q
  // A line a child process printed: to the stream it used, but never into
  // stdout's JSON document; hidden by -q.
  void passthrough(std::string_view text, bool from_stderr);
  void debug(int level, std::string_view text);  // stderr; shown with -v (level 1) or -vv (2)
  void warn(std::string_view text);
  void error(std::string_view text);
  void flush();

  // A progress observer for core/: a redrawn line on a TTY, ::group:: under
  // GitHub Actions, nothing otherwise.
  std::unique_ptr<Progress> progress();

 private:
  void err_line(std::string_view prefix, Color c, std::string_view text);
  OutputSettings s_;
};

// GitHub Actions escaping for workflow command data (%, CR, LF).
std::string github_escape(std::string_view text);

}  // namespace mlops::cli
