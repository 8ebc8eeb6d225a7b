#include <catch2/catch.hpp>

#include "core/metrics_revisions.hpp"
#include "error_text.hpp"
#include "git_fixture.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::sh;
using mlops::test::TempDir;
using mlops::test::write;

TEST_CASE("files are read from the workspace or from a commit", "[revision_files]") {
  TempDir d;
  sh(d.path(), "git init -q -b main .");
  write(d / "metrics.json", "{\"acc\": 0.5}");
  sh(d.path(), "git add -A && git commit -q -m one");
  write(d / "metrics.json", "{\"acc\": 0.75}");
  write(d / "new.json", "{}");

  RevisionFiles files(d.path());
  Revision head = files.at("HEAD"), ws = RevisionFiles::workspace();
  CHECK(head.commit.size() == 40);
  CHECK(ws.is_workspace());
  CHECK(files.read(head, "metrics.json") == std::optional<std::string>("{\"acc\": 0.5}"));
  CHECK(files.read(ws, "metrics.json") == std::optional<std::string>("{\"acc\": 0.75}"));
  CHECK_FALSE(files.read(head, "new.json"));
  CHECK(files.read(ws, "new.json"));
  CHECK_FALSE(files.read(ws, "absent.json"));
  CHECK_FALSE(files.read(ws, "metrics.json/below"));
  CHECK(files.origin(head, "metrics.json") == "HEAD:metrics.json");
  CHECK(files.origin(ws, "metrics.json") == "metrics.json");

  auto history = files.branch_history();
  REQUIRE(history.size() == 1);
  CHECK(history[0].commit == head.commit);
  CHECK(history[0].label == head.commit.substr(0, 7));

  std::filesystem::create_directories(d / "dir.json");
  CHECK_THAT(test::error_text([&] { files.read(ws, "dir.json"); }), Catch::Contains("dir.json is not a regular file"));
  CHECK_THAT(test::error_text([&] { files.at("nope"); }), Catch::Contains("unknown revision 'nope'"));
}

TEST_CASE("a malformed file at a revision is named REV:PATH from the git root", "[revision_files]") {
  TempDir d;
  sh(d.path(), "git init -q -b main . && mkdir sub");
  write(d / "sub/m.yaml", "acc: [1,\n");
  sh(d.path(), "git add -A && git commit -q -m bad");
  RevisionFiles files(d / "sub");
  Revision head = files.at("HEAD");
  CHECK(files.origin(head, "m.yaml") == "HEAD:sub/m.yaml");
  CHECK_THAT(test::error_text([&] { read_metrics_at(files, head, "m.yaml"); }),
             Catch::StartsWith("HEAD:sub/m.yaml:2:1: invalid YAML"));
  CHECK(read_metrics_at(files, head, "other.yaml").missing);
}

TEST_CASE("params diffs keep the selected keys only", "[revision_files]") {
  TempDir d;
  sh(d.path(), "git init -q -b main .");
  write(d / "params.yaml", "train: {lr: 0.1, epochs: 3}\nother: 1\n");
  sh(d.path(), "git add -A && git commit -q -m one");
  write(d / "params.yaml", "train: {lr: 0.2, epochs: 3}\nother: 2\n");
  RevisionFiles files(d.path());
  auto diffs = diff_params_at(files, files.at("HEAD"), RevisionFiles::workspace(), {{"params.yaml", {"train"}}});
  REQUIRE(diffs.size() == 1);
  REQUIRE(diffs[0].changes.size() == 2);
  CHECK(diffs[0].changes[0].key == "train.lr");
  CHECK(diffs[0].changes[0].state == ChangeState::changed);
  CHECK(diffs[0].changes[1].state == ChangeState::unchanged);
  auto missing = diff_metrics_at(files, files.at("HEAD"), RevisionFiles::workspace(), {"gone.json"});
  CHECK(missing[0].old_missing);
  CHECK(missing[0].new_missing);
  CHECK(missing[0].changes.empty());
}
