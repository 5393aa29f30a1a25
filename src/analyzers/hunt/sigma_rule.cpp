// Sigma rule loading (yaml-cpp), logsource mapping (SigmaHQ's Windows conventions, event-logs.md
// §2.4) and matching against EVTX records.
#include "analyzers/hunt/sigma_rule.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

#include "analyzers/hunt/sigma_condition.hpp"
#include "emoguard/text.hpp"

namespace emoguard::analyzers::hunt {

std::string_view to_string(Level l) noexcept {
  switch (l) {
    case Level::informational: return "informational";
    case Level::low: return "low";
    case Level::medium: return "medium";
    case Level::high: return "high";
    case Level::critical: return "critical";
  }
  return "medium";
}

namespace {

struct Item {
  std::string field;  // empty for a keyword search
  std::optional<ValueMatcher> value;
  std::optional<KeywordMatcher> keyword;
};
struct Alternative {
  std::vector<Item> items;  // all must match
};
struct Identifier {
  std::string name;
  std::vector<Alternative> alternatives;  // one must match
};
struct Compiled {
  std::vector<Identifier> identifiers;
  std::optional<Condition> condition;
};

std::string lower(std::string_view s) { return text::to_lower_ascii(s); }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

constexpr const char* kSysmon = "Microsoft-Windows-Sysmon/Operational";

Target sysmon(std::initializer_list<std::uint32_t> ids) {
  Target t;
  t.channels = {kSysmon};
  t.event_ids = ids;
  return t;
}

Target channel(std::initializer_list<const char*> chans, std::initializer_list<std::uint32_t> ids = {}) {
  Target t;
  for (const char* c : chans) t.channels.emplace_back(c);
  t.event_ids = ids;
  return t;
}

// Sysmon fields that Security 4688 does not have, or has with other values: a process_creation
// rule that tests any of them is matched on Sysmon 1 only (a negated test would make the filter
// always false on 4688: rather fewer hits than wrong ones).
bool sysmon_only(std::string_view f) {
  static constexpr std::string_view kOnly[] = {
      "RuleName", "UtcTime", "ProcessGuid", "FileVersion", "Description", "Product", "Company", "OriginalFileName",
      "CurrentDirectory", "LogonGuid", "Hashes", "ParentProcessGuid", "ParentCommandLine", "ParentUser", "User",
      "IntegrityLevel", "ProcessId", "ParentProcessId", "TerminalSessionId", "LogonId"};
  return std::find(std::begin(kOnly), std::end(kOnly), f) != std::end(kOnly);
}

// Sysmon 1 field names as Security 4688 names them (same values).
std::string field_for_4688(const std::string& f) {
  if (f == "Image") return "NewProcessName";
  if (f == "ParentImage") return "ParentProcessName";
  return f;
}

// logsource -> targets; an empty result with a reason when it is not mapped.
std::vector<Target> map_logsource(const std::string& category, const std::string& product, const std::string& service,
                                  std::string& why) {
  if (!product.empty() && product != "windows") {
    why = "product '" + product + "' is not Windows";
    return {};
  }
  if (product.empty()) {
    why = "logsource has no product";
    return {};
  }
  if (!category.empty()) {
    static const std::vector<std::pair<std::string_view, std::vector<std::uint32_t>>> kSysmonCategories = {
        {"network_connection", {3}}, {"process_termination", {5}}, {"driver_load", {6}}, {"image_load", {7}},
        {"create_remote_thread", {8}}, {"raw_access_thread", {9}}, {"process_access", {10}}, {"file_event", {11}},
        {"registry_add", {12}}, {"registry_delete", {12}}, {"registry_set", {13}}, {"registry_rename", {14}},
        {"registry_event", {12, 13, 14}}, {"create_stream_hash", {15}}, {"pipe_created", {17, 18}}, {"wmi_event", {19, 20, 21}},
        {"dns_query", {22}}, {"file_delete", {23, 26}}, {"clipboard_capture", {24}}, {"process_tampering", {25}},
        {"file_delete_detected", {26}}, {"file_block_executable", {27}}, {"file_block_shredding", {28}},
        {"file_executable_detected", {29}}, {"sysmon_status", {4, 16}}, {"sysmon_error", {255}}, {"file_change", {2}}};
    if (category == "process_creation") {
      Target s = sysmon({1});
      Target sec = channel({"Security"}, {4688});
      sec.security_4688 = true;
      return {s, sec};
    }
    for (const auto& [name, ids] : kSysmonCategories) {
      if (category == name) {
        Target t;
        t.channels = {kSysmon};
        t.event_ids = ids;
        return {t};
      }
    }
    if (category == "ps_module") return {channel({"Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"}, {4103})};
    if (category == "ps_script") return {channel({"Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"}, {4104})};
    if (category == "ps_classic_start") return {channel({"Windows PowerShell"}, {400})};
    if (category == "ps_classic_provider_start") return {channel({"Windows PowerShell"}, {600})};
    if (category == "ps_classic_script") return {channel({"Windows PowerShell"}, {800})};
    if (category == "antivirus") {
      return {channel({"Microsoft-Windows-Windows Defender/Operational"},
                      {1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116})};
    }
    why = "logsource category '" + category + "' is not mapped to Windows events";
    return {};
  }
  static const std::vector<std::pair<std::string_view, std::vector<const char*>>> kServices = {
      {"security", {"Security"}},
      {"system", {"System"}},
      {"application", {"Application"}},
      {"sysmon", {kSysmon}},
      {"powershell", {"Microsoft-Windows-PowerShell/Operational"}},
      {"powershell-classic", {"Windows PowerShell"}},
      {"windefend", {"Microsoft-Windows-Windows Defender/Operational"}},
      {"taskscheduler", {"Microsoft-Windows-TaskScheduler/Operational"}},
      {"wmi", {"Microsoft-Windows-WMI-Activity/Operational"}},
      {"bits-client", {"Microsoft-Windows-Bits-Client/Operational"}},
      {"applocker",
       {"Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker/MSI and Script",
        "Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker/Packaged app-Execution"}},
      {"codeintegrity-operational", {"Microsoft-Windows-CodeIntegrity/Operational"}},
      {"dns-server", {"DNS Server"}},
      {"dns-client", {"Microsoft-Windows-DNS Client Events/Operational"}},
      {"driver-framework", {"Microsoft-Windows-DriverFrameworks-UserMode/Operational"}},
      {"firewall-as", {"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"}},
      {"ntlm", {"Microsoft-Windows-NTLM/Operational"}},
      {"printservice-admin", {"Microsoft-Windows-PrintService/Admin"}},
      {"printservice-operational", {"Microsoft-Windows-PrintService/Operational"}},
      {"smbclient-security", {"Microsoft-Windows-SmbClient/Security"}},
      {"smbclient-connectivity", {"Microsoft-Windows-SmbClient/Connectivity"}},
      {"terminalservices-localsessionmanager", {"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"}},
      {"openssh", {"OpenSSH/Operational"}},
      {"lsa-server", {"Microsoft-Windows-LSA/Operational"}},
      {"appxdeployment-server", {"Microsoft-Windows-AppXDeploymentServer/Operational"}},
      {"appxpackaging-om", {"Microsoft-Windows-AppxPackaging/Operational"}},
      {"msexchange-management", {"MSExchange Management"}},
      {"security-mitigations", {"Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"}},
      {"diagnosis-scripted", {"Microsoft-Windows-Diagnosis-Scripted/Operational"}},
      {"shell-core", {"Microsoft-Windows-Shell-Core/Operational"}},
      {"vhdmp", {"Microsoft-Windows-VHDMP/Operational"}},
      {"capi2", {"Microsoft-Windows-CAPI2/Operational"}},
      {"certificateservicesclient-lifecycle-system", {"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"}},
      {"ldap_debug", {"Microsoft-Windows-LDAP-Client/Debug"}},
      {"kernel-shimengine", {"Microsoft-Windows-Kernel-ShimEngine/Operational"}},
      {"hyper-v-worker", {"Microsoft-Windows-Hyper-V-Worker"}},
      {"iis-configuration", {"Microsoft-IIS-Configuration/Operational"}},
      {"sense", {"Microsoft-Windows-SENSE/Operational"}},
  };
  for (const auto& [name, chans] : kServices) {
    if (service == name) {
      Target t;
      for (const char* c : chans) t.channels.emplace_back(c);
      return {t};
    }
  }
  why = service.empty() ? "logsource has neither category nor service" : "logsource service '" + service + "' is not mapped to a channel";
  return {};
}

std::vector<std::string> split_modifiers(const std::string& key, std::string& field) {
  std::vector<std::string> mods;
  std::size_t bar = key.find('|');
  field = key.substr(0, bar);
  while (bar != std::string::npos) {
    const std::size_t next = key.find('|', bar + 1);
    mods.push_back(key.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1));
    bar = next;
  }
  return mods;
}

// Values of a detection item: a scalar, null, or a list of scalars.
Result<std::vector<std::optional<std::string>>> item_values(const YAML::Node& n) {
  std::vector<std::optional<std::string>> vals;
  if (!n || n.IsNull()) {
    vals.emplace_back(std::nullopt);
  } else if (n.IsScalar()) {
    vals.emplace_back(n.Scalar());
  } else if (n.IsSequence()) {
    for (const auto& e : n) {
      if (e.IsNull()) vals.emplace_back(std::nullopt);
      else if (e.IsScalar()) vals.emplace_back(e.Scalar());
      else return make_error(Errc::unsupported, "a value list holds a map or a list");
    }
  } else {
    return make_error(Errc::unsupported, "a field's value is a map");
  }
  return vals;
}

Result<Alternative> compile_map(const YAML::Node& map, const LoadOptions& opt, bool for_4688) {
  Alternative alt;
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>("");
    std::string field;
    const std::vector<std::string> mods = split_modifiers(key, field);
    auto vals = item_values(kv.second);
    if (!vals) return vals.error();
    Item item;
    if (field.empty()) {
      auto k = KeywordMatcher::compile(mods, *vals);
      if (!k) return k.error();
      item.keyword.emplace(std::move(*k));
    } else {
      // Data names with spaces are matched without them (<Data Name="Process Name"> is ProcessName).
      field.erase(std::remove(field.begin(), field.end(), ' '), field.end());
      item.field = for_4688 ? field_for_4688(field) : field;
      auto m = ValueMatcher::compile(mods, *vals, opt.expand);
      if (!m) return make_error(Errc::unsupported, "'" + key + "': " + m.error().message);
      item.value.emplace(std::move(*m));
    }
    alt.items.push_back(std::move(item));
  }
  return alt;
}

// Fields the detection tests (to decide whether a process_creation rule also applies to 4688).
void collect_fields(const YAML::Node& n, std::vector<std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) {
      std::string f;
      (void)split_modifiers(kv.first.as<std::string>(""), f);
      if (!f.empty()) out.push_back(f);
    }
  } else if (n.IsSequence()) {
    for (const auto& e : n) collect_fields(e, out);
  }
}

Result<Compiled> compile_detection(const YAML::Node& det, const LoadOptions& opt, bool for_4688) {
  Compiled c;
  std::vector<std::string> names;
  std::vector<std::string> conditions;
  for (const auto& kv : det) {
    const std::string name = kv.first.as<std::string>("");
    if (name == "condition") {
      if (kv.second.IsSequence()) {
        for (const auto& e : kv.second) conditions.push_back(e.as<std::string>(""));
      } else {
        conditions.push_back(kv.second.as<std::string>(""));
      }
      continue;
    }
    if (name == "timeframe") return make_error(Errc::unsupported, "timeframe (an aggregation window) is not supported; write a correlation rule");
    Identifier id;
    id.name = name;
    const YAML::Node& v = kv.second;
    if (v.IsMap()) {
      auto a = compile_map(v, opt, for_4688);
      if (!a) return a.error();
      id.alternatives.push_back(std::move(*a));
    } else if (v.IsSequence()) {
      bool maps = false, scalars = false;
      for (const auto& e : v) (e.IsMap() ? maps : scalars) = true;
      if (maps && scalars) return make_error(Errc::unsupported, "identifier '" + name + "' mixes maps and plain values");
      if (maps) {
        for (const auto& e : v) {
          auto a = compile_map(e, opt, for_4688);
          if (!a) return a.error();
          id.alternatives.push_back(std::move(*a));
        }
      } else {
        auto vals = item_values(v);
        if (!vals) return vals.error();
        auto k = KeywordMatcher::compile({}, *vals);
        if (!k) return k.error();
        Alternative a;
        Item it;
        it.keyword.emplace(std::move(*k));
        a.items.push_back(std::move(it));
        id.alternatives.push_back(std::move(a));
      }
    } else if (v.IsScalar()) {
      std::vector<std::optional<std::string>> vals{v.Scalar()};
      auto k = KeywordMatcher::compile({}, vals);
      if (!k) return k.error();
      Alternative a;
      Item it;
      it.keyword.emplace(std::move(*k));
      a.items.push_back(std::move(it));
      id.alternatives.push_back(std::move(a));
    } else {
      return make_error(Errc::unsupported, "identifier '" + name + "' is empty");
    }
    names.push_back(name);
    c.identifiers.push_back(std::move(id));
  }
  if (conditions.empty()) return make_error(Errc::malformed, "detection has no condition");
  auto cond = Condition::parse_any(conditions, names);
  if (!cond) return cond.error();
  c.condition.emplace(std::move(*cond));
  return c;
}

bool target_matches(const Target& t, const formats::evtx::RecordView& v) {
  if (!t.channels.empty()) {
    const auto ch = v.field("Channel");
    if (!ch || std::none_of(t.channels.begin(), t.channels.end(), [&](const std::string& c) { return iequal(c, *ch); })) return false;
  }
  if (!t.providers.empty()) {
    const auto p = v.field("Provider_Name");
    if (!p || std::none_of(t.providers.begin(), t.providers.end(), [&](const std::string& c) { return iequal(c, *p); })) return false;
  }
  if (!t.event_ids.empty()) {
    const auto e = v.field("EventID");
    if (!e) return false;
    std::uint32_t id = 0;
    for (const char c : *e) {
      if (c < '0' || c > '9') return false;
      id = id * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (std::find(t.event_ids.begin(), t.event_ids.end(), id) == t.event_ids.end()) return false;
  }
  return true;
}

bool item_matches(const Item& it, const formats::evtx::RecordView& v) {
  if (it.keyword) {
    return it.keyword->matches([&](const std::function<bool(std::string_view)>& each) {
      v.for_each_field([&](std::string_view, std::string_view val) { return each(val); });
    });
  }
  thread_local std::vector<std::string> owned;
  thread_local std::vector<std::string_view> views;
  owned.clear();
  v.field_values(it.field, [&](std::string_view x) { owned.emplace_back(x); });
  views.assign(owned.begin(), owned.end());
  return it.value->matches(views, [&](std::string_view f, const std::function<void(std::string_view)>& each) { v.field_values(f, each); });
}

bool compiled_matches(const Compiled& c, const formats::evtx::RecordView& v) {
  return c.condition->evaluate([&](std::size_t i) {
    const Identifier& id = c.identifiers[i];
    return std::any_of(id.alternatives.begin(), id.alternatives.end(), [&](const Alternative& a) {
      return std::all_of(a.items.begin(), a.items.end(), [&](const Item& it) { return item_matches(it, v); });
    });
  });
}

}  // namespace

struct Rule::Detection {
  std::vector<Compiled> per_target;  // parallel to Rule::targets
};

Rule::Rule() = default;
Rule::Rule(Rule&&) noexcept = default;
Rule& Rule::operator=(Rule&&) noexcept = default;
Rule::~Rule() = default;

bool Rule::matches(const formats::evtx::RecordView& v) const {
  if (!detection || !v.ok()) return false;
  for (std::size_t i = 0; i < targets.size() && i < detection->per_target.size(); ++i) {
    if (target_matches(targets[i], v) && compiled_matches(detection->per_target[i], v)) return true;
  }
  return false;
}

RuleIndex::RuleIndex(const RuleSet& set) {
  for (const Rule& r : set.rules) {
    const auto idx = static_cast<std::uint32_t>(order_.size());
    order_.push_back(&r);
    for (const Target& t : r.targets) {
      std::vector<std::string> sources;
      for (const auto& c : t.channels) sources.push_back(lower(c));
      for (const auto& p : t.providers) sources.push_back("provider:" + lower(p));
      for (const std::string& src : sources) {
        if (t.event_ids.empty()) {
          by_key_[src + '\0' + "*"].push_back(idx);
        } else {
          for (const std::uint32_t id : t.event_ids) by_key_[src + '\0' + std::to_string(id)].push_back(idx);
        }
      }
    }
  }
  for (auto& [k, v] : by_key_) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  }
  rules_ = order_.size();
}

void RuleIndex::candidates(const formats::evtx::RecordView& v, const std::function<void(const Rule&)>& f) const {
  const auto ch = v.field("Channel");
  const auto pr = v.field("Provider_Name");
  const std::string eid = v.field("EventID").value_or("");
  thread_local std::vector<std::uint32_t> found;
  found.clear();
  thread_local std::string key;
  auto take = [&](const std::string& src) {
    for (const char* id : {eid.c_str(), "*"}) {
      key = src;
      key.push_back('\0');
      key += id;
      if (const auto it = by_key_.find(key); it != by_key_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
    }
  };
  if (ch) take(lower(*ch));
  if (pr) take("provider:" + lower(*pr));
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  for (const std::uint32_t i : found) f(*order_[i]);
}

void load_rules_text(const std::string& text, const std::string& file, const LoadOptions& options, RuleSet& out) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const std::exception& e) {
    out.rejected.push_back({file, "", "", std::string("YAML: ") + e.what()});
    return;
  }
  for (const YAML::Node& doc : docs) {
    ++out.documents;
    try {
      if (!doc.IsMap()) {
        out.rejected.push_back({file, "", "", "the document is not a map"});
        continue;
      }
      Rule r;
      r.file = file;
      r.id = doc["id"].as<std::string>("");
      r.title = doc["title"].as<std::string>("");
      r.author = doc["author"].as<std::string>("");
      r.status = doc["status"].as<std::string>("");
      r.description = doc["description"].as<std::string>("");
      if (doc["correlation"]) {
        out.rejected.push_back({file, r.id, r.title, "correlation rules are not supported yet"});
        continue;
      }
      const std::string level = lower(doc["level"].as<std::string>("medium"));
      r.level = level == "informational" ? Level::informational
                : level == "low"         ? Level::low
                : level == "high"        ? Level::high
                : level == "critical"    ? Level::critical
                                         : Level::medium;
      if (const YAML::Node tags = doc["tags"]; tags && tags.IsSequence()) {
        for (const auto& t : tags) r.tags.push_back(t.as<std::string>(""));
      }
      const YAML::Node ls = doc["logsource"];
      if (!ls || !ls.IsMap()) {
        out.rejected.push_back({file, r.id, r.title, "no logsource"});
        continue;
      }
      r.category = lower(ls["category"].as<std::string>(""));
      r.product = lower(ls["product"].as<std::string>(""));
      r.service = lower(ls["service"].as<std::string>(""));
      std::string why;
      std::vector<Target> targets = map_logsource(r.category, r.product, r.service, why);
      if (targets.empty()) {
        out.rejected.push_back({file, r.id, r.title, why});
        continue;
      }
      const YAML::Node det = doc["detection"];
      if (!det || !det.IsMap()) {
        out.rejected.push_back({file, r.id, r.title, "no detection"});
        continue;
      }
      std::vector<std::string> fields;
      for (const auto& kv : det) {
        if (kv.first.as<std::string>("") != "condition") collect_fields(kv.second, fields);
      }
      const bool sysmon_specific = std::any_of(fields.begin(), fields.end(), [](const std::string& f) { return sysmon_only(f); });
      auto d = std::make_unique<Rule::Detection>();
      std::string error;
      for (auto it = targets.begin(); it != targets.end();) {
        if (it->security_4688 && sysmon_specific) {
          it = targets.erase(it);
          continue;
        }
        auto c = compile_detection(det, options, it->security_4688);
        if (!c) {
          error = c.error().message;
          break;
        }
        d->per_target.push_back(std::move(*c));
        ++it;
      }
      if (!error.empty()) {
        out.rejected.push_back({file, r.id, r.title, error});
        continue;
      }
      r.targets = std::move(targets);
      r.detection = std::move(d);
      out.rules.push_back(std::move(r));
    } catch (const std::exception& e) {
      out.rejected.push_back({file, "", "", std::string("YAML: ") + e.what()});
    }
  }
}

}  // namespace emoguard::analyzers::hunt
