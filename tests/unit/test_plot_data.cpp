#include <catch2/catch.hpp>

#include "core/plot_data.hpp"
#include "error_text.hpp"

using namespace mlops;

namespace {

std::string error_of(const std::string& text, const std::string& path) {
  return test::error_text([&] { parse_plot(text, path, "v1:" + path); });
}

}  // namespace

TEST_CASE("CSV plots have a header and typed cells", "[plot_data]") {
  auto t = parse_plot("epoch,loss,acc,note\r\n1,0.9,0.5,\"first, run\"\r\n\r\n2,0.7,,\"say \"\"hi\"\"\"\r\n3,0.5,0.8,x",
                      "loss.csv", "loss.csv");
  CHECK(t.columns == std::vector<std::string>{"epoch", "loss", "acc", "note"});
  REQUIRE(t.rows.size() == 3);
  CHECK(t.rows[0][0].is_number_integer());
  CHECK(t.rows[0][1] == 0.9);
  CHECK(t.rows[0][3] == "first, run");
  CHECK(t.rows[1][2].is_null());
  CHECK(t.rows[1][3] == "say \"hi\"");
  CHECK(t.numeric(0));
  CHECK(t.numeric(2));  // a missing cell does not make a column non-numeric
  CHECK(!t.numeric(3));
  CHECK(t.x_column() == 0u);
  CHECK(t.y_columns() == std::vector<size_t>{1, 2});
}

TEST_CASE("a quoted CSV field may span lines", "[plot_data]") {
  auto t = parse_plot("a,b\n\"two\nlines\",1\n", "p.csv", "p.csv");
  REQUIRE(t.rows.size() == 1);
  CHECK(t.rows[0][0] == "two\nlines");
}

TEST_CASE("the step column is the x axis wherever it is", "[plot_data]") {
  auto t = parse_plot("loss\tstep\n0.5\t10\n0.4\t20\n", "p.tsv", "p.tsv");
  CHECK(t.x_column() == 1u);
  CHECK(t.y_columns() == std::vector<size_t>{0});
  auto named = parse_plot("name,loss\na,1\nb,2\n", "p.csv", "p.csv");
  CHECK(!named.x_column());  // a text first column: the row index is the x axis
  CHECK(named.y_columns() == std::vector<size_t>{1});
}

TEST_CASE("JSON plots as rows as rows under one key and as columns", "[plot_data]") {
  auto rows = parse_plot(R"([{"step": 1, "loss": 0.5}, {"step": 2, "loss": 0.25, "acc": 0.9}])", "p.json", "p.json");
  CHECK(rows.columns == std::vector<std::string>{"step", "loss", "acc"});
  CHECK(rows.rows[0][2].is_null());
  CHECK(rows.rows[1][2] == 0.9);

  auto keyed = parse_plot(R"({"train": [{"step": 1, "loss": 0.5}, {"step": 2, "loss": 0.25}]})", "p.json", "p.json");
  CHECK(keyed.columns == std::vector<std::string>{"step", "loss"});
  CHECK(keyed.rows.size() == 2);

  auto cols = parse_plot(R"({"loss": [0.5, 0.25, 0.125], "acc": [0.1, 0.2]})", "p.json", "p.json");
  CHECK(cols.columns == std::vector<std::string>{"loss", "acc"});
  REQUIRE(cols.rows.size() == 3);
  CHECK(cols.rows[2][0] == 0.125);
  CHECK(cols.rows[2][1].is_null());
}

TEST_CASE("YAML plots take the same shapes", "[plot_data]") {
  auto t = parse_plot("- {step: 1, loss: 0.5}\n- {step: 2, loss: 0.25}\n", "p.yaml", "p.yaml");
  CHECK(t.columns == std::vector<std::string>{"step", "loss"});
  CHECK(t.rows[1][1] == 0.25);
}

TEST_CASE("malformed plot files are errors naming the file and line", "[plot_data]") {
  CHECK_THAT(error_of("a,b\n1,2\n3\n", "p.csv"), Catch::StartsWith("v1:p.csv:3:1: invalid plot data: 1 fields"));
  CHECK_THAT(error_of("a,b\n\"1,2\n", "p.csv"), Catch::StartsWith("v1:p.csv:2:") && Catch::Contains("not closed"));
  CHECK_THAT(error_of("a,b\n\"1\"x,2\n", "p.csv"), Catch::StartsWith("v1:p.csv:2:4:"));
  CHECK_THAT(error_of("", "p.csv"), Catch::Contains("no header row"));
  CHECK_THAT(error_of("[{\"a\": [1]}]", "p.json"), Catch::Contains("row 1, column 'a' must be a number"));
  CHECK_THAT(error_of("{\"a\": 1}", "p.json"), Catch::Contains("expected a list of rows"));
  CHECK_THAT(error_of("[1, 2]", "p.json"), Catch::Contains("row 1 is not a mapping"));
  CHECK_THAT(error_of("[{\"a\": 1},", "p.json"), Catch::StartsWith("v1:p.json:1:") && Catch::Contains("invalid JSON"));
  CHECK_THAT(error_of("a,b\n", "p.txt"), Catch::Contains("unknown file type"));
}
