#include "metrics_render.hpp"

namespace mlops::cli {

json value_json(const Document& v) {
  switch (v.type()) {
    case Document::value_t::boolean: return v.get<bool>();
    case Document::value_t::number_integer: return v.get<int64_t>();
    case Document::value_t::number_unsigned: return v.get<uint64_t>();
    case Document::value_t::number_float: return v.get<double>();
    case Document::value_t::string: return v.get<std::string>();
    default: return nullptr;
  }
}

json revision_json(const Revision& r) {
  return {{"rev", r.label}, {"commit", r.is_workspace() ? json(nullptr) : json(r.commit)}};
}

std::string revision_name(const Revision& r) { return r.is_workspace() ? "the workspace" : r.label; }

json diff_json(const Revision& a, const Revision& b, const std::vector<FileDiff>& files, bool all) {
  json list = json::array();
  bool changed = false;
  for (const auto& f : files) {
    json changes = json::array();
    for (const auto& c : f.changes) {
      changed = changed || c.state != ChangeState::unchanged;
      if (c.state == ChangeState::unchanged && !all) continue;
      changes.push_back({{"key", c.key},
                         {"state", std::string(state_name(c.state))},
                         {"old", c.old_value ? value_json(*c.old_value) : json(nullptr)},
                         {"new", c.new_value ? value_json(*c.new_value) : json(nullptr)},
                         {"change", c.change ? value_json(*c.change) : json(nullptr)}});
    }
    list.push_back({{"path", f.path}, {"old_missing", f.old_missing}, {"new_missing", f.new_missing},
                    {"changes", std::move(changes)}});
  }
  return {{"a", revision_json(a)}, {"b", revision_json(b)}, {"files", std::move(list)}, {"changed", changed}};
}

void render_diff(Output& out, const Revision& a, const Revision& b, const std::vector<FileDiff>& files,
                 const DiffView& view) {
  Table t{{"Path", view.key_header, "Old", "New", "Change"}, {}};
  auto cell = [&](const std::optional<Document>& v) { return v ? value_text(*v, view.precision) : "-"; };
  for (const auto& f : files) {
    if (f.old_missing && f.new_missing)
      out.note(f.path + ": in neither " + revision_name(a) + " nor " + revision_name(b));
    else if (f.old_missing)
      out.note(f.path + ": not in " + revision_name(a));
    else if (f.new_missing)
      out.note(f.path + ": not in " + revision_name(b));
    for (const auto& c : f.changes)
      if (view.all || c.state != ChangeState::unchanged)
        t.rows.push_back({f.path, c.key, cell(c.old_value), cell(c.new_value), cell(c.change)});
  }
  if (t.rows.empty()) {
    out.note("No changes.");
    return;
  }
  print_table(out, t, view.markdown);
}

void print_table(Output& out, const Table& t, bool markdown) {
  out.print(markdown ? markdown_table(t) : aligned_table(t));
}

}  // namespace mlops::cli
