#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "core/pipeline_lock.hpp"
#include "core/pipeline_lock_fast.hpp"

using namespace mlops;

TEST_CASE("lock files round-trip sorted with typed params", "[pipeline]") {
  PipelineLock lock;
  StageLock& s = lock.stages["train"];
  s.cmd = {"python train.py"};
  s.deps = {{"src/train.py", hash_bytes("t"), OutKind::file, 1, 0}, {"data", hash_bytes("d"), OutKind::dir, 9, 3}};
  s.params["params.yaml"]["train.lr"] = 0.1;
  s.params["params.yaml"]["train.name"] = "yes";
  s.params["params.yaml"]["prepare"] = {{"seed", 1}, {"split", {0.8, 0.2}}};
  s.outs = {{"model.pkl", hash_bytes("m"), OutKind::file, 5, 0}};
  lock.stages["a-first"].cmd = {"one", "two"};
  std::string text = format_lock(lock);
  CHECK(text.find("schema: mlops-lock 1\nstages:\n  a-first:\n    cmd:\n      - one\n      - two\n  train:\n") !=
        std::string::npos);
  CHECK(text.find("    deps:\n      - path: data\n") != std::string::npos);
  CHECK(text.find("        train.name: \"yes\"\n") == std::string::npos);  // plain yes is a string to us
  PipelineLock back = parse_lock(text, "mlops.lock");
  CHECK(format_lock(back) == text);
  auto fast = parse_lock_fast(text, "mlops.lock");
  REQUIRE(fast);  // what we write, the line reader reads
  CHECK(format_lock(*fast) == text);
  CHECK(fast->stages.at("train").params.at("params.yaml").at("prepare")["split"][1] == 0.2);
  const StageLock& t = back.stages.at("train");
  CHECK(t.params.at("params.yaml").at("train.lr") == 0.1);
  CHECK(t.params.at("params.yaml").at("prepare")["split"][1] == 0.2);
  CHECK(t.dep("data")->files == 3);
  CHECK(t.out("model.pkl")->hash == hash_bytes("m"));
}

TEST_CASE("malformed lock files are rejected with position", "[pipeline]") {
  CHECK_THROWS_WITH(parse_lock("schema: mlops-lock 9\n", "mlops.lock"), Catch::Contains("unsupported schema"));
  CHECK_THROWS_WITH(parse_lock("schema: mlops-lock 1\nstages:\n  a:\n    cmd: x\n    outs:\n      - path: o\n        hash: nope\n        kind: file\n",
                               "mlops.lock"),
                    Catch::Contains("mlops.lock:7:15: invalid lock file: hash must be"));
}

TEST_CASE("hand-edited lock files go to the general YAML reader", "[pipeline]") {
  std::string h = hash_bytes("o").str();
  std::string flow = "schema: mlops-lock 1\nstages:\n  a:\n    cmd: x  # edited\n    outs: [{path: o, hash: " + h +
                     ", kind: file}]\n";
  CHECK_FALSE(parse_lock_fast(flow, "mlops.lock"));
  PipelineLock lock = parse_lock(flow, "mlops.lock");
  CHECK(lock.stages.at("a").cmd == std::vector<std::string>{"x"});
  CHECK(lock.stages.at("a").out("o")->hash == hash_bytes("o"));
}
