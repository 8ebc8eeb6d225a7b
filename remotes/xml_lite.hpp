#pragma once
// A small XML reader for the answers of HTTP storage servers (WebDAV 207
// multistatus, S3 ListObjectsV2, errors, multipart uploads). It builds a tree
// of elements named by their local name (the namespace prefix is dropped:
// "D:href", "d:href" and "href" are all "href"), with the decoded text of
// each element. Attributes, comments, processing instructions and DOCTYPE
// are skipped; CDATA is text. Malformed input, nesting deeper than 64 levels
// or undefined entities are an error with the byte offset, never a crash.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {

struct XmlElement {
  std::string name;  // local name
  std::string text;  // decoded character data directly inside this element
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  const XmlElement* child(std::string_view child_name) const;
  // The text of the first child named `name`, or "" when there is none.
  std::string child_text(std::string_view child_name) const;
  // The first descendant (depth first) named `name`, or nullptr.
  const XmlElement* find(std::string_view descendant_name) const;
};

// The document's root element; on malformed input nullopt and `error` says why.
std::optional<XmlElement> parse_xml(std::string_view text, std::string* error = nullptr);

}  // namespace mlops
