// A parsed record read three ways: fields by name, JSON in the evtx crate's shape, and XML.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "formats/evtx/evtx.hpp"

namespace emoguard::formats::evtx {

namespace {

struct Item {
  const Instance* inst;
  const Node* node;
};

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

void append_codepoint(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
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
    case NodeKind::char_ref: append_codepoint(out, it.node->index); return;
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

void json_escape(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

bool json_number_type(std::uint8_t t) {
  return t == kInt8 || t == kUInt8 || t == kInt16 || t == kUInt16 || t == kInt32 || t == kUInt32 || t == kInt64 || t == kUInt64;
}

// One scalar of a given type as JSON: integers bare, booleans bare, everything else a string.
void json_typed(std::string& out, std::uint8_t type, const Value& v, std::size_t item, bool is_item) {
  std::string s;
  if (is_item) append_array_item(s, v, item, Style::json);
  else append_value_text(s, v, Style::json);
  const std::uint8_t base = type & 0x7F;
  if ((json_number_type(base) || base == kBool) && !s.empty()) {
    out += s;
  } else {
    json_escape(out, s);
  }
}

void json_value_of(std::string& out, const Value* v) {
  if (is_null_value(v)) {
    out += "null";
    return;
  }
  if (v->type & kArrayFlag) {
    out.push_back('[');
    const std::size_t n = array_size(*v);
    for (std::size_t i = 0; i < n; ++i) {
      if (i) out.push_back(',');
      json_typed(out, v->type, *v, i, true);
    }
    out.push_back(']');
    return;
  }
  json_typed(out, v->type, *v, 0, false);
}

// The text content of an element (already known to have no element children) as one JSON value.
void json_texts(std::string& out, const Chunk& ch, const std::vector<Item>& texts) {
  if (texts.empty()) {
    out += "null";
    return;
  }
  if (texts.size() == 1 && texts[0].node->kind == NodeKind::subst) {
    json_value_of(out, value_of(ch, *texts[0].inst, *texts[0].node));
    return;
  }
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
  }
  std::string s;
  attr_text(s, ch, in, a, Style::json);
  json_escape(out, s);
}

void json_element(std::string& out, const Chunk& ch, const Item& el, bool with_attrs, int depth);

struct Content {
  std::vector<Item> elements;
  std::vector<Item> texts;
};

Content content_of(const Chunk& ch, const Item& el) {
  Content c;
  children(ch, el, [&](const Item& it) {
    if (it.node->kind == NodeKind::element) {
      if (!omitted(ch, it)) c.elements.push_back(it);
    } else if (is_text_kind(it.node->kind) && !item_null(ch, it)) {
      c.texts.push_back(it);
    }
  });
  return c;
}

// The Name attribute of a <Data> element, when it has one.
std::optional<std::string> data_name(const Chunk& ch, const Item& el) {
  const Template& t = *el.inst->tmpl;
  for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end; ++a) {
    const Attr& at = t.attrs[a];
    if (t.strings[at.name] == "Name" && !attr_null(ch, *el.inst, at)) {
      std::string s;
      attr_text(s, ch, *el.inst, at, Style::json);
      return s;
    }
  }
  return std::nullopt;
}

void json_members(std::string& out, const Chunk& ch, const std::vector<Item>& elements, bool& first, int depth) {
  std::vector<std::string> used;
  bool data_done = false;
  auto key = [&](std::string k) {
    std::string base = k;
    for (int i = 1; std::find(used.begin(), used.end(), k) != used.end(); ++i) k = base + "_" + std::to_string(i);
    used.push_back(k);
    if (!first) out.push_back(',');
    first = false;
    json_escape(out, k);
    out.push_back(':');
  };
  for (const Item& c : elements) {
    const std::string& name = str(c);
    if (name == "Data") {
      if (auto dn = data_name(ch, c)) {
        key(*dn);
        json_element(out, ch, c, false, depth + 1);
        continue;
      }
      if (data_done) continue;
      data_done = true;
      key("Data");
      out.push_back('[');
      bool f2 = true;
      for (const Item& d : elements) {
        if (str(d) != "Data" || data_name(ch, d)) continue;
        if (!f2) out.push_back(',');
        f2 = false;
        json_element(out, ch, d, false, depth + 1);
      }
      out.push_back(']');
      continue;
    }
    key(name);
    json_element(out, ch, c, true, depth + 1);
  }
}

void json_element(std::string& out, const Chunk& ch, const Item& el, bool with_attrs, int depth) {
  if (depth > 64) {
    out += "null";
    return;
  }
  const Template& t = *el.inst->tmpl;
  std::vector<const Attr*> attrs;
  if (with_attrs) {
    for (std::uint32_t a = el.node->attr_begin; a < el.node->attr_end; ++a) {
      if (!attr_null(ch, *el.inst, t.attrs[a])) attrs.push_back(&t.attrs[a]);
    }
  }
  const Content c = content_of(ch, el);
  if (c.elements.empty() && attrs.empty()) {
    json_texts(out, ch, c.texts);
    return;
  }
  out.push_back('{');
  bool first = true;
  if (!attrs.empty()) {
    out += "\"#attributes\":{";
    bool fa = true;
    for (const Attr* a : attrs) {
      if (!fa) out.push_back(',');
      fa = false;
      json_escape(out, t.strings[a->name]);
      out.push_back(':');
      json_attr_value(out, ch, *el.inst, *a);
    }
    out.push_back('}');
    first = false;
  }
  json_members(out, ch, c.elements, first, depth);
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
  const Content c = content_of(ch, el);
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

template <class F>
bool walk(const Chunk& ch, const Item& el, Section sec, F&& f, int depth) {
  if (depth > 64 || omitted(ch, el)) return true;
  const Template& t = *el.inst->tmpl;
  const std::string& name = str(el);
  const Content c = content_of(ch, el);
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
        std::string v;
        attr_text(v, ch, *el.inst, at, Style::windows);
        if (!f(name + "_" + t.strings[at.name], std::string_view(v))) return false;
      }
      if (c.elements.empty()) return c.texts.empty() || emit_texts(ch, c.texts, name, f);
      next = Section::other;
      break;
    }
    case Section::event_data:
      if (c.elements.empty()) {
        if (name == "Data") {
          const auto dn = data_name(ch, el);
          return emit_texts(ch, c.texts, dn ? std::string_view(*dn) : std::string_view("Data"), f);
        }
        return emit_texts(ch, c.texts, name, f);
      }
      next = Section::event_data;
      break;
    case Section::user_data:
    case Section::other:
      if (c.elements.empty()) return c.texts.empty() || emit_texts(ch, c.texts, name, f);
      next = sec;
      break;
  }
  for (const Item& e : c.elements) {
    if (!walk(ch, e, next, f, depth + 1)) return false;
  }
  return true;
}

}  // namespace

void RecordView::for_each_field(const std::function<bool(std::string_view, std::string_view)>& f) const {
  if (!ok()) return;
  const Instance& in = chunk_->instances()[static_cast<std::size_t>(record_->instance)];
  bool go = true;
  roots(*chunk_, in, [&](const Item& it) {
    if (go && it.node->kind == NodeKind::element) go = walk(*chunk_, it, Section::top, f, 0);
  });
}

std::optional<std::string> RecordView::field(std::string_view name) const {
  std::optional<std::string> out;
  for_each_field([&](std::string_view k, std::string_view v) {
    if (k != name) return true;
    out = std::string(v);
    return false;
  });
  return out;
}

void RecordView::append_json(std::string& out) const {
  if (!ok()) {
    out += "null";
    return;
  }
  const Instance& in = chunk_->instances()[static_cast<std::size_t>(record_->instance)];
  std::vector<Item> elements;
  roots(*chunk_, in, [&](const Item& it) {
    if (it.node->kind == NodeKind::element && !omitted(*chunk_, it)) elements.push_back(it);
  });
  out.push_back('{');
  bool first = true;
  json_members(out, *chunk_, elements, first, 0);
  out.push_back('}');
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
