#pragma once
// Plot files: tables of named columns, read from CSV, TSV, JSON or YAML.
//
//   CSV   the first record names the columns; fields are separated by `,`
//         and may be double-quoted ("" is a quote inside quotes; a quoted
//         field may span lines); records end with LF or CRLF. Every record
//         has as many fields as the header.
//   TSV   the same with tabs, without quoting.
//   JSON, YAML (structured_text.hpp), one of:
//         [ {COLUMN: VALUE, ...}, ... ]          one object per row
//         {NAME: [ {COLUMN: VALUE, ...}, ... ]}  the same under one key
//         {COLUMN: [VALUE, ...], ...}            one list per column
//
// A CSV/TSV cell that reads as a number is one (integers stay integers); an
// empty cell is missing (null). In JSON/YAML a cell is a number, string,
// boolean or null; rows may lack columns (null). Column order is the order
// of first appearance.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "structured_text.hpp"

namespace mlops {

struct PlotTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Document>> rows;  // each as long as `columns`

  std::optional<size_t> column(std::string_view name) const;
  // Has at least one number and nothing but numbers and missing cells.
  bool numeric(size_t column) const;
  // The x axis: the `step` column when there is a numeric one, else the
  // first column when it is numeric; nullopt means "the row index".
  std::optional<size_t> x_column() const;
  // The numeric columns other than the x column: one chart each.
  std::vector<size_t> y_columns() const;
};

enum class PlotFormat { csv, tsv, json, yaml };

// By extension: .csv, .tsv, .json, .yaml, .yml (any case).
std::optional<PlotFormat> plot_format(std::string_view path);

// Parses `text` in the format `path`'s extension names. Errors are
// Error(usage) naming `origin` ("plots/loss.csv", "HEAD~1:plots/loss.csv")
// and, where one applies, the line and column.
PlotTable parse_plot(std::string_view text, const std::string& path, const std::string& origin);

}  // namespace mlops
