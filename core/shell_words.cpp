#include "shell_words.hpp"

#include <algorithm>

namespace mlops {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string shell_join(const std::vector<std::string>& argv) {
  static const std::vector<std::string_view> reserved{"case", "do", "done", "elif", "else", "esac", "fi",
                                                       "for",  "if", "in",   "then", "until", "while"};
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                   "_@%+=:,./-") == std::string::npos;
    if (i == 0 && (w.find('=') != std::string::npos || std::find(reserved.begin(), reserved.end(), w) != reserved.end()))
      plain = false;
    if (i) out += ' ';
    out += plain ? w : shell_quote(w);
  }
  return out;
}

}  // namespace mlops
