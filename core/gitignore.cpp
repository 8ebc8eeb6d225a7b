#include "gitignore.hpp"

#include <system_error>

#include "atomic_file.hpp"
#include "text.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::vector<std::string> read_lines(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return {};
  auto lines = split(read_file(file), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_file_atomic(file, text);
}

}  // namespace

std::string gitignore_entry(const std::string& name) {
  std::string out = "/";
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    // Trailing spaces are dropped by git unless escaped.
    bool trailing_space = c == ' ' && i + 1 == name.size();
    if (c == '*' || c == '?' || c == '[' || c == '\\' || c == '!' || c == '#' || trailing_space) out += '\\';
    out += c;
  }
  return out;
}

bool gitignore_add(const fs::path& dir, const std::string& name) {
  fs::path file = dir / ".gitignore";
  auto lines = read_lines(file);
  std::string entry = gitignore_entry(name);
  for (const auto& l : lines)
    if (l == entry) return false;
  lines.push_back(entry);
  write_lines(file, lines);
  return true;
}

bool gitignore_remove(const fs::path& dir, const std::string& name) {
  fs::path file = dir / ".gitignore";
  auto lines = read_lines(file);
  std::string entry = gitignore_entry(name);
  std::vector<std::string> kept;
  for (const auto& l : lines)
    if (l != entry) kept.push_back(l);
  if (kept.size() == lines.size()) return false;
  std::error_code ec;
  if (kept.empty()) fs::remove(file, ec);
  else write_lines(file, kept);
  return true;
}

}  // namespace mlops
