#include "pipeline_lock_fast.hpp"

#include <yaml-cpp/yaml.h>

#include <set>
#include <string_view>
#include <vector>

#include "error.hpp"
#include "text.hpp"
#include "workspace_path.hpp"
#include "yaml_json.hpp"
#include "yaml_load.hpp"

namespace mlops {
namespace {

struct Line {
  int indent;
  std::string_view text;  // without indentation
};

std::optional<std::vector<Line>> split_lines(const std::string& text) {
  std::vector<Line> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view l(text.data() + pos, nl - pos);
    pos = nl + 1;
    size_t ind = l.find_first_not_of(' ');
    if (ind == std::string_view::npos || l[ind] == '#') continue;
    if (l.find('\t') != std::string_view::npos || l.find(" #") != std::string_view::npos) return std::nullopt;
    out.push_back({static_cast<int>(ind), l.substr(ind)});
  }
  return out;
}

// "key: value" -> (key, value); value empty for "key:".
std::optional<std::pair<std::string, std::string_view>> key_value(std::string_view t) {
  if (t.empty() || t[0] == '"' || t[0] == '\'') return std::nullopt;  // quoted keys: the general reader
  size_t colon = t.find(": ");
  if (colon == std::string_view::npos) {
    if (t.back() != ':') return std::nullopt;
    return std::make_pair(std::string(t.substr(0, t.size() - 1)), std::string_view());
  }
  return std::make_pair(std::string(t.substr(0, colon)), t.substr(colon + 2));
}

bool plain(std::string_view v) {
  static constexpr std::string_view indicators = "\"'[]{}&*!|>%@`,?:-#";
  return !v.empty() && indicators.find(v[0]) == std::string_view::npos && v.find(": ") == std::string_view::npos;
}

// A string scalar: plain as is, double-quoted through yaml-cpp (one small value).
std::optional<std::string> string_value(std::string_view v) {
  if (plain(v)) return std::string(v);
  if (v.empty() || v[0] != '"') return std::nullopt;
  try {
    return YAML::Load(std::string(v)).as<std::string>();
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

class Reader {
 public:
  explicit Reader(std::vector<Line> lines) : l_(std::move(lines)) {}

  std::optional<PipelineLock> read() {
    PipelineLock lock;
    if (!expect(0, "schema: mlops-lock 1") || !expect(0, "stages:")) return std::nullopt;
    while (i_ < l_.size()) {
      auto kv = at(2);
      if (!kv || !kv->second.empty() || lock.stages.count(kv->first)) return std::nullopt;
      ++i_;
      StageLock st;
      if (!stage(st)) return std::nullopt;
      lock.stages[kv->first] = std::move(st);
    }
    return lock;
  }

 private:
  std::vector<Line> l_;
  size_t i_ = 0;

  bool expect(int indent, std::string_view text) {
    if (i_ >= l_.size() || l_[i_].indent != indent || l_[i_].text != text) return false;
    ++i_;
    return true;
  }
  std::optional<std::pair<std::string, std::string_view>> at(int indent) const {
    if (i_ >= l_.size() || l_[i_].indent != indent) return std::nullopt;
    return key_value(l_[i_].text);
  }

  // Anything but the block form format_lock() writes (an inline `outs: {a: b}`,
  // a key given twice) is left to the general reader, which refuses what is wrong.
  bool stage(StageLock& st) {
    std::set<std::string> seen;
    while (auto kv = at(4)) {
      ++i_;
      const std::string& key = kv->first;
      if (!seen.insert(key).second) return false;
      if (key == "cmd" && !kv->second.empty()) {
        auto s = string_value(kv->second);
        if (!s) return false;
        st.cmd = {*s};
      } else if (key == "cmd") {
        while (i_ < l_.size() && l_[i_].indent == 6 && l_[i_].text.starts_with("- ")) {
          auto s = string_value(l_[i_].text.substr(2));
          if (!s) return false;
          st.cmd.push_back(*s);
          ++i_;
        }
      } else if ((key == "deps" || key == "outs") && kv->second.empty()) {
        if (!entries(key == "deps" ? st.deps : st.outs)) return false;
      } else if (key == "params" && kv->second.empty()) {
        if (!params(st.params)) return false;
      } else {
        return false;
      }
    }
    return !st.cmd.empty();
  }

  bool entries(std::vector<PointerOut>& out) {
    while (i_ < l_.size() && l_[i_].indent == 6 && l_[i_].text.starts_with("- ")) {
      PointerOut o;
      bool have_path = false, have_hash = false, have_kind = false;
      std::set<std::string> seen;
      std::string_view first = l_[i_].text.substr(2);
      for (bool first_line = true; i_ < l_.size(); first_line = false) {
        std::string_view t = first_line ? first : l_[i_].text;
        if (!first_line && l_[i_].indent != 8) break;
        auto kv = key_value(t);
        if (!kv) return false;
        ++i_;
        auto [k, v] = *kv;
        if (!seen.insert(k).second) return false;
        if (k == "path") {
          auto s = string_value(v);
          if (!s || unsafe_workspace_path(*s)) return false;  // the general reader names the error
          o.path = *s;
          have_path = true;
        } else if (k == "hash") {
          auto h = Hash::try_parse(v);
          if (!h || !v.starts_with("sha256:")) return false;
          o.hash = *h;
          have_hash = true;
        } else if (k == "kind") {
          if (v != "file" && v != "dir") return false;
          o.kind = v == "dir" ? OutKind::dir : OutKind::file;
          have_kind = true;
        } else if (k == "size" || k == "files") {
          if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string_view::npos) return false;
          (k == "size" ? o.size : o.files) = std::stoull(std::string(v));
        } else {
          return false;
        }
      }
      if (!have_path || !have_hash || !have_kind) return false;
      out.push_back(o);
    }
    return true;
  }

  bool params(ParamValues& out) {
    while (auto file = at(6)) {
      if (!file->second.empty() || out.count(file->first)) return false;
      ++i_;
      auto& keys = out[file->first];
      while (auto kv = at(8)) {
        ++i_;
        if (keys.count(kv->first)) return false;
        if (plain(kv->second) && kv->second.find_first_of("[]{},") == std::string_view::npos) {
          keys[kv->first] = yaml_to_json(YAML::Node(std::string(kv->second)));  // a plain scalar, untyped yet
          continue;
        }
        std::string snippet(kv->second);
        if (snippet.empty()) {  // a section: its block is indented deeper
          size_t from = i_;
          while (i_ < l_.size() && l_[i_].indent > 8) ++i_;
          if (from == i_) return false;
          for (size_t j = from; j < i_; ++j)
            if (l_[j].indent < 10) return false;
          for (size_t j = from; j < i_; ++j)
            snippet += std::string(static_cast<size_t>(l_[j].indent - 10), ' ') + std::string(l_[j].text) + "\n";
        }
        try {
          keys[kv->first] = yaml_to_json(load_yaml(snippet, "mlops.lock"));
        } catch (const Error&) {
          return false;
        }
      }
    }
    return true;
  }
};

}  // namespace

std::optional<PipelineLock> parse_lock_fast(const std::string& text, const std::string&) {
  auto lines = split_lines(text);
  if (!lines) return std::nullopt;
  return Reader(std::move(*lines)).read();
}

}  // namespace mlops
