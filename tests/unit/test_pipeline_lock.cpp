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

TEST_CASE("the fast lock reader leaves what it does not fully read to the general one", "[pipeline]") {
  std::string h = hash_bytes("o").str();
  std::string stage = "schema: mlops-lock 1\nstages:\n  a:\n    cmd: x\n";
  std::string entry = "      - path: o\n        hash: " + h + "\n        kind: file\n";
  // An inline mapping where a list of entries belongs: refused, not read as no outs.
  std::string inline_outs = stage + "    outs: {a: b}\n";
  CHECK_FALSE(parse_lock_fast(inline_outs, "mlops.lock"));
  CHECK_THROWS_WITH(parse_lock(inline_outs, "mlops.lock"), Catch::Contains("mlops.lock:5:11: invalid lock file"));
  // Keys given twice anywhere: the general reader names the second.
  for (const std::string& twice : {stage + "    outs:\n" + entry + "    outs:\n" + entry,
                                   stage + "    outs:\n" + entry + "        kind: dir\n",
                                   stage + "  a:\n    cmd: y\n",
                                   stage + "    params:\n      p.yaml:\n        lr: 1\n        lr: 2\n"}) {
    INFO(twice);
    CHECK_FALSE(parse_lock_fast(twice, "mlops.lock"));
    CHECK_THROWS_WITH(parse_lock(twice, "mlops.lock"), Catch::Contains("invalid YAML: duplicate key"));
  }
  // An alias bomb in a param value goes to the general reader, which refuses it.
  std::string bomb = stage + "    params:\n      p.yaml:\n        x:\n          a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string("          ") + c + ": &" + c + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? ", *" : "*") + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  CHECK_FALSE(parse_lock_fast(bomb, "mlops.lock"));
  CHECK_THROWS_WITH(parse_lock(bomb, "mlops.lock"), Catch::Contains("values once aliases are expanded"));
}
