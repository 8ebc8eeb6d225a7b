#pragma once
// `mlops add` and `mlops commit`: store a path's content in the cache, then
// record it in its pointer file. The order is the safety argument: objects
// are durable (flushed) before the pointer that names them is written.
#include <string>

#include "pointer_file.hpp"
#include "workspace.hpp"
#include "workspace_scan.hpp"

namespace mlops {

struct AddOutcome {
  std::string path;     // repo-relative tracked path
  std::string pointer;  // repo-relative pointer file
  PointerOut out;
  bool changed = false;       // pointer written (new or different content)
  bool was_tracked = false;   // a pointer existed before
  bool gitignore_changed = false;
};

class Adder {
 public:
  Adder(Workspace& ws, Progress* progress);
  // Refuses (Error(usage), nothing written) paths that are missing, symbolic
  // links, inside .mlops or .git, inside a tracked directory, or tracked by git.
  AddOutcome add(const std::string& rel);
  const ScanCounters& counters() const { return scanner_.counters(); }

 private:
  void check_addable(const std::string& rel) const;
  Workspace& ws_;
  WorkspaceScanner scanner_;
};

}  // namespace mlops
