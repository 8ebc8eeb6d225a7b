#include <catch2/catch.hpp>

#include <set>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/object_store.hpp"
#include "core/run_record.hpp"
#include "core/run_store.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

RunRecord sample_run(const std::string& name, double lr, double acc, double at = 1714564800.5) {
  RunRecord r;
  r.id = new_run_id(at);
  r.name = name;
  r.kind = "exp";
  r.started = "2024-05-01T12:00:00.500Z";
  r.ended = "2024-05-01T12:00:02.000Z";
  r.seconds = 1.5;
  r.commit = std::string(40, 'a');
  r.branch = "main";
  r.dirty = true;
  r.host = "box";
  r.user = "ann";
  r.executor = "local";
  r.targets = {"train"};
  r.overrides["params.yaml"]["train.lr"] = lr;
  r.params["params.yaml"]["train.lr"] = lr;
  r.params["params.yaml"]["train.layers.0"] = 64;
  r.metrics["metrics.json"]["acc"] = acc;
  RunStage s;
  s.name = "train";
  s.outcome = "ran";
  s.seconds = 1.2;
  s.started = r.started;
  s.executor = "local";
  StageLock lock;
  lock.cmd = {"python train.py"};
  lock.deps = {{"data", hash_bytes("d"), OutKind::dir, 10, 2}};
  lock.params["params.yaml"]["train.lr"] = lr;
  lock.outs = {{"model.bin", hash_bytes(name), OutKind::file, 4, 0}};
  s.lock = lock;
  r.stages.push_back(s);
  RunStage failed;
  failed.name = "report";
  failed.outcome = "failed";
  failed.exit_code = 2;
  failed.error = "command exit code 2";
  r.stages.push_back(failed);
  return r;
}

}  // namespace

TEST_CASE("run records round-trip through their JSON", "[runs]") {
  RunRecord r = sample_run("base", 0.1, 0.9);
  std::string text = format_run_record(r);
  CHECK(text.find("\"schema\":\"mlops-run 1\"") != std::string::npos);
  CHECK(text.back() == '\n');
  RunRecord back = parse_run_record(text, "obj");
  CHECK(format_run_record(back) == text);
  CHECK(back.params.at("params.yaml").at("train.layers.0") == 64);
  CHECK(back.metrics.at("metrics.json").at("acc") == 0.9);
  CHECK(back.dirty);
  REQUIRE(back.stages.size() == 2);
  CHECK(back.stages[0].lock->deps[0].files == 2);
  CHECK_FALSE(back.stages[1].lock);
  CHECK(back.stages[1].exit_code == 2);
  REQUIRE(back.outs().size() == 1);
  CHECK(back.outs()[0].path == "model.bin");
}

TEST_CASE("malformed run records are integrity errors naming their origin", "[runs]") {
  auto code = [](const std::string& text) {
    try {
      parse_run_record(text, "run x");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("run x") != std::string::npos);
      return e.code();
    }
    return Errc::failure;
  };
  CHECK(code("{") == Errc::integrity);
  CHECK(code(R"({"schema": "mlops-run 2", "id": "0000000000000000"})") == Errc::integrity);
  CHECK(code(R"({"schema": "mlops-run 1", "id": "../../etc", "started": "", "git": {}})") == Errc::integrity);
  CHECK(code(R"({"schema": "mlops-run 1", "id": "0123456789abcdef", "git": {}})") == Errc::integrity);
}

TEST_CASE("run ids sort by time and differ within one millisecond", "[runs]") {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(new_run_id(1714564800.123));
  CHECK(ids.size() > 95);
  for (const auto& id : ids) CHECK(valid_run_id(id));
  CHECK(new_run_id(1714564800.123) < new_run_id(1714564800.124));
  CHECK(new_run_id(1714564800.999) < new_run_id(1714564801.0));
  CHECK_FALSE(valid_run_id("0123456789ABCDEF"));
  CHECK_FALSE(valid_run_id("0123"));
}

TEST_CASE("the run store keeps records as objects with one ref each", "[runs]") {
  TempDir dir;
  ObjectStore store(dir / "cache");
  RunRecord a = sample_run("base", 0.1, 0.9, 1714564800.0);
  RunRecord b = sample_run("fast", 0.2, 0.8, 1714564900.0);
  {
    RunStore runs(store, dir / "tmp");
    Hash object = runs.save(a);
    runs.save(b);
    CHECK(read_file(dir / "cache" / "run-refs" / a.id) == object.str() + "\n");
    CHECK(parse_run_record(store.get_bytes(object), "o").id == a.id);
    auto listed = runs.list();
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].id == b.id);  // newest first
    CHECK(listed[0].stages.empty());  // summaries only
    CHECK(listed[1].metrics.at("metrics.json").at("acc") == 0.9);
    CHECK(runs.load(a.id).stages.size() == 2);
  }
  SECTION("names, ids and unique prefixes resolve") {
    RunStore runs(store, dir / "tmp");
    CHECK(runs.resolve("fast") == b.id);
    CHECK(runs.resolve(a.id) == a.id);
    CHECK(runs.resolve(a.id.substr(0, 12)) == a.id);
    CHECK_THROWS_WITH(runs.resolve(a.id.substr(0, 3)), Catch::Contains("ambiguous"));
    CHECK_THROWS_WITH(runs.resolve("nope"), Catch::Contains("no run named or starting with 'nope'"));
  }
  SECTION("the index is rebuilt from the refs when lost") {
    fs::remove_all(dir / "tmp");
    RunStore runs(store, dir / "tmp");
    CHECK(runs.list().size() == 2);
    CHECK(runs.reindex() == 2);
  }
  SECTION("refs added or removed behind the index's back are noticed") {
    fs::remove(dir / "cache" / "run-refs" / a.id);
    RunStore runs(store, dir / "tmp");
    REQUIRE(runs.list().size() == 1);
    CHECK(runs.list()[0].id == b.id);
    Hash object = *RunStore(store, dir / "other").object_of(b.id);
    runs.add_ref(a.id, store.put_bytes(format_run_record(a)));
    CHECK(runs.list().size() == 2);
    CHECK_THROWS_WITH(runs.add_ref(a.id, object), Catch::Contains("names the record of run " + b.id));
  }
  SECTION("removing a run drops its ref and its row") {
    RunStore runs(store, dir / "tmp");
    runs.remove(a.id);
    CHECK_FALSE(fs::exists(dir / "cache" / "run-refs" / a.id));
    CHECK(runs.ids() == std::vector<std::string>{b.id});
    CHECK(runs.list().size() == 1);
  }
  SECTION("a ref whose record is missing is reported, not fatal") {
    write_file_atomic(dir / "cache" / "run-refs" / "0000000000000001", hash_bytes("absent").str() + "\n");
    fs::remove_all(dir / "tmp");
    RunStore runs(store, dir / "tmp");
    CHECK(runs.list().size() == 2);
    REQUIRE(runs.problems().size() == 1);
    CHECK(runs.problems()[0].find("0000000000000001") != std::string::npos);
  }
}
