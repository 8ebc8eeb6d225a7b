#include <catch2/catch.hpp>

#include "cli/exp_table.hpp"
#include "core/error.hpp"

using namespace mlops;
using namespace mlops::cli;

namespace {

RunRecord run(const std::string& id, double lr, const nlohmann::json& acc) {
  RunRecord r;
  r.id = id;
  r.started = "2024-05-01T12:00:00.000Z";
  r.params["params.yaml"]["train.lr"] = lr;
  r.params["params.yaml"]["train.epochs"] = 3;
  r.params["other.yaml"]["seed"] = 1;
  if (!acc.is_null()) r.metrics["metrics.json"]["acc"] = acc;
  return r;
}

std::vector<std::string> ids(const std::vector<RunRecord>& runs) {
  std::vector<std::string> out;
  for (const auto& r : runs) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("exp columns are bare keys unless a file must be named", "[exp]") {
  std::vector<RunRecord> runs{run("a", 0.1, 0.5), run("b", 0.2, 0.7)};
  std::vector<std::string> headers;
  for (const auto& c : exp_columns(runs, "params.yaml")) headers.push_back(c.header);
  CHECK(headers == std::vector<std::string>{"other.yaml:seed", "train.epochs", "train.lr", "acc"});
  runs[1].metrics["eval.json"]["acc"] = 0.1;
  headers.clear();
  for (const auto& c : exp_columns(runs, "params.yaml")) headers.push_back(c.header);
  CHECK(headers.back() == "metrics.json:acc");
  CHECK_THROWS_WITH(find_column(exp_columns(runs, "params.yaml"), "acc"), Catch::Contains("in several files"));
  CHECK(find_column(exp_columns(runs, "params.yaml"), "eval.json:acc").file == "eval.json");
  CHECK_THROWS_WITH(find_column(exp_columns(runs, "params.yaml"), "train.l"), Catch::Contains("did you mean 'train.lr'"));
}

TEST_CASE("only differing columns are kept, unless there is one run", "[exp]") {
  std::vector<RunRecord> runs{run("a", 0.1, 0.5), run("b", 0.2, 0.5)};
  auto cols = differing(exp_columns(runs, "params.yaml"), runs);
  REQUIRE(cols.size() == 1);
  CHECK(cols[0].header == "train.lr");
  runs[1].metrics.clear();  // a value against none differs
  CHECK(differing(exp_columns(runs, "params.yaml"), runs).size() == 2);
  runs.pop_back();
  CHECK(differing(exp_columns(runs, "params.yaml"), runs).size() == 4);
}

TEST_CASE("runs sort by number, gaps last in both directions", "[exp]") {
  std::vector<RunRecord> runs{run("a", 0.1, 0.5), run("b", 0.2, nullptr), run("c", 0.3, 0.9), run("d", 0.4, 10)};
  const ExpColumn acc = find_column(exp_columns(runs, "params.yaml"), "acc");
  sort_runs(runs, acc, false);
  CHECK(ids(runs) == std::vector<std::string>{"a", "c", "d", "b"});
  sort_runs(runs, acc, true);
  CHECK(ids(runs) == std::vector<std::string>{"d", "c", "a", "b"});
}

TEST_CASE("exp tables render cells, markdown and CSV", "[exp]") {
  std::vector<RunRecord> runs{run("a", 0.1, 0.123456789), run("b", 0.2, "n/a, \"x\"")};
  runs[1].status = "failed";
  auto cols = differing(exp_columns(runs, "params.yaml"), runs);
  Table t = exp_table(runs, cols, false);
  CHECK(t.headers == std::vector<std::string>{"Run", "Name", "Created", "Status", "train.lr", "acc"});
  CHECK(t.rows[0] == std::vector<std::string>{"a", "-", "2024-05-01 12:00:00", "ok", "0.1", "0.123457"});
  CHECK(exp_table(runs, cols, true).rows[0].back() == "0.123456789");
  CHECK(csv_table(t).find("b,-,2024-05-01 12:00:00,failed,0.2,\"n/a, \"\"x\"\"\"\n") != std::string::npos);
  CHECK(cell_text(nullptr) == "-");
}
