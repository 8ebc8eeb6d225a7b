#include <catch2/catch.hpp>

#include "core/declared_files.hpp"

using namespace mlops;

namespace {

Pipeline parse(const std::string& text) { return parse_pipeline(text, "mlops.yaml", "/nonexistent"); }

Pipeline old_pipeline() {
  return parse(R"(stages:
  train:
    cmd: python train.py
    params: [train.lr, {conf.json: [a]}]
    metrics: [metrics.json]
    plots: [plots/loss.csv]
  eval:
    cmd: python eval.py
    params: [train.lr, train]
    metrics: [{path: eval.json, cache: false}]
)");
}

Pipeline new_pipeline() {
  return parse(R"(stages:
  train:
    cmd: python train.py
    params: [model]
    metrics: [metrics.json, scores.yaml]
)");
}

}  // namespace

TEST_CASE("declared outs unite the pipelines of the revisions compared", "[declared]") {
  CHECK(declared_outs({old_pipeline()}, OutRole::metric) == std::vector<std::string>{"metrics.json", "eval.json"});
  CHECK(declared_outs({old_pipeline(), new_pipeline()}, OutRole::metric) ==
        std::vector<std::string>{"metrics.json", "eval.json", "scores.yaml"});
  CHECK(declared_outs({old_pipeline(), new_pipeline()}, OutRole::plot) == std::vector<std::string>{"plots/loss.csv"});
  CHECK(declared_outs({}, OutRole::metric).empty());
}

TEST_CASE("declared params group the referenced keys by file", "[declared]") {
  auto params = declared_params({old_pipeline(), new_pipeline()});
  REQUIRE(params.size() == 2);
  CHECK(params[0].file == "params.yaml");
  CHECK(params[0].keys == std::vector<std::string>{"train.lr", "train", "model"});
  CHECK(params[1].file == "conf.json");
  CHECK(params[1].keys == std::vector<std::string>{"a"});
}

TEST_CASE("without references the default params file is compared whole", "[declared]") {
  auto params = declared_params({parse("params: conf/p.yaml\nstages: {}\n")});
  REQUIRE(params.size() == 1);
  CHECK(params[0].file == "conf/p.yaml");
  CHECK(params[0].keys == std::vector<std::string>{""});
  CHECK(declared_params({})[0].file == "params.yaml");
}
