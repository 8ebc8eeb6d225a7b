#include "url_userinfo.hpp"

namespace mlops {
namespace {

constexpr std::string_view kMask = "***";

// Calls `fn(begin, end)` for the password of each URL's user-info in `text`:
// the authority runs from "://" to the first character that ends it in a URL
// or in prose, its user-info up to its last '@', the password after the first
// ':' there.
template <class Fn>
void for_each_password(std::string_view text, Fn fn) {
  for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    size_t start = at + 3;
    size_t end = text.find_first_of("/?#\\ \t\r\n\"'<>`", start);
    std::string_view authority = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    size_t last_at = authority.rfind('@');
    if (last_at == std::string_view::npos) continue;
    size_t colon = authority.find(':');
    if (colon < last_at) fn(start + colon + 1, start + last_at);
  }
}

}  // namespace

bool has_url_password(std::string_view text) {
  bool found = false;
  for_each_password(text, [&](size_t, size_t) { found = true; });
  return found;
}

std::string without_url_passwords(std::string_view text) {
  std::string out;
  size_t copied = 0;
  for_each_password(text, [&](size_t begin, size_t end) {
    out.append(text.substr(copied, begin - copied)).append(kMask);
    copied = end;
  });
  if (copied == 0) return std::string(text);
  return out.append(text.substr(copied));
}

}  // namespace mlops
