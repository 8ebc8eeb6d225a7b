#pragma once
// Passwords written into URLs (`https://user:PASSWORD@host/…`): mlops never
// stores one and never prints one. Config files refuse them when written
// (config_file_set), URL errors quote the URL without them, and cli/output
// passes every line it prints through without_url_passwords() as the last
// guard, so a hand-edited config or a server's message cannot leak one
// either. A user name alone (`ssh://git@host/…`) is not a secret and stays.
#include <string>
#include <string_view>

namespace mlops {

// Whether some `scheme://user:password@` in `text` carries a password.
bool has_url_password(std::string_view text);

// `text` with the password of every `scheme://user:password@` replaced by ***.
std::string without_url_passwords(std::string_view text);

}  // namespace mlops
