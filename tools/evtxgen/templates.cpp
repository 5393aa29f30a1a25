// BinXML template definitions as trees (elements, literal text, substitutions), deduplicated by shape.
#include "templates.hpp"

#include <utility>

#include "bytes.hpp"

namespace emoguard::evtxgen {
namespace {

void append_u16s(std::string& key, std::u16string_view s) {
  key += std::to_string(s.size());
  key += ':';
  for (const char16_t u : s) {
    key.push_back(static_cast<char>(u & 0xFF));
    key.push_back(static_cast<char>(u >> 8));
  }
}

void append_subst(std::string& key, const Subst& s) {
  key += s.optional ? "?" : "=";
  key += std::to_string(s.index) + "/" + std::to_string(s.type) + ";";
}

// A length-prefixed serialisation: two trees get the same key only if they are the same shape.
void describe(std::string& key, const Node& n) {
  switch (n.kind) {
    case Node::Kind::kText:
      key += "T";
      append_u16s(key, n.text);
      return;
    case Node::Kind::kSubst:
      key += "S";
      append_subst(key, n.subst);
      return;
    case Node::Kind::kElement:
      key += "E";
      append_u16s(key, n.name.text);
      key += "d" + std::to_string(n.dependency) + "a" + std::to_string(n.attributes.size());
      for (const auto& a : n.attributes) {
        append_u16s(key, a.name.text);
        if (a.literal) {
          key += "L";
          append_u16s(key, a.text);
        } else {
          append_subst(key, a.subst);
        }
      }
      key += "c" + std::to_string(n.children.size()) + "(";
      for (const auto& c : n.children) describe(key, c);
      key += ")";
      return;
  }
}

std::uint64_t fnv1a64(std::string_view s, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

}  // namespace

std::uint16_t name_hash(std::u16string_view s) {
  std::uint32_t h = 0;
  for (const char16_t u : s) h = h * 65599U + u;
  return static_cast<std::uint16_t>(h & 0xFFFF);
}

Name make_name(std::string_view utf8) {
  Name n;
  n.text = to_utf16(utf8, "name");
  n.hash = name_hash(n.text);
  return n;
}

Node Node::element(std::string_view name, std::uint16_t dependency) {
  Node n;
  n.kind = Kind::kElement;
  n.name = make_name(name);
  n.dependency = dependency;
  return n;
}

Node Node::literal(std::string_view utf8) {
  Node n;
  n.kind = Kind::kText;
  n.text = to_utf16(utf8, "text");
  return n;
}

Node Node::substitution(std::uint16_t index, std::uint8_t type, bool optional) {
  Node n;
  n.kind = Kind::kSubst;
  n.subst = Subst{index, type, optional};
  return n;
}

Node& Node::add_element(std::string_view child_name, std::uint16_t dep) {
  children.push_back(element(child_name, dep));
  return children.back();
}

void Node::add_literal_attribute(std::string_view attr_name, std::string_view utf8) {
  Attribute a;
  a.name = make_name(attr_name);
  a.literal = true;
  a.text = to_utf16(utf8, "attribute value");
  attributes.push_back(std::move(a));
}

void Node::add_subst_attribute(std::string_view attr_name, std::uint16_t index, std::uint8_t type, bool optional) {
  Attribute a;
  a.name = make_name(attr_name);
  a.literal = false;
  a.subst = Subst{index, type, optional};
  attributes.push_back(std::move(a));
}

const Template* TemplateRegistry::intern(Node root, std::uint16_t value_count) {
  std::string key = "v" + std::to_string(value_count);
  describe(key, root);
  if (const auto it = by_key_.find(key); it != by_key_.end()) return it->second.get();
  auto t = std::make_unique<Template>();
  t->root = std::move(root);
  t->value_count = value_count;
  t->key = key;
  const std::uint64_t a = fnv1a64(key, 0xCBF29CE484222325ULL);
  const std::uint64_t b = fnv1a64(key, 0x84222325CBF29CE4ULL);
  for (std::size_t i = 0; i < 8; ++i) {
    t->guid[i] = static_cast<std::uint8_t>((a >> (8 * i)) & 0xFF);
    t->guid[8 + i] = static_cast<std::uint8_t>((b >> (8 * i)) & 0xFF);
  }
  // Shape it like a random (version 4, RFC 4122 variant) GUID, as the ones Windows makes.
  t->guid[7] = static_cast<std::uint8_t>((t->guid[7] & 0x0F) | 0x40);
  t->guid[8] = static_cast<std::uint8_t>((t->guid[8] & 0x3F) | 0x80);
  t->id = static_cast<std::uint32_t>(t->guid[0]) | (static_cast<std::uint32_t>(t->guid[1]) << 8) |
          (static_cast<std::uint32_t>(t->guid[2]) << 16) | (static_cast<std::uint32_t>(t->guid[3]) << 24);
  std::u16string units;
  for (std::size_t i = 0; i < 16; i += 2)
    units.push_back(static_cast<char16_t>(t->guid[i] | (t->guid[i + 1] << 8)));
  t->guid_hash = name_hash(units);
  const Template* raw = t.get();
  by_key_.emplace(std::move(key), std::move(t));
  return raw;
}

}  // namespace emoguard::evtxgen
