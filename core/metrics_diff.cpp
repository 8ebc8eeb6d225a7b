#include "metrics_diff.hpp"

#include <cmath>
#include <limits>
#include <unordered_map>

namespace mlops {
namespace {

bool is_nan(const Document& v) { return v.is_number_float() && std::isnan(v.get<double>()); }

bool same_value(const Document& a, const Document& b) { return a == b || (is_nan(a) && is_nan(b)); }

bool fits_int64(const Document& v) {
  return v.is_number_integer() &&
         (!v.is_number_unsigned() || v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
}

std::optional<Document> difference(const Document& old_value, const Document& new_value) {
  if (!old_value.is_number() || !new_value.is_number()) return std::nullopt;
  if (fits_int64(old_value) && fits_int64(new_value)) {
    int64_t a = old_value.get<int64_t>(), b = new_value.get<int64_t>(), d = 0;
    if (!__builtin_sub_overflow(b, a, &d)) return Document(d);
  }
  return Document(new_value.get<double>() - old_value.get<double>());
}

}  // namespace

std::string_view state_name(ChangeState s) {
  switch (s) {
    case ChangeState::added: return "added";
    case ChangeState::removed: return "removed";
    case ChangeState::changed: return "changed";
    case ChangeState::unchanged: return "unchanged";
  }
  return "unchanged";
}

std::vector<MetricChange> diff_metrics(const FlatValues& old_values, const FlatValues& new_values) {
  std::unordered_map<std::string_view, const Document*> old_by_key, new_by_key;
  for (const auto& e : old_values) old_by_key.emplace(e.key, &e.value);
  for (const auto& e : new_values) new_by_key.emplace(e.key, &e.value);

  std::vector<MetricChange> out;
  for (const auto& e : new_values) {
    MetricChange c{e.key, std::nullopt, e.value, std::nullopt, ChangeState::added};
    if (auto it = old_by_key.find(e.key); it != old_by_key.end()) {
      c.old_value = *it->second;
      c.change = difference(*it->second, e.value);
      c.state = same_value(*it->second, e.value) ? ChangeState::unchanged : ChangeState::changed;
    }
    out.push_back(std::move(c));
  }
  for (const auto& e : old_values)
    if (!new_by_key.count(e.key)) out.push_back({e.key, e.value, std::nullopt, std::nullopt, ChangeState::removed});
  return out;
}

bool has_changes(const FileDiff& d) {
  for (const auto& c : d.changes)
    if (c.state != ChangeState::unchanged) return true;
  return false;
}

}  // namespace mlops
