#include "metrics_revisions.hpp"

namespace mlops {
namespace {

FileDiff compare(const MetricsSnapshot& old_side, const MetricsSnapshot& new_side) {
  return {new_side.path, old_side.missing, new_side.missing, diff_metrics(old_side.values, new_side.values)};
}

}  // namespace

MetricsSnapshot read_metrics_at(const RevisionFiles& files, const Revision& rev, const std::string& path) {
  auto text = files.read(rev, path);
  if (!text) return {path, true, {}};
  return {path, false, parse_metrics(*text, path, files.origin(rev, path))};
}

std::vector<FileDiff> diff_metrics_at(const RevisionFiles& files, const Revision& a, const Revision& b,
                                      const std::vector<std::string>& paths) {
  std::vector<FileDiff> out;
  for (const auto& path : paths) out.push_back(compare(read_metrics_at(files, a, path), read_metrics_at(files, b, path)));
  return out;
}

std::vector<FileDiff> diff_params_at(const RevisionFiles& files, const Revision& a, const Revision& b,
                                     const std::vector<ParamSelection>& params) {
  std::vector<FileDiff> out;
  for (const auto& p : params) {
    MetricsSnapshot old_side = read_metrics_at(files, a, p.file), new_side = read_metrics_at(files, b, p.file);
    old_side.values = select_keys(old_side.values, p.keys);
    new_side.values = select_keys(new_side.values, p.keys);
    out.push_back(compare(old_side, new_side));
  }
  return out;
}

}  // namespace mlops
