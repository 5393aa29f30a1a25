// A parsed record read three ways: fields by name, JSON in the evtx crate's shape, and XML.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>

#include "emoguard/text.hpp"
#include "formats/evtx/evtx.hpp"
#include "formats/evtx/internal.hpp"

namespace emoguard::formats::evtx {

namespace {

struct Item {
  const Instance* inst;
  const Node* node;
};

// While the first record of a template and null pattern is rendered, this notes where each
// value went, so that later records with the same pattern replay the text around the values.
// Anything that makes the text depend on values other than by their place (a substituted name,
// text made of several parts, a BinXml value) makes the rendering not recordable.
struct Recorder {
  const std::string* out = nullptr;
  const Value* values = nullptr;  // the root instance's values
  std::size_t count = 0;
  std::size_t mark = 0;           // out position where the current literal run starts
  Template::JsonPlan plan;
  bool ok = true;
  std::size_t base = 0;           // out position where the record starts
};
thread_local Recorder* g_rec = nullptr;

void not_recordable() {
  if (g_rec) g_rec->ok = false;
}

const Value* value_of(const Chunk& ch, const Instance& in, const Node& n) {
  if (n.kind != NodeKind::subst || n.index == 0xFFFF) return nullptr;
  const std::uint32_t i = in.value_begin + n.index;
  if (i >= in.value_end) return nullptr;
  return &ch.values()[i];
}

bool is_null_value(const Value* v) { return v == nullptr || v->type == kNull; }

// Calls f(Item) for each node in [begin, end) of inst's kids (or roots), expanding BinXml
// values into the nodes of the instance they hold.
template <class F>
void expand(const Chunk& ch, const Instance& in, const std::uint32_t* begin, const std::uint32_t* end, F&& f, int depth = 0) {
  const Template& t = *in.tmpl;
  for (const std::uint32_t* k = begin; k != end; ++k) {
    const Node& n = t.nodes[*k];
    if (n.kind == NodeKind::subst) {
      const Value* v = value_of(ch, in, n);
      if (v && v->type == kBinXml && v->nested >= 0 && depth < 32) {
        const Instance& sub = ch.instances()[static_cast<std::size_t>(v->nested)];
        expand(ch, sub, sub.tmpl->roots.data(), sub.tmpl->roots.data() + sub.tmpl->roots.size(), f, depth + 1);
        continue;
      }
    }
    f(Item{&in, &n});
  }
}

template <class F>
void children(const Chunk& ch, const Item& el, F&& f) {
  const Template& t = *el.inst->tmpl;
  expand(ch, *el.inst, t.kids.data() + el.node->child_begin, t.kids.data() + el.node->child_end, f);
}

template <class F>
void roots(const Chunk& ch, const Instance& in, F&& f) {
  expand(ch, in, in.tmpl->roots.data(), in.tmpl->roots.data() + in.tmpl->roots.size(), f);
}

const std::string& str(const Item& it) { return it.inst->tmpl->strings[it.node->str]; }

bool is_text_kind(NodeKind k) { return k != NodeKind::element && k != NodeKind::pi; }

bool item_null(const Chunk& ch, const Item& it) {
  if (it.node->kind != NodeKind::subst) return false;
  return is_null_value(value_of(ch, *it.inst, *it.node));
}

// An element whose only content is an optional substitution with a null value is left out, as
// Windows does when it renders the event.
bool omitted(const Chunk& ch, const Item& el) {
  const Template& t = *el.inst->tmpl;
  if (el.node->child_end - el.node->child_begin != 1) return false;
  const Node& only = t.nodes[t.kids[el.node->child_begin]];
  return only.kind == NodeKind::subst && only.optional && is_null_value(value_of(ch, *el.inst, only));
}

void append_entity(std::string& out, const std::string& name) {
  if (name == "amp") out += '&';
  else if (name == "lt") out += '<';
  else if (name == "gt") out += '>';
  else if (name == "quot") out += '"';
  else if (name == "apos") out += '\'';
  else out += "&" + name + ";";
}


// Plain text of one content item (no escaping).
void append_item_text(std::string& out, const Chunk& ch, const Item& it, Style style) {
  switch (it.node->kind) {
    case NodeKind::text:
    case NodeKind::cdata: out += str(it); return;
    case NodeKind::subst: {
      const Value* v = value_of(ch, *it.inst, *it.node);
      if (v) append_value_text(out, *v, style);
      return;
    }
    case NodeKind::char_ref: text::append_utf8(out, it.node->index); return;
    case NodeKind::entity_ref: append_entity(out, str(it)); return;
    default: return;
  }
}

void attr_text(std::string& out, const Chunk& ch, const Instance& in, const Attr& a, Style style) {
  const Template& t = *in.tmpl;
  for (std::uint32_t k = a.part_begin; k < a.part_end; ++k) append_item_text(out, ch, Item{&in, &t.nodes[t.kids[k]]}, style);
}

bool attr_null(const Chunk& ch, const Instance& in, const Attr& a) {
  const Template& t = *in.tmpl;
  if (a.part_end == a.part_begin) return false;
  for (std::uint32_t k = a.part_begin; k < a.part_end; ++k) {
    const Node& n = t.nodes[t.kids[k]];
    if (n.kind != NodeKind::subst || !is_null_value(value_of(ch, in, n))) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// JSON

void json_escape(std::string& out, std::string_view s) { detail::append_json_string(out, s); }

bool json_number_type(std::uint8_t t) {
  return t == kInt8 || t == kUInt8 || t == kInt16 || t == kUInt16 || t == kInt32 || t == kUInt32 || t == kInt64 || t == kUInt64;
}

// One scalar as JSON: integers and booleans bare, UTF-16 strings converted and escaped in one
// pass, every other form (hex, GUID, SID, times, reals, binary) quoted: their text is ASCII
// without characters that need escaping.
void json_scalar(std::string& out, std::uint8_t type, ByteView b) {
  const std::uint8_t base = type & 0x7F;
  if (base == kString) {
    detail::append_utf16_json(out, b.data(), b.size() / 2, true);
    return;
  }
  if (json_number_type(base) || base == kBool) {
    const std::size_t mark = out.size();
    append_scalar_text(out, base, b, Style::json);
    if (out.size() == mark) out += "null";  // too short for its type
    return;
  }
  if (base == kAnsiString) {
    std::string s;
    append_scalar_text(s, base, b, Style::json);
    json_escape(out, s);
    return;
  }
  out.push_back('"');
  append_scalar_text(out, base, b, Style::json);
  out.push_back('"');
}

void json_value_of_now(std::string& out, const Value* v);

void json_value_of(std::string& out, const Value* v) {
  if (g_rec && g_rec->ok && !is_null_value(v)) {
    if (v < g_rec->values || v >= g_rec->values + g_rec->count) {
      g_rec->ok = false;
    } else {
      Template::JsonPlan& p = g_rec->plan;
      const std::size_t lit = out.size() - g_rec->mark;
      p.steps.push_back({static_cast<std::uint32_t>(p.text.size()), static_cast<std::uint32_t>(lit),
                         static_cast<std::int32_t>(v - g_rec->values)});
      p.text.append(out, g_rec->mark, lit);
      json_value_of_now(out, v);
      g_rec->mark = out.size();
      return;
    }
  }
  json_value_of_now(out, v);
}

void json_value_of_now(std::string& out, const Value* v) {
  if (is_null_value(v)) {
    out += "null";
    return;
  }
  if (v->type & kArrayFlag) {
    out.push_back('[');
    bool first = true;
    for_each_array_item(*v, [&](ByteView item) {
      if (!first) out.push_back(',');
      first = false;
      json_scalar(out, v->type, item);
    });
    out.push_back(']');
    return;
  }
  json_scalar(out, v->type, v->bytes);
}

// The text content of an element (already known to have no element children) as one JSON value.
void json_texts(std::string& out, const Chunk& ch, const std::vector<Item>& texts) {
  if (texts.empty()) {
    out += "null";
    return;
  }
  if (texts.size() == 1) {
    if (texts[0].node->kind == NodeKind::subst) {
      json_value_of(out, value_of(ch, *texts[0].inst, *texts[0].node));
      return;
    }
    if (texts[0].node->kind == NodeKind::text) {
      json_escape(out, str(texts[0]));
      return;
    }
  }
  not_recordable();
  std::string s;
  for (const Item& it : texts) append_item_text(s, ch, it, Style::json);
  json_escape(out, s);
}

void json_attr_value(std::string& out, const Chunk& ch, const Instance& in, const Attr& a) {
  const Template& t = *in.tmpl;
  if (a.part_end - a.part_begin == 1) {
    const Node& n = t.nodes[t.kids[a.part_begin]];
    if (n.kind == NodeKind::subst) {
      json_value_of(out, value_of(ch, in, n));
      return;
    }
    if (n.kind == NodeKind::text) {
      json_escape(out, t.strings[n.str]);
      return;
    }
  }
  not_recordable();
  std::string s;
  attr_text(s, ch, in, a, Style::json);
  json_escape(out, s);
}

void json_element(std::string& out, const Chunk& ch, const Item& el, bool with_attrs, int depth);

struct Content {
  std::vector<Item> elements;
  std::vector<Item> texts;
};

// Scratch lists reused across records: one per nesting depth, so rendering a record does not
// allocate once the buffers have grown.
Content& scratch(int depth) {
  thread_local std::vector<std::unique_ptr<Content>> pool;
  const auto d = static_cast<std::size_t>(depth < 0 ? 0 : depth);
  while (pool.size() <= d) pool.push_back(std::make_unique<Content>());
  return *pool[d];
}

const Content& content_of(const Chunk& ch, const Item& el, int depth) {
  Content& c = scratch(depth);
  c.elements.clear();
  c.texts.clear();
  children(ch, el, [&](const Item& it) {
    if (it.node->kind == NodeKind::element) {
      if (!omitted(ch, it)) c.elements.push_back(it);
    } else if (is_text_kind(it.node->kind) && !item_null(ch, it)) {
      c.texts.push_back(it);
    }
  });
  return c;
}

// The Name attribute of a <Data> element, when it has one: a view of the template's literal
// text, or of buf when the name is substituted.
std::optional<std::string_view> data_name(const Chunk& ch, const Item& el, std::string& buf, std::uint32_t* literal = nullptr) {
  const Template& t = *el.inst->tmpl;
  for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end; ++a) {
    const Attr& at = t.attrs[a];
    if (t.strings[at.name] != "Name" || attr_null(ch, *el.inst, at)) continue;
    if (at.part_end - at.part_begin == 1 && t.nodes[t.kids[at.part_begin]].kind == NodeKind::text) {
      if (literal) *literal = t.nodes[t.kids[at.part_begin]].str;
      return std::string_view(t.strings[t.nodes[t.kids[at.part_begin]].str]);
    }
    if (literal) *literal = ~std::uint32_t{0};
    not_recordable();
    buf.clear();
    attr_text(buf, ch, *el.inst, at, Style::json);
    return std::string_view(buf);
  }
  return std::nullopt;
}

bool has_data_name(const Chunk& ch, const Item& el) {
  std::string buf;
  return data_name(ch, el, buf).has_value();
}

std::uint64_t key_hash(std::string_view k) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : k) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

// The quoted JSON form of a template string, "Name":, made once per template.
const std::string& json_key(const Template& t, std::uint32_t idx) {
  if (t.json_keys.size() != t.strings.size()) t.json_keys.assign(t.strings.size(), std::string());
  std::string& k = t.json_keys[idx];
  if (k.empty()) {
    detail::append_json_string(k, t.strings[idx]);
    k.push_back(':');
  }
  return k;
}

// Whether the children of element node idx always give distinct keys: every child element has a
// literal name (a Data element a literal Name attribute), no BinXml value can add elements, and
// no two names are equal.
bool distinct_keys(const Template& t, std::uint32_t idx) {
  if (t.distinct_keys.size() != t.nodes.size()) t.distinct_keys.assign(t.nodes.size(), 0);
  std::uint8_t& flag = t.distinct_keys[idx];
  if (flag != 0) return flag == 1;
  const Node& el = t.nodes[idx];
  std::vector<std::string_view> names;
  bool ok = true;
  for (std::uint32_t k = el.child_begin; k < el.child_end && ok; ++k) {
    const Node& n = t.nodes[t.kids[k]];
    if (n.kind == NodeKind::subst) {
      ok = n.value_type != kBinXml;
      continue;
    }
    if (n.kind != NodeKind::element) continue;
    std::string_view key = t.strings[n.str];
    if (key == "Data") {
      bool named = false;
      for (std::uint32_t a = n.attr_begin; a < n.attr_end; ++a) {
        const Attr& at = t.attrs[a];
        if (t.strings[at.name] != "Name") continue;
        if (at.part_end - at.part_begin == 1 && t.nodes[t.kids[at.part_begin]].kind == NodeKind::text) {
          key = t.strings[t.nodes[t.kids[at.part_begin]].str];
          named = true;
        }
        break;
      }
      if (!named) ok = false;
    }
    if (std::find(names.begin(), names.end(), key) != names.end()) ok = false;
    names.push_back(key);
  }
  flag = ok ? 1 : 2;
  return ok;
}

void json_members(std::string& out, const Chunk& ch, const std::vector<Item>& elements, bool& first, int depth, bool distinct) {
  // Keys already used in this object, by hash: a repeated key gets _1, _2, ... as the evtx
  // crate does. Hashes keep the check cheap for the twenty-odd keys of an EventData.
  // One list per depth, each behind its own pointer: a deeper call may grow the pool while
  // this frame still holds its list.
  thread_local std::vector<std::unique_ptr<std::vector<std::pair<std::uint64_t, std::string>>>> used_pool;
  const auto level = static_cast<std::size_t>(depth < 0 ? 0 : depth);
  while (used_pool.size() <= level) used_pool.push_back(std::make_unique<std::vector<std::pair<std::uint64_t, std::string>>>());
  auto& used = *used_pool[level];
  used.clear();
  bool data_done = false;
  auto seen = [&](std::string_view k, std::uint64_t h) {
    for (const auto& u : used) {
      if (u.first == h && u.second == k) return true;
    }
    return false;
  };
  // quoted: the key already quoted with its colon (template names), or empty to quote k here.
  auto key = [&](std::string_view k, const std::string* quoted) {
    if (distinct && quoted) {
      if (!first) out.push_back(',');
      first = false;
      out += *quoted;
      return;
    }
    std::uint64_t h = key_hash(k);
    std::string alt;
    if (seen(k, h)) {
      for (int i = 1;; ++i) {
        alt = std::string(k) + "_" + std::to_string(i);
        h = key_hash(alt);
        if (!seen(alt, h)) break;
      }
      k = alt;
      quoted = nullptr;
    }
    used.emplace_back(h, std::string(k));
    if (!first) out.push_back(',');
    first = false;
    if (quoted) {
      out += *quoted;
    } else {
      json_escape(out, k);
      out.push_back(':');
    }
  };
  std::string buf;
  for (const Item& c : elements) {
    const std::string& name = str(c);
    if (name == "Data") {
      std::uint32_t literal = ~std::uint32_t{0};
      if (auto dn = data_name(ch, c, buf, &literal)) {
        // A literal name is a template string, quoted once per template.
        key(*dn, literal != ~std::uint32_t{0} ? &json_key(*c.inst->tmpl, literal) : nullptr);
        json_element(out, ch, c, false, depth + 1);
        continue;
      }
      if (data_done) continue;
      data_done = true;
      key("Data", nullptr);
      out.push_back('[');
      bool f2 = true;
      for (const Item& d : elements) {
        if (str(d) != "Data" || has_data_name(ch, d)) continue;
        if (!f2) out.push_back(',');
        f2 = false;
        json_element(out, ch, d, false, depth + 1);
      }
      out.push_back(']');
      continue;
    }
    key(name, &json_key(*c.inst->tmpl, c.node->str));
    json_element(out, ch, c, true, depth + 1);
  }
}

void json_element(std::string& out, const Chunk& ch, const Item& el, bool with_attrs, int depth) {
  if (depth > 64) {
    out += "null";
    return;
  }
  const Template& t = *el.inst->tmpl;
  bool any_attr = false;
  if (with_attrs) {
    for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end && !any_attr; ++a) any_attr = !attr_null(ch, *el.inst, t.attrs[a]);
  }
  const Content& c = content_of(ch, el, depth);
  if (c.elements.empty() && !any_attr) {
    json_texts(out, ch, c.texts);
    return;
  }
  out.push_back('{');
  bool first = true;
  if (any_attr) {
    out += "\"#attributes\":{";
    bool fa = true;
    for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end; ++a) {
      if (attr_null(ch, *el.inst, t.attrs[a])) continue;
      if (!fa) out.push_back(',');
      fa = false;
      json_escape(out, t.strings[t.attrs[a].name]);
      out.push_back(':');
      json_attr_value(out, ch, *el.inst, t.attrs[a]);
    }
    out.push_back('}');
    first = false;
  }
  json_members(out, ch, c.elements, first, depth, distinct_keys(t, static_cast<std::uint32_t>(el.node - t.nodes.data())));
  if (!c.texts.empty()) {
    if (!first) out.push_back(',');
    out += "\"#text\":";
    json_texts(out, ch, c.texts);
  }
  out.push_back('}');
}

// ---------------------------------------------------------------------------------------------
// XML

void xml_escape(std::string& out, std::string_view s, bool attr) {
  for (const char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attr) out += "&quot;";
        else out.push_back(ch);
        break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
          char buf[10];
          std::snprintf(buf, sizeof buf, "&#x%X;", static_cast<unsigned>(static_cast<unsigned char>(ch)));
          out += buf;
        } else {
          out.push_back(ch);
        }
    }
  }
}

void xml_element(std::string& out, const Chunk& ch, const Item& el, int depth) {
  if (depth > 64 || omitted(ch, el)) return;
  const Template& t = *el.inst->tmpl;
  const std::string& name = str(el);
  std::string open;
  open.append(static_cast<std::size_t>(depth) * 2, ' ');
  open += '<';
  open += name;
  for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end; ++a) {
    const Attr& at = t.attrs[a];
    if (attr_null(ch, *el.inst, at)) continue;
    open += ' ';
    open += t.strings[at.name];
    open += "=\"";
    std::string v;
    attr_text(v, ch, *el.inst, at, Style::windows);
    xml_escape(open, v, true);
    open += '"';
  }
  const Content& c = content_of(ch, el, depth);
  if (c.elements.empty()) {
    if (c.texts.empty()) {
      out += open;
      out += "/>\n";
      return;
    }
    // An array value repeats the element once per item, as Windows renders it.
    if (c.texts.size() == 1 && c.texts[0].node->kind == NodeKind::subst) {
      const Value* v = value_of(ch, *c.texts[0].inst, *c.texts[0].node);
      if (v && (v->type & kArrayFlag)) {
        const std::size_t n = array_size(*v);
        if (n == 0) {
          out += open;
          out += "/>\n";
          return;
        }
        for (std::size_t i = 0; i < n; ++i) {
          std::string s;
          append_array_item(s, *v, i, Style::windows);
          out += open;
          out += '>';
          xml_escape(out, s, false);
          out += "</" + name + ">\n";
        }
        return;
      }
    }
    std::string s;
    for (const Item& it : c.texts) append_item_text(s, ch, it, Style::windows);
    out += open;
    out += '>';
    xml_escape(out, s, false);
    out += "</" + name + ">\n";
    return;
  }
  out += open;
  out += ">\n";
  for (const Item& it : c.texts) {
    std::string s;
    append_item_text(s, ch, it, Style::windows);
    out.append(static_cast<std::size_t>(depth + 1) * 2, ' ');
    xml_escape(out, s, false);
    out += '\n';
  }
  for (const Item& e : c.elements) xml_element(out, ch, e, depth + 1);
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
  out += "</" + name + ">\n";
}

// ---------------------------------------------------------------------------------------------
// Fields

enum class Section : std::uint8_t { top, event, system, event_data, user_data, other };

// Calls f(name, text) for each value of the element's text content: one call per array item.
template <class F>
bool emit_texts(const Chunk& ch, const std::vector<Item>& texts, std::string_view name, F&& f) {
  if (texts.size() == 1 && texts[0].node->kind == NodeKind::subst) {
    const Value* v = value_of(ch, *texts[0].inst, *texts[0].node);
    if (v && (v->type & kArrayFlag)) {
      const std::size_t n = array_size(*v);
      for (std::size_t i = 0; i < n; ++i) {
        std::string s;
        append_array_item(s, *v, i, Style::windows);
        if (!f(name, std::string_view(s))) return false;
      }
      return true;
    }
  }
  std::string s;
  for (const Item& it : texts) append_item_text(s, ch, it, Style::windows);
  return f(name, std::string_view(s));
}

// The walk that names fields. It reports through a sink: text(name, element, texts) for an
// element's text content and attr(name, element, attr) for a System attribute, each returning
// false to stop. One sink renders (for_each_field), another records where each field is
// (the field index); both see exactly the same fields.
template <class S>
bool walk(const Chunk& ch, const Item& el, Section sec, S& sink, int depth) {
  if (depth > 64 || omitted(ch, el)) return true;
  const Template& t = *el.inst->tmpl;
  const std::string& name = str(el);
  const Content& c = content_of(ch, el, depth);
  Section next = Section::other;
  switch (sec) {
    case Section::top: next = name == "Event" ? Section::event : Section::other; break;
    case Section::event:
      next = name == "System" ? Section::system : name == "EventData" ? Section::event_data
             : name == "UserData" ? Section::user_data : Section::other;
      break;
    case Section::system: {
      for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end; ++a) {
        const Attr& at = t.attrs[a];
        if (attr_null(ch, *el.inst, at)) continue;
        if (!sink.attr(name + "_" + t.strings[at.name], el, a)) return false;
      }
      if (c.elements.empty()) return c.texts.empty() || sink.text(name, el, c.texts);
      next = Section::other;
      break;
    }
    case Section::event_data:
      if (c.elements.empty()) {
        if (name == "Data") {
          std::string buf;
          std::uint32_t literal = ~std::uint32_t{0};
          const auto dn = data_name(ch, el, buf, &literal);
          if (dn && literal == ~std::uint32_t{0}) sink.dynamic_name();
          return sink.text(dn ? *dn : std::string_view("Data"), el, c.texts);
        }
        return sink.text(name, el, c.texts);
      }
      next = Section::event_data;
      break;
    case Section::user_data:
    case Section::other:
      if (c.elements.empty()) return c.texts.empty() || sink.text(name, el, c.texts);
      next = sec;
      break;
  }
  // c stays valid: deeper walks use the scratch lists of their own depths, and the sinks do not
  // touch them.
  for (const Item& e : c.elements) {
    if (!walk(ch, e, next, sink, depth + 1)) return false;
  }
  return true;
}

template <class F>
struct RenderSink {
  const Chunk& ch;
  F& f;
  bool text(std::string_view name, const Item&, const std::vector<Item>& texts) { return emit_texts(ch, texts, name, f); }
  bool attr(const std::string& name, const Item& el, std::uint32_t a) {
    std::string v;
    attr_text(v, ch, *el.inst, el.inst->tmpl->attrs[a], Style::windows);
    return f(std::string_view(name), std::string_view(v));
  }
  void dynamic_name() {}
};

struct IndexSink {
  const Chunk& ch;
  const Instance* root;
  Template::FieldIndex& index;
  Template::FieldRef ref(const Item& el, std::int32_t attr) const {
    Template::FieldRef r;
    r.instance = static_cast<std::int32_t>(el.inst - root);
    r.node = static_cast<std::uint32_t>(el.node - el.inst->tmpl->nodes.data());
    r.attr = attr;
    return r;
  }
  bool text(std::string_view name, const Item& el, const std::vector<Item>&) {
    index.by_name[std::string(name)].push_back(ref(el, -1));
    return true;
  }
  bool attr(const std::string& name, const Item& el, std::uint32_t a) {
    index.by_name[name].push_back(ref(el, static_cast<std::int32_t>(a)));
    return true;
  }
  void dynamic_name() { index.complete = false; }
};

// The key of a record's shape: its values' null pattern and the templates of its BinXml values
// (shared by the JSON plans and the field index).
void shape_key(const Chunk& ch, const Record& r, std::string& key) {
  const Value* values = ch.values().data() + r.value_begin;
  const std::size_t count = r.value_end - r.value_begin;
  key.clear();
  for (std::size_t i = 0; i < count; ++i) {
    const Value& v = values[i];
    if (is_null_value(&v)) {
      key.push_back('n');
    } else if (v.type == kBinXml && v.nested >= 0) {
      key.push_back('b');
      const Template* nt = ch.instances()[static_cast<std::size_t>(v.nested)].tmpl;
      key.append(reinterpret_cast<const char*>(&nt), sizeof nt);
    } else {
      key.push_back('v');
    }
  }
}

}  // namespace

void RecordView::for_each_field(const std::function<bool(std::string_view, std::string_view)>& f) const {
  if (!ok()) return;
  const Instance& in = chunk_->instances()[static_cast<std::size_t>(record_->instance)];
  auto fn = f;
  RenderSink<decltype(fn)> sink{*chunk_, fn};
  bool go = true;
  roots(*chunk_, in, [&](const Item& it) {
    if (go && it.node->kind == NodeKind::element) go = walk(*chunk_, it, Section::top, sink, 0);
  });
}

namespace {

// The field index for this record's template and shape, built on first use (at most 8 shapes
// per template are kept; beyond that, lookups walk).
const Template::FieldIndex* field_index(const Chunk& ch, const Record& r) {
  const Instance& in = ch.instances()[static_cast<std::size_t>(r.instance)];
  const Template& t = *in.tmpl;
  thread_local std::string key;
  shape_key(ch, r, key);
  for (const auto& ix : t.field_indexes) {
    if (ix.key == key) return ix.complete ? &ix : nullptr;
  }
  if (t.field_indexes.size() >= 8) return nullptr;
  t.field_indexes.reserve(8);  // never reallocated: views keep pointers to their index
  Template::FieldIndex ix;
  ix.key = key;
  IndexSink sink{ch, &in, ix};
  roots(ch, in, [&](const Item& it) {
    if (it.node->kind == NodeKind::element) walk(ch, it, Section::top, sink, 0);
  });
  t.field_indexes.push_back(std::move(ix));
  return t.field_indexes.back().complete ? &t.field_indexes.back() : nullptr;
}

// Renders the values of one indexed field occurrence, as the walk would: f(text) per value.
template <class F>
bool indexed_values(const Chunk& ch, const Record& r, const Template::FieldRef& ref, F&& f) {
  const auto root = static_cast<std::int64_t>(r.instance);
  const Instance& in = ch.instances()[static_cast<std::size_t>(root + ref.instance)];
  const Item el{&in, &in.tmpl->nodes[ref.node]};
  if (ref.attr >= 0) {
    std::string v;
    attr_text(v, ch, in, in.tmpl->attrs[static_cast<std::size_t>(ref.attr)], Style::windows);
    return f(std::string_view(v));
  }
  const Content& c = content_of(ch, el, 70);
  return emit_texts(ch, c.texts, std::string_view(), [&](std::string_view, std::string_view v) { return f(v); });
}

}  // namespace

const Template::FieldIndex* RecordView::index() const {
  if (!index_known_) {
    index_ = field_index(*chunk_, *record_);
    index_known_ = true;
  }
  return index_;
}

std::optional<std::string> RecordView::field(std::string_view name) const {
  std::optional<std::string> out;
  if (!ok()) return out;
  if (const Template::FieldIndex* ix = index()) {
    const auto it = ix->by_name.find(std::string(name));
    if (it == ix->by_name.end()) return out;
    for (const Template::FieldRef& ref : it->second) {
      indexed_values(*chunk_, *record_, ref, [&](std::string_view v) {
        out = std::string(v);
        return false;
      });
      if (out) return out;
    }
    return out;
  }
  for_each_field([&](std::string_view k, std::string_view v) {
    if (k != name) return true;
    out = std::string(v);
    return false;
  });
  return out;
}

void RecordView::field_values(std::string_view name, const std::function<void(std::string_view)>& f) const {
  if (!ok()) return;
  if (const Template::FieldIndex* ix = index()) {
    const auto it = ix->by_name.find(std::string(name));
    if (it == ix->by_name.end()) return;
    for (const Template::FieldRef& ref : it->second) {
      indexed_values(*chunk_, *record_, ref, [&](std::string_view v) {
        f(v);
        return true;
      });
    }
    return;
  }
  for_each_field([&](std::string_view k, std::string_view v) {
    if (k == name) f(v);
    return true;
  });
}

void RecordView::append_json(std::string& out) const {
  if (!ok()) {
    out += "null";
    return;
  }
  const Instance& in = chunk_->instances()[static_cast<std::size_t>(record_->instance)];
  const Template& t = *in.tmpl;
  // Every value of the record, nested instances' included, lies in one range of the chunk's
  // values; its shape (null pattern, templates of BinXml values) picks the plan.
  const Value* values = chunk_->values().data() + record_->value_begin;
  const std::size_t count = record_->value_end - record_->value_begin;
  thread_local std::string key;
  shape_key(*chunk_, *record_, key);
  for (const Template::JsonPlan& p : t.json_plans) {
    if (p.key != key) continue;
    for (const Template::JsonStep& st : p.steps) {
      out.append(p.text, st.literal_begin, st.literal_size);
      if (st.value >= 0) json_value_of_now(out, &values[st.value]);
    }
    return;
  }
  Recorder rec;
  const bool record = t.json_plans.size() < 8;
  if (record) {
    rec.out = &out;
    rec.values = values;
    rec.count = count;
    rec.mark = out.size();
    rec.base = out.size();
    rec.plan.key = key;
    g_rec = &rec;
  }
  std::vector<Item> elements;
  roots(*chunk_, in, [&](const Item& it) {
    if (it.node->kind == NodeKind::element && !omitted(*chunk_, it)) elements.push_back(it);
  });
  out.push_back('{');
  bool first = true;
  json_members(out, *chunk_, elements, first, 0, false);
  out.push_back('}');
  g_rec = nullptr;
  if (record && rec.ok) {
    const std::size_t lit = out.size() - rec.mark;
    rec.plan.steps.push_back({static_cast<std::uint32_t>(rec.plan.text.size()), static_cast<std::uint32_t>(lit), -1});
    rec.plan.text.append(out, rec.mark, lit);
    t.json_plans.push_back(std::move(rec.plan));
  }
}

std::string RecordView::to_json() const {
  std::string s;
  append_json(s);
  return s;
}

void RecordView::append_xml(std::string& out) const {
  if (!ok()) return;
  const Instance& in = chunk_->instances()[static_cast<std::size_t>(record_->instance)];
  roots(*chunk_, in, [&](const Item& it) {
    if (it.node->kind == NodeKind::element) xml_element(out, *chunk_, it, 0);
  });
}

}  // namespace emoguard::formats::evtx
