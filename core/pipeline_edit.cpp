#include "pipeline_edit.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>

#include "error.hpp"
#include "out_entry_yaml.hpp"
#include "pipeline_graph.hpp"
#include "pipeline_spec.hpp"
#include "text.hpp"

namespace mlops {
namespace {

// `key:` with one item per path; `no_cache` ones as {path, cache: false}.
void entries(std::string& out, const char* key, const std::vector<std::string>& plain,
             const std::vector<std::string>& no_cache = {}) {
  if (plain.empty() && no_cache.empty()) return;
  out += std::string("    ") + key + ":\n";
  for (const auto& i : plain) out += "      - " + yaml_string(i) + "\n";
  for (const auto& i : no_cache) out += "      - path: " + yaml_string(i) + "\n        cache: false\n";
}

std::string stage_text(const NewStage& s) {
  std::string out = "  " + yaml_string(s.name) + ":\n";
  if (!s.desc.empty()) out += "    desc: " + yaml_string(s.desc) + "\n";
  out += "    cmd: " + yaml_string(s.cmd) + "\n";
  if (!s.wdir.empty()) out += "    wdir: " + yaml_string(s.wdir) + "\n";
  entries(out, "deps", s.deps);
  if (!s.params.empty()) out += "    params:\n";
  for (const auto& p : s.params) {  // KEY, or FILE:KEY for another params file
    size_t colon = p.find(':');
    if (colon == std::string::npos) out += "      - " + yaml_string(p) + "\n";
    else out += "      - " + yaml_string(p.substr(0, colon)) + ":\n          - " + yaml_string(p.substr(colon + 1)) + "\n";
  }
  entries(out, "outs", s.outs, s.outs_no_cache);
  entries(out, "metrics", s.metrics, s.metrics_no_cache);
  entries(out, "plots", s.plots);
  if (!s.executor.empty()) out += "    executor: " + yaml_string(s.executor) + "\n";
  return out;
}

bool top_level_line(const std::string& line) {
  return !line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '#';
}

// Indentation of a line that holds content (not blank, not a comment).
int content_indent(const std::string& line) {
  size_t i = line.find_first_not_of(' ');
  if (i == std::string::npos || line[i] == '#') return -1;
  return static_cast<int>(i);
}

}  // namespace

std::string add_stage_text(const std::string& text, const NewStage& stage, bool replace, const std::filesystem::path& root) {
  Pipeline before = parse_pipeline(text, std::string(kPipelineFile), root);
  bool exists = false;
  for (const auto& s : before.stages) exists = exists || s.base == stage.name;
  if (exists && !replace)
    throw Error(Errc::usage, "stage '" + stage.name + "' already exists in " + std::string(kPipelineFile) +
                                 "; use --force to overwrite it");
  std::vector<std::string> lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t stages_at = lines.size();
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].rfind("stages:", 0) == 0) stages_at = i;
  std::string body = stage_text(stage);
  std::vector<std::string> out_lines;
  if (stages_at == lines.size()) {
    out_lines = lines;
    out_lines.push_back("stages:");
    for (const auto& l : split(body, '\n'))
      if (!l.empty()) out_lines.push_back(l);
  } else {
    if (trim(lines[stages_at].substr(7)).size() > 0 && trim(lines[stages_at].substr(7))[0] != '#')
      throw Error(Errc::usage, std::string(kPipelineFile) + ": `stages:` is written inline; make it a block mapping "
                                                            "to add stages with `mlops stage add`");
    size_t end = stages_at + 1;
    while (end < lines.size() && !top_level_line(lines[end])) ++end;
    // An existing block "  NAME:" runs to the next line at its indent or less.
    std::optional<size_t> from;
    size_t to = 0;
    int stage_indent = -1;
    for (size_t i = stages_at + 1; i < end; ++i) {
      int ind = content_indent(lines[i]);
      if (ind < 0) continue;
      if (stage_indent < 0) stage_indent = ind;
      std::string key = trim(lines[i]);
      if (ind != stage_indent || (key != stage.name + ":" && key != yaml_string(stage.name) + ":")) continue;
      from = i;
      for (to = i + 1; to < end && (content_indent(lines[to]) < 0 || content_indent(lines[to]) > stage_indent);) ++to;
    }
    if (!from) {  // append after the last stage, before trailing blank lines
      size_t at = end;
      while (at > stages_at + 1 && trim(lines[at - 1]).empty()) --at;
      from = to = at;
    }
    if (stage_indent > 0 && stage_indent != 2) {  // follow the file's indentation
      std::string pad(static_cast<size_t>(stage_indent - 2), ' ');
      std::string re;
      for (const auto& l : split(body, '\n'))
        if (!l.empty()) re += pad + l + "\n";
      body = re;
    }
    out_lines.assign(lines.begin(), lines.begin() + static_cast<long>(*from));
    for (const auto& l : split(body, '\n'))
      if (!l.empty()) out_lines.push_back(l);
    out_lines.insert(out_lines.end(), lines.begin() + static_cast<long>(to), lines.end());
  }
  std::string result = join(out_lines, "\n") + "\n";
  Pipeline after = parse_pipeline(result, std::string(kPipelineFile), root);
  PipelineGraph check(after);
  return result;
}

}  // namespace mlops
