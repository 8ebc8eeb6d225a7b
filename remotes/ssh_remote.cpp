#include "ssh_remote.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "core/error.hpp"
#include "core/paths.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "remote_temp.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

// Keys name files below the root: relative, and never climbing out of it.
std::optional<std::string> invalid_key(const std::string& key) {
  if (key.empty()) return "an empty key";
  if (key[0] == '/') return "key '" + key + "' is absolute";
  if (key.find_first_of(std::string("\0\n\r", 3)) != std::string::npos) return "key contains a control character";
  for (const auto& part : split(key, '/'))
    if (part == "..") return "key '" + key + "' leaves the remote's directory";
  return std::nullopt;
}

size_t append_to_string(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Curl's own list type, freed when the request is done.
struct SList {
  curl_slist* list = nullptr;
  ~SList() { curl_slist_free_all(list); }
  void add(const std::string& s) { list = curl_slist_append(list, s.c_str()); }
};

}  // namespace

// ---- connections ------------------------------------------------------------

class SshRemote::Lease {
 public:
  Lease(SshRemote& owner, std::unique_ptr<SshSession> s) : owner_(owner), s_(std::move(s)) {}
  ~Lease() { owner_.give_back(std::move(s_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  SshSession& operator*() { return *s_; }
  SshSession* operator->() { return s_.get(); }

 private:
  SshRemote& owner_;
  std::unique_ptr<SshSession> s_;
};

SshRemote::SshRemote(SshSettings settings, std::string display) : settings_(std::move(settings)) {
  props_.scheme = "ssh";
  props_.display = std::move(display);
  props_.default_jobs = settings_.max_sessions;
}

SshRemote::~SshRemote() = default;

SshRemote::Lease SshRemote::lease() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || open_sessions_ < settings_.max_sessions; });
  if (!idle_.empty()) {
    auto s = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(s));
  }
  ++open_sessions_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<SshSession>(settings_, props_.display));
  } catch (...) {
    std::lock_guard relock(mutex_);
    --open_sessions_;
    throw;
  }
}

void SshRemote::give_back(std::unique_ptr<SshSession> s) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(s));
  }
  available_.notify_one();
}

std::string SshRemote::path_of(const std::string& key) const { return settings_.root + "/" + key; }

Failure SshRemote::invalid(const std::string& what) const {
  return {FailureKind::permanent, "remote '" + settings_.remote_name + "' (" + props_.display + "): " + what};
}

// ---- requests ---------------------------------------------------------------

Result<bool> SshRemote::stat_key(SshSession& s, const std::string& key) {
  s.prepare(path_of(key));
  curl_easy_setopt(s.handle(), CURLOPT_NOBODY, 1L);
  CURLcode rc = s.perform();
  if (rc == CURLE_OK) return true;
  if (rc == CURLE_REMOTE_FILE_NOT_FOUND) return false;
  return s.failure(rc, "cannot check " + key);
}

CURLcode SshRemote::run_command(SshSession& s, const std::string& command) {
  SList quote;
  quote.add(command);
  s.prepare("/");  // a directory: with NOBODY nothing but the command is done
  curl_easy_setopt(s.handle(), CURLOPT_NOBODY, 1L);
  curl_easy_setopt(s.handle(), CURLOPT_QUOTE, quote.list);
  return s.perform();
}

Result<std::vector<bool>> SshRemote::exists(const std::vector<std::string>& keys) {
  std::vector<bool> out;
  if (keys.empty()) return out;
  out.reserve(keys.size());
  auto s = lease();
  for (const auto& key : keys) {
    if (auto bad = invalid_key(key)) return invalid(*bad);
    auto found = stat_key(*s, key);
    if (!found.ok()) return found.failure();
    out.push_back(found.value());
  }
  return out;
}

Result<std::vector<RemoteEntry>> SshRemote::list(const std::string& prefix) { return walk(prefix, false); }

Result<std::vector<RemoteEntry>> SshRemote::list_unfinished(const std::string& prefix) { return walk(prefix, true); }

// Finished keys, or (`unfinished`) only the temps of writes in progress or killed.
Result<std::vector<RemoteEntry>> SshRemote::walk(const std::string& prefix, bool unfinished) {
  std::string start = prefix;
  while (!start.empty() && start[0] == '/') start.erase(0, 1);
  if (!start.empty() && start.back() != '/') start += '/';
  if (!start.empty())
    if (auto bad = invalid_key(start.substr(0, start.size() - 1))) return invalid(*bad);
  std::vector<RemoteEntry> out;
  auto s = lease();
  std::vector<std::string> pending{start};
  while (!pending.empty()) {
    std::string dir = pending.back();
    pending.pop_back();
    std::string body;
    s->prepare(settings_.root + "/" + dir);  // a trailing '/' asks for a listing
    curl_easy_setopt(s->handle(), CURLOPT_WRITEFUNCTION, append_to_string);
    curl_easy_setopt(s->handle(), CURLOPT_WRITEDATA, &body);
    CURLcode rc = s->perform();
    if (rc == CURLE_REMOTE_FILE_NOT_FOUND) continue;  // absent prefix, or removed meanwhile
    if (rc != CURLE_OK) return s->failure(rc, "cannot list " + (dir.empty() ? std::string("the top directory") : dir));
    for (const auto& line : split(body, '\n')) {
      if (trim(line).empty()) continue;
      auto entry = parse_sftp_listing_line(line);
      if (!entry)
        return s->invalid("cannot list " + dir + ": unexpected directory listing line '" + line +
                          "' (the server must send `ls -l` style long names, as OpenSSH does)");
      if (entry->name == "." || entry->name == "..") continue;
      if (entry->type == 'd') pending.push_back(dir + entry->name + "/");
      else if (entry->type == '-' && is_remote_temp_key(entry->name) == unfinished)
        out.push_back({dir + entry->name, entry->size});
    }
  }
  std::sort(out.begin(), out.end(), [](const RemoteEntry& a, const RemoteEntry& b) { return a.key < b.key; });
  return out;
}

Result<std::string> SshRemote::get_bytes(const std::string& key, std::optional<ByteRange> range) {
  if (auto bad = invalid_key(key)) return invalid(*bad);
  auto s = lease();
  if (range && range->length == 0) {
    auto found = stat_key(*s, key);
    if (!found.ok()) return found.failure();
    if (!found.value()) return s->failure(CURLE_REMOTE_FILE_NOT_FOUND, "cannot read " + key);
    return std::string();
  }
  std::string out;
  s->prepare(path_of(key));
  curl_easy_setopt(s->handle(), CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(s->handle(), CURLOPT_WRITEDATA, &out);
  std::string span;
  if (range) {
    // libcurl's SFTP code turns a range into a seek and a length limit.
    span = std::to_string(range->offset) + "-" + std::to_string(range->offset + range->length - 1);
    curl_easy_setopt(s->handle(), CURLOPT_RANGE, span.c_str());
  }
  CURLcode rc = s->perform();
  if (rc != CURLE_OK) return s->failure(rc, "cannot read " + key);
  if (range && out.size() != range->length)
    return s->invalid(key + " is shorter than the range asked for (" + std::to_string(range->offset) + "+" +
                      std::to_string(range->length) + " bytes)");
  return out;
}

namespace {
struct FileSink {
  int fd;
  const fs::path* path;
  std::string error;
};

size_t write_to_file(char* data, size_t size, size_t n, void* p) {
  auto* sink = static_cast<FileSink*>(p);
  try {
    write_all(sink->fd, data, size * n, *sink->path);
  } catch (const std::exception& e) {
    sink->error = e.what();
    return 0;
  }
  return size * n;
}
}  // namespace

Status SshRemote::get_file(const std::string& key, const fs::path& dst, uint64_t resume_from) {
  if (auto bad = invalid_key(key)) return invalid(*bad);
  UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  struct stat st {};
  if (!out || ::fstat(out.get(), &st) != 0)
    return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  // Never resume past what is really there: a gap would be zeros.
  uint64_t from = std::min<uint64_t>(resume_from, static_cast<uint64_t>(st.st_size));
  if (::ftruncate(out.get(), static_cast<off_t>(from)) != 0 || ::lseek(out.get(), 0, SEEK_END) < 0)
    return Failure{FailureKind::permanent, "cannot write " + dst.string() + ": " + std::strerror(errno)};
  FileSink sink{out.get(), &dst, {}};
  auto s = lease();
  s->prepare(path_of(key));
  curl_easy_setopt(s->handle(), CURLOPT_WRITEFUNCTION, write_to_file);
  curl_easy_setopt(s->handle(), CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(s->handle(), CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(from));
  CURLcode rc = s->perform();
  if (!sink.error.empty()) return Failure{FailureKind::permanent, sink.error};
  if (rc != CURLE_OK) return s->failure(rc, "cannot read " + key);
  return ok_status();
}

namespace {
struct Source {
  const std::function<size_t(char*, size_t)>* read;
  std::string error;
};

size_t read_from_source(char* buf, size_t size, size_t n, void* p) {
  auto* src = static_cast<Source*>(p);
  try {
    return (*src->read)(buf, size * n);
  } catch (const std::exception& e) {
    src->error = e.what();
    return CURL_READFUNC_ABORT;
  }
}
}  // namespace

Status SshRemote::upload(const std::string& key, uint64_t size, const Reader& read) {
  if (auto bad = invalid_key(key)) return invalid(*bad);
  std::string temp = remote_temp_key(key, std::time(nullptr));
  auto s = lease();
  Source source{&read, {}};
  SList publish;
  publish.add("rename " + sftp_quote(path_of(temp)) + " " + sftp_quote(path_of(key)));
  s->prepare(path_of(temp));
  CURL* h = s->handle();
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_from_source);
  curl_easy_setopt(h, CURLOPT_READDATA, &source);
  curl_easy_setopt(h, CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR));
  curl_easy_setopt(h, CURLOPT_POSTQUOTE, publish.list);
  CURLcode rc = s->perform();
  if (rc == CURLE_OK) return ok_status();
  Failure failure = source.error.empty() ? s->failure(rc, "cannot write " + key)
                                         : Failure{FailureKind::permanent, source.error};
  if (rc == CURLE_QUOTE_ERROR) {
    // The bytes are in the temp file and only the rename failed: sftp-server
    // does not replace an existing file, and an existing key holds these bytes.
    auto found = stat_key(*s, key);
    (void)run_command(*s, "rm " + sftp_quote(path_of(temp)));
    if (found.ok() && found.value()) return ok_status();
    return failure;
  }
  if (s->reached_server(rc)) (void)run_command(*s, "rm " + sftp_quote(path_of(temp)));  // best effort
  return failure;
}

Status SshRemote::put_bytes(const std::string& key, std::string_view data) {
  size_t offset = 0;
  Reader read = [&](char* buf, size_t n) {
    size_t take = std::min(n, data.size() - offset);
    std::memcpy(buf, data.data() + offset, take);
    offset += take;
    return take;
  };
  return upload(key, data.size(), read);
}

Status SshRemote::put_file(const std::string& key, const fs::path& src) {
  UniqueFd in;
  struct stat st {};
  try {
    in = open_read(src);
    if (::fstat(in.get(), &st) != 0) throw_errno("cannot read " + src.string());
  } catch (const std::exception& e) {
    return Failure{FailureKind::permanent, e.what()};
  }
  Reader read = [&](char* buf, size_t n) { return read_full(in.get(), buf, n, src); };
  return upload(key, static_cast<uint64_t>(st.st_size), read);
}

Status SshRemote::remove(const std::string& key) {
  if (auto bad = invalid_key(key)) return invalid(*bad);
  auto s = lease();
  CURLcode rc = run_command(*s, "rm " + sftp_quote(path_of(key)));
  if (rc == CURLE_OK) return ok_status();
  Failure failure = s->failure(rc, "cannot remove " + key);
  if (rc == CURLE_QUOTE_ERROR) {
    auto found = stat_key(*s, key);
    if (found.ok() && !found.value()) return ok_status();  // removing an absent key is success
  }
  return failure;
}

std::unique_ptr<Remote> make_ssh_remote(const RemoteSpec& spec) {
  return std::make_unique<SshRemote>(resolve_ssh_settings(spec, home_dir()), spec.url.text);
}

}  // namespace mlops
