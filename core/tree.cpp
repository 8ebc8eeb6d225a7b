#include "tree.hpp"

#include <algorithm>

#include "error.hpp"
#include "text.hpp"

namespace mlops {
namespace {

constexpr std::string_view kHeader = "mlops-tree 1\n";

// More files than a file system can hold: a manifest declaring more is
// crafted, and walking what it stands for would not end (tree_read.hpp).
constexpr uint64_t kMaxTreeFiles = uint64_t{1} << 32;

}  // namespace

uint64_t Tree::size() const {
  uint64_t n = 0;
  for (const auto& e : entries) n += e.kind == EntryKind::link ? 0 : e.size;
  return n;
}

uint64_t Tree::files() const {
  uint64_t n = 0;
  for (const auto& e : entries) n += e.files;
  return n;
}

void check_entry_name(const std::string& name, const std::string& where) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\n') != std::string::npos || name.find('\0') != std::string::npos)
    throw Error(Errc::usage, where + ": file names with a newline cannot be tracked");
}

std::string serialize_tree(Tree& tree) {
  std::sort(tree.entries.begin(), tree.entries.end(), [](const TreeEntry& a, const TreeEntry& b) { return a.name < b.name; });
  std::string out(kHeader);
  out.reserve(kHeader.size() + tree.entries.size() * 100);
  for (const auto& e : tree.entries) {
    out += static_cast<char>(e.kind);
    out += ' ';
    out += e.hash.hex();
    out += ' ';
    out += std::to_string(e.size);
    out += ' ';
    out += std::to_string(e.files);
    out += ' ';
    out += e.name;
    out += '\n';
  }
  return out;
}

Tree parse_tree(std::string_view text, const std::string& origin) {
  auto bad = [&](size_t line, const std::string& why) {
    return Error(Errc::integrity, "tree manifest " + origin + " line " + std::to_string(line) + ": " + why);
  };
  if (text.substr(0, kHeader.size()) != kHeader) throw bad(1, "not an mlops tree manifest (version 1)");
  Tree tree;
  uint64_t files = 0, size = 0;
  size_t pos = kHeader.size(), line = 1;
  while (pos < text.size()) {
    ++line;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) throw bad(line, "missing final newline");
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    // kind SP hash SP size SP files SP name
    if (l.size() < 2 + 64 + 1 || l[1] != ' ' || l[66] != ' ') throw bad(line, "malformed entry");
    TreeEntry e;
    char k = l[0];
    if (k != 'f' && k != 'x' && k != 'l' && k != 'd') throw bad(line, std::string("unknown kind '") + k + "'");
    e.kind = static_cast<EntryKind>(k);
    auto h = Hash::try_parse(l.substr(2, 64));
    if (!h) throw bad(line, "malformed hash");
    e.hash = *h;
    std::string_view rest = l.substr(67);
    size_t s1 = rest.find(' ');
    size_t s2 = s1 == std::string_view::npos ? s1 : rest.find(' ', s1 + 1);
    if (s2 == std::string_view::npos || !parse_u64(rest.substr(0, s1), e.size) ||
        !parse_u64(rest.substr(s1 + 1, s2 - s1 - 1), e.files))
      throw bad(line, "malformed size or file count");
    e.name = std::string(rest.substr(s2 + 1));
    if (e.name.empty() || e.name == "." || e.name == ".." || e.name.find('/') != std::string::npos ||
        e.name.find('\0') != std::string::npos)
      throw bad(line, "invalid name '" + e.name + "'");
    if (!tree.entries.empty() && !(tree.entries.back().name < e.name)) throw bad(line, "entries not sorted or repeated");
    if (e.kind != EntryKind::dir && e.files != (e.kind == EntryKind::link ? 0u : 1u))
      throw bad(line, "a " + std::string(e.kind == EntryKind::link ? "link" : "file") + " entry declaring " +
                          std::to_string(e.files) + " files");
    if (e.kind != EntryKind::link && __builtin_add_overflow(size, e.size, &size)) throw bad(line, "sizes overflow");
    files += e.files;  // each term is at most kMaxTreeFiles, checked below, so the sum cannot wrap
    if (e.files > kMaxTreeFiles || files > kMaxTreeFiles)
      throw bad(line, "more than " + std::to_string(kMaxTreeFiles) + " files declared");
    tree.entries.push_back(std::move(e));
  }
  return tree;
}

}  // namespace mlops
