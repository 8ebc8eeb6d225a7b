#pragma once
// The pipeline as written in `mlops.yaml` (DESIGN §5), parsed, interpolated
// and expanded into concrete stages. Grammar (YAML):
//
//   vars: [ {NAME: VALUE, ...} | FILE.yaml | FILE.json , ... ]   # optional
//   params: FILE                      # default params file (params.yaml)
//   stages:
//     NAME:
//       cmd: STRING | [STRING, ...]   # run in order, each through /bin/sh -c
//       wdir: DIR                     # paths below are relative to it
//       deps: [PATH, ...]
//       params: [KEY | {FILE: [KEY, ...]}, ...]   # KEY may name a whole section
//       outs | metrics | plots: [PATH | {PATH: {cache, persist, desc}}
//                                     | {path: PATH, cache, persist, desc}, ...]
//       env: {NAME: VALUE}
//       desc: STRING
//       frozen: BOOL                  # never rerun, never dirty
//       always_changed: BOOL          # always rerun
//       resources: {cpus: N, memory: SIZE, gpus: N, time: DURATION, partition: NAME}
//       executor: local | slurm | kubernetes
//       image: STRING                 # kubernetes only
//       matrix: {KEY: [VALUE, ...], ...}   # one stage per combination,
//                                          # named NAME@KEY=VALUE,KEY=VALUE
//       foreach: [VALUE, ...] | {KEY: VALUE, ...}   # with `do:` holding the
//       do: {...}                                   # stage body; NAME@VALUE / NAME@KEY
//
// `${a.b}` interpolates from `vars`, then the default params file; inside a
// matrix/foreach body `${item}`, `${item.KEY}` and (foreach over a map)
// `${key}` name the current element. A string that is exactly `${x}` keeps
// x's type. Unknown keys, wrong types, undefined variables, two stages
// writing one path and dependency cycles are errors naming the file, line,
// column and stage; overlapping outs and cycles are checked by PipelineGraph.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

struct SourcePos {
  std::string file;  // as given to the parser (usually "mlops.yaml")
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;

  std::string str() const;  // "mlops.yaml:12:5"
};

enum class OutRole { out, metric, plot };

struct StageOut {
  std::string path;  // repo-relative, normalised ("models/model.pkl")
  OutRole role = OutRole::out;
  bool cache = true;     // false: kept in git, still saved for the run cache
  bool persist = false;  // not removed before the stage runs
  std::string desc;
  SourcePos pos;
};

// One params reference: `key` inside params `file`; an empty key means the
// whole file. A key naming a section stands for all values below it.
struct ParamRef {
  std::string file;  // repo-relative
  std::string key;   // dotted path, "train.lr"
  SourcePos pos;
};

struct Resources {
  double cpus = 1;
  std::string memory;  // as written ("16G"); executors interpret it
  int gpus = 0;
  std::string time;
  std::string partition;
};

struct Stage {
  std::string name;  // "train@lr=0.1" for expanded instances
  std::string base;  // "train"
  std::vector<std::string> cmd;
  std::string wdir;  // repo-relative; "" is the repository root
  std::vector<std::string> deps;  // repo-relative, normalised
  std::vector<ParamRef> params;
  std::vector<StageOut> outs;  // outs, metrics and plots, in that order
  std::map<std::string, std::string> env;
  std::string desc;
  bool frozen = false;
  bool always_changed = false;
  Resources resources;
  std::string executor = "local";
  std::string image;
  SourcePos pos;
};

struct Pipeline {
  std::string origin;  // the file the stages came from
  std::string default_params = "params.yaml";
  std::vector<Stage> stages;  // in file order, instances in expansion order

  const Stage* find(std::string_view name) const;
  // Stages named `name`, or all instances of a matrix/foreach stage `name`.
  std::vector<const Stage*> select(std::string_view name) const;
};

inline constexpr std::string_view kPipelineFile = "mlops.yaml";

// Parses `text`; `root` is the repository root (for `vars` files and the
// default params file). Throws Error(usage) naming origin:line:column.
Pipeline parse_pipeline(const std::string& text, const std::string& origin, const std::filesystem::path& root);
// `root/mlops.yaml`, or an empty pipeline when there is none.
Pipeline load_pipeline(const std::filesystem::path& root);

}  // namespace mlops
