#include <catch2/catch.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/params_edit.hpp"
#include "core/params_override.hpp"
#include "core/repo.hpp"
#include "core/workspace.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::TempDir;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("overrides parse as [FILE:]KEY=VALUE with YAML-typed values", "[params]") {
  ParamOverride o = parse_override("train.lr=0.2", "params.yaml");
  CHECK(o.file == "params.yaml");
  CHECK(o.key == "train.lr");
  CHECK(o.value == 0.2);
  o = parse_override("conf/p.json:opt=adam", "params.yaml");
  CHECK(o.file == "conf/p.json");
  CHECK(o.value == "adam");
  CHECK(parse_override("a='1'", "p.yaml").value == "1");
  CHECK(parse_override("a=true", "p.yaml").value == true);
  CHECK(parse_override("a=7", "p.yaml").value == 7);
  CHECK_THROWS_WITH(parse_override("train.lr", "p.yaml"), Catch::Contains("expected [FILE:]KEY=VALUE"));
  CHECK_THROWS_WITH(parse_override("=1", "p.yaml"), Catch::Contains("expected [FILE:]KEY=VALUE"));
  CHECK_THROWS_WITH(parse_override("a=[1, 2]", "p.yaml"), Catch::Contains("must be one scalar"));
}

TEST_CASE("set_param changes only the value's characters", "[params]") {
  std::string yaml =
      "# training parameters\n"
      "train:\n"
      "  lr: 0.1   # learning rate\n"
      "  optimizer: 'sgd'\n"
      "  layers: [64, 32]\n"
      "  nested: {depth: 3, name: x}\n"
      "prepare:\n"
      "  seed: 42\n";
  CHECK(set_param(yaml, "params.yaml", "train.lr", 0.25) ==
        "# training parameters\ntrain:\n  lr: 0.25   # learning rate\n  optimizer: 'sgd'\n  layers: [64, 32]\n"
        "  nested: {depth: 3, name: x}\nprepare:\n  seed: 42\n");
  CHECK(set_param(yaml, "params.yaml", "train.optimizer", "adam").find("  optimizer: adam\n") != std::string::npos);
  CHECK(set_param(yaml, "params.yaml", "train.layers.1", 16).find("layers: [64, 16]\n") != std::string::npos);
  CHECK(set_param(yaml, "params.yaml", "train.nested.name", "a,b").find("{depth: 3, name: \"a,b\"}") !=
        std::string::npos);
  CHECK(set_param(yaml, "params.yaml", "prepare.seed", "7").find("seed: \"7\"") != std::string::npos);

  std::string json_text = "{\n  \"train\": {\"lr\": 0.1, \"opt\": \"sgd\"}\n}\n";
  CHECK(set_param(json_text, "params.json", "train.opt", "adam") ==
        "{\n  \"train\": {\"lr\": 0.1, \"opt\": \"adam\"}\n}\n");
  CHECK(set_param(json_text, "params.json", "train.lr", 1e-3) == "{\n  \"train\": {\"lr\": 0.001, \"opt\": \"sgd\"}\n}\n");
}

TEST_CASE("set_param refuses missing keys and sections, naming the file", "[params]") {
  std::string yaml = "train:\n  lr: 0.1\n  text: |\n    many\n    lines\n";
  CHECK_THROWS_WITH(set_param(yaml, "params.yaml", "train.lrr", 1), Catch::Contains("params.yaml has no param 'train.lrr' (did you mean 'train.lr'?)"));
  CHECK_THROWS_WITH(set_param(yaml, "params.yaml", "train", 1), Catch::Contains("params.yaml:2:3: param 'train' is a section"));
  CHECK_THROWS_WITH(set_param(yaml, "params.yaml", "train.text", "x"), Catch::Contains("cannot edit in place"));
  CHECK_THROWS_WITH(set_param("a: [", "params.yaml", "a", 1), Catch::Contains("params.yaml:1:"));
}

TEST_CASE("find_param walks mappings and lists", "[params]") {
  json doc = json::parse(R"({"a": {"b": [10, {"c": true}]}})");
  CHECK(*find_param(doc, "a.b.0") == 10);
  CHECK(*find_param(doc, "a.b.1.c") == true);
  CHECK(find_param(doc, "a.b.2") == nullptr);
  CHECK(find_param(doc, "a.x") == nullptr);
}

TEST_CASE("a params override is undone byte for byte, also after a crash", "[params]") {
  TempDir dir;
  init_repo(dir.path(), {true, false, false});
  Repo repo = Repo::discover(dir.path());
  Workspace ws(repo);
  const std::string original = "train:\n  lr: 0.1  # keep me\n  epochs: 3\n";
  write_file_atomic(dir / "params.yaml", original, 0640);
  FileValues values;
  values["params.yaml"]["train.lr"] = 0.5;
  {
    ParamsOverride o(ws, values);
    CHECK(read_file(dir / "params.yaml") == "train:\n  lr: 0.5  # keep me\n  epochs: 3\n");
    CHECK(fs::exists(repo.tmp_dir() / "exp" / "params-backup.json"));
  }
  CHECK(read_file(dir / "params.yaml") == original);
  CHECK((fs::status(dir / "params.yaml").permissions() & fs::perms::all) == fs::perms(0640));
  CHECK_FALSE(fs::exists(repo.tmp_dir() / "exp" / "params-backup.json"));

  SECTION("a bad override changes nothing") {
    FileValues bad = values;
    bad["params.yaml"]["train.nope"] = 1;
    CHECK_THROWS_WITH(ParamsOverride(ws, bad), Catch::Contains("no param 'train.nope'"));
    CHECK(read_file(dir / "params.yaml") == original);
  }
  SECTION("recover() restores what a killed run left") {
    fs::path journal = repo.tmp_dir() / "exp" / "params-backup.json";
    std::string edited, journal_text;
    {
      ParamsOverride o(ws, values);
      edited = read_file(dir / "params.yaml");
      journal_text = read_file(journal);
    }
    // The files as a process killed during the run leaves them.
    write_file_atomic(dir / "params.yaml", edited);
    write_file_atomic(journal, journal_text);
    CHECK(ParamsOverride::recover(ws) == std::vector<std::string>{"params.yaml"});
    CHECK(read_file(dir / "params.yaml") == original);
    CHECK(ParamsOverride::recover(ws).empty());
  }
  SECTION("set_params writes only values that differ") {
    FileValues want;
    want["params.yaml"]["train.lr"] = 0.1;
    want["params.yaml"]["train.epochs"] = 5;
    FileValues changed = set_params(dir.path(), want);
    CHECK(changed.at("params.yaml").size() == 1);
    CHECK(read_file(dir / "params.yaml") == "train:\n  lr: 0.1  # keep me\n  epochs: 5\n");
  }
}
