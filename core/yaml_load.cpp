#include "yaml_load.hpp"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "atomic_file.hpp"
#include "error.hpp"
#include "structured_text.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

Error invalid(const std::string& origin, const YAML::Mark& mark, const std::string& why) {
  if (mark.is_null()) return Error(Errc::usage, origin + ": invalid YAML: " + why);
  return Error(Errc::usage, text_position(origin, mark.line + 1, mark.column + 1) + ": invalid YAML: " + why);
}

std::string child(const std::string& path, const std::string& name) { return path.empty() ? name : path + "." + name; }

// Walks the parser's events once, before any node is built, keeping the sizes
// that matter to the limits: how many nodes the document stands for with its
// aliases expanded, how deep it nests, and the keys of each open mapping.
class LimitCheck final : public YAML::EventHandler {
 public:
  LimitCheck(const std::string& origin, uint64_t max_nodes) : origin_(origin), max_nodes_(max_nodes) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  // yaml-cpp reads a null key as an empty scalar, so `~` and `""` are one key.
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, ""); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    leaf(mark, anchor, value);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end() || !it->second.complete)
      throw invalid(origin_, mark, "an alias names a collection that contains it");
    const Anchored a = it->second;
    begin_node(mark, a.scalar, "collection");
    add_nodes(mark, a.nodes, a.height);
    end_node(a.height);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    bool map = false;
    bool at_key = true;  // maps: the next node is a key
    YAML::anchor_t anchor = YAML::NullAnchor;
    uint64_t first_node = 0;  // the node count before this collection
    int child_height = 0;
    std::string path;  // dotted, with list indexes: "stages.train.outs.0"
    std::string key;   // maps: the key of the value that comes next
    size_t index = 0;  // lists: the index of the next item
    std::unordered_set<std::string> keys;
  };
  struct Anchored {
    uint64_t nodes = 0;
    int height = 0;
    bool complete = false;
    std::optional<std::string> scalar;  // its text, when it can be a key
  };

  const std::string& origin_;
  uint64_t max_nodes_;
  uint64_t nodes_ = 0;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;

  std::string path_of_next() const {
    if (frames_.empty()) return "";
    const Frame& top = frames_.back();
    return child(top.path, top.map ? top.key : std::to_string(top.index));
  }

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string& text) {
    begin_node(mark, text, "");
    add_nodes(mark, 1, 1);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {1, 1, true, text};
    end_node(1);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool map) {
    begin_node(mark, std::nullopt, map ? "mapping" : "list");
    add_nodes(mark, 1, 1);
    Frame f;
    f.map = map;
    f.anchor = anchor;
    f.first_node = nodes_ - 1;
    f.path = path_of_next();
    frames_.push_back(std::move(f));
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {};
  }

  void close() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    int height = f.child_height + 1;
    if (f.anchor != YAML::NullAnchor) anchors_[f.anchor] = {nodes_ - f.first_node, height, true, std::nullopt};
    end_node(height);
  }

  // `key` is the node's text when it is a plain value, nullopt for a collection.
  void begin_node(const YAML::Mark& mark, const std::optional<std::string>& key, const std::string& kind) {
    if (frames_.empty() || !frames_.back().map || !frames_.back().at_key) return;
    Frame& top = frames_.back();
    std::string under = top.path.empty() ? "" : " (in '" + top.path + "')";
    if (!key) throw invalid(origin_, mark, "mapping keys must be plain values, not a " + kind + under);
    if (!top.keys.insert(*key).second) throw invalid(origin_, mark, "duplicate key '" + child(top.path, *key) + "'");
    top.key = *key;
  }

  void end_node(int height) {
    if (frames_.empty()) return;
    Frame& top = frames_.back();
    top.child_height = std::max(top.child_height, height);
    if (top.map) top.at_key = !top.at_key;
    else ++top.index;
  }

  // A node of `count` nodes, `height` collections deep, below the open ones.
  void add_nodes(const YAML::Mark& mark, uint64_t count, int height) {
    nodes_ += count;
    if (nodes_ > max_nodes_)
      throw invalid(origin_, mark, "more than " + std::to_string(max_nodes_) + " values once aliases are expanded");
    if (frames_.size() + static_cast<size_t>(height) > static_cast<size_t>(kYamlMaxDepth))
      throw invalid(origin_, mark, "nested deeper than " + std::to_string(kYamlMaxDepth) + " levels");
  }
};

}  // namespace

void check_yaml_size(uintmax_t size, const std::string& origin) {
  if (size > kYamlMaxBytes)
    throw Error(Errc::usage, origin + ": " + std::to_string(size) + " bytes is more than the " +
                                 std::to_string(kYamlMaxBytes >> 20) + " MiB mlops reads from a YAML or JSON file");
}

YAML::Node load_yaml(std::string_view text, const std::string& origin) {
  check_yaml_size(text.size(), origin);
  std::string copy(text);
  try {
    std::istringstream in(copy);
    YAML::Parser parser(in);
    LimitCheck check(origin, std::max<uint64_t>(kYamlMaxNodes, text.size()));
    parser.HandleNextDocument(check);
    return YAML::Load(copy);
  } catch (const YAML::Exception& e) {
    throw invalid(origin, e.mark, e.msg);
  }
}

std::string read_yaml_file(const fs::path& file, const std::string& origin) {
  std::error_code ec;
  fs::file_status st = fs::status(file, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st)) throw Error(Errc::usage, origin + ": not a regular file");
  if (!ec && fs::is_regular_file(st)) {
    uintmax_t size = fs::file_size(file, ec);
    if (!ec) check_yaml_size(size, origin);
  }
  return read_file(file);
}

}  // namespace mlops
