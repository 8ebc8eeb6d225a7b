#pragma once
// Output shared by `mlops metrics` and `mlops params`: comparisons as
// tables (Path, Metric|Param, Old, New, Change), as markdown, or as one JSON
// document; values as typed JSON.
#include <string>
#include <vector>

#include "core/metrics_diff.hpp"
#include "core/revision_files.hpp"
#include "output.hpp"
#include "table.hpp"

namespace mlops::cli {

struct DiffView {
  bool all = false;       // also keys whose value did not change
  bool markdown = false;  // a markdown table instead of aligned columns
  int precision = 5;      // significant digits of floats in tables; JSON keeps every digit
  std::string key_header = "Metric";
};

json value_json(const Document& v);
json revision_json(const Revision& r);
// "HEAD~1", or "the workspace".
std::string revision_name(const Revision& r);

// {"a": REV, "b": REV, "files": [{"path", "old_missing", "new_missing",
//  "changes": [{"key", "state", "old", "new", "change"}]}], "changed": BOOL};
// unchanged keys only with `all`.
json diff_json(const Revision& a, const Revision& b, const std::vector<FileDiff>& files, bool all);

// The table on stdout; notes on stderr for files a side lacks, or
// "No changes." when nothing differs.
void render_diff(Output& out, const Revision& a, const Revision& b, const std::vector<FileDiff>& files,
                 const DiffView& view);

void print_table(Output& out, const Table& t, bool markdown);

}  // namespace mlops::cli
