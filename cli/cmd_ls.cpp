// `mlops ls`: tracked paths and the files inside tracked directories, at a
// revision or in the workspace, with their cache and workspace presence.
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/data_listing.hpp"
#include "core/error.hpp"
#include "core/git_history.hpp"
#include "core/text.hpp"
#include "core/workspace.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

struct LsArgs {
  std::vector<std::string> args;
  bool recursive = false;
};

std::string kind_name(EntryKind k) {
  switch (k) {
    case EntryKind::file: return "file";
    case EntryKind::exec: return "exec";
    case EntryKind::link: return "link";
    case EntryKind::dir: return "dir";
  }
  return "?";
}

std::string strip_pointer_suffix(std::string rel) {
  if (rel.ends_with(kPointerSuffix)) rel.resize(rel.size() - kPointerSuffix.size());
  return rel;
}

bool names_workspace_path(const Repo& repo, const std::string& arg) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(fs::current_path() / arg, ec))) return true;
  std::string rel;
  try {
    rel = strip_pointer_suffix(repo_relative(repo.root(), fs::current_path(), arg));
  } catch (const Error&) {
    return false;
  }
  for (const auto& t : find_tracked(repo.root()))
    if (t.path == rel || starts_with(rel, t.path + "/") || starts_with(t.path, rel + "/")) return true;
  return false;
}

json entry_json(const ListedEntry& e) {
  json j{{"path", e.path},          {"kind", kind_name(e.kind)},       {"hash", e.hash.str()},
         {"size", e.size},          {"tracked", e.tracked},            {"in_workspace", e.in_workspace},
         {"in_cache", e.in_cache}};
  if (e.kind == EntryKind::dir) j["files"] = e.files;
  return j;
}

void render(Output& out, const json& doc) {
  if (doc["entries"].empty()) {
    out.note("No tracked paths.");
    return;
  }
  for (const auto& e : doc["entries"]) {
    std::string kind = e["kind"], size = human_size(e["size"].get<uint64_t>());
    std::string line = kind + std::string(5 - kind.size(), ' ') + std::string(size.size() < 10 ? 10 - size.size() : 0, ' ') +
                       size + "  " +
                       (e["in_workspace"].get<bool>() ? "ws:yes  " : out.paint(Color::red, "ws:no") + "   ") +
                       (e["in_cache"].get<bool>() ? "cache:yes  " : out.paint(Color::red, "cache:no") + "   ") +
                       std::string(e["hash"]).substr(7, 12) + "  " + std::string(e["path"]);
    if (kind == "dir") line += "/";
    out.line(line);
  }
}

}  // namespace

void setup_ls(CLI::App& cmd, Context& ctx) {
  auto a = std::make_shared<LsArgs>();
  cmd.add_option("args", a->args, "A git revision (default: the workspace's pointer files), then a path")
      ->expected(0, 2)
      ->type_name("[REV] [PATH]");
  cmd.add_flag("-R,--recursive", a->recursive, "List every file inside tracked directories");
  cmd.footer(
      "Lists tracked paths with kind, size, whether something is at the path in the workspace\n"
      "(ws:yes) and whether the content is in the cache (cache:yes; for a directory, every\n"
      "file below it), and the start of the hash. With a PATH that is a tracked directory or a\n"
      "directory inside one, lists its entries; with -R, every file below. Without a REV the\n"
      "workspace's pointer files say what is tracked; with one, the pointer files of that\n"
      "revision in git (nothing is checked out). A single argument is a path when it exists in\n"
      "the workspace or names a tracked path, otherwise a revision; give both to be explicit.\n"
      "Files inside a tracked directory are read from its tree manifests in the cache.\n\n"
      "Example:\n  mlops ls\n  mlops ls -R data/images\n  mlops --json ls HEAD~3 models");
  ctx.on_run(&cmd, [&ctx, a] {
    const Repo& repo = ctx.repo();
    std::string rev, path_arg;
    if (a->args.size() == 2) {
      rev = a->args[0];
      path_arg = a->args[1];
    } else if (a->args.size() == 1) {
      if (names_workspace_path(repo, a->args[0])) {
        path_arg = a->args[0];
      } else {
        auto git = GitHistory::open_if_any(repo.root());
        try {
          if (git) git->resolve(a->args[0]);
        } catch (const Error&) {
          git.reset();
        }
        if (!git)
          throw Error(Errc::usage, "'" + a->args[0] + "' is neither a path in the workspace nor a git revision");
        rev = a->args[0];
      }
    }
    std::string path = path_arg.empty() ? "" : strip_pointer_suffix(repo_relative(repo.root(), fs::current_path(), path_arg));
    std::string commit;
    std::vector<Tracked> tracked;
    if (rev.empty()) {
      tracked = find_tracked(repo.root());
    } else {
      GitHistory git(repo.root());
      commit = git.resolve(rev);
      tracked = git.pointers(commit, rev);
    }
    Workspace ws(repo);
    Listing listing = DataLister(repo.root(), ws.store()).list(tracked, path, a->recursive);
    json entries = json::array();
    for (const auto& e : listing.entries) entries.push_back(entry_json(e));
    json doc{{"rev", rev.empty() ? json(nullptr) : json(rev)},
             {"commit", commit.empty() ? json(nullptr) : json(commit)},
             {"entries", entries},
             {"unlisted", listing.unlisted}};
    ctx.out().result(doc, [&] { render(ctx.out(), doc); });
    for (const auto& u : listing.unlisted)
      ctx.out().warn(u + ": files not listed, its tree manifest is not in the cache; run `mlops pull " + u + "` first");
  });
}

}  // namespace mlops::cli
