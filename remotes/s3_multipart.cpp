// S3Remote's multipart uploads, resumed across interruptions.
//
// The state of an interrupted upload lives on the server, not in a local
// file: before creating an upload, ListMultipartUploads for the object's key
// finds earlier ones (a killed push, a dropped connection, another machine).
// The newest is continued: ListParts gives each part's size and ETag, and a
// part is reused when its size matches and its ETag equals the MD5 of the same
// byte range of the local file (S3 and RGW use the part's MD5 as its ETag;
// with SSE-KMS they do not, and such parts are simply sent again). Older
// uploads of the key are aborted, since they can never be reused.
//
// Keys are content-named, so two uploads of one key carry the same object;
// only its encoding can differ (a remote with `compress` toggled), and the
// MD5 check sends such parts again. A failed upload is left in place for the
// next attempt; one never resumed is the bucket's to expire (an
// AbortIncompleteMultipartUpload lifecycle rule).
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/unique_fd.hpp"
#include "s3_remote.hpp"
#include "xml_lite.hpp"

namespace fs = std::filesystem;

namespace mlops {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string unquote(std::string s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// MD5 (hex) of bytes [offset, offset + length) of `fd`: what S3 returns as a part's ETag.
std::string md5_hex(int fd, uint64_t offset, uint64_t length, const fs::path& path) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) throw Error("MD5 is not available");
  std::string buf(1 << 20, '\0');
  for (uint64_t done = 0; done < length;) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), length - done));
    size_t n = pread_full(fd, buf.data(), want, offset + done, path);
    if (n == 0) throw Error(path.string() + " changed while it was uploaded (shorter than expected)");
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    done += n;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xF];
  }
  return out;
}

}  // namespace

Result<std::vector<S3Remote::Upload>> S3Remote::uploads_of(const std::string& key) {
  const std::string object = object_of(key);
  std::vector<Upload> out;
  std::string key_marker, id_marker;
  for (;;) {
    Query query{{"uploads", ""}, {"prefix", object}};
    if (!key_marker.empty()) query.emplace_back("key-marker", key_marker);
    if (!id_marker.empty()) query.emplace_back("upload-id-marker", id_marker);
    HttpRequest req = make_request("GET", "", query, kEmptyPayloadHash);
    auto got = send(req, "ListMultipartUploads", key);
    if (!got.ok()) return got.failure();
    if (!is_success(got.value().status)) return failure("ListMultipartUploads", key, got.value());
    auto doc = parse_xml(got.value().body);
    if (!doc || doc->name != "ListMultipartUploadsResult")
      return Failure{FailureKind::permanent, what("ListMultipartUploads", key) + ": the server's answer is not a listing"};
    for (const XmlElement& u : doc->children)
      if (u.name == "Upload" && u.child_text("Key") == object)
        out.push_back({trim(u.child_text("UploadId")), trim(u.child_text("Initiated")), {}});
    if (trim(doc->child_text("IsTruncated")) != "true") return out;
    std::string next_key = doc->child_text("NextKeyMarker"), next_id = doc->child_text("NextUploadIdMarker");
    if ((next_key.empty() && next_id.empty()) || (next_key == key_marker && next_id == id_marker)) return out;
    key_marker = next_key;
    id_marker = next_id;
  }
}

Status S3Remote::list_parts(const std::string& key, Upload& upload) {
  std::string marker;
  for (;;) {
    Query query{{"uploadId", upload.id}};
    if (!marker.empty()) query.emplace_back("part-number-marker", marker);
    HttpRequest req = make_request("GET", object_of(key), query, kEmptyPayloadHash);
    auto got = send(req, "ListParts", key);
    if (!got.ok()) return got.failure();
    if (!is_success(got.value().status)) return failure("ListParts", key, got.value());
    auto doc = parse_xml(got.value().body);
    if (!doc || doc->name != "ListPartsResult")
      return Failure{FailureKind::permanent, what("ListParts", key) + ": the server's answer is not a part listing"};
    for (const XmlElement& p : doc->children) {
      uint64_t number = 0, size = 0;
      if (p.name != "Part" || !parse_u64(trim(p.child_text("PartNumber")), number) ||
          !parse_u64(trim(p.child_text("Size")), size) || number == 0 || number > 10000)
        continue;
      upload.parts[static_cast<int>(number)] = {unquote(p.child_text("ETag")), size};
    }
    std::string next = trim(doc->child_text("NextPartNumberMarker"));
    if (trim(doc->child_text("IsTruncated")) != "true" || next.empty() || next == marker) return ok_status();
    marker = next;
  }
}

Status S3Remote::abort_upload(const std::string& key, const std::string& upload_id) {
  HttpRequest abort = make_request("DELETE", object_of(key), {{"uploadId", upload_id}}, kEmptyPayloadHash);
  auto got = send(abort, "AbortMultipartUpload", key);
  if (!got.ok()) return got.failure();
  if (is_success(got.value().status) || got.value().status == 404) return ok_status();
  return failure("AbortMultipartUpload", key, got.value());
}

Result<std::optional<S3Remote::Upload>> S3Remote::resumable_upload(const std::string& key) {
  auto listed = uploads_of(key);
  if (!listed.ok()) return listed.failure();
  std::vector<Upload> uploads = std::move(listed.value());
  if (uploads.empty()) return std::optional<Upload>();
  std::sort(uploads.begin(), uploads.end(), [](const Upload& a, const Upload& b) { return a.initiated > b.initiated; });
  // Best effort: an upload that cannot be aborted now is found again next time.
  for (size_t i = 1; i < uploads.size(); ++i) (void)abort_upload(key, uploads[i].id);
  Upload newest = std::move(uploads.front());
  Status parts = list_parts(key, newest);
  if (!parts.ok()) {
    if (parts.failure().kind == FailureKind::not_found) return std::optional<Upload>();  // completed or aborted meanwhile
    return parts.failure();
  }
  return std::optional<Upload>(std::move(newest));
}

Status S3Remote::put_multipart(const std::string& key, int fd, uint64_t size, const fs::path& src) {
  const std::string object = object_of(key);
  auto found = resumable_upload(key);
  if (!found.ok()) return found.failure();
  Upload upload;
  if (found.value()) {
    upload = std::move(*found.value());
  } else {
    MemorySource empty("");
    HttpRequest create = make_request("POST", object, {{"uploads", ""}}, kEmptyPayloadHash);
    create.body = &empty;
    auto created = send(create, "CreateMultipartUpload", key);
    if (!created.ok()) return created.failure();
    if (!is_success(created.value().status)) return failure("CreateMultipartUpload", key, created.value());
    auto doc = parse_xml(created.value().body);
    upload.id = doc ? trim(doc->child_text("UploadId")) : "";
    if (upload.id.empty())
      return Failure{FailureKind::permanent, what("CreateMultipartUpload", key) + ": no UploadId in the server's answer"};
  }

  // S3 allows at most 10,000 parts: parts grow past the configured size for
  // huge files. The size depends only on the file's, so a resumed upload
  // cuts the file where the interrupted one did.
  uint64_t part_size = std::max(part_size_, (size + 9999) / 10000);
  part_size = (part_size + (1 << 20) - 1) / (1 << 20) * (1 << 20);
  std::string complete = "<CompleteMultipartUpload>";
  int part = 1;
  for (uint64_t offset = 0; offset < size; offset += part_size, ++part) {
    uint64_t length = std::min(part_size, size - offset);
    std::string etag;
    auto have = upload.parts.find(part);
    if (have != upload.parts.end() && have->second.size == length && have->second.etag == md5_hex(fd, offset, length, src)) {
      etag = "\"" + have->second.etag + "\"";
      resumed_bytes_ += length;
    } else {
      FileRangeSource body(fd, offset, length, src);
      HttpRequest put = make_request("PUT", object, {{"partNumber", std::to_string(part)}, {"uploadId", upload.id}},
                                     kUnsignedPayload);
      put.body = &body;
      std::string op = "UploadPart " + std::to_string(part);
      auto got = send(put, op, key);
      if (!got.ok()) return got.failure();
      if (!is_success(got.value().status)) return failure(op, key, got.value());
      etag = got.value().header("etag");
      if (etag.empty()) return Failure{FailureKind::permanent, what(op, key) + ": no ETag in the server's answer"};
    }
    complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" + xml_escape(etag) + "</ETag></Part>";
  }
  complete += "</CompleteMultipartUpload>";

  MemorySource body(complete);
  HttpRequest done = make_request("POST", object, {{"uploadId", upload.id}}, sha256_hex(complete));
  done.body = &body;
  done.headers.push_back("Content-Type: application/xml");
  auto got = send(done, "CompleteMultipartUpload", key);
  if (!got.ok()) return got.failure();
  // A 200 may still carry an <Error> document: S3 reports late failures so.
  auto result = parse_xml(got.value().body);
  if (!is_success(got.value().status) || !result || result->name == "Error") {
    Failure f = failure("CompleteMultipartUpload", key, got.value());
    // Refused parts (InvalidPart, EntityTooSmall…) make the upload useless.
    if (f.kind == FailureKind::permanent) (void)abort_upload(key, upload.id);
    return f;
  }
  return ok_status();
}

}  // namespace mlops
