#include "exp_table.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"

using nlohmann::json;

namespace mlops::cli {
namespace {

const FileValues& values_of(const RunRecord& run, bool metric) { return metric ? run.metrics : run.params; }

// "2024-05-01T12:00:00.123Z" -> "2024-05-01 12:00:00"
std::string created_text(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string s = iso.substr(0, 19);
  s[10] = ' ';
  return s;
}

}  // namespace

std::vector<ExpColumn> exp_columns(const std::vector<RunRecord>& runs, const std::string& default_params) {
  std::vector<ExpColumn> out;
  for (bool metric : {false, true}) {
    std::map<std::string, std::set<std::string>> keys;  // file -> keys
    for (const auto& r : runs)
      for (const auto& [file, values] : values_of(r, metric))
        for (const auto& [key, v] : values) keys[file].insert(key);
    for (const auto& [file, names] : keys)
      for (const auto& key : names) {
        bool bare = metric ? keys.size() == 1 : file == default_params;
        out.push_back({bare ? key : file + ":" + key, metric, file, key});
      }
  }
  return out;
}

const json* column_value(const RunRecord& run, const ExpColumn& col) {
  const FileValues& values = values_of(run, col.metric);
  auto f = values.find(col.file);
  if (f == values.end()) return nullptr;
  auto k = f->second.find(col.key);
  return k == f->second.end() ? nullptr : &k->second;
}

std::vector<ExpColumn> differing(const std::vector<ExpColumn>& columns, const std::vector<RunRecord>& runs) {
  if (runs.size() < 2) return columns;
  std::vector<ExpColumn> out;
  for (const auto& c : columns) {
    const json* first = column_value(runs.front(), c);
    for (const auto& r : runs) {
      const json* v = column_value(r, c);
      if ((v == nullptr) != (first == nullptr) || (v && *v != *first)) {
        out.push_back(c);
        break;
      }
    }
  }
  return out;
}

const ExpColumn& find_column(const std::vector<ExpColumn>& columns, const std::string& name) {
  for (const auto& c : columns)
    if (c.header == name || c.file + ":" + c.key == name) return c;
  const ExpColumn* found = nullptr;
  size_t hits = 0;
  for (const auto& c : columns) {
    if (c.key != name) continue;
    found = &c;
    ++hits;
  }
  if (hits == 1) return *found;
  std::vector<std::string> names;
  for (const auto& c : columns) names.push_back(c.header);
  if (hits > 1) throw Error(Errc::usage, "'" + name + "' is in several files; name one as FILE:" + name);
  auto close = suggest(name, names);
  throw Error(Errc::usage, "no param or metric '" + name + "' in the runs" +
                               (close.empty() ? std::string() : " (did you mean '" + close.front() + "'?)"));
}

void sort_runs(std::vector<RunRecord>& runs, const ExpColumn& col, bool descending) {
  std::stable_sort(runs.begin(), runs.end(), [&](const RunRecord& a, const RunRecord& b) {
    const json* x = column_value(a, col);
    const json* y = column_value(b, col);
    if (!x || !y) return x && !y;  // values before gaps, whatever the direction
    bool numbers = x->is_number() && y->is_number();
    if (numbers) return descending ? x->get<double>() > y->get<double>() : x->get<double>() < y->get<double>();
    std::string sx = cell_text(x), sy = cell_text(y);
    return descending ? sx > sy : sx < sy;
  });
}

std::string cell_text(const json* v) {
  if (!v) return "-";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v->get<double>());
    return buf;
  }
  return v->dump();
}

Table exp_table(const std::vector<RunRecord>& runs, const std::vector<ExpColumn>& columns, bool exact) {
  bool any_failed = std::any_of(runs.begin(), runs.end(), [](const RunRecord& r) { return r.status != "ok"; });
  Table t;
  t.headers = {"Run", "Name", "Created"};
  if (any_failed) t.headers.push_back("Status");
  for (const auto& c : columns) t.headers.push_back(c.header);
  for (const auto& r : runs) {
    std::vector<std::string> row{r.id, r.name.empty() ? "-" : r.name, created_text(r.started)};
    if (any_failed) row.push_back(r.status);
    for (const auto& c : columns) {
      const json* v = column_value(r, c);
      row.push_back(!exact ? cell_text(v) : !v ? "" : v->is_string() ? v->get<std::string>() : v->dump());
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string csv_table(const Table& t) {
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  auto row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + cell(cells[i]);
    return line + "\n";
  };
  std::string out = row(t.headers);
  for (const auto& r : t.rows) out += row(r);
  return out;
}

}  // namespace mlops::cli
