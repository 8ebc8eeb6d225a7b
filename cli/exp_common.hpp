#pragma once
// Pieces shared by the `mlops exp` subcommands (cmd_exp.cpp runs and
// changes experiments, exp_report.cpp shows and compares them).
#include <string>

#include "context.hpp"
#include "core/run_record.hpp"

namespace mlops::cli {

// The runs' summaries as `--json` prints them: the record without stages.
json run_summary_json(const RunRecord& run);
// The pipeline's default params file, or params.yaml when mlops.yaml is
// absent or unreadable (showing runs must not depend on it).
std::string default_params_file(Context& ctx);

void setup_exp_show(CLI::App& exp, Context& ctx);
void setup_exp_list(CLI::App& exp, Context& ctx);
void setup_exp_diff(CLI::App& exp, Context& ctx);

}  // namespace mlops::cli
