// https://host:port: a device running `mlops agent serve` (its API is
// documented in cli/agent_server.hpp). TLS is always verified, against the
// target's `ca` file when set (a fleet's private CA), else the system's CAs.
// The upload resumes: the agent says how much of the bundle it holds, and
// only the rest is sent, with a Content-Range.
#include <fcntl.h>

#include "core/delivery_json.hpp"
#include "core/digest.hpp"
#include "core/error.hpp"
#include "core/unique_fd.hpp"
#include "delivery_transports.hpp"
#include "http_transfer.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace mlops {
namespace {

Errc errc_from_answer(long status, const json& doc) {
  if (doc.is_object() && doc.contains("error")) {
    int code = doc["error"].value("code", 0);
    for (Errc e : {Errc::failure, Errc::usage, Errc::remote, Errc::integrity})
      if (static_cast<int>(e) == code) return e;
  }
  return status == 422 ? Errc::integrity : Errc::remote;
}

class HttpsTransport final : public DeliveryTransport {
 public:
  HttpsTransport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted)
      : what_("target '" + spec.name + "'"), trusted_(std::move(trusted)) {
    base_ = "https://" + (spec.url.host.find(':') != std::string::npos ? "[" + spec.url.host + "]" : spec.url.host) +
            ":" + std::to_string(spec.url.port ? spec.url.port : 443);
    settings_.ca_bundle = spec.option("ca");
    settings_.client_cert = spec.option("cert");
    settings_.client_key = spec.option("key");
    settings_.bearer_token = spec.option("token");
    for (const auto* file : {&settings_.ca_bundle, &settings_.client_cert, &settings_.client_key})
      if (!file->empty() && !fs::exists(*file))
        throw Error(Errc::usage, what_ + ": " + *file + " does not exist (target." + spec.name + ".ca/cert/key)");
  }

  DeliveryReport deliver(const fs::path& bundle, const DeliveryOptions& o, Progress& progress) override {
    BundleHeader header = verify_bundle_locally(bundle, trusted_, progress);
    const BundleManifest& m = header.manifest;
    std::string upload = "/v1/bundles/" + m.name + "/" + m.version;
    uint64_t size = fs::file_size(bundle);
    uint64_t have = call("GET", upload).value("received", uint64_t{0});
    uint64_t resumed = have < size ? have : 0;
    UniqueFd fd = open_read(bundle);
    progress.start("upload " + bundle.filename().string(), size, true);
    progress.advance(resumed);
    for (int attempt = 0; have != size && attempt < 2; ++attempt) {
      if (have > size) have = 0;
      FileRangeSource body(fd.get(), have, size - have, bundle);
      std::vector<std::string> headers;
      if (have > 0)
        headers.push_back("Content-Range: bytes " + std::to_string(have) + "-" + std::to_string(size - 1) + "/" +
                          std::to_string(size));
      auto [status, doc] = exchange("PUT", upload, &body, headers);
      if (status == 409 && doc.contains("received")) {  // another offset than we thought: continue from there
        have = doc["received"].get<uint64_t>();
        continue;
      }
      check(status, doc, "PUT " + upload);
      have = doc.value("received", uint64_t{0});
    }
    progress.advance(size - resumed);
    progress.finish();
    if (have != size) throw Error(Errc::remote, what_ + ": the upload of " + bundle.string() + " did not complete");

    json req{{"version", m.version}, {"sha256", hash_file(bundle).hex()}, {"activate", o.activate}, {"retain", o.retain}};
    std::string text = req.dump();
    MemorySource body_json(text);
    auto [status, doc] = exchange("POST", "/v1/models/" + m.name + "/activate", &body_json,
                                  {"Content-Type: application/json"});
    check(status, doc, "activate " + m.name + " " + m.version);
    DeliveryReport r = delivery_report_from_json(doc, what_);
    r.bytes_resumed = resumed;
    r.bytes_sent = size - resumed;
    return r;
  }

  ModelStatus rollback(const std::string& name, const DeliveryOptions&) override {
    check_bundle_name(name, "model name");
    return parse_status(call("POST", "/v1/models/" + name + "/rollback"));
  }

  std::vector<ModelStatus> status(const std::string& name) override {
    std::vector<ModelStatus> out;
    if (!name.empty()) {
      check_bundle_name(name, "model name");
      out.push_back(parse_status(call("GET", "/v1/models/" + name + "/status")));
      return out;
    }
    json doc = call("GET", "/v1/models");
    if (!doc.contains("models") || !doc["models"].is_array()) throw Error(Errc::remote, what_ + ": malformed answer");
    for (const auto& m : doc["models"]) out.push_back(parse_status(m));
    return out;
  }

 private:
  std::pair<long, json> exchange(const std::string& method, const std::string& path, BodySource* body = nullptr,
                                 std::vector<std::string> headers = {}) {
    HttpRequest req;
    req.method = method;
    req.url = base_ + path;
    req.body = body;
    req.headers = std::move(headers);
    if (!body && method == "POST") req.headers.push_back("Content-Length: 0");
    auto resp = http_send(handle_, req, settings_, what_ + " " + method + " " + path);
    if (!resp) throw Error(Errc::remote, failure_message(resp.failure(), method + " " + path));
    return {resp.value().status, json::parse(resp.value().body, nullptr, false)};
  }

  // An agent with --client-ca ends the TLS handshake of a client without an
  // accepted certificate; curl then reports only what the closed socket
  // says ("getpeername() failed with errno 107"), which names no cause.
  std::string failure_message(const Failure& f, const std::string& request) const {
    bool closed = f.message.find("getpeername") != std::string::npos ||
                  f.message.find("errno 107") != std::string::npos ||
                  f.message.find("certificate required") != std::string::npos;
    if (closed && settings_.client_cert.empty())
      return what_ + " " + request + ": the agent closed the TLS connection: it requires a client certificate, "
                     "and this target has none (set its cert and key)";
    if (closed)
      return what_ + " " + request + ": the agent closed the TLS connection: it did not accept the client "
                     "certificate " + settings_.client_cert + " (is it signed by the agent's --client-ca?)";
    bool tls = f.kind == FailureKind::auth || f.message.find("certificate") != std::string::npos;
    return f.message + (tls ? " (check the target's ca, cert and key)" : "");
  }

  void check(long status, const json& doc, const std::string& what) const {
    if (status >= 200 && status < 300 && !doc.is_discarded()) return;
    std::string message = doc.is_object() && doc.contains("error") ? doc["error"].value("message", "")
                                                                   : http_status_text(status);
    if (status == 401 || status == 403) message += " (check the target's token, or its cert and key)";
    throw Error(errc_from_answer(status, doc), what_ + ": " + what + ": " + message);
  }

  json call(const std::string& method, const std::string& path) {
    auto [status, doc] = exchange(method, path);
    check(status, doc, method + " " + path);
    return doc;
  }

  ModelStatus parse_status(const json& doc) const {
    try {
      return model_status_from_json(doc);
    } catch (const std::exception& e) {
      throw Error(Errc::remote, what_ + ": malformed model status: " + e.what());
    }
  }

  std::string what_, base_;
  std::vector<MinisignPublicKey> trusted_;
  HttpSettings settings_;
  CurlEasy handle_;
};

}  // namespace

std::unique_ptr<DeliveryTransport> https_transport(const RemoteSpec& spec, std::vector<MinisignPublicKey> trusted) {
  return std::make_unique<HttpsTransport>(spec, std::move(trusted));
}

}  // namespace mlops
