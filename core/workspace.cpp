#include "workspace.hpp"

#include <thread>

namespace mlops {

Workspace::Workspace(const Repo& repo)
    : repo_(repo),
      store_(repo.cache_dir(), repo.config().get_size("core.pack_threshold")),
      state_(repo.tmp_dir() / "state.sqlite") {
  auto configured = repo.config().get_int("core.jobs");
  jobs_ = configured > 0 ? static_cast<int>(configured) : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace mlops
