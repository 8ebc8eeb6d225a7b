#pragma once
// The data side of a repository: its object store, its state index and the
// settings that govern them, opened together for the data commands.
#include <memory>
#include <string>
#include <vector>

#include "object_store.hpp"
#include "repo.hpp"
#include "state_index.hpp"

namespace mlops {

class Workspace {
 public:
  explicit Workspace(const Repo& repo);
  const Repo& repo() const { return repo_; }
  ObjectStore& store() { return store_; }
  StateIndex& state() { return state_; }
  int jobs() const { return jobs_; }  // core.jobs, 0 meaning one per core
  void set_jobs(int jobs) { if (jobs > 0) jobs_ = jobs; }  // -j on the command line
  std::vector<std::string> link_types() const { return repo_.config().get_list("core.link_type"); }

 private:
  const Repo& repo_;
  ObjectStore store_;
  StateIndex state_;
  int jobs_;
};

}  // namespace mlops
