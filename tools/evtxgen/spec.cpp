// Reads a JSON event description (see README.md) into templates and per-event substitution values.
#include "spec.hpp"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>

namespace emoguard::evtxgen {
namespace {

constexpr std::string_view kEventNamespace = "http://schemas.microsoft.com/win/2004/08/events/event";
constexpr int kMaxDepth = 32;

// The System values, numbered as the Windows event log service numbers them (seen in Sysmon,
// Security and PowerShell logs): the body follows at index 17.
enum SystemIndex : std::uint16_t {
  kLevel = 0,
  kOpcode = 1,
  kTask = 2,
  kEventId = 3,
  kQualifiers = 4,
  kKeywords = 5,
  kTimeCreated = 6,
  kActivityId = 7,
  kProcessId = 8,
  kThreadId = 9,
  kEventRecordId = 10,
  kVersion = 11,
  kUserId = 12,
  kRelatedActivityId = 13,
  kProviderName = 14,
  kProviderGuid = 15,
  kChannel = 16,
  kSystemCount = 17,
};

[[noreturn]] void fail(const std::string& path, const std::string& msg) { throw InputError(path + ": " + msg); }

void check_keys(const Json& obj, std::initializer_list<std::string_view> allowed, const std::string& path) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::string list;
    for (const auto k : allowed) list += (list.empty() ? "" : ", ") + std::string(k);
    fail(path, "unknown key '" + it.key() + "' (allowed: " + list + ")");
  }
}

std::string join(const std::string& path, std::string_view key) { return path + "." + std::string(key); }

// Letters, digits, '_', '-', '.', ':' and non-ASCII; not starting with a digit, '-' or '.'.
void check_xml_name(std::string_view name, const std::string& path) {
  auto ok_first = [](unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80; };
  auto ok_rest = [&](unsigned char c) { return ok_first(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':'; };
  if (name.empty()) fail(path, "an XML name cannot be empty");
  if (!ok_first(static_cast<unsigned char>(name[0]))) fail(path, "'" + std::string(name) + "' is not an XML name");
  for (const char c : name)
    if (!ok_rest(static_cast<unsigned char>(c))) fail(path, "'" + std::string(name) + "' is not an XML name");
  (void)to_utf16(name, path);
}

void check_literal(const Json& v, const std::string& path) {
  if (!v.is_string()) fail(path, "expected a string, got " + std::string(v.type_name()));
  if (to_utf16(v.get<std::string>(), path).size() > 0xFFFF) fail(path, "longer than 65535 UTF-16 units");
}

// {"type": "...", "value": ...}: a value with an explicit type.
bool is_typed(const Json& v) {
  if (!v.is_object() || !v.contains("type") || !v["type"].is_string()) return false;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it.key() != "type" && it.key() != "value") return false;
  return true;
}

// Collects the values of one template instance; a substitution's index is its position here.
struct ValueSink {
  std::vector<Value> values;
  std::uint16_t base = 0;

  std::uint16_t next_index(const std::string& path) const {
    const std::size_t i = base + values.size();
    if (i > 0xFFFF) fail(path, "too many values in one template");
    return static_cast<std::uint16_t>(i);
  }
};

class Builder {
 public:
  explicit Builder(Spec& spec) : spec_(spec) {}

  Event event(const Json& ev, const std::string& path, const std::string& default_computer, const std::string& default_layout,
              std::uint64_t default_time);

 private:
  Subst add_value(ValueSink& sink, const Json& v, const std::string& path, int depth);
  Node element_tree(std::string_view name, const Json& body, ValueSink& sink, const std::string& path, int depth);
  std::shared_ptr<const Fragment> fragment(const Json& v, const std::string& path, int depth);

  Spec& spec_;
};

// Turns a JSON value (plain or typed) into an instance value and returns its substitution.
Subst Builder::add_value(ValueSink& sink, const Json& v, const std::string& path, int depth) {
  if (depth > kMaxDepth) fail(path, "nested deeper than " + std::to_string(kMaxDepth));
  const std::uint16_t index = sink.next_index(path);
  std::uint8_t type = 0;
  const Json* value = &v;
  static const Json kNullJson = nullptr;
  if (is_typed(v)) {
    const auto name = v["type"].get<std::string>();
    const auto t = type_from_name(name);
    if (!t) fail(path, "unknown value type '" + name + "' (see README.md for the list)");
    type = *t;
    value = v.contains("value") ? &v["value"] : &kNullJson;
    if (!v.contains("value") && type != vt::kNull) fail(path, "a typed value needs \"value\"");
  } else if (v.is_object()) {
    fail(path, "an object here must be a typed value {\"type\": ..., \"value\": ...}");
  } else {
    type = default_type(v, path);
  }
  Value out;
  if (type == vt::kBinXml) {
    out.type = vt::kBinXml;
    out.nested = fragment(*value, path, depth + 1);
  } else {
    out = encode_value(type, *value, path);
  }
  sink.values.push_back(std::move(out));
  // A null goes through an optional substitution (MS-EVEN6: its element or attribute is then left
  // out), declared as a string; libevtx refuses a null in a normal substitution.
  if (type == vt::kNull) return Subst{index, vt::kString, true};
  return Subst{index, type, false};
}

// A binxml value: {"RootElement": {...}} becomes a fragment with an instance of its own template.
std::shared_ptr<const Fragment> Builder::fragment(const Json& v, const std::string& path, int depth) {
  if (!v.is_object() || v.size() != 1)
    fail(path, "a binxml value is an object with exactly one key, the root element: {\"Root\": {...}}");
  ValueSink sink;
  const auto it = v.begin();
  Node root = element_tree(it.key(), it.value(), sink, join(path, it.key()), depth + 1);
  auto frag = std::make_shared<Fragment>();
  frag->tmpl = spec_.registry.intern(std::move(root), static_cast<std::uint16_t>(sink.values.size()));
  frag->values = std::move(sink.values);
  return frag;
}

// An element tree: an object's keys are child elements in order ("#attributes" and "#text" are
// special), an array repeats the element, anything else is the element's value.
Node Builder::element_tree(std::string_view name, const Json& body, ValueSink& sink, const std::string& path, int depth) {
  if (depth > kMaxDepth) fail(path, "nested deeper than " + std::to_string(kMaxDepth));
  check_xml_name(name, path);
  Node e = Node::element(name);
  if (!body.is_object() || is_typed(body)) {
    if (body.is_array()) fail(path, "a list of elements must be under a key naming them");
    const Subst s = add_value(sink, body, path, depth);
    e.children.push_back(Node::substitution(s.index, s.type, s.optional));
    return e;
  }
  for (auto it = body.begin(); it != body.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    const std::string kpath = join(path, key);
    if (key == "#attributes") {
      if (!v.is_object()) fail(kpath, "expected an object of attribute names and values");
      for (auto a = v.begin(); a != v.end(); ++a) {
        const std::string apath = join(kpath, a.key());
        check_xml_name(a.key(), apath);
        if (a.value().is_string()) {
          check_literal(a.value(), apath);
          e.add_literal_attribute(a.key(), a.value().get<std::string>());
        } else {
          const Subst s = add_value(sink, a.value(), apath, depth + 1);
          e.add_subst_attribute(a.key(), s.index, s.type, s.optional);
        }
      }
    } else if (key == "#text") {
      const Subst s = add_value(sink, v, kpath, depth + 1);
      e.children.push_back(Node::substitution(s.index, s.type, s.optional));
    } else if (v.is_array()) {
      std::size_t i = 0;
      for (const Json& item : v) {
        Node child = element_tree(key, item, sink, kpath + "[" + std::to_string(i++) + "]", depth + 1);
        e.children.push_back(std::move(child));
      }
    } else {
      Node child = element_tree(key, v, sink, kpath, depth + 1);
      e.children.push_back(std::move(child));
    }
  }
  return e;
}

std::uint64_t get_unsigned(const Json& ev, std::string_view key, std::uint64_t max, std::uint64_t def, const std::string& path) {
  if (!ev.contains(key)) return def;
  return parse_unsigned(ev[std::string(key)], max, join(path, key));
}

// An unsigned System value of a fixed-size type.
Value uint_value(std::uint8_t type, std::uint64_t v) {
  Value out;
  out.type = type;
  const std::size_t n = type == vt::kUInt8 ? 1 : type == vt::kUInt16 ? 2 : type == vt::kUInt32 ? 4 : 8;
  for (std::size_t i = 0; i < n; ++i) put_u8(out.data, static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
  return out;
}

Value null_value() { return Value{}; }

Value optional_value(const Json& ev, std::string_view key, std::uint8_t type, const std::string& path) {
  if (!ev.contains(key) || ev[std::string(key)].is_null()) return null_value();
  return encode_value(type, ev[std::string(key)], join(path, key));
}

std::string get_string(const Json& ev, std::string_view key, const std::string& path) {
  const Json& v = ev[std::string(key)];
  check_literal(v, join(path, key));
  return v.get<std::string>();
}

Event Builder::event(const Json& ev, const std::string& path, const std::string& default_computer,
                     const std::string& default_layout, std::uint64_t default_time) {
  if (!ev.is_object()) fail(path, "an event is a JSON object");
  check_keys(ev,
             {"comment", "provider", "guid", "literal_provider", "event_id", "qualifiers", "version", "level", "task", "opcode",
              "keywords", "time", "process_id", "thread_id", "channel", "computer", "user_sid", "activity_id",
              "related_activity_id", "layout", "event_data", "data", "user_data"},
             path);
  for (const char* required : {"provider", "event_id", "channel"})
    if (!ev.contains(required)) fail(path, std::string("missing \"") + required + "\"");
  const std::string provider = get_string(ev, "provider", path);
  const std::string channel = get_string(ev, "channel", path);
  std::string computer = default_computer;
  if (ev.contains("computer")) computer = get_string(ev, "computer", path);
  if (computer.empty()) fail(path, "no \"computer\" here nor at the top level");
  std::string layout = default_layout;
  if (ev.contains("layout")) layout = get_string(ev, "layout", path);
  if (layout != "nested" && layout != "flat") fail(join(path, "layout"), "must be \"nested\" or \"flat\", not '" + layout + "'");
  const bool has_guid = ev.contains("guid") && !ev["guid"].is_null();
  if (has_guid) (void)parse_guid(get_string(ev, "guid", path), join(path, "guid"));
  bool literal_provider = !has_guid;  // manifest providers (with a GUID) get substitutions, classic ones literals
  if (ev.contains("literal_provider")) {
    if (!ev["literal_provider"].is_boolean()) fail(join(path, "literal_provider"), "expected true or false");
    literal_provider = ev["literal_provider"].get<bool>();
  }
  int bodies = 0;
  for (const char* k : {"event_data", "data", "user_data"}) bodies += ev.contains(k) ? 1 : 0;
  if (bodies > 1) fail(path, "give at most one of \"event_data\", \"data\" and \"user_data\"");

  Event out;
  out.path = path;
  out.time = default_time;
  if (ev.contains("time")) out.time = parse_filetime(ev["time"], join(path, "time"));

  // System values.
  ValueSink sink;
  sink.values.resize(kSystemCount);
  auto& sv = sink.values;
  sv[kLevel] = uint_value(vt::kUInt8, get_unsigned(ev, "level", 0xFF, 4, path));
  sv[kOpcode] = uint_value(vt::kUInt8, get_unsigned(ev, "opcode", 0xFF, 0, path));
  sv[kTask] = uint_value(vt::kUInt16, get_unsigned(ev, "task", 0xFFFF, 0, path));
  sv[kEventId] = uint_value(vt::kUInt16, get_unsigned(ev, "event_id", 0xFFFF, 0, path));
  sv[kQualifiers] = ev.contains("qualifiers") && !ev["qualifiers"].is_null()
                        ? uint_value(vt::kUInt16, get_unsigned(ev, "qualifiers", 0xFFFF, 0, path))
                        : null_value();
  sv[kKeywords] = uint_value(vt::kHexInt64, get_unsigned(ev, "keywords", ~0ULL, 0, path));
  sv[kTimeCreated] = uint_value(vt::kFileTime, out.time);
  sv[kActivityId] = optional_value(ev, "activity_id", vt::kGuid, path);
  sv[kProcessId] = uint_value(vt::kUInt32, get_unsigned(ev, "process_id", 0xFFFFFFFFULL, 0, path));
  sv[kThreadId] = uint_value(vt::kUInt32, get_unsigned(ev, "thread_id", 0xFFFFFFFFULL, 0, path));
  sv[kEventRecordId] = uint_value(vt::kUInt64, 0);
  sv[kVersion] = uint_value(vt::kUInt8, get_unsigned(ev, "version", 0xFF, 0, path));
  sv[kUserId] = optional_value(ev, "user_sid", vt::kSid, path);
  sv[kRelatedActivityId] = optional_value(ev, "related_activity_id", vt::kGuid, path);
  if (!literal_provider) {
    sv[kProviderName] = encode_value(vt::kString, ev["provider"], join(path, "provider"));
    sv[kProviderGuid] = optional_value(ev, "guid", vt::kGuid, path);
    sv[kChannel] = encode_value(vt::kString, ev["channel"], join(path, "channel"));
  }

  // The System template: optional substitutions, and the dependency ids Windows writes.
  Node root = Node::element("Event");
  root.add_literal_attribute("xmlns", kEventNamespace);
  Node system = Node::element("System");
  {
    Node p = Node::element("Provider");
    if (literal_provider) {
      p.add_literal_attribute("Name", provider);
      if (has_guid) p.add_literal_attribute("Guid", ev["guid"].get<std::string>());
    } else {
      p.add_subst_attribute("Name", kProviderName, vt::kString, true);
      p.add_subst_attribute("Guid", kProviderGuid, vt::kGuid, true);
    }
    system.children.push_back(std::move(p));
  }
  {
    Node id = Node::element("EventID", kEventId);
    id.add_subst_attribute("Qualifiers", kQualifiers, vt::kUInt16, true);
    id.children.push_back(Node::substitution(kEventId, vt::kUInt16, true));
    system.children.push_back(std::move(id));
  }
  auto simple = [&](std::string_view name, std::uint16_t index, std::uint8_t type) {
    Node n = Node::element(name, index);
    n.children.push_back(Node::substitution(index, type, true));
    system.children.push_back(std::move(n));
  };
  simple("Version", kVersion, vt::kUInt8);
  simple("Level", kLevel, vt::kUInt8);
  simple("Task", kTask, vt::kUInt16);
  simple("Opcode", kOpcode, vt::kUInt8);
  simple("Keywords", kKeywords, vt::kHexInt64);
  {
    Node t = Node::element("TimeCreated");
    t.add_subst_attribute("SystemTime", kTimeCreated, vt::kFileTime, true);
    system.children.push_back(std::move(t));
  }
  simple("EventRecordID", kEventRecordId, vt::kUInt64);
  {
    Node c = Node::element("Correlation");
    c.add_subst_attribute("ActivityID", kActivityId, vt::kGuid, true);
    c.add_subst_attribute("RelatedActivityID", kRelatedActivityId, vt::kGuid, true);
    system.children.push_back(std::move(c));
  }
  {
    Node x = Node::element("Execution");
    x.add_subst_attribute("ProcessID", kProcessId, vt::kUInt32, true);
    x.add_subst_attribute("ThreadID", kThreadId, vt::kUInt32, true);
    system.children.push_back(std::move(x));
  }
  if (literal_provider) {
    Node c = Node::element("Channel");
    c.children.push_back(Node::literal(channel));
    system.children.push_back(std::move(c));
  } else {
    simple("Channel", kChannel, vt::kString);
  }
  {
    Node c = Node::element("Computer");  // Windows writes the computer name into the template
    c.children.push_back(Node::literal(computer));
    system.children.push_back(std::move(c));
  }
  {
    Node s = Node::element("Security");
    s.add_subst_attribute("UserID", kUserId, vt::kSid, true);
    system.children.push_back(std::move(s));
  }
  root.children.push_back(std::move(system));

  // The body: EventData (named or unnamed Data) or UserData.
  const bool nested = layout == "nested";
  ValueSink nested_sink;
  ValueSink& body_sink = nested ? nested_sink : sink;
  // flat: the body's values follow the System values in the same instance.
  std::optional<Node> body;
  bool user_data = false;
  if (ev.contains("event_data")) {
    const Json& ed = ev["event_data"];
    const std::string epath = join(path, "event_data");
    if (!ed.is_object() || is_typed(ed)) fail(epath, "expected an object of Data names and values");
    Node e = Node::element("EventData");
    for (auto it = ed.begin(); it != ed.end(); ++it) {
      const std::string dpath = join(epath, it.key());
      check_literal(Json(it.key()), dpath);
      Node d = Node::element("Data");
      d.add_literal_attribute("Name", it.key());
      const Subst s = add_value(body_sink, it.value(), dpath, 1);
      d.children.push_back(Node::substitution(s.index, s.type, s.optional));
      e.children.push_back(std::move(d));
    }
    body = std::move(e);
  } else if (ev.contains("data")) {
    const Json& dv = ev["data"];
    const std::string dpath = join(path, "data");
    Node e = Node::element("EventData");
    auto add_data = [&](const Json& item, const std::string& ipath) {
      Node d = Node::element("Data");
      const Subst s = add_value(body_sink, item, ipath, 1);
      d.children.push_back(Node::substitution(s.index, s.type, s.optional));
      e.children.push_back(std::move(d));
    };
    if (dv.is_array()) {
      std::size_t i = 0;
      for (const Json& item : dv) add_data(item, dpath + "[" + std::to_string(i++) + "]");
    } else {
      add_data(dv, dpath);  // one <Data>, e.g. a string array as Windows PowerShell writes it
    }
    body = std::move(e);
  } else if (ev.contains("user_data")) {
    const Json& ud = ev["user_data"];
    const std::string upath = join(path, "user_data");
    if (!ud.is_object() || ud.size() != 1 || is_typed(ud))
      fail(upath, "expected an object with exactly one key, the root element: {\"RuleAndFileData\": {...}}");
    body = element_tree(ud.begin().key(), ud.begin().value(), body_sink, join(upath, ud.begin().key()), 1);
    user_data = true;
  }

  if (nested && body) {
    // Windows: the System template ends with an optional binxml substitution holding the body.
    Value b;
    b.type = vt::kBinXml;
    auto frag = std::make_shared<Fragment>();
    frag->tmpl = spec_.registry.intern(std::move(*body), static_cast<std::uint16_t>(nested_sink.values.size()));
    frag->values = std::move(nested_sink.values);
    b.nested = std::move(frag);
    sink.values.push_back(std::move(b));
    // An element's dependency id names the value whose null would drop it: the optional
    // substitution among its children (libevtx drops the whole Event when that value is null).
    if (user_data) {
      Node w = Node::element("UserData", kSystemCount);
      w.children.push_back(Node::substitution(kSystemCount, vt::kBinXml, true));
      root.children.push_back(std::move(w));
    } else {
      root.dependency = kSystemCount;
      root.children.push_back(Node::substitution(kSystemCount, vt::kBinXml, true));
    }
  } else if (body) {  // flat
    if (user_data) {
      Node w = Node::element("UserData");
      w.children.push_back(std::move(*body));
      root.children.push_back(std::move(w));
    } else {
      root.children.push_back(std::move(*body));
    }
  }
  if (sink.values.size() > 0xFFFF) fail(path, "too many values");
  out.tmpl = spec_.registry.intern(std::move(root), static_cast<std::uint16_t>(sink.values.size()));
  out.values = std::move(sink.values);
  return out;
}

}  // namespace

std::unique_ptr<Spec> parse_spec(const std::string& text, const std::string& what) {
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 3, column 7: ..."
    std::string msg = e.what();
    if (const auto p = msg.find("] "); p != std::string::npos) msg = msg.substr(p + 2);
    throw InputError(what + ": not valid JSON: " + msg);
  }
  if (!doc.is_object()) throw InputError(what + ": the top level must be a JSON object");
  const std::string top = what + ": ";
  auto spec = std::make_unique<Spec>();
  try {
    check_keys(doc, {"comment", "computer", "start_record_id", "layout", "events"}, "top level");
    std::string computer;
    if (doc.contains("computer")) computer = get_string(doc, "computer", "top level");
    std::string layout = "nested";
    if (doc.contains("layout")) layout = get_string(doc, "layout", "top level");
    if (doc.contains("start_record_id"))
      spec->start_record_id = parse_unsigned(doc["start_record_id"], 0x7FFFFFFFFFFFFFFFULL, "start_record_id");
    if (!doc.contains("events") || !doc["events"].is_array()) throw InputError("missing \"events\" (an array)");
    Builder b(*spec);
    // Events without a time follow the previous one by a second; the first defaults to
    // 2022-11-02T09:15:00Z, the week Emotet came back after its summer 2022 pause.
    std::uint64_t next_time = (1667380500ULL + 11644473600ULL) * 10000000ULL;
    std::size_t i = 0;
    for (const Json& ev : doc["events"]) {
      Event e = b.event(ev, "events[" + std::to_string(i++) + "]", computer, layout, next_time);
      next_time = e.time + 10000000ULL;
      spec->events.push_back(std::move(e));
    }
  } catch (const InputError& e) {
    throw InputError(top + e.what());
  } catch (const Json::exception& e) {
    throw InputError(top + "unexpected JSON shape: " + e.what());
  }
  return spec;
}

std::unique_ptr<Spec> load_spec(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open the spec file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read the spec file");
  return parse_spec(ss.str(), path);
}

}  // namespace emoguard::evtxgen
