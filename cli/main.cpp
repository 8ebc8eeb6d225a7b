// mlops entry point: parse with the command table, run the selected command,
// and map every failure to one exit code (DESIGN §8). This is the only catch.
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <cstdlib>
#include <filesystem>

#include "command_table.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/text.hpp"

namespace fs = std::filesystem;
using namespace mlops;
using namespace mlops::cli;

namespace {

constexpr int kExitBrokenPipe = 141;

volatile std::sig_atomic_t first_signal_ms = 0;

int64_t monotonic_ms() {  // clock_gettime is async-signal-safe
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

void on_signal(int sig) {
  int64_t now = monotonic_ms();
  if (!interrupt_requested()) {
    first_signal_ms = static_cast<std::sig_atomic_t>(now & 0x7fffffff);
    request_interrupt();
    return;
  }
  // A second Ctrl-C stops at once, without cleanup. One that follows within
  // half a second is the same request delivered twice (`timeout` signals
  // both its child and the process group), not the user insisting.
  if (((now & 0x7fffffff) - first_signal_ms) < 500) return;
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed stdout becomes EPIPE, handled quietly
}

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string_view(v) != "0";
}

bool decide(const std::string& when, bool automatic) {
  if (when == "always") return true;
  if (when == "never") return false;
  return automatic;
}

OutputSettings settings_for(Context& ctx, bool load_config) {
  const auto& o = ctx.opts;
  std::string color_when = o.color, progress_when = "auto";
  if (load_config) {
    try {  // a broken config file is reported by the command itself
      if (color_when == "auto") color_when = ctx.config().get_string("ui.color");
      progress_when = ctx.config().get_string("ui.progress");
    } catch (const Error&) {
    }
  }
  const char* term = std::getenv("TERM");
  bool tty_color = ::isatty(STDOUT_FILENO) && !(term && std::string_view(term) == "dumb");
  bool auto_color = env_set("NO_COLOR") ? false : (env_set("CLICOLOR_FORCE") || env_set("FORCE_COLOR") || tty_color);
  OutputSettings s;
  s.json = o.json;
  s.quiet = o.quiet;
  s.verbose = o.verbose;
  s.color = o.color != "auto" ? o.color == "always" : decide(color_when, auto_color);
  s.progress = !o.quiet && decide(progress_when, ::isatty(STDERR_FILENO) && !env_set("CI"));
  s.github_actions = std::getenv("GITHUB_ACTIONS") && std::string_view(std::getenv("GITHUB_ACTIONS")) == "true";
  return s;
}

int exit_code(Errc code) { return static_cast<int>(code); }

int report(Context& ctx, Errc code, const std::string& message) {
  auto& out = ctx.out();
  try {
    if (out.json_mode()) out.line(json{{"error", {{"code", exit_code(code)}, {"message", message}}}}.dump(2));
  } catch (const BrokenPipe&) {
  }
  out.error(message);
  return exit_code(code);
}

// Deepest selected subcommand: `mlops remote add` -> the `add` app.
CLI::App* selected(CLI::App& app) {
  CLI::App* cur = &app;
  for (;;) {
    auto subs = cur->get_subcommands();
    if (subs.empty()) return cur;
    cur = subs.front();
  }
}

int unknown_command(Context& ctx, const std::string& word) {
  std::vector<std::string> names;
  for (const auto& c : commands())
    if (c.name.substr(0, 2) != "__") names.emplace_back(c.name);
  auto s = suggest(word, names);
  std::string msg = "'" + word + "' is not an mlops command.";
  if (!s.empty()) msg += " Did you mean '" + s.front() + "'?";
  msg += " See 'mlops --help'.";
  return report(ctx, Errc::usage, msg);
}

int run(Context& ctx, CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    if (app.get_subcommands().empty() && !app.remaining().empty())
      return unknown_command(ctx, app.remaining().front());
    return report(ctx, Errc::usage, std::string(e.what()) + "; see 'mlops " + selected(app)->get_name() + " --help'");
  } catch (const CLI::ParseError& e) {
    std::string where = selected(app) == &app ? "mlops" : "mlops " + selected(app)->get_name();
    return report(ctx, Errc::usage, std::string(e.what()) + "; see '" + where + " --help'");
  }
  for (const auto& dir : ctx.opts.chdir) {
    std::error_code ec;
    fs::current_path(dir, ec);
    if (ec) return report(ctx, Errc::usage, "cannot change to directory " + dir + ": " + ec.message());
  }
  ctx.set_output(std::make_unique<Output>(settings_for(ctx, true)));
  CLI::App* cmd = selected(app);
  for (CLI::App* cur = &app; cur != cmd;) {
    cur = cur->get_subcommands().front();
    ctx.command += " " + cur->get_name();
  }
  const auto* action = ctx.action_for(cmd);
  if (!action) {
    std::fputs(cmd->help().c_str(), stderr);
    return exit_code(Errc::usage);
  }
  (*action)();
  ctx.out().flush();
  check_interrupted();
  return ctx.exit_status;
}

}  // namespace

int main(int argc, char** argv) {
  install_signal_handlers();
  Context ctx;
  ctx.set_output(std::make_unique<Output>(settings_for(ctx, false)));
  CLI::App app;
  int code;
  try {
    build_app(app, ctx);
    code = run(ctx, app, argc, argv);
  } catch (const BrokenPipe&) {
    code = kExitBrokenPipe;
  } catch (const Error& e) {
    code = report(ctx, e.code(), e.what());
  } catch (const fs::filesystem_error& e) {
    code = report(ctx, Errc::failure, e.what());
  } catch (const std::exception& e) {
    code = report(ctx, Errc::failure, std::string("internal error: ") + e.what());
  }
  if (code == kExitBrokenPipe) {
    // stdout is gone; make sure the exit path does not try to flush into it.
    std::fclose(stdout);
    std::_Exit(code);
  }
  return code;
}
