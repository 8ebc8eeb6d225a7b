// `mlops dag`: the pipeline's dependency graph, as text, DOT, Mermaid or JSON.
#include <set>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/pipeline_graph.hpp"
#include "core/pipeline_spec.hpp"

namespace mlops::cli {
namespace {

// Each stage with no selected upstream starts a tree of what depends on
// it; a stage reached a second time is shown once more, marked, without
// repeating what hangs below it.
void ascii(const PipelineGraph& g, const std::set<size_t>& chosen, Output& out) {
  std::set<size_t> shown;
  auto visit = [&](auto& self, size_t i, const std::string& lead, bool last, bool root) -> void {
    std::string name = g.pipeline().stages[i].name;
    bool again = shown.count(i) > 0;
    std::string branch = root ? "" : lead + (last ? "└── " : "├── ");
    out.line(branch + name + (again ? " (above)" : ""));
    if (again) return;
    shown.insert(i);
    std::vector<size_t> kids;
    for (size_t d : g.downstream(i))
      if (chosen.count(d)) kids.push_back(d);
    std::string next = root ? "" : lead + (last ? "    " : "│   ");
    for (size_t k = 0; k < kids.size(); ++k) self(self, kids[k], next, k + 1 == kids.size(), false);
  };
  for (size_t i : g.order()) {
    if (!chosen.count(i)) continue;
    bool has_up = false;
    for (size_t u : g.upstream(i)) has_up = has_up || chosen.count(u);
    if (!has_up) visit(visit, i, "", true, true);
  }
}

std::string dq(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void setup_dag(CLI::App& cmd, Context& ctx) {
  struct Args {
    std::string target;
    bool dot = false, mermaid = false;
  };
  auto a = std::make_shared<Args>();
  cmd.add_option("stage", a->target, "Show only this stage and what it depends on");
  auto* dot = cmd.add_flag("--dot", a->dot, "Graphviz DOT");
  cmd.add_flag("--mermaid", a->mermaid, "Mermaid flowchart (renders in GitHub markdown)")->excludes(dot);
  cmd.footer(
      "An edge A -> B means B reads an out of A, so A runs first.\n\n"
      "Examples:\n  mlops dag\n  mlops dag --dot | dot -Tsvg > dag.svg\n  mlops dag --mermaid >> README.md");
  ctx.on_run(&cmd, [&ctx, a] {
    Pipeline p = load_pipeline(ctx.repo().root());
    if (p.stages.empty()) throw Error(Errc::usage, "no stages: " + p.origin + " is missing or empty");
    PipelineGraph g(p);
    std::vector<size_t> order = a->target.empty() ? g.order() : g.select({a->target}, false, false);
    std::set<size_t> chosen(order.begin(), order.end());
    json nodes = json::array(), edges = json::array();
    for (size_t i : order) {
      nodes.push_back(p.stages[i].name);
      for (size_t u : g.upstream(i))
        if (chosen.count(u)) edges.push_back({{"from", p.stages[u].name}, {"to", p.stages[i].name}});
    }
    auto& out = ctx.out();
    out.result({{"stages", nodes}, {"edges", edges}}, [&] {
      if (a->dot) {
        out.line("digraph mlops {");
        out.line("  rankdir=LR;");
        for (const auto& n : nodes) out.line("  " + dq(n) + ";");
        for (const auto& e : edges) out.line("  " + dq(e["from"]) + " -> " + dq(e["to"]) + ";");
        out.line("}");
      } else if (a->mermaid) {
        out.line("flowchart TD");
        for (size_t i : order) out.line("  s" + std::to_string(i) + "[" + dq(p.stages[i].name) + "]");
        for (size_t i : order)
          for (size_t u : g.upstream(i))
            if (chosen.count(u)) out.line("  s" + std::to_string(u) + " --> s" + std::to_string(i));
      } else {
        ascii(g, chosen, out);
      }
    });
  });
}

}  // namespace mlops::cli
