#include "run_store.hpp"

#include <algorithm>
#include <set>

#include "atomic_file.hpp"
#include "error.hpp"
#include "object_store.hpp"

namespace fs = std::filesystem;

namespace mlops {

RunStore::RunStore(ObjectStore& store, const fs::path& tmp_dir)
    : store_(store), refs_(store.cache_dir() / "run-refs"), index_(tmp_dir / "runs.sqlite") {
  sync();
}

Hash RunStore::parse_ref(const std::string& text, const std::string& origin) {
  auto hash = Hash::try_parse(text.substr(0, text.find('\n')));
  if (!hash) throw Error(Errc::integrity, origin + ": not a run ref (expected sha256:<64 hex>)");
  return *hash;
}

std::vector<std::string> RunStore::ids() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(refs_, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (valid_run_id(name)) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Hash> RunStore::object_of(const std::string& id) const {
  fs::path file = ref_file(id);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  return parse_ref(read_file(file), file.string());
}

RunRecord RunStore::load(const std::string& id) const {
  auto object = object_of(id);
  if (!object) throw Error(Errc::usage, "no run '" + id + "'");
  return parse_run_record(store_.get_bytes(*object), "run " + id + " (" + object->str() + ")");
}

Hash RunStore::save(const RunRecord& run) {
  Hash object = store_.put_bytes(format_run_record(run));
  store_.flush();  // the object is durable before a ref names it
  fs::create_directories(refs_);
  write_file_atomic(ref_file(run.id), format_ref(object));
  index_.update({{run, object.str()}}, {});
  return object;
}

void RunStore::add_ref(const std::string& id, const Hash& object) {
  RunRecord run = parse_run_record(store_.get_bytes(object), "run " + id + " (" + object.str() + ")");
  if (run.id != id) throw Error(Errc::integrity, "run ref " + id + " names the record of run " + run.id);
  fs::create_directories(refs_);
  write_file_atomic(ref_file(id), format_ref(object));
  index_.update({{run, object.str()}}, {});
}

void RunStore::remove(const std::string& id) {
  std::error_code ec;
  fs::remove(ref_file(id), ec);
  if (ec) throw Error(Errc::failure, "cannot remove " + ref_file(id).string() + ": " + ec.message());
  fsync_dir(refs_);
  index_.update({}, {id});
}

void RunStore::sync() {
  problems_.clear();
  std::map<std::string, std::string> indexed = index_.objects();
  std::vector<std::pair<RunRecord, std::string>> add;
  std::vector<std::string> drop;
  std::set<std::string> present;
  for (const auto& id : ids()) {
    present.insert(id);
    if (indexed.count(id)) continue;  // refs never change: an indexed one is current
    try {
      auto object = object_of(id);
      if (!object) continue;  // removed meanwhile
      add.emplace_back(parse_run_record(store_.get_bytes(*object), "run " + id + " (" + object->str() + ")"),
                       object->str());
    } catch (const Error& e) {
      if (e.code() == Errc::interrupted) throw;
      std::string message = e.what();
      problems_.push_back(message.find(id) == std::string::npos ? "run " + id + ": " + message : message);
    }
  }
  for (const auto& [id, object] : indexed)
    if (!present.count(id)) drop.push_back(id);
  index_.update(add, drop);
}

size_t RunStore::reindex() {
  index_.clear();
  sync();
  return index_.objects().size();
}

std::string RunStore::resolve(const std::string& ref) {
  if (ref.empty()) throw Error(Errc::usage, "empty run name");
  auto all = index_.objects();
  if (all.count(ref)) return ref;
  auto by_name = index_.named(ref);
  if (!by_name.empty()) return by_name.front();
  std::vector<std::string> matches;
  for (auto it = all.lower_bound(ref); it != all.end() && it->first.compare(0, ref.size(), ref) == 0; ++it)
    matches.push_back(it->first);
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) throw Error(Errc::usage, "no run named or starting with '" + ref + "' (see `mlops exp list`)");
  std::string list;
  for (size_t i = 0; i < matches.size() && i < 5; ++i) list += (i ? ", " : "") + matches[i];
  throw Error(Errc::usage, "run '" + ref + "' is ambiguous: " + std::to_string(matches.size()) + " runs start with it (" +
                               list + (matches.size() > 5 ? ", ..." : "") + ")");
}

}  // namespace mlops
