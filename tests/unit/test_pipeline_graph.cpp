#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/pipeline_graph.hpp"

using namespace mlops;

namespace {

Pipeline parse(const std::string& text) { return parse_pipeline(text, "mlops.yaml", "/nonexistent"); }

std::string graph_error(const std::string& text) {
  Pipeline p = parse(text);
  try {
    PipelineGraph g(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> names(const PipelineGraph& g, const std::vector<size_t>& idx) {
  std::vector<std::string> out;
  for (size_t i : idx) out.push_back(g.pipeline().stages[i].name);
  return out;
}

const char* kChain = R"(stages:
  train:
    cmd: t
    deps: [data/prepared/part1]
    outs: [model]
  prepare:
    cmd: p
    deps: [data/raw]
    outs: [data/prepared]
  report:
    cmd: r
    deps: [model, data]
    outs: [report.html]
  lint:
    cmd: l
)";

}  // namespace

TEST_CASE("deps inside or around outs link stages in order", "[pipeline]") {
  Pipeline p = parse(kChain);
  PipelineGraph g(p);
  CHECK(names(g, g.order()) == std::vector<std::string>{"prepare", "train", "report", "lint"});
  CHECK(names(g, g.select({"train"}, false, false)) == std::vector<std::string>{"prepare", "train"});
  CHECK(names(g, g.select({"train"}, true, false)) == std::vector<std::string>{"train"});
  CHECK(names(g, g.select({"prepare"}, false, true)) == std::vector<std::string>{"prepare", "train", "report"});
  CHECK(g.producer("data/prepared/x/y") == g.index_of("prepare"));
  CHECK_FALSE(g.producer("data/prepared-2"));
  CHECK_THROWS_WITH(g.index_of("trian"), Catch::Contains("did you mean 'train'"));
}

TEST_CASE("cycles and shared outs are named stage by stage", "[pipeline]") {
  CHECK(graph_error("stages:\n  a:\n    cmd: x\n    deps: [b.out]\n    outs: [a.out]\n"
                    "  b:\n    cmd: y\n    deps: [a.out]\n    outs: [b.out]\n")
            .find("dependency cycle: a -> b -> a") != std::string::npos);
  CHECK(graph_error("stages:\n  a:\n    cmd: x\n    outs: [d]\n  b:\n    cmd: y\n    outs: [d-2, d/f]\n")
            .find("stages 'a' and 'b' both write 'd/f' inside 'd'") != std::string::npos);
  CHECK(graph_error("stages:\n  a:\n    cmd: x\n    outs: [o]\n  b:\n    cmd: y\n    outs: [o]\n")
            .find("both write 'o'") != std::string::npos);
  CHECK(graph_error("stages:\n  a:\n    cmd: x\n    deps: [o/in]\n    outs: [o]\n").find("depends on its own out") !=
        std::string::npos);
}
