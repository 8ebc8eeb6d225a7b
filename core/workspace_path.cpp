#include "workspace_path.hpp"

#include <cstdio>

namespace mlops {
namespace {

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != b[i]) return false;
  }
  return true;
}

bool control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

}  // namespace

std::optional<std::string> unsafe_component(std::string_view name) {
  if (name.empty()) return "it has an empty component";
  if (name == "." || name == "..") return "it has a '" + std::string(name) + "' component";
  if (name.find('/') != std::string_view::npos) return "it is not a single name";
  if (same_ignoring_case(name, ".git") || same_ignoring_case(name, ".mlops"))
    return "it has a '" + std::string(name) + "' component, and mlops never writes inside .git or .mlops";
  return std::nullopt;
}

std::optional<std::string> unsafe_workspace_path(std::string_view path) {
  if (path.empty()) return "it is empty";
  if (path.front() == '/') return "it is absolute";
  for (char c : path)
    if (control(c)) return "it contains a control character";
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    if (auto why = unsafe_component(path.substr(start, slash == std::string_view::npos ? slash : slash - start)))
      return why;
    if (slash == std::string_view::npos) return std::nullopt;
    start = slash + 1;
  }
}

std::string shown_path(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (control(c)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

void check_workspace_path(std::string_view path, const std::string& where, Errc code) {
  if (auto why = unsafe_workspace_path(path))
    throw Error(code, where + ": unsafe path '" + shown_path(path) + "': " + *why +
                          " (paths must be relative and stay inside the repository)");
}

}  // namespace mlops
