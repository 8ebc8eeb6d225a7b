#include "plot_data.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <unordered_map>

#include "error.hpp"
#include "text.hpp"

namespace mlops {
namespace {

Error bad(const std::string& origin, int line, int column, const std::string& what) {
  return Error(Errc::usage, text_position(origin, line, column) + ": invalid plot data: " + what);
}

struct Record {
  std::vector<std::string> fields;
  int line = 0;  // where the record starts
};

// Splits delimited text into records. `quoting` enables CSV's double quotes.
std::vector<Record> split_records(std::string_view text, char sep, bool quoting, const std::string& origin) {
  std::vector<Record> out;
  Record rec{{}, 1};
  std::string field;
  int line = 1, column = 0;
  bool in_quotes = false, was_quoted = false;
  int quote_line = 0;
  auto end_record = [&] {
    rec.fields.push_back(std::move(field));
    field.clear();
    if (!(rec.fields.size() == 1 && rec.fields[0].empty() && !was_quoted)) out.push_back(std::move(rec));
    rec = Record{{}, line};
    was_quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    ++column;
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
        ++column;
      } else if (c == '"') {
        in_quotes = false;
        if (i + 1 < text.size() && text[i + 1] != sep && text[i + 1] != '\n' && text[i + 1] != '\r')
          throw bad(origin, line, column + 1, "unexpected text after a closing quote");
      } else {
        if (c == '\n') {
          ++line;
          column = 0;
        }
        field += c;
      }
    } else if (c == sep) {
      rec.fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      ++line;
      column = 0;
      end_record();
    } else if (quoting && c == '"' && field.empty()) {
      in_quotes = was_quoted = true;
      quote_line = line;
    } else {
      field += c;
    }
  }
  if (in_quotes) throw bad(origin, quote_line, 0, "a quoted field is not closed");
  if (!field.empty() || !rec.fields.empty() || was_quoted) end_record();
  return out;
}

Document cell_value(const std::string& raw) {
  std::string s = trim(raw);
  if (s.empty()) return nullptr;
  const char* end = s.data() + s.size();
  int64_t i = 0;
  if (auto r = std::from_chars(s.data(), end, i); r.ec == std::errc() && r.ptr == end) return i;
  double d = 0;
  if (auto r = std::from_chars(s.data(), end, d); r.ec == std::errc() && r.ptr == end) return d;
  return raw;
}

PlotTable parse_delimited(std::string_view text, char sep, const std::string& origin) {
  std::vector<Record> records = split_records(text, sep, sep == ',', origin);
  if (records.empty()) throw bad(origin, 0, 0, "no header row naming the columns");
  PlotTable t;
  for (auto& name : records[0].fields) t.columns.push_back(trim(name));
  for (size_t r = 1; r < records.size(); ++r) {
    const Record& rec = records[r];
    if (rec.fields.size() != t.columns.size())
      throw bad(origin, rec.line, 1,
                std::to_string(rec.fields.size()) + " fields, but the header names " + std::to_string(t.columns.size()));
    std::vector<Document> row;
    for (const auto& f : rec.fields) row.push_back(cell_value(f));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Column lookup that adds unseen names, for rows given as objects.
struct ColumnIndex {
  PlotTable& table;
  std::unordered_map<std::string, size_t> index;

  size_t of(const std::string& name) {
    auto [it, added] = index.emplace(name, table.columns.size());
    if (added) {
      table.columns.push_back(name);
      for (auto& row : table.rows) row.emplace_back(nullptr);
    }
    return it->second;
  }
};

void check_cell(const Document& v, const std::string& origin, const std::string& where) {
  if (v.is_object() || v.is_array()) throw bad(origin, 0, 0, where + " must be a number, string, boolean or null");
}

PlotTable from_rows(const Document& rows, const std::string& origin) {
  PlotTable t;
  ColumnIndex cols{t, {}};
  for (size_t r = 0; r < rows.size(); ++r) {
    if (!rows[r].is_object()) throw bad(origin, 0, 0, "row " + std::to_string(r + 1) + " is not a mapping");
    t.rows.emplace_back(t.columns.size(), nullptr);
    for (const auto& [name, v] : rows[r].items()) {
      check_cell(v, origin, "row " + std::to_string(r + 1) + ", column '" + name + "'");
      size_t c = cols.of(name);
      t.rows.back()[c] = v;
    }
  }
  return t;
}

PlotTable from_columns(const Document& doc, const std::string& origin) {
  PlotTable t;
  size_t height = 0;
  for (const auto& [name, list] : doc.items()) height = std::max(height, list.size());
  t.rows.assign(height, {});
  for (const auto& [name, list] : doc.items()) {
    t.columns.push_back(name);
    for (size_t r = 0; r < height; ++r) {
      Document v = r < list.size() ? list[r] : Document(nullptr);
      check_cell(v, origin, "item " + std::to_string(r + 1) + " of column '" + name + "'");
      t.rows[r].push_back(std::move(v));
    }
  }
  return t;
}

bool all_of_items(const Document& doc, bool (*pred)(const Document&)) {
  for (const auto& item : doc)
    if (!pred(item)) return false;
  return true;
}

PlotTable parse_structured_plot(const Document& doc, const std::string& origin) {
  if (doc.is_array()) return from_rows(doc, origin);
  if (doc.is_object() && doc.size() == 1 && doc.begin()->is_array() &&
      all_of_items(*doc.begin(), [](const Document& d) { return d.is_object(); }))
    return from_rows(*doc.begin(), origin);
  if (doc.is_object() && !doc.empty() && all_of_items(doc, [](const Document& d) { return d.is_array(); }))
    return from_columns(doc, origin);
  throw bad(origin, 0, 0, "expected a list of rows, {NAME: [rows]} or {COLUMN: [values], ...}");
}

}  // namespace

std::optional<size_t> PlotTable::column(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  return std::nullopt;
}

bool PlotTable::numeric(size_t c) const {
  bool any = false;
  for (const auto& row : rows) {
    if (row[c].is_null()) continue;
    if (!row[c].is_number()) return false;
    any = true;
  }
  return any;
}

std::optional<size_t> PlotTable::x_column() const {
  if (auto step = column("step"); step && numeric(*step)) return step;
  if (!columns.empty() && numeric(0)) return 0;
  return std::nullopt;
}

std::vector<size_t> PlotTable::y_columns() const {
  std::vector<size_t> out;
  auto x = x_column();
  for (size_t c = 0; c < columns.size(); ++c)
    if (c != x && numeric(c)) out.push_back(c);
  return out;
}

std::optional<PlotFormat> plot_format(std::string_view path) {
  if (auto f = structured_format(path)) return *f == TextFormat::json ? PlotFormat::json : PlotFormat::yaml;
  std::string ext = path.size() >= 4 ? std::string(path.substr(path.size() - 4)) : "";
  for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (ext == ".csv") return PlotFormat::csv;
  if (ext == ".tsv") return PlotFormat::tsv;
  return std::nullopt;
}

PlotTable parse_plot(std::string_view text, const std::string& path, const std::string& origin) {
  auto format = plot_format(path);
  if (!format) throw Error(Errc::usage, origin + ": unknown file type; plot files are .csv, .tsv, .json, .yaml or .yml");
  switch (*format) {
    case PlotFormat::csv: return parse_delimited(text, ',', origin);
    case PlotFormat::tsv: return parse_delimited(text, '\t', origin);
    case PlotFormat::json:
      return parse_structured_plot(parse_structured(text, TextFormat::json, origin), origin);
    case PlotFormat::yaml:
      return parse_structured_plot(parse_structured(text, TextFormat::yaml, origin), origin);
  }
  return {};
}

}  // namespace mlops
