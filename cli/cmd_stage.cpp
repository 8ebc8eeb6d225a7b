// `mlops stage add` and `mlops stage list`: write and read mlops.yaml stages.
#include <filesystem>

#include "commands.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/pipeline_edit.hpp"
#include "core/pipeline_graph.hpp"
#include "core/pipeline_spec.hpp"
#include "core/shell_words.hpp"
#include "core/text.hpp"
#include "data_common.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

const char* role_name(OutRole r) { return r == OutRole::metric ? "metric" : r == OutRole::plot ? "plot" : "out"; }

void setup_stage_add(CLI::App& cmd, Context& ctx) {
  struct Args {
    NewStage s;
    std::vector<std::string> command;
    bool force = false;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("name", a->s.name, "Stage name")->required();
  cmd.add_option("command", a->command, "The command, after --")->required();
  cmd.add_option("-d,--deps", a->s.deps, "A file or directory the stage reads")->allow_extra_args(false);
  cmd.add_option("-o,--outs", a->s.outs, "A file or directory the stage writes (cached)")->allow_extra_args(false);
  cmd.add_option("-O,--outs-no-cache", a->s.outs_no_cache, "An out kept in git, not in the cache")
      ->allow_extra_args(false);
  cmd.add_option("-p,--params", a->s.params, "A params key (params.yaml) or FILE:KEY")->allow_extra_args(false);
  cmd.add_option("-m,--metrics", a->s.metrics, "A metrics file (cached)")->allow_extra_args(false);
  cmd.add_option("-M,--metrics-no-cache", a->s.metrics_no_cache, "A metrics file kept in git")->allow_extra_args(false);
  cmd.add_option("--plots", a->s.plots, "A plots file")->allow_extra_args(false);
  cmd.add_option("-w,--wdir", a->s.wdir, "Directory the command runs in; paths are relative to it");
  cmd.add_option("--executor", a->s.executor, "local (default), slurm or kubernetes");
  cmd.add_option("--desc", a->s.desc, "A description");
  cmd.add_flag("-f,--force", a->force, "Overwrite a stage of the same name");
  cmd.footer(
      "Adds the stage to mlops.yaml (created if needed), keeping the rest of the file as it is.\n"
      "Nothing runs; `mlops repro` does. One word after -- is a shell command line, kept as it is\n"
      "('cp a b && wc -l b'); several are the words of one command, quoted where the shell needs it.\n\n"
      "Example:\n  mlops stage add train -d src/train.py -d data/prepared -p train.lr -o models/model.pkl \\\n"
      "      -M metrics.json -- python src/train.py");
  ctx.on_run(&cmd, [&ctx, a] {
    auto lock = lock_repo(ctx);
    fs::path root = ctx.repo().root();
    fs::path file = root / kPipelineFile;
    // As DVC does: one word is already a command line; several are argv.
    a->s.cmd = a->command.size() == 1 ? a->command.front() : shell_join(a->command);
    std::string text = fs::exists(file) ? read_file(file) : "";
    std::string updated = add_stage_text(text, a->s, a->force, root);
    write_file_atomic(file, updated);
    ctx.out().result({{"stage", a->s.name}, {"file", std::string(kPipelineFile)}}, [&] {
      ctx.out().line("Added stage '" + a->s.name + "' to " + std::string(kPipelineFile));
      ctx.out().note("Run it with `mlops repro " + a->s.name + "`, then `git add mlops.yaml mlops.lock`");
    });
  });
}

void setup_stage_list(CLI::App& cmd, Context& ctx) {
  cmd.footer("Every stage (matrix and foreach instances expanded) with its command, deps and outs.");
  ctx.on_run(&cmd, [&ctx] {
    Pipeline p = load_pipeline(ctx.repo().root());
    PipelineGraph graph(p);
    json stages = json::array();
    for (const auto& s : p.stages) {
      json outs = json::array();
      for (const auto& o : s.outs) outs.push_back({{"path", o.path}, {"role", role_name(o.role)}, {"cache", o.cache}});
      stages.push_back({{"name", s.name},
                        {"cmd", s.cmd},
                        {"wdir", s.wdir},
                        {"deps", s.deps},
                        {"outs", outs},
                        {"executor", s.executor},
                        {"desc", s.desc},
                        {"frozen", s.frozen}});
    }
    ctx.out().result({{"stages", stages}}, [&] {
      if (p.stages.empty()) ctx.out().line("No stages (" + std::string(kPipelineFile) + " is missing or empty).");
      for (const auto& s : p.stages) {
        std::string line = ctx.out().paint(Color::bold, s.name);
        std::vector<std::string> outs;
        for (const auto& o : s.outs) outs.push_back(o.path);
        if (!outs.empty()) line += "  -> " + join(outs, ", ");
        if (!s.desc.empty()) line += "  # " + s.desc;
        ctx.out().line(line);
      }
    });
  });
}

}  // namespace

void setup_stage(CLI::App& cmd, Context& ctx) {
  cmd.require_subcommand(1);
  setup_stage_add(*cmd.add_subcommand("add", "Add a stage to mlops.yaml"), ctx);
  setup_stage_list(*cmd.add_subcommand("list", "List the pipeline's stages"), ctx);
}

}  // namespace mlops::cli
