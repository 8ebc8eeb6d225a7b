#pragma once
// Uploads waiting on a device: `<root>/.incoming/`, where the network
// transports put a bundle (or the shell fallback's tar) until it is
// activated. An upload that is never activated would stay there for good, so
// old ones are removed; one that is being written or activated never is.
//
// The protocol: whoever writes or activates an upload holds an exclusive
// flock on it for as long as it uses it (lock_upload()), having checked
// after locking that the path still names the file it locked (a remover may
// have unlinked it in between). A remover takes the same flock without
// waiting, skips what it cannot lock, and checks age and identity again
// under the lock before unlinking. Writers that take no lock (an SSH upload
// appending with cat) keep the file's mtime fresh while they write.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "unique_fd.hpp"

namespace mlops {

// The directory of uploads under a device root.
std::filesystem::path incoming_dir(const std::filesystem::path& root);

// The upload at `path`, opened for writing (created when missing) with
// `create`, else for reading, and exclusively locked. Without `create`, an
// empty UniqueFd when there is no such upload. Error(failure) naming it when
// another request holds it.
UniqueFd lock_upload(const std::filesystem::path& path, bool create);

// Removes every regular file of incoming_dir(root) last modified more than
// `max_age` ago that nobody holds; returns their names. A missing directory
// is empty.
std::vector<std::string> remove_stale_uploads(const std::filesystem::path& root, std::chrono::seconds max_age);

}  // namespace mlops
