#include "table.hpp"

#include <algorithm>

namespace mlops::cli {
namespace {

// UTF-8 continuation bytes do not start a character.
size_t width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string aligned_row(const std::vector<std::string>& cells, const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    line += cells[i];
    if (i + 1 < cells.size()) line += std::string(widths[i] - width(cells[i]) + 2, ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string markdown_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string markdown_row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const auto& c : cells) line += " " + markdown_cell(c) + " |";
  return line + "\n";
}

}  // namespace

std::string aligned_table(const Table& t) {
  std::vector<size_t> widths(t.headers.size());
  for (size_t i = 0; i < t.headers.size(); ++i) widths[i] = width(t.headers[i]);
  for (const auto& row : t.rows)
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  std::string out = aligned_row(t.headers, widths);
  for (const auto& row : t.rows) out += aligned_row(row, widths);
  return out;
}

std::string markdown_table(const Table& t) {
  std::string out = markdown_row(t.headers) + "|";
  for (size_t i = 0; i < t.headers.size(); ++i) out += "---|";
  out += "\n";
  for (const auto& row : t.rows) out += markdown_row(row);
  return out;
}

}  // namespace mlops::cli
