#pragma once
// Turning argument vectors into POSIX shell command lines: for the commands
// mlops writes into mlops.yaml (run through /bin/sh -c) and the ones it runs
// on an SSH host. Contract: /bin/sh splits the result back into exactly the
// words that were given, whatever characters they hold.
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

// `text` as one word for a POSIX shell, always quoted: 'it'\''s'.
std::string shell_quote(std::string_view text);

// `argv` as one command line: words of only letters, digits and _@%+=:,./-
// stay as they are, others are quoted; so is a first word that the shell
// would read as a variable assignment or a reserved word.
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace mlops
