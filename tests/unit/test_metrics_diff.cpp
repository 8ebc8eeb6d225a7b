#include <catch2/catch.hpp>
#include <cmath>

#include "core/metrics_diff.hpp"

using namespace mlops;

namespace {

FlatValues json_values(const char* text) { return parse_metrics(text, "m.json", "m.json"); }

const MetricChange& change_of(const std::vector<MetricChange>& changes, const std::string& key) {
  for (const auto& c : changes)
    if (c.key == key) return c;
  FAIL("no change for " << key);
  throw;
}

}  // namespace

TEST_CASE("metrics diff gives per key state old new and change", "[metrics_diff]") {
  auto old_v = json_values(R"({"acc": 0.5, "epochs": 10, "name": "a", "gone": 1, "same": 3, "flag": false})");
  auto new_v = json_values(R"({"acc": 0.75, "epochs": 12, "name": "b", "same": 3, "flag": false, "fresh": 2.5})");
  auto d = diff_metrics(old_v, new_v);
  REQUIRE(d.size() == 7);
  CHECK(d.back().key == "gone");  // keys only the old side has come last

  const auto& acc = change_of(d, "acc");
  CHECK(acc.state == ChangeState::changed);
  CHECK(*acc.old_value == 0.5);
  CHECK(*acc.new_value == 0.75);
  CHECK(acc.change->is_number_float());
  CHECK(*acc.change == 0.25);

  const auto& epochs = change_of(d, "epochs");
  CHECK(epochs.change->is_number_integer());
  CHECK(*epochs.change == 2);

  const auto& name = change_of(d, "name");
  CHECK(name.state == ChangeState::changed);
  CHECK(!name.change);

  CHECK(change_of(d, "same").state == ChangeState::unchanged);
  CHECK(*change_of(d, "same").change == 0);
  CHECK(change_of(d, "flag").state == ChangeState::unchanged);

  const auto& fresh = change_of(d, "fresh");
  CHECK(fresh.state == ChangeState::added);
  CHECK(!fresh.old_value);
  CHECK(!fresh.change);

  const auto& gone = change_of(d, "gone");
  CHECK(gone.state == ChangeState::removed);
  CHECK(!gone.new_value);
  CHECK(state_name(gone.state) == "removed");
}

TEST_CASE("numbers compare by value and NaN equals NaN", "[metrics_diff]") {
  FlatValues a{{"x", Document(1)}, {"n", Document(std::nan(""))}};
  FlatValues b{{"x", Document(1.0)}, {"n", Document(std::nan(""))}};
  auto d = diff_metrics(a, b);
  CHECK(d[0].state == ChangeState::unchanged);
  CHECK(d[1].state == ChangeState::unchanged);
}

TEST_CASE("integer changes that overflow 64 bits become floats", "[metrics_diff]") {
  FlatValues a{{"x", Document(INT64_MIN)}};
  FlatValues b{{"x", Document(INT64_MAX)}};
  auto d = diff_metrics(a, b);
  CHECK(d[0].change->is_number_float());
  CHECK(d[0].change->get<double>() > 1e19);
}

TEST_CASE("a file missing on one side turns every key added or removed", "[metrics_diff]") {
  auto v = json_values(R"({"acc": 0.5, "loss": 1})");
  FileDiff added{"m.json", true, false, diff_metrics({}, v)};
  CHECK(added.changes.size() == 2);
  CHECK(added.changes[0].state == ChangeState::added);
  CHECK(has_changes(added));
  FileDiff same{"m.json", false, false, diff_metrics(v, v)};
  CHECK(!has_changes(same));
  CHECK(diff_metrics(v, {})[1].state == ChangeState::removed);
}
