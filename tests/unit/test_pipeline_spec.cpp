#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/pipeline_spec.hpp"
#include "temp_dir.hpp"

using namespace mlops;

namespace {

Pipeline parse(const std::string& text, const std::filesystem::path& root = "/nonexistent") {
  return parse_pipeline(text, "mlops.yaml", root);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("stages parse with paths relative to wdir", "[pipeline]") {
  Pipeline p = parse(R"(stages:
  prepare:
    cmd: python prepare.py
    wdir: src
    deps: [prepare.py, ../data/raw]
    params: [prepare.seed, {other.json: [a.b]}, {whole.yaml: }]
    outs: [../data/prepared/]
    metrics: [{path: ../metrics.json, cache: false}]
    plots: [{../plots/loss.csv: {persist: true}}]
    env: {SEED: 1}
    resources: {cpus: 2}
)");
  REQUIRE(p.stages.size() == 1);
  const Stage& s = p.stages[0];
  CHECK(s.cmd == std::vector<std::string>{"python prepare.py"});
  CHECK(s.wdir == "src");
  CHECK(s.deps == std::vector<std::string>{"src/prepare.py", "data/raw"});
  REQUIRE(s.params.size() == 3);
  CHECK(s.params[0].file == "src/params.yaml");
  CHECK(s.params[0].key == "prepare.seed");
  CHECK(s.params[1].file == "src/other.json");
  CHECK(s.params[2].key.empty());
  REQUIRE(s.outs.size() == 3);
  CHECK(s.outs[0].path == "data/prepared");
  CHECK(s.outs[1].role == OutRole::metric);
  CHECK_FALSE(s.outs[1].cache);
  CHECK(s.outs[2].persist);
  CHECK(s.env.at("SEED") == "1");
  CHECK(s.resources.cpus == 2);
}

TEST_CASE("matrix and foreach expand into named instances", "[pipeline]") {
  Pipeline p = parse(R"(vars:
  - models: [a, b]
stages:
  train:
    matrix:
      lr: [0.1, 0.01]
      model: ${models}
    cmd: train --lr ${item.lr} --model ${item.model}
    outs:
      - out/${item.model}-${item.lr}
  eval:
    foreach: {us: {n: 1}, eu: {n: 2}}
    do:
      cmd: eval ${key} ${item.n}
)");
  REQUIRE(p.stages.size() == 6);
  CHECK(p.stages[0].name == "train@lr=0.1,model=a");
  CHECK(p.stages[0].cmd[0] == "train --lr 0.1 --model a");
  CHECK(p.stages[3].name == "train@lr=0.01,model=b");
  CHECK(p.stages[3].outs[0].path == "out/b-0.01");
  CHECK(p.stages[4].name == "eval@us");
  CHECK(p.stages[5].cmd[0] == "eval eu 2");
  CHECK(p.select("train").size() == 4);
  CHECK(p.find("eval@eu") != nullptr);
}

TEST_CASE("interpolation reads the default params file", "[pipeline]") {
  test::TempDir dir;
  write_file_atomic(dir / "params.yaml", "train:\n  epochs: 3\n");
  Pipeline p = parse("stages:\n  t:\n    cmd: run ${train.epochs}\n", dir.path());
  CHECK(p.stages[0].cmd[0] == "run 3");
}

TEST_CASE("bad pipelines name file line column and stage", "[pipeline]") {
  CHECK(error_of("stages:\n  a:\n    cmnd: x\n").find("mlops.yaml:3:5: stage 'a': unknown stage key 'cmnd'; did you mean 'cmd'?") !=
        std::string::npos);
  CHECK(error_of("stages:\n  a:\n    deps: [x]\n").find("stage 'a': missing `cmd`") != std::string::npos);
  CHECK(error_of("stages:\n  a:\n    cmd: ${nope}\n").find("mlops.yaml:3:10: stage 'a': undefined variable '${nope}'") !=
        std::string::npos);
  CHECK(error_of("stages:\n  a:\n    cmd: x\n    outs: [../../etc]\n").find("must be relative and stay inside") !=
        std::string::npos);
  CHECK(error_of("stages:\n  a:\n    cmd: x\n    executor: cloud\n").find("unknown executor 'cloud'") !=
        std::string::npos);
  CHECK(error_of("stages: [\n").find("mlops.yaml:2:1: invalid YAML") != std::string::npos);
  CHECK(error_of("stages:\n  a b:\n    cmd: x\n").find("invalid stage name 'a b'") != std::string::npos);
}

TEST_CASE("matrix and foreach are counted before they expand", "[pipeline]") {
  std::string axis = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
  std::string matrix = "stages:\n  grid:\n    cmd: echo\n    matrix: {a: " + axis + ", b: " + axis + ", c: " + axis +
                       ", d: " + axis + ", e: " + axis + ", f: " + axis + ", g: " + axis + ", h: " + axis +
                       ", i: " + axis + "}\n";
  CHECK(error_of(matrix) ==
        "mlops.yaml:4:13: stage 'grid': `matrix` expands to more than 10000 stages; a pipeline may have at most 10000");
  std::string items;
  for (int i = 0; i < 6000; ++i) items += (i ? ", " : "") + std::to_string(i);
  std::string two = "stages:\n  a:\n    foreach: [" + items + "]\n    do: {cmd: echo}\n  b:\n    foreach: [" + items +
                    "]\n    do: {cmd: echo}\n";
  CHECK(error_of(two) == "mlops.yaml:6:14: stage 'b': `foreach` expands to 6000 stages besides the 6000 before it; "
                         "a pipeline may have at most 10000");
  std::string one = "stages:\n  a:\n    foreach: [" + items + "]\n    do: {cmd: 'echo ${item}'}\n";
  Pipeline p = parse(one);
  REQUIRE(p.stages.size() == 6000);
  CHECK(p.stages.back().name == "a@5999");
  CHECK(p.stages.back().cmd == std::vector<std::string>{"echo 5999"});
}
