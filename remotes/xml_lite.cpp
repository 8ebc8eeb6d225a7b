#include "xml_lite.hpp"

#include <cstdint>
#include <stdexcept>

namespace mlops {
namespace {

constexpr int kMaxDepth = 64;

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_name_char(char c) {
  return !(c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>' || c == '=' || c == '\0');
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  XmlElement document() {
    skip_misc();
    if (!at("<")) fail("no root element");
    XmlElement root = element(0);
    skip_misc();
    if (pos_ != s_.size()) fail("text after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw ParseError(why + " at byte " + std::to_string(pos_));
  }
  bool at(std::string_view t) const { return s_.substr(pos_, t.size()) == t; }
  void skip_past(std::string_view end) {
    auto e = s_.find(end, pos_);
    if (e == std::string_view::npos) fail("unterminated '" + std::string(end) + "'");
    pos_ = e + end.size();
  }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) ++pos_;
  }
  // Whitespace, the XML declaration, comments, processing instructions, DOCTYPE.
  void skip_misc() {
    for (;;) {
      skip_space();
      if (at("<?")) skip_past("?>");
      else if (at("<!--")) skip_past("-->");
      else if (at("<!DOCTYPE")) skip_past(">");
      else return;
    }
  }

  std::string name() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_name_char(s_[pos_])) ++pos_;
    if (pos_ == start) fail("expected a name");
    std::string_view full = s_.substr(start, pos_ - start);
    auto colon = full.rfind(':');
    return std::string(colon == std::string_view::npos ? full : full.substr(colon + 1));
  }

  // Attributes are skipped, but their quoted values may hold '>' or '/'.
  // Returns true for a self-closing tag.
  bool skip_attributes() {
    for (;;) {
      skip_space();
      if (pos_ >= s_.size()) fail("unterminated tag");
      if (at("/>")) {
        pos_ += 2;
        return true;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        return false;
      }
      name();
      skip_space();
      if (pos_ >= s_.size() || s_[pos_] != '=') fail("attribute without a value");
      ++pos_;
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("unquoted attribute value");
      char quote = s_[pos_++];
      auto end = s_.find(quote, pos_);
      if (end == std::string_view::npos) fail("unterminated attribute value");
      pos_ = end + 1;
    }
  }

  void entity(std::string& out) {
    auto semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) fail("unterminated entity");
    std::string_view e = s_.substr(pos_ + 1, semi - pos_ - 1);
    if (e == "amp") out += '&';
    else if (e == "lt") out += '<';
    else if (e == "gt") out += '>';
    else if (e == "quot") out += '"';
    else if (e == "apos") out += '\'';
    else if (e.size() > 1 && e[0] == '#') {
      bool hex = e[1] == 'x' || e[1] == 'X';
      std::string_view digits = e.substr(hex ? 2 : 1);
      if (digits.empty()) fail("bad character reference");
      uint32_t cp = 0;
      for (char c : digits) {
        int v = c >= '0' && c <= '9' ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
        if (v < 0) fail("bad character reference");
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) fail("character reference out of range");
      }
      append_utf8(out, cp);
    } else {
      fail("undefined entity '&" + std::string(e) + ";'");
    }
    pos_ = semi + 1;
  }

  // Called with pos_ at '<' of a start tag.
  XmlElement element(int depth) {
    if (depth >= kMaxDepth) fail("elements nested too deeply");
    ++pos_;
    XmlElement el;
    el.name = name();
    if (skip_attributes()) return el;
    for (;;) {
      if (pos_ >= s_.size()) fail("unterminated element <" + el.name + ">");
      char c = s_[pos_];
      if (c == '&') {
        entity(el.text);
      } else if (c != '<') {
        el.text += c;
        ++pos_;
      } else if (at("</")) {
        pos_ += 2;
        std::string closing = name();
        if (closing != el.name) fail("</" + closing + "> closes <" + el.name + ">");
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != '>') fail("malformed end tag");
        ++pos_;
        return el;
      } else if (at("<![CDATA[")) {
        pos_ += 9;
        auto end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) fail("unterminated CDATA");
        el.text.append(s_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (at("<!--")) {
        skip_past("-->");
      } else if (at("<?")) {
        skip_past("?>");
      } else {
        el.children.push_back(element(depth + 1));
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

std::string XmlElement::child_text(std::string_view child_name) const {
  const XmlElement* c = child(child_name);
  return c ? c->text : std::string();
}

const XmlElement* XmlElement::find(std::string_view descendant_name) const {
  for (const auto& c : children) {
    if (c.name == descendant_name) return &c;
    if (const XmlElement* d = c.find(descendant_name)) return d;
  }
  return nullptr;
}

std::optional<XmlElement> parse_xml(std::string_view text, std::string* error) {
  try {
    return Parser(text).document();
  } catch (const ParseError& e) {
    if (error) *error = e.what();
    return std::nullopt;
  }
}

}  // namespace mlops
