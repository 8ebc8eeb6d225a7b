#pragma once
// Revisions and files as the metrics, params and plots commands take them:
// revisions compared (none: HEAD and the workspace; one: it and the
// workspace; more: those), and files named by the user or declared in the
// mlops.yaml of the revisions compared.
#include <string>
#include <vector>

#include "context.hpp"
#include "core/declared_files.hpp"

namespace mlops::cli {

// The repository's files at revisions, with its cache for stage outputs
// that git does not hold.
RevisionFiles repo_files(Context& ctx);

std::vector<Revision> compared_revisions(const RevisionFiles& files, const std::vector<std::string>& revs);

std::vector<Pipeline> pipelines_of(const RevisionFiles& files, const std::vector<Revision>& revs);

// Repo-relative paths of `named`, or else the outs with `role` that the
// pipelines declare.
std::vector<std::string> named_or_declared(Context& ctx, const std::vector<std::string>& named,
                                           const std::vector<Pipeline>& pipelines, OutRole role);

// "--precision N": significant digits of floats in tables.
void add_precision_option(CLI::App& cmd, int& precision);

// The arguments `metrics diff` and `params diff` share.
struct DiffArgs {
  std::vector<std::string> revs, targets;
  bool all = false, markdown = false, exit_code = false;
  int precision = 5;
};

// REV positionals (none, one or two), --targets FILE..., -a/--all, --md and --exit-code;
// `noun` is what the rows are ("metrics", "params").
void add_diff_args(CLI::App& cmd, DiffArgs& a, const std::string& targets_help, const std::string& noun);

}  // namespace mlops::cli
