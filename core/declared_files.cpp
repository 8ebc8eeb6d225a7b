#include "declared_files.hpp"

#include <algorithm>

namespace mlops {

Pipeline pipeline_at(const RevisionFiles& files, const Revision& rev) {
  const std::string file(kPipelineFile);
  if (rev.is_workspace()) return load_pipeline(files.root());
  auto text = files.read(rev, file);
  if (!text) {
    Pipeline empty;
    empty.origin = files.origin(rev, file);
    return empty;
  }
  return parse_pipeline(*text, files.origin(rev, file), files.root());
}

std::vector<std::string> declared_outs(const std::vector<Pipeline>& pipelines, OutRole role) {
  std::vector<std::string> out;
  for (const auto& p : pipelines)
    for (const auto& s : p.stages)
      for (const auto& o : s.outs)
        if (o.role == role && std::find(out.begin(), out.end(), o.path) == out.end()) out.push_back(o.path);
  return out;
}

std::vector<ParamSelection> declared_params(const std::vector<Pipeline>& pipelines) {
  std::vector<ParamSelection> out;
  for (const auto& p : pipelines)
    for (const auto& s : p.stages)
      for (const auto& ref : s.params) {
        auto it = std::find_if(out.begin(), out.end(), [&](const ParamSelection& sel) { return sel.file == ref.file; });
        if (it == out.end()) it = out.insert(out.end(), ParamSelection{ref.file, {}});
        if (std::find(it->keys.begin(), it->keys.end(), ref.key) == it->keys.end()) it->keys.push_back(ref.key);
      }
  if (out.empty()) out.push_back({pipelines.empty() ? std::string("params.yaml") : pipelines.front().default_params, {""}});
  return out;
}

}  // namespace mlops
