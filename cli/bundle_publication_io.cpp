#include "bundle_publication_io.hpp"

#include "core/bundle.hpp"
#include "core/error.hpp"
#include "core/utc_time.hpp"
#include "remotes/remote_catalog.hpp"

namespace fs = std::filesystem;

namespace mlops::cli {
namespace {

// The highest N under `prefix`, 0 when none.
uint64_t highest_number(Remote& remote, const std::string& prefix) {
  uint64_t top = 0;
  for (const auto& e : take(remote.list(prefix)))
    if (auto n = publication_number(e.key, prefix)) top = std::max(top, *n);
  return top;
}

}  // namespace

RemoteSpec publication_remote_spec(Context& ctx, const std::string& from) {
  if (from.find("://") != std::string::npos || from.find('/') != std::string::npos)
    return RemoteSpec{from, "remote", parse_remote_url(from), {}};
  const Config& c = ctx.config();
  return remote_spec(c, choose_remote(c, from));
}

PublishResult publish_bundle(Remote& remote, const fs::path& bundle, const std::string& stage) {
  Publication p;
  {
    BundleReader reader(bundle);
    const BundleManifest& m = reader.read_header().manifest;
    p.name = m.name;
    p.version = m.version;
  }
  p.stage = stage;
  p.sha256 = hash_file(bundle);
  p.size = fs::file_size(bundle);
  p.bundle = publication_bundle_key(p.name, p.sha256);
  std::string prefix = publication_prefix(p.name, stage);
  // A registered version is immutable, so the stage already holding this
  // version is enough: a bundle built again from the registry differs in its
  // creation time (and so in its bytes) but not in what it installs.
  if (auto latest = latest_publication(remote, p.name, stage);
      latest && (latest->sha256 == p.sha256 || latest->version == p.version))
    return {*latest, true};
  check(remote.put_file(p.bundle, bundle));
  p.published = utc_now();
  std::string record = serialize_publication(p);
  p.number = highest_number(remote, prefix) + 1;
  for (int attempt = 0; attempt < 10; ++attempt, ++p.number) {
    std::string key = publication_key(p.name, stage, p.number);
    check(remote.put_bytes(key, record));
    if (take(remote.get_bytes(key)) == record) return {p, false};
  }
  throw Error(Errc::remote, remote.properties().display + ": other publishers kept taking the next number under " +
                                prefix + "; try again");
}

std::optional<Publication> latest_publication(Remote& remote, const std::string& name, const std::string& stage) {
  std::string prefix = publication_prefix(name, stage);
  uint64_t n = highest_number(remote, prefix);
  if (n == 0) return std::nullopt;
  std::string key = publication_key(name, stage, n);
  Publication p = parse_publication(take(remote.get_bytes(key)), name, stage,
                                    remote.properties().display + " " + key);
  p.number = n;
  return p;
}

}  // namespace mlops::cli
