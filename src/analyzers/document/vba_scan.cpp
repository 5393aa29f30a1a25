// VBA source analysis. mraptor's regexes are re-implemented as boundary-aware scans (no regex
// engine, linear in the source); the deobfuscator is a small evaluator of VBA string
// expressions with a recursion cap and a deadline, so hostile code cannot stall a scan.
#include "analyzers/document/vba_scan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>
#include <variant>

#include "emoguard/bytes.hpp"
#include "emoguard/text.hpp"

namespace emoguard::analyzers::document {
namespace {

// Python's Unicode \w, approximated on UTF-8: ASCII letters, digits, underscore, and any
// non-ASCII byte (letters of other scripts are word characters there too).
bool is_word(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || u >= 0x80;
}

std::string lower(std::string_view s) { return text::to_lower_ascii(s); }

bool boundary_before(std::string_view s, std::size_t p) { return p == 0 || !is_word(s[p - 1]); }
bool boundary_after(std::string_view s, std::size_t p) { return p >= s.size() || !is_word(s[p]); }

// Regex \b semantics around a literal: a boundary is required only where the literal's own edge
// is a word character (as in "\bADODB\.Stream\b" or "cmd /c").
bool literal_at(std::string_view lc, std::size_t p, std::string_view kw_lc, bool need_before, bool need_after) {
  if (lc.compare(p, kw_lc.size(), kw_lc) != 0) return false;
  if (need_before && is_word(kw_lc.front()) && !boundary_before(lc, p)) return false;
  if (need_after && is_word(kw_lc.back()) && !boundary_after(lc, p + kw_lc.size())) return false;
  return true;
}

bool find_word(std::string_view lc, std::string_view kw_lc, bool need_before = true, bool need_after = true, std::size_t from = 0,
               std::size_t to = std::string_view::npos, std::size_t* where = nullptr) {
  const std::size_t end = std::min(to, lc.size());
  for (std::size_t p = lc.find(kw_lc, from); p != std::string_view::npos && p < end; p = lc.find(kw_lc, p + 1)) {
    if (p + kw_lc.size() > end) return false;
    if (literal_at(lc, p, kw_lc, need_before, need_after)) {
      if (where) *where = p;
      return true;
    }
  }
  return false;
}

// "\bFIRST\b[^\n]+\b(?:SECOND...)\b" on each line.
bool line_pair(std::string_view lc, std::string_view first, std::initializer_list<std::string_view> second) {
  std::size_t from = 0;
  std::size_t p = 0;
  while (find_word(lc, first, true, true, from, std::string_view::npos, &p)) {
    const std::size_t line_end = std::min(lc.find('\n', p), lc.size());
    const std::size_t start = p + first.size() + 1;  // [^\n]+ takes at least one character
    if (start <= line_end) {
      for (const auto kw : second) {
        if (find_word(lc, kw, true, true, start, line_end)) return true;
      }
    }
    from = p + 1;
  }
  return false;
}

// Every word of a lower-cased text, found in one pass: plain words (runs of word characters)
// and dotted names joined from two or more words ("wscript.shell" inside
// "createobject.wscript.shell"), so that a whole-word keyword is a hash lookup instead of a scan.
class WordIndex {
 public:
  explicit WordIndex(std::string_view lc) : lc_(lc) {
    std::size_t i = 0;
    std::vector<std::string_view> parts;
    while (i < lc.size()) {
      if (!is_word(lc[i])) {
        ++i;
        continue;
      }
      parts.clear();
      for (;;) {
        const std::size_t b = i;
        while (i < lc.size() && is_word(lc[i])) ++i;
        parts.push_back(lc.substr(b, i - b));
        words_.push_back(parts.back());
        if (i + 1 < lc.size() && lc[i] == '.' && is_word(lc[i + 1])) {
          ++i;
          continue;
        }
        break;
      }
      plain_.insert(parts.begin(), parts.end());
      // Contiguous joins of two or more parts; dotted names are short, so this stays small.
      for (std::size_t a = 0; a + 1 < parts.size() && a < 8; ++a) {
        for (std::size_t z = a + 1; z < parts.size() && z < a + 8; ++z) {
          const auto* from = parts[a].data();
          const auto* to = parts[z].data() + parts[z].size();
          dotted_.insert(std::string_view(from, static_cast<std::size_t>(to - from)));
        }
      }
    }
  }
  // Whole-word match with regex \b semantics for keywords made of word characters and dots.
  [[nodiscard]] bool has(std::string_view kw_lc) const {
    return kw_lc.find('.') == std::string_view::npos ? plain_.count(kw_lc) != 0 : dotted_.count(kw_lc) != 0;
  }
  [[nodiscard]] const std::vector<std::string_view>& words() const { return words_; }

 private:
  std::string_view lc_;
  std::vector<std::string_view> words_;
  std::unordered_set<std::string_view> plain_;
  std::unordered_set<std::string_view> dotted_;
};

bool simple_keyword(std::string_view kw) {
  for (std::size_t i = 0; i < kw.size(); ++i) {
    const char c = kw[i];
    if (c == '.' && i > 0 && i + 1 < kw.size() && is_word(kw[i - 1]) && is_word(kw[i + 1])) continue;
    if (!is_word(c)) return false;
  }
  return !kw.empty();
}

// has_word(): the index for simple keywords, a scan for the few with spaces, dashes or slashes.
bool has_word(const WordIndex& idx, std::string_view lc, std::string_view kw_lc) {
  return simple_keyword(kw_lc) ? idx.has(kw_lc) : find_word(lc, kw_lc);
}

constexpr std::array<std::string_view, 20> kAutoPrefixes = {
    "autoexec",        "autoopen",       "auto_open",      "autoclose",     "auto_close",
    "autoexit",        "autonew",        "documentopen",   "document_open", "document_close",
    "documentbeforeclose", "document_beforeclose", "documentchange", "document_new", "newdocument",
    "workbook_open",   "workbook_activate", "workbook_close", "workbook_beforeclose", "auto_ope"};
constexpr std::array<std::string_view, 26> kEventSuffixes = {
    "painted", "painting", "gotfocus", "lostfocus", "mousehover", "layout", "click", "change", "resize",
    "beforenavigate2", "beforescriptexecute", "documentcomplete", "downloadbegin", "downloadcomplete", "filedownload",
    "navigatecomplete2", "navigateerror", "progresschange", "propertychange", "setsecurelockicon", "statustextchange",
    "titlechange", "mousemove", "mouseenter", "mouseleave", "onconnecting"};
constexpr std::array<std::string_view, 20> kWriteWords = {
    "filecopy", "copyfile", "kill", "createtextfile", "virtualalloc", "rtlmovememory", "urldownloadtofile", "urldownloadtofilea",
    "altstartuppath", "writeprocessmemory", "adodb.stream", "writetext", "savetofile", "saveas", "saveasrtf", "filesaveas",
    "mkdir", "rmdir", "savesetting", "setattr"};
constexpr std::array<std::string_view, 15> kExecWords = {
    "shell", "createobject", "getobject", "sendkeys", "run", "call", "macscript", "followhyperlink", "createthread",
    "shellexecute", "shellexecutea", "executeexcel4macro", "exec", "register", "settimer"};

bool mraptor_a(std::string_view lc, const WordIndex& idx) {
  // A word that starts with one of the names: mraptor has a leading \b and no trailing one.
  for (const auto w : idx.words()) {
    for (std::size_t i = 0; i + 1 < kAutoPrefixes.size(); ++i) {
      if (w.size() >= kAutoPrefixes[i].size() && w.compare(0, kAutoPrefixes[i].size(), kAutoPrefixes[i]) == 0) return true;
    }
  }
  // "|Auto_Ope\b": no leading boundary, a trailing one.
  if (find_word(lc, "auto_ope", false, true)) return true;
  // "\b\w+_(?:Click|...)": an underscore preceded by a word character, then the suffix.
  for (const auto suffix : kEventSuffixes) {
    const std::string pat = "_" + std::string(suffix);
    for (std::size_t p = lc.find(pat); p != std::string_view::npos; p = lc.find(pat, p + 1)) {
      if (p > 0 && is_word(lc[p - 1])) return true;
    }
  }
  return false;
}

}  // namespace

std::string MraptorFlags::str() const {
  std::string s = "---";
  if (autoexec) s[0] = 'A';
  if (write) s[1] = 'W';
  if (execute) s[2] = 'X';
  return s;
}

std::string fold_continuations(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] == ' ' && i + 1 < code.size() && code[i + 1] == '_') {
      std::size_t j = i + 2;
      if (j < code.size() && (code[j] == '\r' || code[j] == '\n')) {
        if (code[j] == '\r' && j + 1 < code.size() && code[j + 1] == '\n') ++j;
        out += ' ';
        i = j;
        continue;
      }
    }
    out += code[i];
  }
  return out;
}

std::string editor_view(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  std::size_t pos = 0;
  while (pos < source.size()) {
    auto end = source.find('\n', pos);
    end = end == std::string_view::npos ? source.size() : end + 1;
    const std::string_view line = source.substr(pos, end - pos);
    if (line.rfind("Attribute ", 0) != 0) out += line;
    pos = end;
  }
  return out;
}

MraptorFlags mraptor(const std::vector<std::string>& module_sources) {
  std::string all;
  for (const auto& m : module_sources) {
    all += m;
    all += '\n';
  }
  const std::string lc = lower(fold_continuations(all));
  const WordIndex idx(lc);
  MraptorFlags f;
  f.autoexec = mraptor_a(lc, idx);
  for (const auto w : kWriteWords) f.write = f.write || idx.has(w);
  f.write = f.write || (idx.has("open") && line_pair(lc, "open", {"write", "append", "binary", "output", "random"}));
  for (const auto x : kExecWords) f.execute = f.execute || idx.has(x);
  f.execute = f.execute || (idx.has("declare") && idx.has("lib") && line_pair(lc, "declare", {"lib"}));
  return f;
}

// ------------------------------------------------------------------ keyword classes

std::vector<Hit> keyword_hits(std::string_view code) {
  struct Kw {
    std::string_view word;
    std::string_view klass;
  };
  static const std::vector<Kw> kWords = {
      // Document-level triggers that run without a click.
      {"AutoOpen", "autoexec"}, {"Auto_Open", "autoexec"}, {"AutoExec", "autoexec"}, {"AutoNew", "autoexec"},
      {"AutoClose", "autoexec"}, {"Auto_Close", "autoexec"}, {"AutoExit", "autoexec"}, {"Document_Open", "autoexec"},
      {"DocumentOpen", "autoexec"}, {"Document_Close", "autoexec"}, {"Document_BeforeClose", "autoexec"},
      {"Document_New", "autoexec"}, {"NewDocument", "autoexec"}, {"Workbook_Open", "autoexec"},
      {"Workbook_Activate", "autoexec"}, {"Workbook_BeforeClose", "autoexec"}, {"Workbook_Close", "autoexec"},
      {"Worksheet_Calculate", "autoexec"}, {"_xlnm.Auto_Open", "autoexec"},
      // Execution.
      {"Shell", "execute"}, {"ShellExecute", "execute"}, {"ShellExecuteA", "execute"}, {"WScript.Shell", "execute"},
      {"Shell.Application", "execute"}, {"CreateObject", "execute"}, {"GetObject", "execute"}, {"CallByName", "execute"},
      {"MacScript", "execute"}, {"ExecuteExcel4Macro", "execute"}, {"CreateProcessA", "execute"}, {"CreateProcessW", "execute"},
      {"WinExec", "execute"}, {"InvokeVerb", "execute"}, {"SendKeys", "execute"},
      // WMI process creation (Emotet's favourite way to detach from Word).
      {"winmgmts", "wmi"}, {"Win32_Process", "wmi"}, {"Win32_ProcessStartup", "wmi"},
      // PowerShell.
      {"powershell", "powershell"}, {"pwsh", "powershell"}, {"EncodedCommand", "powershell"}, {"-enc", "powershell"},
      {"Invoke-Expression", "powershell"}, {"IEX", "powershell"}, {"DownloadString", "powershell"},
      {"FromBase64String", "powershell"}, {"Start-Process", "powershell"}, {"-ExecutionPolicy", "powershell"},
      // Other script hosts and LOLBins.
      {"cmd.exe", "shell"}, {"cmd /c", "shell"}, {"cmd /k", "shell"}, {"wscript", "shell"}, {"cscript", "shell"},
      {"mshta", "shell"}, {"regsvr32", "shell"}, {"rundll32", "shell"}, {"certutil", "shell"}, {"bitsadmin", "shell"},
      // Download.
      {"URLDownloadToFile", "download"}, {"URLDownloadToFileA", "download"}, {"Msxml2.XMLHTTP", "download"},
      {"Microsoft.XMLHTTP", "download"}, {"MSXML2.ServerXMLHTTP", "download"}, {"WinHttp.WinHttpRequest", "download"},
      {"Net.WebClient", "download"}, {"DownloadFile", "download"}, {"InternetExplorer.Application", "download"},
      // Writing files.
      {"ADODB.Stream", "write"}, {"SaveToFile", "write"}, {"CreateTextFile", "write"}, {"WriteText", "write"},
      {"FileCopy", "write"}, {"CopyFile", "write"}, {"Kill", "write"}, {"MkDir", "write"}, {"SaveAs", "write"},
      // Obfuscation.
      {"Chr", "obfuscation"}, {"ChrW", "obfuscation"}, {"ChrB", "obfuscation"}, {"StrReverse", "obfuscation"},
      {"Xor", "obfuscation"}, {"Environ", "obfuscation"},
      // Hiding and self-modification.
      {"vbHide", "hide"}, {"ShowWindow", "hide"}, {"Application.Visible", "hide"}, {"VBProject", "selfmodify"},
      {"VBComponents", "selfmodify"}, {"CodeModule", "selfmodify"}, {"AddFromString", "selfmodify"}, {"AccessVBOM", "selfmodify"},
      {"VBAWarnings", "selfmodify"},
  };
  static const std::vector<std::string> kLower = [] {
    std::vector<std::string> v;
    for (const auto& k : kWords) v.push_back(lower(k.word));
    return v;
  }();
  const std::string lc = lower(code);
  const WordIndex idx(lc);
  std::vector<Hit> out;
  for (std::size_t i = 0; i < kWords.size(); ++i) {
    if (has_word(idx, lc, kLower[i])) out.push_back(Hit{std::string(kWords[i].word), std::string(kWords[i].klass)});
  }
  // Weak triggers: control events that need a user action (or a control on the page).
  for (const auto suffix : kEventSuffixes) {
    const std::string pat = "_" + std::string(suffix);
    for (std::size_t p = lc.find(pat); p != std::string::npos; p = lc.find(pat, p + 1)) {
      if (p > 0 && is_word(lc[p - 1]) && boundary_after(lc, p + pat.size())) {
        std::size_t b = p;
        while (b > 0 && is_word(lc[b - 1])) --b;
        const std::string name(code.substr(b, p + pat.size() - b));
        const std::string lname = lower(name);
        const bool strong = std::any_of(out.begin(), out.end(), [&](const Hit& h) { return lower(h.keyword) == lname; });
        if (!strong) out.push_back(Hit{name, "autoexec_weak"});
        break;
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------ deobfuscation

namespace {

struct Tok {
  enum Kind : std::uint8_t { str, num, ident, op, eol } kind;
  std::string text;
  double number = 0;
  std::string lc;  // identifiers: lower-cased once here, compared many times later
};

std::vector<Tok> tokenize(std::string_view s, std::size_t max_tokens) {
  std::vector<Tok> out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < max_tokens) {
    const char c = s[i];
    if (c == '\n' || c == ':') {
      out.push_back({Tok::eol, {}, 0, {}});
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '\'') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '"') {
      std::string v;
      ++i;
      while (i < s.size() && s[i] != '\n') {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            v += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        v += s[i++];
      }
      out.push_back({Tok::str, std::move(v), 0, {}});
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 || (c == '&' && i + 1 < s.size() && (s[i + 1] == 'H' || s[i + 1] == 'h' || s[i + 1] == 'O' || s[i + 1] == 'o'))) {
      double v = 0;
      if (c == '&') {
        const int base = (s[i + 1] == 'H' || s[i + 1] == 'h') ? 16 : 8;
        i += 2;
        while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])) != 0) {
          const int d = std::isdigit(static_cast<unsigned char>(s[i])) != 0 ? s[i] - '0' : (std::tolower(static_cast<unsigned char>(s[i])) - 'a' + 10);
          if (d >= base) break;
          v = v * base + d;
          ++i;
        }
      } else {
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) v = v * 10 + (s[i++] - '0');
        if (i < s.size() && s[i] == '.') {
          double scale = 0.1;
          ++i;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) {
            v += (s[i++] - '0') * scale;
            scale /= 10;
          }
        }
      }
      while (i < s.size() && (s[i] == '&' || s[i] == '#' || s[i] == '!' || s[i] == '%' || s[i] == '@') &&
             !(s[i] == '&' && i + 1 < s.size() && s[i + 1] == ' ')) {
        ++i;  // type suffixes such as 65& or 1#
      }
      out.push_back({Tok::num, {}, v, {}});
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
      std::size_t b = i;
      while (i < s.size() && (is_word(s[i]) || s[i] == '.')) ++i;
      if (i < s.size() && s[i] == '$') ++i;  // Chr$ and friends
      std::string id(s.substr(b, i - b));
      std::string id_lc = lower(id);
      out.push_back({Tok::ident, std::move(id), 0, std::move(id_lc)});
    } else {
      out.push_back({Tok::op, std::string(1, c), 0, {}});
      ++i;
    }
  }
  return out;
}

using Value = std::variant<double, std::string>;

// Counts nesting while a parse function is active; the count falls again when it returns.
struct DepthGuard {
  int& depth;
  bool ok;
  explicit DepthGuard(int& d) : depth(d), ok(++d <= 64) {}
  ~DepthGuard() { --depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
};

class Evaluator {
 public:
  Evaluator(const std::vector<Tok>& toks, std::map<std::string, Value>& vars) : t_(toks), vars_(vars) {}

  // Parses an expression at pos; on success returns its value and moves pos past it.
  std::optional<Value> expr(std::size_t& pos, bool& computed) {
    depth_ = 0;
    computed_ = false;
    p_ = pos;
    auto v = concat();
    if (!v) return std::nullopt;
    pos = p_;
    computed = computed_;
    return v;
  }

 private:
  bool at_op(const char* op) const { return p_ < t_.size() && t_[p_].kind == Tok::op && t_[p_].text == op; }
  bool at_ident(std::string_view lc) const { return p_ < t_.size() && t_[p_].kind == Tok::ident && t_[p_].lc == lc; }

  static std::string as_string(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    const double d = std::get<double>(v);
    if (d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
    return std::to_string(d);
  }
  static std::optional<double> as_number(const Value& v) {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    const auto& s = std::get<std::string>(v);
    if (s.empty() || s.size() > 20) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return d;
  }

  std::optional<Value> concat() {
    const DepthGuard guard(depth_);
    if (!guard.ok) return std::nullopt;
    auto v = additive();
    while (v && at_op("&")) {
      ++p_;
      auto r = additive();
      if (!r) return std::nullopt;
      computed_ = true;
      std::string s = as_string(*v) + as_string(*r);
      if (s.size() > (1U << 20)) return std::nullopt;
      v = std::move(s);
    }
    return v;
  }
  std::optional<Value> additive() {
    auto v = multiplicative();
    while (v && (at_op("+") || at_op("-"))) {
      const bool plus = t_[p_].text == "+";
      ++p_;
      auto r = multiplicative();
      if (!r) return std::nullopt;
      computed_ = true;
      if (plus && (std::holds_alternative<std::string>(*v) || std::holds_alternative<std::string>(*r))) {
        v = as_string(*v) + as_string(*r);
      } else {
        const auto a = as_number(*v);
        const auto b = as_number(*r);
        if (!a || !b) return std::nullopt;
        v = plus ? *a + *b : *a - *b;
      }
    }
    return v;
  }
  std::optional<Value> multiplicative() {
    auto v = unary();
    while (v && (at_op("*") || at_op("/") || at_op("\\") || at_ident("mod"))) {
      const std::string op = t_[p_].kind == Tok::ident ? t_[p_].lc : t_[p_].text;
      ++p_;
      auto r = unary();
      if (!r) return std::nullopt;
      const auto a = as_number(*v);
      const auto b = as_number(*r);
      if (!a || !b) return std::nullopt;
      computed_ = true;
      if (op == "*") v = *a * *b;
      else if (*b == 0) return std::nullopt;
      else if (op == "/") v = *a / *b;
      else if (op == "\\") v = std::trunc(*a / *b);
      else v = std::fmod(*a, *b);
    }
    return v;
  }
  std::optional<Value> unary() {
    const DepthGuard guard(depth_);
    if (!guard.ok) return std::nullopt;
    if (at_op("-")) {
      ++p_;
      auto v = unary();
      if (!v) return std::nullopt;
      const auto n = as_number(*v);
      if (!n) return std::nullopt;
      return -*n;
    }
    return primary();
  }
  std::optional<std::vector<Value>> args() {
    std::vector<Value> out;
    if (!at_op("(")) return std::nullopt;
    ++p_;
    if (at_op(")")) {
      ++p_;
      return out;
    }
    for (;;) {
      auto v = concat();
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
      if (at_op(",")) {
        ++p_;
        continue;
      }
      if (at_op(")")) {
        ++p_;
        return out;
      }
      return std::nullopt;
    }
  }
  std::optional<Value> primary() {
    if (p_ >= t_.size()) return std::nullopt;
    const Tok& t = t_[p_];
    if (t.kind == Tok::str) {
      ++p_;
      return t.text;
    }
    if (t.kind == Tok::num) {
      ++p_;
      return t.number;
    }
    if (t.kind == Tok::op && t.text == "(") {
      ++p_;
      auto v = concat();  // concat() guards the depth
      if (!v || !at_op(")")) return std::nullopt;
      ++p_;
      return v;
    }
    if (t.kind != Tok::ident) return std::nullopt;
    std::string name = t.lc;
    if (!name.empty() && name.back() == '$') name.pop_back();
    ++p_;
    static const std::set<std::string> kFuncs = {"chr", "chrw", "chrb", "char", "strreverse", "replace", "lcase", "ucase", "mid",
                                                 "left", "right", "trim", "ltrim", "rtrim", "cstr", "clng", "cint", "space",
                                                 "string", "asc", "ascw", "val"};
    if (kFuncs.count(name) != 0 && at_op("(")) {
      auto a = args();
      if (!a) return std::nullopt;
      computed_ = true;
      return call(name, *a);
    }
    const auto it = vars_.find(name);
    if (it != vars_.end()) return it->second;
    return std::nullopt;
  }
  std::optional<Value> call(const std::string& f, const std::vector<Value>& a) {
    auto num = [&](std::size_t i) { return i < a.size() ? as_number(a[i]) : std::nullopt; };
    auto str = [&](std::size_t i) { return i < a.size() ? as_string(a[i]) : std::string(); };
    if (f == "chr" || f == "chrw" || f == "chrb" || f == "char") {
      const auto n = num(0);
      if (!n || *n < 0 || *n > 0x10FFFF) return std::nullopt;
      std::string s;
      const auto cp = static_cast<char32_t>(*n);
      if (cp < 0x100 && f != "chrw") {
        // Chr of 0x80..0xFF is a code-page byte; keep it as Latin-1 text.
        text::append_utf8(s, cp);
      } else {
        text::append_utf8(s, cp);
      }
      return s;
    }
    if (f == "strreverse") {
      std::string s = str(0);
      std::reverse(s.begin(), s.end());
      return s;
    }
    if (f == "replace") {
      if (a.size() < 3) return std::nullopt;
      std::string s = str(0);
      const std::string from = str(1);
      const std::string to = str(2);
      if (from.empty()) return s;
      std::string out;
      std::size_t pos = 0;
      for (std::size_t q = s.find(from); q != std::string::npos; q = s.find(from, pos)) {
        out += s.substr(pos, q - pos);
        out += to;
        pos = q + from.size();
        if (out.size() > (1U << 20)) return std::nullopt;
      }
      out += s.substr(pos);
      return out;
    }
    if (f == "lcase") return lower(str(0));
    if (f == "ucase") {
      std::string s = str(0);
      for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return s;
    }
    if (f == "mid" || f == "left" || f == "right") {
      const std::string s = str(0);
      const auto n1 = num(1);
      if (!n1 || *n1 < 0) return std::nullopt;
      const auto k = static_cast<std::size_t>(*n1);
      if (f == "left") return s.substr(0, std::min(k, s.size()));
      if (f == "right") return s.substr(s.size() - std::min(k, s.size()));
      if (k < 1) return std::nullopt;
      const std::size_t start = k - 1;
      if (start >= s.size()) return std::string();
      const auto n2 = num(2);
      return n2 ? s.substr(start, static_cast<std::size_t>(std::max(0.0, *n2))) : s.substr(start);
    }
    if (f == "trim" || f == "ltrim" || f == "rtrim") {
      std::string s = str(0);
      if (f != "rtrim") s.erase(0, s.find_first_not_of(' '));
      if (f != "ltrim") {
        const auto e = s.find_last_not_of(' ');
        s.erase(e == std::string::npos ? 0 : e + 1);
      }
      return s;
    }
    if (f == "cstr") return str(0);
    if (f == "clng" || f == "cint" || f == "val") {
      const auto n = num(0);
      if (!n) return std::nullopt;
      return std::round(*n);
    }
    if (f == "space" || f == "string") {
      const auto n = num(0);
      if (!n || *n < 0 || *n > 4096) return std::nullopt;
      const std::string fill = f == "space" ? " " : str(1).substr(0, 1);
      if (fill.empty()) return std::nullopt;
      return std::string(static_cast<std::size_t>(*n), fill[0]);
    }
    if (f == "asc" || f == "ascw") {
      const std::string s = str(0);
      if (s.empty()) return std::nullopt;
      return static_cast<double>(static_cast<unsigned char>(s[0]));
    }
    return std::nullopt;
  }

  const std::vector<Tok>& t_;
  std::map<std::string, Value>& vars_;
  std::size_t p_ = 0;
  int depth_ = 0;
  bool computed_ = false;
};

bool mostly_printable(std::string_view s) {
  if (s.size() < 4) return false;
  std::size_t good = 0;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 0x20 && u < 0x7F) || c == '\n' || c == '\r' || c == '\t') ++good;
  }
  return good * 10 >= s.size() * 9;
}

void add_layers(std::vector<Decoded>& out, std::set<std::string>& seen, const std::string& s, int depth) {
  if (depth > 3) return;
  const std::string enc = powershell_encoded_command(s);
  if (!enc.empty() && seen.insert(enc).second) {
    out.push_back({enc, "PowerShell -EncodedCommand"});
    add_layers(out, seen, enc, depth + 1);
  }
  // Long Base64 runs that decode to text.
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !(std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '+' || s[i] == '/')) ++i;
    const std::size_t b = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '+' || s[i] == '/' || s[i] == '=')) ++i;
    if (i - b >= 40) {
      const std::string run = s.substr(b, i - b);
      std::string dec = text::base64_decode(run);
      // UTF-16LE payloads (PowerShell) have a NUL after every ASCII byte.
      if (dec.size() >= 8 && dec[1] == '\0' && dec[3] == '\0') dec = text::utf16le_to_utf8(ByteView(std::string_view(dec)));
      if (mostly_printable(dec) && enc != dec && seen.insert(dec).second) {
        out.push_back({dec, "Base64"});
        add_layers(out, seen, dec, depth + 1);
      }
    }
  }
}

}  // namespace

std::string powershell_encoded_command(std::string_view command_line) {
  const std::string lc = lower(command_line);
  // -EncodedCommand accepts any unambiguous prefix down to -e, and / or en dash as the dash.
  static const std::array<std::string_view, 3> kDashes = {"-", "/", "\xE2\x80\x93"};
  for (std::size_t p = 0; p < lc.size(); ++p) {
    std::size_t q = std::string::npos;
    for (const auto d : kDashes) {
      if (lc.compare(p, d.size(), d) == 0 && (p == 0 || lc[p - 1] == ' ' || lc[p - 1] == '"' || lc[p - 1] == '\'')) q = p + d.size();
    }
    if (q == std::string::npos || q >= lc.size() || lc[q] != 'e') continue;
    std::size_t e = q;
    while (e < lc.size() && std::isalpha(static_cast<unsigned char>(lc[e])) != 0) ++e;
    const std::string_view word = std::string_view(lc).substr(q, e - q);
    if (std::string_view("encodedcommand").compare(0, word.size(), word) != 0 && word != "ec") continue;
    if (word == "ex" || word == "exe" || word == "exec" || word.rfind("ex", 0) == 0) continue;  // -ExecutionPolicy
    std::size_t a = e;
    while (a < lc.size() && (lc[a] == ' ' || lc[a] == '"' || lc[a] == '\'')) ++a;
    std::size_t z = a;
    while (z < lc.size() && (std::isalnum(static_cast<unsigned char>(command_line[z])) != 0 || command_line[z] == '+' || command_line[z] == '/' || command_line[z] == '=')) ++z;
    if (z - a < 8) continue;
    const std::string raw = text::base64_decode(command_line.substr(a, z - a));
    if (raw.size() < 2) continue;
    std::string decoded = text::utf16le_to_utf8(ByteView(std::string_view(raw)));
    if (mostly_printable(decoded)) return decoded;
  }
  return {};
}

std::vector<Decoded> deobfuscate(std::string_view code, std::chrono::steady_clock::time_point deadline) {
  std::vector<Decoded> out;
  std::set<std::string> seen;
  const std::string folded = fold_continuations(code);
  const auto toks = tokenize(folded, 1U << 20);
  std::map<std::string, Value> vars;
  Evaluator ev(toks, vars);
  std::vector<std::string> literals;
  std::size_t i = 0;
  std::size_t steps = 0;
  while (i < toks.size()) {
    if ((++steps & 255) == 0 && std::chrono::steady_clock::now() > deadline) break;
    // Statement start: optional declarator keywords, then "name = expression" records a variable.
    std::size_t s = i;
    while (s < toks.size() && toks[s].kind == Tok::ident &&
           (toks[s].lc == "set" || toks[s].lc == "let" || toks[s].lc == "const" || toks[s].lc == "dim" || toks[s].lc == "private" ||
            toks[s].lc == "public")) {
      ++s;
    }
    if (s + 2 < toks.size() && toks[s].kind == Tok::ident && toks[s + 1].kind == Tok::op && toks[s + 1].text == "=") {
      std::size_t p = s + 2;
      bool computed = false;
      if (auto v = ev.expr(p, computed)) {
        std::string name = toks[s].lc;
        if (std::holds_alternative<std::string>(*v)) {
          const std::string sv = std::get<std::string>(*v);
          if (computed && sv.size() >= 4 && seen.insert(sv).second) out.push_back({sv, "string expression"});
          if (!computed) literals.push_back(sv);
        }
        vars[name] = std::move(*v);
        i = p;
        continue;
      }
    }
    // Elsewhere: any expression that starts here and involves a computation.
    if (toks[i].kind == Tok::str || toks[i].kind == Tok::ident || (toks[i].kind == Tok::op && toks[i].text == "(")) {
      std::size_t p = i;
      bool computed = false;
      if (auto v = ev.expr(p, computed); v && p > i) {
        if (std::holds_alternative<std::string>(*v)) {
          const std::string sv = std::get<std::string>(*v);
          if (computed && sv.size() >= 4 && seen.insert(sv).second) out.push_back({sv, "string expression"});
          if (!computed) literals.push_back(sv);
        }
        i = p;
        continue;
      }
    }
    ++i;
  }
  const std::size_t computed_count = out.size();
  for (std::size_t k = 0; k < computed_count; ++k) {
    if (std::chrono::steady_clock::now() > deadline) break;
    const std::string value = out[k].value;  // a copy: add_layers appends to out, which may reallocate
    add_layers(out, seen, value, 0);
  }
  for (const auto& lit : literals) {
    if (std::chrono::steady_clock::now() > deadline) break;
    add_layers(out, seen, lit, 0);
  }
  return out;
}

// ------------------------------------------------------------------ IOCs

std::vector<Ioc> find_iocs(std::string_view t) {
  std::vector<Ioc> out;
  std::set<std::string> seen;
  auto add = [&](std::string kind, std::string v) {
    if (seen.insert(kind + ":" + v).second) out.push_back({std::move(kind), std::move(v)});
  };
  const std::string lc = lower(t);
  auto url_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("-._?,'/\\+&%$#=~:@").find(c) != std::string_view::npos;
  };
  for (const std::string_view scheme : {"http://", "https://", "ftp://", "ftps://"}) {
    for (std::size_t p = lc.find(scheme); p != std::string::npos; p = lc.find(scheme, p + 1)) {
      if (p > 0 && is_word(lc[p - 1])) continue;
      std::size_t e = p + scheme.size();
      while (e < t.size() && url_char(t[e])) ++e;
      while (e > p && (t[e - 1] == '\'' || t[e - 1] == ',' || t[e - 1] == '.')) --e;
      const std::string url(t.substr(p, e - p));
      if (url.size() <= scheme.size() + 3) continue;
      if (lc.compare(p, 34, "http://schemas.openxmlformats.org/") == 0 || lc.compare(p, 29, "http://schemas.microsoft.com/") == 0) continue;
      add("url", url);
    }
  }
  // IPv4 addresses.
  for (std::size_t p = 0; p < t.size(); ++p) {
    if (std::isdigit(static_cast<unsigned char>(t[p])) == 0 || (p > 0 && (std::isalnum(static_cast<unsigned char>(t[p - 1])) != 0 || t[p - 1] == '.'))) continue;
    std::size_t q = p;
    int parts = 0;
    bool ok = true;
    while (parts < 4 && ok) {
      std::size_t b = q;
      int v = 0;
      while (q < t.size() && std::isdigit(static_cast<unsigned char>(t[q])) != 0 && q - b < 3) v = v * 10 + (t[q++] - '0');
      ok = q > b && v <= 255;
      ++parts;
      if (parts < 4) ok = ok && q < t.size() && t[q] == '.' && (++q, true);
    }
    const bool sentence_end = q < t.size() && t[q] == '.' && (q + 1 >= t.size() || std::isdigit(static_cast<unsigned char>(t[q + 1])) == 0);
    if (ok && parts == 4 && (q >= t.size() || (std::isdigit(static_cast<unsigned char>(t[q])) == 0 && (t[q] != '.' || sentence_end)))) {
      add("ip", std::string(t.substr(p, q - p)));
      p = q;
    }
  }
  // Executable file names.
  static const std::set<std::string> kExe = {"exe", "pif", "gadget", "msi", "msp", "msc", "vbs", "vbe", "vb", "jse", "js",
                                             "wsf", "wsc", "wsh", "ws", "bat", "cmd", "dll", "scr", "hta", "cpl", "class",
                                             "jar", "ps1xml", "ps1", "ps2xml", "ps2", "psc1", "psc2", "scf", "lnk", "inf", "reg"};
  for (std::size_t p = lc.find('.'); p != std::string::npos; p = lc.find('.', p + 1)) {
    if (p == 0 || !is_word(lc[p - 1])) continue;
    std::size_t e = p + 1;
    while (e < lc.size() && std::isalnum(static_cast<unsigned char>(lc[e])) != 0) ++e;
    if (!boundary_after(lc, e) || kExe.count(lc.substr(p + 1, e - p - 1)) == 0) continue;
    std::size_t b = p;
    while (b > 0 && (is_word(lc[b - 1]) || lc[b - 1] == '-')) --b;
    add("executable", std::string(t.substr(b, e - b)));
  }
  return out;
}

}  // namespace emoguard::analyzers::document
