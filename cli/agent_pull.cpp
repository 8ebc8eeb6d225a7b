#include "agent_pull.hpp"

#include "bundle_publication_io.hpp"

#include <nlohmann/json.hpp>
#include "core/atomic_file.hpp"
#include "core/bundle.hpp"
#include "core/error.hpp"
#include "core/utc_time.hpp"
#include "remotes/delivery_transports.hpp"
#include "remotes/remote_catalog.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops::cli {
namespace {

struct Handled {
  uint64_t number = 0;
  std::string sha256;
};

fs::path state_file(const PullOptions& o) { return o.root / ".pull" / (o.model + "@" + o.stage + ".json"); }

std::optional<Handled> read_handled(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  try {
    json doc = json::parse(read_file(file));
    if (doc.value("format", 0) != 1) throw Error("unsupported format");
    return Handled{doc.at("number").get<uint64_t>(), doc.at("sha256").get<std::string>()};
  } catch (const std::exception& e) {
    throw Error(Errc::failure, "the pull state file " + file.string() + " is malformed: " + e.what() +
                                   "; remove it to install the stage's publication again");
  }
}

void write_handled(const fs::path& file, const Publication& p, const DeliveryReport& r) {
  fs::create_directories(file.parent_path());
  json doc = {{"format", 1},
              {"number", p.number},
              {"sha256", p.sha256.hex()},
              {"version", p.version},
              {"outcome", outcome_name(r.outcome)},
              {"time", utc_now()}};
  write_file_atomic(file, doc.dump(2) + "\n");
}

// Removes the downloaded bundle however the delivery ends: a refused one
// must not stay on the device, and an installed one is not needed.
struct RemoveOnExit {
  fs::path file;
  ~RemoveOnExit() {
    std::error_code ec;
    fs::remove(file, ec);
  }
};

// Downloads `p`'s bundle into `part`, continuing a partial download, and
// checks it against the publication.
void download(Remote& remote, const Publication& p, const fs::path& part) {
  fs::create_directories(part.parent_path());
  std::error_code ec;
  uint64_t have = fs::exists(part, ec) ? fs::file_size(part) : 0;
  if (have > p.size) {
    fs::remove(part);
    have = 0;
  }
  if (have < p.size) check(remote.get_file(p.bundle, part, have));
  uint64_t got = fs::file_size(part);
  if (got != p.size || hash_file(part) != p.sha256) {
    fs::remove(part, ec);
    throw Error(Errc::integrity, remote.properties().display + " " + p.bundle + ": the download (" +
                                     std::to_string(got) + " bytes) does not match its publication's size and "
                                     "SHA-256; it was removed");
  }
}

}  // namespace

PullResult pull_once(Remote& remote, const PullOptions& o, Progress& progress) {
  DeviceRoot device(o.root);
  PullResult r;
  r.publication = latest_publication(remote, o.model, o.stage);
  if (!r.publication) return r;
  const Publication& p = *r.publication;
  fs::path state = state_file(o);
  if (auto done = read_handled(state); done && done->number == p.number && done->sha256 == p.sha256.hex()) return r;

  r.changed = true;
  BundleManifest named;
  named.name = p.name;
  named.version = p.version;
  RemoveOnExit part{o.root / incoming_name(named)};
  download(remote, p, part.file);
  {
    BundleReader reader(part.file);
    const BundleManifest& m = reader.read_header().manifest;
    if (m.name != p.name || m.version != p.version)
      throw Error(Errc::integrity, p.bundle + " holds " + m.name + " " + m.version + ", but its publication says " +
                                       p.name + " " + p.version);
  }
  r.report = device.deliver(part.file, o.trusted, o.delivery, o.policy, progress);
  write_handled(state, p, *r.report);
  return r;
}

}  // namespace mlops::cli
