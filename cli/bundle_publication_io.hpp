#pragma once
// Publications on a data remote (core/bundle_publication.hpp): writing one
// (`mlops bundle publish`) and finding the latest (`mlops agent pull`).
#include <filesystem>
#include <optional>
#include <string>

#include "context.hpp"
#include "core/bundle_publication.hpp"
#include "remotes/remote_factory.hpp"

namespace mlops::cli {

// The data remote `from` names: a URL (scheme://…, or a path) or a
// configured remote's name (repository, user or system config).
RemoteSpec publication_remote_spec(Context& ctx, const std::string& from);

struct PublishResult {
  Publication publication;
  bool unchanged = false;  // the stage already held this very bundle
};

// Uploads `bundle` and records it as the newest publication to `stage`,
// unless the stage already holds it. Two publishers racing for the same N
// cannot both win: a record is written once and read back, and the loser
// takes the next N.
PublishResult publish_bundle(Remote& remote, const std::filesystem::path& bundle, const std::string& stage);

// The newest publication to `stage` of `name`; nullopt when there is none.
std::optional<Publication> latest_publication(Remote& remote, const std::string& name, const std::string& stage);

}  // namespace mlops::cli
