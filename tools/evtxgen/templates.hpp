// BinXML template definitions as trees (elements, literal text, substitutions), deduplicated by shape.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace emoguard::evtxgen {

// An element or attribute name: UTF-16 text and its MS-EVEN6 NameHash.
struct Name {
  std::u16string text;
  std::uint16_t hash = 0;
};

// NameHash: low 16 bits of h = h * 65599 + unit over the UTF-16 units, from h = 0.
[[nodiscard]] std::uint16_t name_hash(std::u16string_view s);
// Builds a Name from UTF-8 (names in spec files are validated before they get here).
[[nodiscard]] Name make_name(std::string_view utf8);

// Where a substitution takes its value from: instance value `index`, declared as `type`.
// Optional substitutions (0x0E) drop their element or attribute when the value is null.
struct Subst {
  std::uint16_t index = 0;
  std::uint8_t type = 0;
  bool optional = false;
};

struct Attribute {
  Name name;
  bool literal = true;
  std::u16string text;  // literal value
  Subst subst;          // when !literal
};

struct Node {
  enum class Kind { kElement, kText, kSubst };
  Kind kind = Kind::kElement;
  // kElement
  Name name;
  std::uint16_t dependency = 0xFFFF;  // the value index whose null drops this element; 0xFFFF: none
  std::vector<Attribute> attributes;
  std::vector<Node> children;
  // kText
  std::u16string text;
  // kSubst
  Subst subst;

  static Node element(std::string_view name, std::uint16_t dependency = 0xFFFF);
  static Node literal(std::string_view utf8);
  static Node substitution(std::uint16_t index, std::uint8_t type, bool optional);
  Node& add_element(std::string_view child_name, std::uint16_t dep = 0xFFFF);
  void add_literal_attribute(std::string_view attr_name, std::string_view utf8);
  void add_subst_attribute(std::string_view attr_name, std::uint16_t index, std::uint8_t type, bool optional);
};

// A template: one root element and the number of values its instances carry. Identified in files by
// a GUID derived from its shape (so the same shape always gets the same GUID); its id is Data1.
struct Template {
  Node root;
  std::uint16_t value_count = 0;
  std::string key;                    // canonical description of the shape
  std::array<std::uint8_t, 16> guid{};  // as stored: Data1..3 little-endian
  std::uint32_t id = 0;
  std::uint16_t guid_hash = 0;        // NameHash over the GUID's 8 UTF-16-sized units: template bucket
};

class TemplateRegistry {
 public:
  // Returns the template of this shape, creating it on first use.
  const Template* intern(Node root, std::uint16_t value_count);
  [[nodiscard]] std::size_t size() const { return by_key_.size(); }

 private:
  std::map<std::string, std::unique_ptr<Template>> by_key_;
};

}  // namespace emoguard::evtxgen
