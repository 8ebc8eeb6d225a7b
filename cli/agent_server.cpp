#include "agent_server.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/atomic_file.hpp"
#include "core/bundle.hpp"
#include "core/delivery_json.hpp"
#include "core/device_incoming.hpp"
#include "core/device_install.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "remotes/http_transfer.hpp"

namespace fs = std::filesystem;
using httplib::Request;
using httplib::Response;
using nlohmann::json;

namespace mlops::cli {
namespace {

constexpr uint64_t kDrainBeforeRefusal = 64ull << 20;  // 64 MiB
constexpr std::chrono::seconds kLockWait{60};           // for a model's lock

constexpr const char* kBundlePath = R"(/v1/bundles/([^/]+)/([^/]+))";

int http_status(Errc code) {
  switch (code) {
    case Errc::usage: return 400;
    case Errc::integrity: return 422;
    case Errc::remote: return 502;
    case Errc::interrupted: return 503;
    default: return 409;
  }
}

void send_json(Response& res, int status, const json& doc) {
  res.status = status;
  res.set_content(doc.dump() + "\n", "application/json");
}

void send_error(Response& res, int status, Errc code, const std::string& message) {
  send_json(res, status, {{"error", {{"code", static_cast<int>(code)}, {"message", message}}}});
}

// A request's work; an Error becomes its JSON answer.
void guarded(Response& res, const std::function<void()>& work) {
  try {
    work();
  } catch (const Error& e) {
    send_error(res, http_status(e.code()), e.code(), e.what());
  } catch (const std::exception& e) {
    send_error(res, 500, Errc::failure, e.what());
  }
}

bool same_secret(const std::string& a, const std::string& b) {
  // Digests of equal length, compared in constant time: the answer's timing
  // tells nothing about how much of the token was right.
  Hash x = hash_bytes(a), y = hash_bytes(b);
  return CRYPTO_memcmp(x.bytes.data(), y.bytes.data(), x.bytes.size()) == 0;
}

// The body of POST /v1/models/NAME/activate.
struct ActivateRequest {
  std::string version;
  std::optional<Hash> sha256;
  DeliveryOptions options;
};

// Every member is checked for its type and range: a malformed one is
// Error(usage) naming it (HTTP 400), never an exception from the JSON
// library. A health check is refused outright: what runs on the device is
// the signed manifest's check or this agent's own --health-cmd.
ActivateRequest parse_activate_request(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  auto bad = [](const std::string& why) { return Error(Errc::usage, "activate request: " + why); };
  if (doc.is_discarded() || !doc.is_object()) throw bad("the body must be a JSON object");
  auto member = [&](const char* key) -> const json* {
    auto it = doc.find(key);
    return it == doc.end() || it->is_null() ? nullptr : &*it;
  };
  auto shown = [](const json& v) {
    std::string text = v.dump();
    return text.size() > 40 ? text.substr(0, 40) + "..." : text;
  };
  if (member("health"))
    throw bad("\"health\" is not accepted: the health check is the bundle's signed one, or this agent's own "
              "--health-cmd/--health-url");
  ActivateRequest r;
  const json* version = member("version");
  if (!version || !version->is_string()) throw bad("\"version\" must be a string");
  r.version = version->get<std::string>();
  if (const json* sha = member("sha256")) {
    if (sha->is_string()) r.sha256 = Hash::try_parse("sha256:" + sha->get<std::string>());
    if (!r.sha256) throw bad("\"sha256\" must be 64 hex digits, not " + shown(*sha));
  }
  if (const json* activate = member("activate")) {
    if (!activate->is_boolean()) throw bad("\"activate\" must be true or false, not " + shown(*activate));
    r.options.activate = activate->get<bool>();
  }
  if (const json* retain = member("retain")) {
    if (!retain->is_number_integer() || retain->get<int64_t>() < 1 || retain->get<int64_t>() > 1000)
      throw bad("\"retain\" must be a whole number from 1 to 1000, not " + shown(*retain));
    r.options.retain = static_cast<int>(retain->get<int64_t>());
  }
  r.options.lock_timeout = kLockWait;
  return r;
}

class AgentServer {
 public:
  explicit AgentServer(const AgentServerOptions& o) : o_(o), device_(o.root) {}

  // Uploads nobody activated within the agent's upload lifetime.
  void remove_stale() const {
    for (const auto& name : remove_stale_uploads(o_.root, o_.upload_lifetime))
      log("removed " + name + ", an upload never activated");
  }

  void routes(httplib::Server& s) {
    s.Get("/v1/health", [](const Request&, Response& res) { send_json(res, 200, {{"ok", true}}); });
    s.Get(kBundlePath, [this](const Request& req, Response& res) {
      if (!authorized(req, res)) return;
      guarded(res, [&] {
        struct stat st {};
        fs::path part = incoming(req.matches[1], req.matches[2]);
        send_json(res, 200, {{"received", ::stat(part.c_str(), &st) == 0 ? st.st_size : 0}});
      });
    });
    s.Put(kBundlePath, [this](const Request& req, Response& res, const httplib::ContentReader& reader) {
      if (!authorized(req, res)) return;
      guarded(res, [&] { receive(req, res, reader); });
    });
    s.Post(R"(/v1/models/([^/]+)/activate)", [this](const Request& req, Response& res) {
      if (!authorized(req, res)) return;
      guarded(res, [&] { activate(req.matches[1], req.body, res); });
    });
    s.Post(R"(/v1/models/([^/]+)/rollback)", [this](const Request& req, Response& res) {
      if (!authorized(req, res)) return;
      guarded(res, [&] { rollback(model(req), res); });
    });
    s.Get(R"(/v1/models/([^/]+)/status)", [this](const Request& req, Response& res) {
      if (!authorized(req, res)) return;
      guarded(res, [&] { send_json(res, 200, model_status_json(device_.status(model(req)).at(0))); });
    });
    s.Get("/v1/models", [this](const Request& req, Response& res) {
      if (!authorized(req, res)) return;
      guarded(res, [&] {
        json models = json::array();
        for (const auto& m : device_.status()) models.push_back(model_status_json(m));
        send_json(res, 200, {{"models", models}});
      });
    });
  }

 private:
  bool authorized(const Request& req, Response& res) const {
    if (o_.token.empty()) return true;  // mTLS only: the handshake checked the client
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) != 0) {
      res.set_header("WWW-Authenticate", "Bearer");
      send_error(res, 401, Errc::remote, "this agent needs a bearer token");
      return false;
    }
    if (!same_secret(auth.substr(7), o_.token)) {
      send_error(res, 403, Errc::remote, "the bearer token is not accepted");
      return false;
    }
    return true;
  }

  static std::string model(const Request& req) {
    std::string name = req.matches[1];
    check_bundle_name(name, "model name");
    return name;
  }

  fs::path incoming(const std::string& name, const std::string& version) const {
    check_bundle_name(name, "model name");
    check_bundle_version(version, "version");
    return incoming_dir(o_.root) / (name + "-" + version + std::string(kBundleExtension) + ".part");
  }

  void receive(const Request& req, Response& res, const httplib::ContentReader& reader) {
    fs::path part = incoming(req.matches[1], req.matches[2]);
    uint64_t first = 0, total = 0, length = 0;
    if (!parse_u64(req.get_header_value("Content-Length"), length))
      throw Error(Errc::usage, "an upload needs a Content-Length");
    total = length;
    if (req.has_header("Content-Range")) {
      auto range = parse_content_range(req.get_header_value("Content-Range"));
      if (!range || range->unsatisfied || !range->total || range->last - range->first + 1 != length ||
          range->last >= *range->total)
        throw Error(Errc::usage, "malformed Content-Range: " + req.get_header_value("Content-Range"));
      first = range->first;
      total = *range->total;
    }
    if (total > o_.max_bundle_bytes) {
      // Read (and drop) what the client is sending before answering, up to a
      // bound: closing mid-upload makes the client see a broken pipe instead
      // of this answer.
      uint64_t drained = 0;
      reader([&](const char*, size_t n) {
        drained += n;
        return drained < kDrainBeforeRefusal;
      });
      send_error(res, 413, Errc::failure,
                 "a bundle of " + std::to_string(total) + " bytes exceeds this agent's limit of " +
                     std::to_string(o_.max_bundle_bytes));
      res.set_header("Connection", "close");
      return;
    }
    remove_stale();
    fs::create_directories(part.parent_path());
    UniqueFd fd = lock_upload(part, true);
    struct stat st {};
    ::fstat(fd.get(), &st);
    uint64_t have = static_cast<uint64_t>(st.st_size);
    if (!req.has_header("Content-Range")) have = 0;
    if (first != have) {
      send_json(res, 409, {{"error", {{"code", 1}, {"message", "the upload continues at byte " + std::to_string(have)}}},
                           {"received", have}});
      res.set_header("Connection", "close");
      return;
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(have)) != 0 || ::lseek(fd.get(), static_cast<off_t>(have), SEEK_SET) < 0)
      throw_errno("cannot prepare " + part.string());
    uint64_t got = 0;
    bool too_long = false;
    reader([&](const char* data, size_t n) {
      if (got + n > length) {
        too_long = true;
        return false;
      }
      write_all(fd.get(), data, n, part);
      got += n;
      return true;
    });
    if (::fsync(fd.get()) != 0) throw_errno("cannot sync " + part.string());
    if (too_long) throw Error(Errc::usage, "the upload sent more than its Content-Length");
    send_json(res, 200, {{"received", have + got}, {"complete", have + got == total}});
  }

  void activate(const std::string& name, const std::string& body, Response& res) {
    ActivateRequest req = parse_activate_request(body);
    fs::path part = incoming(name, req.version);
    // Held until the upload is removed: no PUT can change it meanwhile, and
    // the stale-upload sweep cannot take it away.
    UniqueFd held = lock_upload(part, false);
    if (!held) {
      send_error(res, 404, Errc::usage, "no upload of " + name + " " + req.version + " on this device");
      return;
    }
    // The upload is used once, whatever the outcome: a refused bundle leaves nothing behind.
    struct Remove {
      fs::path p;
      ~Remove() {
        std::error_code e;
        fs::remove(p, e);
      }
    } remove{part};
    if (req.sha256 && hash_file(part) != *req.sha256)
      throw Error(Errc::integrity, "the upload of " + name + " " + req.version + " does not have the SHA-256 sent");
    {
      BundleReader reader(part);
      const BundleManifest& m = reader.read_header().manifest;
      if (m.name != name || m.version != req.version)
        throw Error(Errc::integrity,
                    "the upload for " + name + " " + req.version + " holds " + m.name + " " + m.version);
    }
    NullProgress progress;
    send_json(res, 200, delivery_report_json(device_.deliver(part, o_.trusted, req.options, o_.policy, progress)));
  }

  void rollback(const std::string& name, Response& res) {
    ModelStatus s = device_.rollback(name, kLockWait);
    log("rollback of " + name + " on request: current " + s.current.value_or("none") + ", previous " +
        s.previous.value_or("none"));
    send_json(res, 200, model_status_json(s));
  }

  void log(const std::string& line) const {
    if (o_.log) o_.log(line);
  }

  const AgentServerOptions& o_;
  DeviceRoot device_;
};

}  // namespace

void run_agent_server(const AgentServerOptions& o) {
  for (const auto& [file, what] : {std::pair{o.tls_cert, "--tls-cert"}, {o.tls_key, "--tls-key"}})
    if (::access(file.c_str(), R_OK) != 0) throw Error(Errc::usage, std::string(what) + " " + file.string() + " cannot be read");
  httplib::SSLServer server(o.tls_cert.c_str(), o.tls_key.c_str(), o.client_ca.empty() ? nullptr : o.client_ca.c_str());
  if (!server.is_valid())
    throw Error(Errc::usage, "cannot load the TLS certificate " + o.tls_cert.string() + " and key " + o.tls_key.string() +
                                 (o.client_ca.empty() ? "" : " or the client CA " + o.client_ca.string()));
  AgentServer agent(o);
  agent.remove_stale();
  agent.routes(server);
  server.set_payload_max_length(static_cast<size_t>(o.max_bundle_bytes));
  if (o.log)
    server.set_logger([&o](const Request& req, const Response& res) {
      o.log(req.method + " " + req.path + " " + std::to_string(res.status));
    });
  int port = o.port;
  if (port == 0) port = server.bind_to_any_port(o.host);
  else if (!server.bind_to_port(o.host, port)) port = -1;
  if (port <= 0) throw Error(Errc::usage, "cannot listen on " + o.host + ":" + std::to_string(o.port));
  if (o.on_listening) o.on_listening(port);

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      if (interrupt_requested()) {
        server.stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  server.listen_after_bind();
  done = true;
  watcher.join();
}

}  // namespace mlops::cli
