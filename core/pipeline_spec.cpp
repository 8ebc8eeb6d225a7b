#include "pipeline_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <stdexcept>

#include "error.hpp"
#include "pipeline_vars.hpp"
#include "text.hpp"
#include "workspace_path.hpp"
#include "yaml_load.hpp"

namespace fs = std::filesystem;

namespace mlops {

std::string SourcePos::str() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const Stage* Pipeline::find(std::string_view name) const {
  for (const auto& s : stages)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<const Stage*> Pipeline::select(std::string_view name) const {
  std::vector<const Stage*> found;
  for (const auto& s : stages)
    if (s.name == name || (s.base == name && s.name != s.base)) found.push_back(&s);
  return found;
}

namespace {

const std::vector<std::string> kTopKeys{"vars", "params", "stages"};
const std::vector<std::string> kStageKeys{"cmd",    "wdir",           "deps",      "params",   "outs",
                                          "metrics", "plots",         "env",       "desc",     "frozen",
                                          "always_changed", "resources", "executor", "image", "matrix",
                                          "foreach", "do",            "meta"};
const std::vector<std::string> kOutKeys{"path", "cache", "persist", "desc"};
const std::vector<std::string> kResourceKeys{"cpus", "memory", "gpus", "time", "partition"};
const std::vector<std::string> kExecutors{"local", "slurm", "kubernetes"};

// The most stages a pipeline may have once every matrix and foreach is
// expanded (docs/security.md, "Input limits"): a few lines of `matrix` can
// stand for 10^9 stages, and every command that reads mlops.yaml expands it.
constexpr uint64_t kMaxPipelineStages = 10'000;

class Parser {
 public:
  Parser(std::string origin, fs::path root) : origin_(std::move(origin)), root_(std::move(root)) {}

  Pipeline parse(const std::string& text) {
    Pipeline p;
    p.origin = origin_;
    YAML::Node doc = load_yaml(text, origin_);
    if (doc.IsNull()) return p;
    if (!doc.IsMap()) throw bad(doc, "", "the pipeline file must be a YAML mapping with `stages:`");
    check_keys(doc, kTopKeys, "", "top-level key");
    if (doc["params"]) p.default_params = normal_path("", scalar(doc["params"], ""), doc["params"], "");
    default_params_ = p.default_params;
    vars_.push(params_scope(p.default_params));
    if (doc["vars"]) load_vars(doc["vars"]);
    YAML::Node stages = doc["stages"];
    if (!stages) return p;
    if (!stages.IsMap()) throw bad(stages, "", "`stages` must be a mapping of stage names to stages");
    std::set<std::string> names;
    for (const auto& kv : stages) {
      std::string name = kv.first.Scalar();
      check_name(kv.first, name);
      for (auto& s : expand(name, kv.second)) {
        if (!names.insert(s.name).second) throw bad(kv.first, s.name, "two stages are named '" + s.name + "'");
        p.stages.push_back(std::move(s));
      }
      stages_ = p.stages.size();
    }
    return p;
  }

 private:
  std::string origin_;
  fs::path root_;
  std::string default_params_;
  PipelineVars vars_;
  uint64_t stages_ = 0;  // expanded so far

  // Refuses a matrix or foreach of `count` instances, counted before it is
  // expanded, that would take the pipeline past kMaxPipelineStages.
  void check_expansion(const YAML::Node& n, const std::string& stage, uint64_t count, const std::string& what) const {
    if (stages_ + count <= kMaxPipelineStages) return;
    std::string many = count > kMaxPipelineStages ? "more than " + std::to_string(kMaxPipelineStages)
                                                  : std::to_string(count);
    std::string others = stages_ ? " besides the " + std::to_string(stages_) + " before it" : "";
    throw bad(n, stage, what + " expands to " + many + " stages" + others + "; a pipeline may have at most " +
                            std::to_string(kMaxPipelineStages));
  }

  SourcePos pos(const YAML::Node& n) const {
    SourcePos sp{origin_, 0, 0};
    if (!n.Mark().is_null()) sp = {origin_, n.Mark().line + 1, n.Mark().column + 1};
    return sp;
  }

  Error bad(const YAML::Node& n, const std::string& stage, const std::string& what) const {
    std::string where = pos(n).str();
    if (!stage.empty()) where += ": stage '" + stage + "'";
    return Error(Errc::usage, where + ": " + what);
  }

  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& stage,
                  const std::string& what) const {
    for (const auto& kv : map) {
      const std::string& k = kv.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
      std::string msg = "unknown " + what + " '" + k + "'";
      auto near = suggest(k, allowed);
      if (!near.empty()) msg += "; did you mean '" + near.front() + "'?";
      throw bad(kv.first, stage, msg);
    }
  }

  void check_name(const YAML::Node& n, const std::string& name) const {
    bool ok = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                                   std::string::npos;
    if (!ok || name[0] == '.' || name[0] == '-')
      throw bad(n, "", "invalid stage name '" + name + "': use letters, digits, '_', '-' and '.'");
  }

  std::string scalar(const YAML::Node& n, const std::string& stage) const {
    if (!n.IsScalar()) throw bad(n, stage, "expected a single value");
    try {
      return vars_.interpolate(n.Scalar());
    } catch (const std::invalid_argument& e) {
      throw bad(n, stage, e.what());
    }
  }

  bool boolean(const YAML::Node& n, const std::string& stage) const {
    std::string v = scalar(n, stage);
    if (v == "true" || v == "True" || v == "yes") return true;
    if (v == "false" || v == "False" || v == "no") return false;
    throw bad(n, stage, "expected true or false, not '" + v + "'");
  }

  // A scalar or a list of scalars, each interpolated.
  std::vector<std::string> strings(const YAML::Node& n, const std::string& stage) const {
    std::vector<std::string> out;
    if (n.IsScalar()) return {scalar(n, stage)};
    if (!n.IsSequence()) throw bad(n, stage, "expected a value or a list of values");
    for (const auto& item : n) out.push_back(scalar(item, stage));
    return out;
  }

  // `p` relative to `wdir`, as a normalised repository-relative path.
  std::string normal_path(const std::string& wdir, const std::string& p, const YAML::Node& n,
                          const std::string& stage) const {
    std::string s = (fs::path(wdir) / p).lexically_normal().generic_string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    if (p.empty() || fs::path(p).is_absolute() || s == ".." || s.starts_with("../"))
      throw bad(n, stage, "path '" + p + "' must be relative and stay inside the repository");
    if (s == ".") return "";
    if (auto why = unsafe_workspace_path(s)) throw bad(n, stage, "unsafe path '" + shown_path(p) + "': " + *why);
    return s;
  }

  PipelineVars::Scope params_scope(const std::string& file) const {
    std::error_code ec;
    if (!fs::exists(root_ / file, ec)) return {};
    return PipelineVars::entries(load_yaml(read_yaml_file(root_ / file, file), file));
  }

  void load_vars(const YAML::Node& list) {
    if (!list.IsSequence()) throw bad(list, "", "`vars` must be a list of mappings or file names");
    PipelineVars::Scope merged;
    for (const auto& item : list) {
      YAML::Node scope = item;
      if (item.IsScalar()) {
        std::string file = normal_path("", item.Scalar(), item, "");
        if (!fs::exists(root_ / file)) throw bad(item, "", "vars file '" + file + "' does not exist");
        scope = load_yaml(read_yaml_file(root_ / file, file), file);
      }
      if (!scope.IsMap()) throw bad(item, "", "each `vars` entry must be a mapping or a YAML/JSON file of one");
      for (auto& entry : PipelineVars::entries(scope)) merged.push_back(std::move(entry));
    }
    vars_.push(std::move(merged));
  }

  // A whole `${x}` keeps its type; anything else must already be `want`.
  YAML::Node resolved(const YAML::Node& n, const std::string& stage) const {
    if (!n.IsScalar()) return n;
    try {
      YAML::Node v = vars_.whole(n.Scalar());
      return v.IsNull() ? n : v;
    } catch (const std::invalid_argument& e) {
      throw bad(n, stage, e.what());
    }
  }

  std::vector<Stage> expand(const std::string& name, const YAML::Node& def) {
    if (!def.IsMap()) throw bad(def, name, "a stage must be a mapping with at least `cmd`");
    std::vector<Stage> out;
    if (def["foreach"]) {
      if (!def["do"] || !def["do"].IsMap()) throw bad(def, name, "`foreach` needs a `do:` mapping with the stage");
      if (def.size() != 2) throw bad(def, name, "a `foreach` stage has only `foreach` and `do`");
      YAML::Node items = resolved(def["foreach"], name);
      if (!items.IsSequence() && !items.IsMap()) throw bad(def["foreach"], name, "`foreach` must be a list or a mapping");
      check_expansion(def["foreach"], name, items.size(), "`foreach`");
      size_t index = 0;
      for (const auto& it : items) {
        PipelineVars::Scope scope;
        std::string suffix;
        if (items.IsMap()) {
          scope = {{"key", it.first}, {"item", it.second}};
          suffix = it.first.Scalar();
        } else {
          const YAML::Node& elem = it;
          scope = {{"item", elem}};
          suffix = elem.IsScalar() ? elem.Scalar() : std::to_string(index);
        }
        ++index;
        vars_.push(std::move(scope));
        out.push_back(body(name + "@" + suffix, name, def["do"]));
        vars_.pop();
      }
      return out;
    }
    if (def["matrix"]) {
      YAML::Node m = def["matrix"];
      if (!m.IsMap() || m.size() == 0) throw bad(m, name, "`matrix` must map names to lists of values");
      std::vector<std::pair<std::string, std::vector<YAML::Node>>> axes;
      uint64_t combinations = 1;
      for (const auto& kv : m) {
        YAML::Node values = resolved(kv.second, name);
        if (!values.IsSequence() || values.size() == 0)
          throw bad(kv.second, name, "matrix entry '" + kv.first.Scalar() + "' must be a non-empty list");
        // Counted before anything is expanded; the product stops growing at the limit.
        combinations = std::min<uint64_t>(combinations * values.size(), kMaxPipelineStages + 1);
        check_expansion(m, name, combinations, "`matrix`");
        axes.emplace_back(kv.first.Scalar(), std::vector<YAML::Node>(values.begin(), values.end()));
      }
      std::vector<size_t> at(axes.size(), 0);
      for (;;) {
        // `item` is built of copies: a node added to it shares the memory of
        // the node's whole document (see pipeline_vars.hpp).
        YAML::Node item(YAML::NodeType::Map);
        std::vector<std::string> parts;
        for (size_t i = 0; i < axes.size(); ++i) {
          const YAML::Node& v = axes[i].second[at[i]];
          item[axes[i].first] = YAML::Clone(v);
          parts.push_back(axes[i].first + "=" + (v.IsScalar() ? v.Scalar() : std::to_string(at[i])));
        }
        vars_.push({{"item", item}});
        out.push_back(body(name + "@" + join(parts, ","), name, def));
        vars_.pop();
        size_t i = axes.size();
        while (i > 0 && ++at[i - 1] == axes[i - 1].second.size()) at[--i] = 0;
        if (i == 0) break;
      }
      return out;
    }
    out.push_back(body(name, name, def));
    return out;
  }

  Stage body(const std::string& name, const std::string& base, const YAML::Node& def) {
    if (!def.IsMap()) throw bad(def, name, "a stage must be a mapping with at least `cmd`");
    check_keys(def, kStageKeys, name, "stage key");
    if (def["do"]) throw bad(def["do"], name, "`do` belongs to a `foreach` stage");
    Stage s;
    s.name = name;
    s.base = base;
    s.pos = pos(def);
    if (!def["cmd"]) throw bad(def, name, "missing `cmd`");
    s.cmd = strings(def["cmd"], name);
    if (s.cmd.empty()) throw bad(def["cmd"], name, "`cmd` is empty");
    if (def["wdir"]) s.wdir = normal_path("", scalar(def["wdir"], name), def["wdir"], name);
    if (def["deps"])
      for (const auto& d : list(def["deps"], name, "deps"))
        s.deps.push_back(normal_path(s.wdir, scalar(d, name), d, name));
    if (def["params"]) params(def["params"], s);
    outs(def, "outs", OutRole::out, s);
    outs(def, "metrics", OutRole::metric, s);
    outs(def, "plots", OutRole::plot, s);
    if (def["env"]) {
      if (!def["env"].IsMap()) throw bad(def["env"], name, "`env` must map variable names to values");
      for (const auto& kv : def["env"]) s.env[kv.first.Scalar()] = scalar(kv.second, name);
    }
    if (def["desc"]) s.desc = scalar(def["desc"], name);
    if (def["frozen"]) s.frozen = boolean(def["frozen"], name);
    if (def["always_changed"]) s.always_changed = boolean(def["always_changed"], name);
    if (def["resources"]) resources(def["resources"], s);
    if (def["executor"]) {
      s.executor = scalar(def["executor"], name);
      if (std::find(kExecutors.begin(), kExecutors.end(), s.executor) == kExecutors.end())
        throw bad(def["executor"], name, "unknown executor '" + s.executor + "' (local, slurm, kubernetes)");
    }
    if (def["image"]) s.image = scalar(def["image"], name);
    return s;
  }

  // The items of a list, or a single value as one item.
  std::vector<YAML::Node> list(const YAML::Node& n, const std::string& stage, const std::string& field) const {
    YAML::Node v = resolved(n, stage);
    if (v.IsScalar()) return {v};
    if (!v.IsSequence()) throw bad(n, stage, "`" + field + "` must be a list");
    return std::vector<YAML::Node>(v.begin(), v.end());
  }

  void params(const YAML::Node& n, Stage& s) const {
    std::string default_file = normal_path(s.wdir, default_params_, n, s.name);
    for (const auto& item : list(n, s.name, "params")) {
      if (item.IsScalar()) {
        s.params.push_back({default_file, scalar(item, s.name), pos(item)});
        continue;
      }
      if (!item.IsMap()) throw bad(item, s.name, "a params entry is a key or {FILE: [KEY, ...]}");
      for (const auto& kv : item) {
        std::string file = normal_path(s.wdir, scalar(kv.first, s.name), kv.first, s.name);
        if (kv.second.IsNull() || (kv.second.IsSequence() && kv.second.size() == 0)) {
          s.params.push_back({file, "", pos(kv.first)});
          continue;
        }
        for (const auto& key : strings(kv.second, s.name)) s.params.push_back({file, key, pos(kv.second)});
      }
    }
  }

  void outs(const YAML::Node& def, const char* field, OutRole role, Stage& s) const {
    if (!def[field]) return;
    for (const auto& entry : list(def[field], s.name, field)) {
      const YAML::Node& item = entry;
      StageOut o;
      o.role = role;
      o.pos = pos(item);
      YAML::Node opts;
      if (item.IsScalar()) {
        o.path = normal_path(s.wdir, scalar(item, s.name), item, s.name);
      } else if (item.IsMap() && item["path"]) {
        o.path = normal_path(s.wdir, scalar(item["path"], s.name), item["path"], s.name);
        opts = YAML::Clone(item);
      } else if (item.IsMap() && item.size() == 1) {
        auto kv = *item.begin();
        o.path = normal_path(s.wdir, scalar(kv.first, s.name), kv.first, s.name);
        opts = kv.second;
        if (!opts.IsNull() && !opts.IsMap()) throw bad(kv.second, s.name, "options of an out must be a mapping");
      } else {
        throw bad(item, s.name, std::string("an entry of `") + field + "` is a path or {path: PATH, cache: BOOL, ...}");
      }
      if (opts.IsMap()) {
        check_keys(opts, kOutKeys, s.name, "out option");
        if (opts["cache"]) o.cache = boolean(opts["cache"], s.name);
        if (opts["persist"]) o.persist = boolean(opts["persist"], s.name);
        if (opts["desc"]) o.desc = scalar(opts["desc"], s.name);
      }
      s.outs.push_back(std::move(o));
    }
  }

  void resources(const YAML::Node& n, Stage& s) const {
    if (!n.IsMap()) throw bad(n, s.name, "`resources` must be a mapping");
    check_keys(n, kResourceKeys, s.name, "resource");
    auto number = [&](const YAML::Node& v) {
      std::string text = scalar(v, s.name);
      try {
        size_t used = 0;
        double d = std::stod(text, &used);
        if (used == text.size() && d >= 0) return d;
      } catch (const std::exception&) {
      }
      throw bad(v, s.name, "expected a non-negative number, not '" + text + "'");
    };
    if (n["cpus"]) s.resources.cpus = number(n["cpus"]);
    if (n["gpus"]) s.resources.gpus = static_cast<int>(number(n["gpus"]));
    if (n["memory"]) s.resources.memory = scalar(n["memory"], s.name);
    if (n["time"]) s.resources.time = scalar(n["time"], s.name);
    if (n["partition"]) s.resources.partition = scalar(n["partition"], s.name);
  }
};

}  // namespace

Pipeline parse_pipeline(const std::string& text, const std::string& origin, const fs::path& root) {
  return Parser(origin, root).parse(text);
}

Pipeline load_pipeline(const fs::path& root) {
  fs::path file = root / kPipelineFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    Pipeline empty;
    empty.origin = std::string(kPipelineFile);
    return empty;
  }
  return parse_pipeline(read_yaml_file(file, std::string(kPipelineFile)), std::string(kPipelineFile), root);
}

}  // namespace mlops
