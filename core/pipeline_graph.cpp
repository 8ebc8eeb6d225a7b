#include "pipeline_graph.hpp"

#include <algorithm>
#include <functional>

#include "error.hpp"
#include "text.hpp"

namespace mlops {
namespace {

bool inside(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

}  // namespace

PipelineGraph::PipelineGraph(const Pipeline& p) : p_(p), up_(p.stages.size()), down_(p.stages.size()) {
  index_outs();
  link_deps();
  sort();
}

void PipelineGraph::index_outs() {
  for (size_t i = 0; i < p_.stages.size(); ++i)
    for (const auto& o : p_.stages[i].outs) outs_.emplace_back(o.path, i);
  std::sort(outs_.begin(), outs_.end());
  for (size_t a = 0; a < outs_.size(); ++a) {
    const auto& [path, owner] = outs_[a];
    std::optional<size_t> clash;
    std::string other = path;
    if (a + 1 < outs_.size() && outs_[a + 1].first == path) clash = outs_[a + 1].second;
    for (size_t slash; !clash && (slash = other.rfind('/')) != std::string::npos;) {
      other.resize(slash);
      auto it = std::lower_bound(outs_.begin(), outs_.end(), std::make_pair(other, size_t{0}));
      if (it != outs_.end() && it->first == other) clash = it->second;
    }
    if (!clash) continue;
    const Stage& x = p_.stages[std::min(*clash, owner)];  // named in file order
    const Stage& y = p_.stages[std::max(*clash, owner)];
    std::string how = other == path ? "'" + path + "'" : "'" + path + "' inside '" + other + "'";
    if (*clash == owner) throw Error(Errc::usage, y.pos.str() + ": stage '" + y.name + "' lists the out " + how + " twice");
    throw Error(Errc::usage, y.pos.str() + ": stages '" + x.name + "' and '" + y.name + "' both write " + how +
                                 "; an out belongs to one stage");
  }
}

std::optional<size_t> PipelineGraph::producer(const std::string& path) const {
  // The out equal to `path` or the nearest directory above it.
  std::string probe = path;
  for (;;) {
    auto it = std::lower_bound(outs_.begin(), outs_.end(), std::make_pair(probe, size_t{0}));
    if (it != outs_.end() && it->first == probe) return it->second;
    size_t slash = probe.rfind('/');
    if (slash == std::string::npos) return std::nullopt;
    probe.resize(slash);
  }
}

void PipelineGraph::link_deps() {
  for (size_t i = 0; i < p_.stages.size(); ++i) {
    std::vector<size_t>& up = up_[i];
    for (const auto& d : p_.stages[i].deps) {
      if (auto owner = producer(d)) up.push_back(*owner);
      // A dep directory that contains outs of other stages.
      auto it = std::lower_bound(outs_.begin(), outs_.end(), std::make_pair(d + "/", size_t{0}));
      for (; it != outs_.end() && inside(it->first, d); ++it) up.push_back(it->second);
    }
    std::sort(up.begin(), up.end());
    up.erase(std::unique(up.begin(), up.end()), up.end());
    if (std::binary_search(up.begin(), up.end(), i))
      throw Error(Errc::usage, p_.stages[i].pos.str() + ": stage '" + p_.stages[i].name + "' depends on its own out");
    for (size_t u : up) down_[u].push_back(i);
  }
}

void PipelineGraph::sort() {
  // Depth-first in file order gives a stable order and finds cycles.
  enum Mark { none, active, done };
  std::vector<Mark> mark(size(), none);
  std::vector<size_t> path;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (mark[i] == done) return;
    if (mark[i] == active) {
      auto from = std::find(path.begin(), path.end(), i);
      std::vector<std::string> names;
      for (auto it = from; it != path.end(); ++it) names.push_back(p_.stages[*it].name);
      names.push_back(p_.stages[i].name);
      throw Error(Errc::usage, p_.stages[i].pos.str() + ": dependency cycle: " + join(names, " -> "));
    }
    mark[i] = active;
    path.push_back(i);
    for (size_t u : up_[i]) visit(u);
    path.pop_back();
    mark[i] = done;
    order_.push_back(i);
  };
  for (size_t i = 0; i < size(); ++i) visit(i);
}

size_t PipelineGraph::index_of(const std::string& name) const {
  for (size_t i = 0; i < p_.stages.size(); ++i)
    if (p_.stages[i].name == name) return i;
  std::vector<std::string> names;
  for (const auto& s : p_.stages) names.push_back(s.name);
  std::string msg = "no stage '" + name + "' in " + p_.origin;
  auto near = suggest(name, names);
  if (!near.empty()) msg += "; did you mean '" + near.front() + "'?";
  throw Error(Errc::usage, msg);
}

std::vector<size_t> PipelineGraph::select(const std::vector<std::string>& targets, bool single, bool downstream) const {
  std::vector<bool> chosen(size(), targets.empty());
  std::vector<size_t> stack;
  for (const auto& t : targets) {
    auto named = p_.select(t);
    if (named.empty()) named.push_back(&p_.stages[index_of(t)]);
    for (const Stage* s : named) {
      size_t i = static_cast<size_t>(s - p_.stages.data());
      chosen[i] = true;
      if (!single) stack.push_back(i);
    }
  }
  while (!stack.empty()) {
    size_t i = stack.back();
    stack.pop_back();
    for (size_t n : downstream ? down_[i] : up_[i])
      if (!chosen[n]) {
        chosen[n] = true;
        stack.push_back(n);
      }
  }
  std::vector<size_t> out;
  for (size_t i : order_)
    if (chosen[i]) out.push_back(i);
  return out;
}

}  // namespace mlops
