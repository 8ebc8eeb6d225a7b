#pragma once
// Commands on an SSH host through the system's OpenSSH client, for what SFTP
// cannot do: run `mlops agent` (or the POSIX-shell fallback) on an edge
// device, and stream a bundle into a file there. The connection comes from
// the same SshSettings as an ssh:// remote (URL, ~/.ssh/config, key,
// known_hosts), and host keys are always checked: ssh runs with
// StrictHostKeyChecking=yes and BatchMode=yes, so an unknown or changed host
// key, or a login that would need a password, fails instead of asking.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/shell_words.hpp"
#include "ssh_session.hpp"

namespace mlops {

struct SshCommandResult {
  int exit_status = 0;  // the remote command's; 255: ssh itself failed
  std::string out, err;
};

// Bytes for a command's stdin: `length` bytes of `file` from `offset`.
struct SshUpload {
  std::filesystem::path file;
  uint64_t offset = 0, length = 0;
};

class SshCommand {
 public:
  // `what` names the target in messages ("target 'edge1'").
  SshCommand(SshSettings settings, std::string what);

  // Runs `command` (a POSIX shell command line) on the host, with `upload`'s
  // bytes as its stdin (else no stdin). Throws Error(remote) when ssh cannot
  // connect or log in, or the host key is not known (exit status 255), and
  // Error(interrupted) on Ctrl-C; any other exit status is returned.
  SshCommandResult run(const std::string& command, const SshUpload* upload = nullptr,
                       Progress* progress = nullptr) const;

  // Appends bytes [from, end) of `file` to `part` on the host (creating its
  // directory), so an upload interrupted earlier continues where it stopped,
  // then checks that `part` holds the whole file: Error(remote) otherwise.
  // With `sha256`, returns the SHA-256 (hex) the host computes of `part`.
  std::string append_file(const std::filesystem::path& file, const std::string& part, uint64_t from,
                          Progress& progress, bool sha256 = false) const;

  // The ssh argument vector before the remote command (for messages and tests).
  std::vector<std::string> argv() const;
  const SshSettings& settings() const { return settings_; }

 private:
  [[noreturn]] void fail(const SshCommandResult& r) const;
  SshSettings settings_;
  std::string what_;
};

// The last line of a command's output (its error message, usually).
std::string last_line(const std::string& text);
// The Errc whose exit code a remote mlops (or the shell fallback) exited
// with; Errc::remote for any other status.
Errc errc_from_exit(int status);

}  // namespace mlops
