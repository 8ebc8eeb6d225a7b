#pragma once
// The table of `exp show`: one row per run, one column per param and per
// metric. A column is named by its key ("train.lr", "acc"), or
// "FILE:KEY" where the key alone could be read two ways: params outside
// the pipeline's params file, metrics when the runs have several metrics
// files.
#include <string>
#include <vector>

#include "core/run_record.hpp"
#include "table.hpp"

namespace mlops::cli {

struct ExpColumn {
  std::string header;
  bool metric = false;
  std::string file;
  std::string key;
};

// Params columns, then metrics columns, each sorted by file and key.
std::vector<ExpColumn> exp_columns(const std::vector<RunRecord>& runs, const std::string& default_params);

// The value of `col` in `run`, or nullptr when the run has none.
const nlohmann::json* column_value(const RunRecord& run, const ExpColumn& col);

// The columns whose values differ between `runs` (all of them when there
// are fewer than two runs).
std::vector<ExpColumn> differing(const std::vector<ExpColumn>& columns, const std::vector<RunRecord>& runs);

// The column `name` means: a header, "FILE:KEY", or a key found in exactly
// one file. Error(usage) listing close names otherwise.
const ExpColumn& find_column(const std::vector<ExpColumn>& columns, const std::string& name);

// Stable sort by `col`: numbers by value, other values by their text, runs
// without a value last in either direction.
void sort_runs(std::vector<RunRecord>& runs, const ExpColumn& col, bool descending);

// A value as a cell: strings bare, floats to 6 significant digits, "-" for none.
std::string cell_text(const nlohmann::json* value);

// Rows of `runs` under "Run", "Name", "Created" (and "Status" when a run
// failed), then `columns`. `exact` (for CSV): numbers in full precision and
// empty cells for missing values.
Table exp_table(const std::vector<RunRecord>& runs, const std::vector<ExpColumn>& columns, bool exact);

// RFC 4180: cells with a comma, quote or line break are quoted.
std::string csv_table(const Table& t);

}  // namespace mlops::cli
