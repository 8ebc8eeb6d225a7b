#include "revision_args.hpp"

#include "data_common.hpp"

namespace mlops::cli {

RevisionFiles repo_files(Context& ctx) {
  const Repo& repo = ctx.repo();
  return RevisionFiles(repo.root(), repo.cache_dir(), repo.config().get_size("core.pack_threshold"));
}

std::vector<Revision> compared_revisions(const RevisionFiles& files, const std::vector<std::string>& revs) {
  std::vector<Revision> out;
  for (const auto& r : revs) out.push_back(files.at(r));
  if (revs.empty()) out.push_back(files.at("HEAD"));
  if (out.size() == 1) out.push_back(RevisionFiles::workspace());
  return out;
}

std::vector<Pipeline> pipelines_of(const RevisionFiles& files, const std::vector<Revision>& revs) {
  std::vector<Pipeline> out;
  for (const auto& r : revs) out.push_back(pipeline_at(files, r));
  return out;
}

std::vector<std::string> named_or_declared(Context& ctx, const std::vector<std::string>& named,
                                           const std::vector<Pipeline>& pipelines, OutRole role) {
  if (!named.empty()) return repo_paths(ctx, named);
  return declared_outs(pipelines, role);
}

void add_precision_option(CLI::App& cmd, int& precision) {
  cmd.add_option("--precision", precision, "Significant digits of floating-point values in tables (JSON keeps all)")
      ->type_name("DIGITS")
      ->check(CLI::Range(1, 17))
      ->capture_default_str();
}

void add_diff_args(CLI::App& cmd, DiffArgs& a, const std::string& targets_help, const std::string& noun) {
  cmd.add_option("revs", a.revs, "Revisions: none (HEAD vs workspace), one (REV vs workspace) or two")
      ->expected(0, 2)
      ->type_name("REV");
  cmd.add_option("--targets", a.targets, targets_help)->expected(1, -1)->type_name("FILE");
  cmd.add_flag("-a,--all", a.all, "Also list " + noun + " that did not change");
  cmd.add_flag("--md", a.markdown, "Print a markdown table");
  cmd.add_flag("--exit-code", a.exit_code, "Exit with 1 when some of the " + noun + " changed");
}

}  // namespace mlops::cli
