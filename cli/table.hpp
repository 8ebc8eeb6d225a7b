#pragma once
// Tables of text cells for human output: aligned columns for the terminal,
// or a GitHub-flavoured markdown table to paste into a pull request.
#include <string>
#include <vector>

namespace mlops::cli {

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;  // each as long as `headers`
};

// Columns padded to their widest cell (counted in characters, not bytes),
// two spaces apart, without trailing blanks; one line per row after the header.
std::string aligned_table(const Table& t);

// | a | b | lines with a |---| separator; `|` in cells is escaped and line
// breaks become spaces, so a cell cannot break the table.
std::string markdown_table(const Table& t);

}  // namespace mlops::cli
