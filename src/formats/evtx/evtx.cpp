// EVTX file header, chunks, records and BinXML compilation (MS-EVEN6; libyal's EVTX notes).
#include "formats/evtx/evtx.hpp"

#include <zlib.h>

#include <algorithm>
#include <unordered_map>

#include "formats/evtx/internal.hpp"

namespace emoguard::formats::evtx {

using detail::rd16;
using detail::rd32;
using detail::rd64;

namespace {

// Internal to this file: a malformed structure inside one record. Caught per record so that a
// bad record never stops the chunk, and never leaves the component.
struct BadData {
  const char* what;
  std::size_t offset;  // chunk offset
};

Problem make_problem(std::string code, std::string en, std::string ja, std::uint64_t offset, std::uint64_t record_id = 0) {
  return Problem{std::move(code), std::move(en), std::move(ja), offset, record_id};
}

}  // namespace

std::uint32_t crc32(ByteView bytes) noexcept {
  uLong c = ::crc32(0L, Z_NULL, 0);
  const std::uint8_t* p = bytes.data();
  std::size_t n = bytes.size();
  while (n > 0) {
    const auto step = static_cast<uInt>(std::min<std::size_t>(n, 1U << 30));
    c = ::crc32(c, p, step);
    p += step;
    n -= step;
  }
  return static_cast<std::uint32_t>(c);
}

std::uint16_t name_hash(std::u16string_view name) noexcept {
  std::uint32_t h = 0;
  for (const char16_t u : name) h = h * 65599U + static_cast<std::uint32_t>(u);
  return static_cast<std::uint16_t>(h & 0xFFFFU);
}

std::uint64_t chunk_slots(std::uint64_t file_size) noexcept {
  if (file_size <= kFileHeaderBlock) return 0;
  return (file_size - kFileHeaderBlock + kChunkSize - 1) / kChunkSize;
}

std::optional<FileHeader> parse_file_header(ByteView head, std::vector<Problem>& problems) {
  if (!head.starts_with(std::string_view("ElfFile\0", 8))) return std::nullopt;
  if (head.size() < 128) {
    problems.push_back(make_problem("evtx.header_truncated", "file header is cut short", "ファイルヘッダーが途中で切れています", 0));
    return std::nullopt;
  }
  const std::uint8_t* p = head.data();
  FileHeader h;
  h.first_chunk = rd64(p + 8);
  h.last_chunk = rd64(p + 16);
  h.next_record_id = rd64(p + 24);
  h.header_size = rd32(p + 32);
  h.minor = rd16(p + 36);
  h.major = rd16(p + 38);
  h.block_size = rd16(p + 40);
  h.chunk_count = rd16(p + 42);
  h.flags = rd32(p + 120);
  h.crc_stored = rd32(p + 124);
  h.crc_computed = crc32(ByteView(p, 120));
  if (!h.no_crc() && h.crc_stored != h.crc_computed) {
    problems.push_back(make_problem("evtx.header_crc_mismatch", "file header CRC does not match; header fields may be wrong",
                                    "ファイルヘッダーの CRC が一致しません（ヘッダーの値が誤っている可能性があります）", 124));
  }
  if (h.dirty()) {
    problems.push_back(make_problem("evtx.dirty", "file is marked dirty (not closed cleanly); the header may lag behind the chunks",
                                    "ファイルがダーティ状態です（正常に閉じられていません）。ヘッダーがチャンクと一致しない可能性があります", 120));
  }
  if (h.major != 3 || (h.minor != 1 && h.minor != 2)) {
    problems.push_back(make_problem("evtx.unknown_version", "unexpected format version " + std::to_string(h.major) + "." + std::to_string(h.minor),
                                    "想定外のフォーマットバージョン " + std::to_string(h.major) + "." + std::to_string(h.minor), 36));
  }
  return h;
}

// ---------------------------------------------------------------------------------------------

namespace {

// Fixed sizes of scalar value types; 0 = variable or unknown.
constexpr std::uint8_t fixed_size(std::uint8_t t) noexcept {
  switch (t) {
    case kInt8: case kUInt8: return 1;
    case kInt16: case kUInt16: return 2;
    case kInt32: case kUInt32: case kReal32: case kBool: case kHexInt32: return 4;
    case kInt64: case kUInt64: case kReal64: case kFileTime: case kHexInt64: return 8;
    case kGuid: case kSysTime: return 16;
    default: return 0;
  }
}

}  // namespace

// Template cache: Windows writes every template definition again, inline, in each chunk that
// uses it, and the copies differ only in the chunk offsets of their names. A worker keeps the
// templates it compiled, keyed by GUID and size, and reuses one when a later chunk's definition
// has the same bytes and the same names (checked each time); the JSON plans recorded for a
// template are reused with it.
struct Chunk::Impl {
  std::unordered_map<std::uint32_t, const Template*> by_offset;  // this chunk's definitions
  std::vector<std::unique_ptr<Template>> raw;  // compiled raw fragments of this chunk's records
  std::unordered_map<std::uint64_t, std::vector<std::unique_ptr<Template>>> cache;
  std::size_t cached = 0;
  static constexpr std::size_t kMaxCached = 4096;
};

namespace {

class Parser {
 public:
  Parser(Chunk::Impl& impl, ByteView chunk, std::vector<Value>& values, std::vector<Instance>& instances,
         const ParseOptions& opt, std::size_t& compiled)
      : impl_(impl), base_(chunk.data()), size_(chunk.size()), values_(values), instances_(instances), opt_(opt),
        compiled_(compiled) {}

  // Parses a fragment [pos, end) (a record's BinXML or a BinXml value) into an instance.
  std::int32_t fragment(std::size_t pos, std::size_t end, std::uint32_t depth) {
    if (depth > opt_.max_depth) throw BadData{"BinXml values nested too deep", pos};
    Cur c{base_, end, pos};
    while (c.pos < c.end && base_[c.pos] == 0x0F) c.skip(4);
    if (c.pos < c.end && (base_[c.pos] & 0xBF) == 0x0C) {
      c.pos++;
      return instance(c, depth);
    }
    // No template: compile the raw element tree for this one record.
    auto t = std::make_unique<Template>();
    std::vector<Value> extra;
    compile(*t, c, false, &extra, depth);
    const auto begin = static_cast<std::uint32_t>(values_.size());
    values_.insert(values_.end(), extra.begin(), extra.end());
    instances_.push_back(Instance{t.get(), begin, static_cast<std::uint32_t>(values_.size())});
    impl_.raw.push_back(std::move(t));
    return static_cast<std::int32_t>(instances_.size() - 1);
  }

 private:
  struct Cur {
    const std::uint8_t* b;
    std::size_t end;
    std::size_t pos;
    void need(std::size_t n) const {
      if (pos > end || n > end - pos) throw BadData{"structure runs past its end", pos};
    }
    std::uint8_t u8() { need(1); return b[pos++]; }
    std::uint16_t u16() { need(2); const auto v = rd16(b + pos); pos += 2; return v; }
    std::uint32_t u32() { need(4); const auto v = rd32(b + pos); pos += 4; return v; }
    void skip(std::size_t n) { need(n); pos += n; }
    std::uint8_t peek() const { need(1); return b[pos]; }
  };

  // Template instance (the 0x0C token already consumed).
  std::int32_t instance(Cur& c, std::uint32_t depth) {
    c.u8();
    c.u32();  // template id
    const std::uint32_t def = c.u32();
    const std::size_t where = c.pos - 4;  // problems point here, not at a forged offset
    const Template* t = &compile_definition(def, where);
    if (def == c.pos) c.skip(24 + std::size_t{rd32(base_ + def + 20)});
    const std::uint32_t n = c.u32();
    if (n > (c.end - c.pos) / 4) throw BadData{"substitution count larger than the record", c.pos - 4};
    const std::size_t desc = c.pos;
    c.skip(std::size_t{n} * 4);
    const auto begin = static_cast<std::uint32_t>(values_.size());
    values_.resize(values_.size() + n);
    // Instances are appended in completion order; reserve this one's slot first so that the
    // root of a record is found by index and nested instances come after it.
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint16_t size = rd16(base_ + desc + i * 4);
      const std::uint8_t type = base_[desc + i * 4 + 2];
      c.need(size);
      Value v;
      v.bytes = ByteView(base_ + c.pos, size);
      v.type = type;
      if (type == kBinXml && size > 0) v.nested = fragment(c.pos, c.pos + size, depth + 1);
      values_[begin + i] = v;
      c.pos += size;
    }
    instances_.push_back(Instance{t, begin, begin + n});
    return static_cast<std::int32_t>(instances_.size() - 1);
  }

  const Template& compile_definition(std::uint32_t def, std::size_t where) {
    if (auto it = impl_.by_offset.find(def); it != impl_.by_offset.end()) {
      if (!it->second) throw BadData{"template definition could not be read", where};
      return *it->second;
    }
    impl_.by_offset[def] = nullptr;  // guards against a definition that refers to itself
    if (def < kChunkHeaderSize || def > size_ || size_ - def < 24) throw BadData{"template definition offset outside the chunk", where};
    const std::uint32_t data_size = rd32(base_ + def + 20);
    if (data_size > size_ - def - 24) throw BadData{"template definition runs past the chunk", def + 20};
    std::uint64_t key = 0;
    std::memcpy(&key, base_ + def + 4, 8);
    key ^= std::uint64_t{data_size} * 0x9E3779B97F4A7C15ULL;
    auto& bucket = impl_.cache[key];
    for (const auto& cand : bucket) {
      if (same_definition(*cand, def, data_size)) {
        impl_.by_offset[def] = cand.get();
        return *cand;
      }
    }
    auto t = std::make_unique<Template>();
    std::memcpy(t->guid, base_ + def + 4, 16);
    t->data_size = data_size;
    t->def_bytes.assign(base_ + def + 4, base_ + def + 24 + data_size);
    Cur c{base_, def + 24 + std::size_t{data_size}, def + 24};
    def_ = def;
    refs_ = &t->name_refs;
    struct Reset {
      std::vector<Template::NameRef>*& r;
      ~Reset() { r = nullptr; }
    } reset{refs_};
    compile(*t, c, true, nullptr, 0);
    ++compiled_;
    const Template* out = t.get();
    bucket.push_back(std::move(t));
    ++impl_.cached;
    impl_.by_offset[def] = out;
    return *out;
  }

  // Whether the definition at def is the cached template's: equal bytes, except name offsets,
  // which must point at the same place inside the definition or at a name with the same text.
  bool same_definition(const Template& t, std::uint32_t def, std::uint32_t data_size) const {
    if (t.data_size != data_size || t.def_bytes.size() != std::size_t{data_size} + 20) return false;
    const std::uint8_t* p = base_ + def + 4;
    std::size_t prev = 0;
    for (const Template::NameRef& r : t.name_refs) {
      if (std::memcmp(p + prev, t.def_bytes.data() + prev, r.at - prev) != 0) return false;
      const std::uint32_t off = rd32(p + r.at);
      if (r.inside) {
        if (off < def || off - def != r.target) return false;
      } else {
        if (off > size_ || size_ - off < 8) return false;
        const std::size_t units = rd16(base_ + off + 6);
        if (units * 2 != r.outside_units.size() || units * 2 + 8 > size_ - off) return false;
        if (std::memcmp(base_ + off + 8, r.outside_units.data(), units * 2) != 0) return false;
      }
      prev = r.at + 4;
    }
    return std::memcmp(p + prev, t.def_bytes.data() + prev, t.def_bytes.size() - prev) == 0;
  }

  std::uint32_t intern(Template& t, std::string s) {
    t.strings.push_back(std::move(s));
    return static_cast<std::uint32_t>(t.strings.size() - 1);
  }

  // A name referenced by chunk offset; when the offset is the current position, the name is
  // stored right here and is skipped.
  std::uint32_t name(Template& t, Cur& c) {
    const std::uint32_t off = c.u32();
    if (off > size_ || size_ - off < 8) throw BadData{"name offset outside the chunk", c.pos - 4};
    const std::uint16_t units = rd16(base_ + off + 6);
    if (std::size_t{units} * 2 + 8 > size_ - off) throw BadData{"name runs past the chunk", off};
    if (refs_) {
      // Compiling a definition: note where this name offset sits, for the template cache.
      Template::NameRef r;
      r.at = static_cast<std::uint32_t>(c.pos - 4 - (def_ + 4));
      const std::size_t end = def_ + 24 + std::size_t{t.data_size};
      if (off >= def_ && off < end) {
        r.inside = true;
        r.target = off - def_;
      } else {
        r.outside_units.assign(reinterpret_cast<const char*>(base_ + off + 8), std::size_t{units} * 2);
      }
      refs_->push_back(std::move(r));
    }
    if (off == c.pos) c.skip(8 + std::size_t{units} * 2 + 2);
    if (auto it = names_->find(off); it != names_->end()) return it->second;
    std::string s;
    detail::append_utf16(s, base_ + off + 8, units, false);
    const auto idx = intern(t, std::move(s));
    names_->emplace(off, idx);
    return idx;
  }

  void compile(Template& t, Cur& c, bool in_template, std::vector<Value>* extra, std::uint32_t depth) {
    // Names interned per template; compilations nest (a raw fragment may hold an instance whose
    // definition is compiled on the way), so each has its own table.
    std::unordered_map<std::uint32_t, std::uint32_t> names;
    struct Restore {
      std::unordered_map<std::uint32_t, std::uint32_t>*& slot;
      std::unordered_map<std::uint32_t, std::uint32_t>* saved;
      ~Restore() { slot = saved; }
    } restore{names_, names_};
    names_ = &names;
    std::vector<std::uint32_t> roots;
    content(t, c, in_template, extra, depth, 0, roots, true);
    t.roots = std::move(roots);
  }

  std::uint32_t push(Template& t, Node n) {
    t.nodes.push_back(n);
    return static_cast<std::uint32_t>(t.nodes.size() - 1);
  }

  // A Value token (0x05) inside a tree: nearly always a UTF-16 string.
  std::uint32_t value_token(Template& t, Cur& c) {
    const std::uint8_t type = c.u8();
    Node n;
    n.kind = NodeKind::text;
    if (type == kString) {
      const std::uint16_t units = c.u16();
      c.need(std::size_t{units} * 2);
      std::string s;
      detail::append_utf16(s, c.b + c.pos, units, false);
      c.pos += std::size_t{units} * 2;
      n.str = intern(t, std::move(s));
    } else if (const std::uint8_t fs = fixed_size(type); fs != 0) {
      c.need(fs);
      Value v;
      v.bytes = ByteView(c.b + c.pos, fs);
      v.type = type;
      std::string s;
      append_value_text(s, v, Style::windows);
      c.pos += fs;
      n.str = intern(t, std::move(s));
    } else {
      throw BadData{"value token of an unsupported type", c.pos - 1};
    }
    return push(t, n);
  }

  std::uint32_t subst(Template& t, Cur& c, std::uint8_t tok, std::vector<Value>* extra) {
    Node n;
    n.kind = NodeKind::subst;
    n.optional = tok == 0x0E;
    n.index = c.u16();
    n.value_type = c.u8();
    if (extra) n.index = 0xFFFF;  // substitutions outside a template have no values: null
    return push(t, n);
  }

  // Reads content tokens until an end-element (consumed) or EOF (not consumed).
  void content(Template& t, Cur& c, bool in_template, std::vector<Value>* extra, std::uint32_t depth, std::uint32_t level,
               std::vector<std::uint32_t>& out, bool top) {
    if (level > 256) throw BadData{"elements nested too deep", c.pos};
    while (c.pos < c.end) {
      const std::uint8_t tok = c.peek();
      switch (tok) {
        case 0x00:
          if (!top) throw BadData{"fragment ends inside an element", c.pos};
          c.pos++;
          return;
        case 0x0F: c.skip(4); break;
        case 0x04:
          c.pos++;
          if (top) break;  // stray end tag at the top level: ignore it
          return;
        case 0x01: case 0x41: out.push_back(element(t, c, in_template, extra, depth, level)); break;
        case 0x05: case 0x45: c.pos++; out.push_back(value_token(t, c)); break;
        case 0x0D: case 0x0E: c.pos++; out.push_back(subst(t, c, tok, extra)); break;
        case 0x07: case 0x47: {
          c.pos++;
          const std::uint16_t units = c.u16();
          c.need(std::size_t{units} * 2);
          std::string s;
          detail::append_utf16(s, c.b + c.pos, units, false);
          c.pos += std::size_t{units} * 2;
          Node n;
          n.kind = NodeKind::cdata;
          n.str = intern(t, std::move(s));
          out.push_back(push(t, n));
          break;
        }
        case 0x08: case 0x48: {
          c.pos++;
          Node n;
          n.kind = NodeKind::char_ref;
          n.index = c.u16();
          out.push_back(push(t, n));
          break;
        }
        case 0x09: case 0x49: {
          c.pos++;
          Node n;
          n.kind = NodeKind::entity_ref;
          n.str = name(t, c);
          out.push_back(push(t, n));
          break;
        }
        case 0x0A: case 0x4A: {
          c.pos++;
          Node n;
          n.kind = NodeKind::pi;
          n.str = name(t, c);
          if (c.pos < c.end && (c.peek() & 0xBF) == 0x0B) {
            c.pos++;
            const std::uint16_t units = c.u16();
            c.skip(std::size_t{units} * 2);
          }
          out.push_back(push(t, n));
          break;
        }
        case 0x0C: case 0x4C: {
          if (!extra) throw BadData{"template instance inside a template definition", c.pos};
          c.pos++;
          Value v;
          v.type = kBinXml;
          v.nested = instance(c, depth + 1);
          extra->push_back(v);
          Node n;
          n.kind = NodeKind::subst;
          n.value_type = kBinXml;
          n.index = static_cast<std::uint16_t>(std::min<std::size_t>(extra->size() - 1, 0xFFFE));
          out.push_back(push(t, n));
          break;
        }
        default: throw BadData{"unknown BinXML token", c.pos};
      }
    }
    if (!top) throw BadData{"fragment ends inside an element", c.pos};
  }

  std::uint32_t element(Template& t, Cur& c, bool in_template, std::vector<Value>* extra, std::uint32_t depth, std::uint32_t level) {
    const std::uint8_t tok = c.u8();
    if (in_template) c.u16();  // dependency identifier
    c.u32();                   // data size
    Node n;
    n.kind = NodeKind::element;
    n.str = name(t, c);
    if (tok & 0x40) c.u32();  // attribute list size
    const std::uint32_t idx = push(t, n);
    std::vector<Attr> attrs;
    std::vector<std::uint32_t> children;
    bool closed = false;
    while (!closed) {
      const std::uint8_t a = c.peek();
      if ((a & 0xBF) == 0x06) {
        c.pos++;
        Attr at;
        at.name = name(t, c);
        std::vector<std::uint32_t> parts;
        for (;;) {
          if (c.pos >= c.end) break;
          const std::uint8_t v = c.peek();
          if ((v & 0xBF) == 0x05) {
            c.pos++;
            parts.push_back(value_token(t, c));
          } else if (v == 0x0D || v == 0x0E) {
            c.pos++;
            parts.push_back(subst(t, c, v, extra));
          } else if ((v & 0xBF) == 0x08) {
            c.pos++;
            Node r;
            r.kind = NodeKind::char_ref;
            r.index = c.u16();
            parts.push_back(push(t, r));
          } else if ((v & 0xBF) == 0x09) {
            c.pos++;
            Node r;
            r.kind = NodeKind::entity_ref;
            r.str = name(t, c);
            parts.push_back(push(t, r));
          } else {
            break;
          }
        }
        at.part_begin = static_cast<std::uint32_t>(t.kids.size());
        t.kids.insert(t.kids.end(), parts.begin(), parts.end());
        at.part_end = static_cast<std::uint32_t>(t.kids.size());
        attrs.push_back(at);
      } else if (a == 0x02) {
        c.pos++;
        content(t, c, in_template, extra, depth, level + 1, children, false);
        closed = true;
      } else if (a == 0x03) {
        c.pos++;
        closed = true;
      } else {
        throw BadData{"unexpected token in an element's start tag", c.pos};
      }
    }
    Node& e = t.nodes[idx];
    e.attr_begin = static_cast<std::uint32_t>(t.attrs.size());
    t.attrs.insert(t.attrs.end(), attrs.begin(), attrs.end());
    e.attr_end = static_cast<std::uint32_t>(t.attrs.size());
    e.child_begin = static_cast<std::uint32_t>(t.kids.size());
    t.kids.insert(t.kids.end(), children.begin(), children.end());
    e.child_end = static_cast<std::uint32_t>(t.kids.size());
    return idx;
  }

  Chunk::Impl& impl_;
  const std::uint8_t* base_;
  std::size_t size_;
  std::vector<Value>& values_;
  std::vector<Instance>& instances_;
  const ParseOptions& opt_;
  std::size_t& compiled_;
  std::unordered_map<std::uint32_t, std::uint32_t>* names_ = nullptr;
  std::uint32_t def_ = 0;                          // the definition being compiled
  std::vector<Template::NameRef>* refs_ = nullptr;  // its name offsets, while compiling one
};

}  // namespace

Chunk::Chunk() : impl_(std::make_unique<Impl>()) {}
Chunk::~Chunk() = default;

bool Chunk::parse(ByteView chunk, std::uint64_t file_offset, std::uint64_t index, const ParseOptions& opt,
                  std::vector<Problem>& problems) {
  chunk_ = chunk;
  header_ = {};
  records_.clear();
  values_.clear();
  instances_.clear();
  impl_->by_offset.clear();
  impl_->raw.clear();
  if (impl_->cached > Impl::kMaxCached) {  // bounded: a log of endless distinct templates
    impl_->cache.clear();
    impl_->cached = 0;
  }
  compiled_count_ = 0;
  const std::string where = "chunk " + std::to_string(index);
  const std::string where_ja = "チャンク " + std::to_string(index);
  const std::uint8_t* p = chunk.data();

  const bool magic = chunk.starts_with(std::string_view("ElfChnk\0", 8));
  if (!magic) {
    const bool zero = std::all_of(chunk.begin(), chunk.end(), [](std::uint8_t b) { return b == 0; });
    if (!zero) {
      problems.push_back(make_problem("evtx.chunk_bad_magic", where + ": no chunk signature; slot skipped",
                                      where_ja + ": チャンクのシグネチャがありません（スキップしました）", file_offset));
    }
    if (!opt.carve || zero || chunk.size() < kChunkHeaderSize) return false;
  }
  std::size_t live_end = chunk.size();
  if (magic) {
    if (chunk.size() < kChunkHeaderSize) {
      problems.push_back(make_problem("evtx.chunk_truncated", where + ": chunk header cut short", where_ja + ": チャンクヘッダーが途中で切れています", file_offset));
      return false;
    }
    header_.first_number = rd64(p + 8);
    header_.last_number = rd64(p + 16);
    header_.first_id = rd64(p + 24);
    header_.last_id = rd64(p + 32);
    header_.header_size = rd32(p + 40);
    header_.last_record_offset = rd32(p + 44);
    header_.free_space_offset = rd32(p + 48);
    header_.data_crc = rd32(p + 52);
    header_.flags = rd32(p + 120);
    header_.header_crc = rd32(p + 124);
    if (chunk.size() < kChunkSize) {
      problems.push_back(make_problem("evtx.chunk_truncated", where + ": chunk cut short at " + std::to_string(chunk.size()) + " bytes",
                                      where_ja + ": チャンクが " + std::to_string(chunk.size()) + " バイトで切れています", file_offset));
    }
    if (header_.free_space_offset < kChunkHeaderSize || header_.free_space_offset > kChunkSize) {
      problems.push_back(make_problem("evtx.chunk_bad_free_offset", where + ": free-space offset out of range; reading the whole chunk",
                                      where_ja + ": 空き領域オフセットが範囲外です（チャンク全体を読みます）", file_offset + 48));
    } else {
      live_end = std::min<std::size_t>(header_.free_space_offset, chunk.size());
    }
    bool crc_ok = true;
    if (opt.check_crc) {
      uLong hc = ::crc32(0L, p, 120);
      hc = ::crc32(hc, p + 128, static_cast<uInt>(kChunkHeaderSize - 128));
      if (static_cast<std::uint32_t>(hc) != header_.header_crc) {
        crc_ok = false;
        problems.push_back(make_problem("evtx.chunk_header_crc_mismatch", where + ": chunk header CRC does not match",
                                        where_ja + ": チャンクヘッダーの CRC が一致しません", file_offset + 124));
      }
      if (live_end > kChunkHeaderSize && crc32(ByteView(p + kChunkHeaderSize, live_end - kChunkHeaderSize)) != header_.data_crc) {
        crc_ok = false;
        problems.push_back(make_problem("evtx.chunk_data_crc_mismatch", where + ": record data CRC does not match",
                                        where_ja + ": レコードデータの CRC が一致しません", file_offset + 52));
      }
    }
    if (!crc_ok && opt.strict_crc) return true;
  }

  std::vector<Value>& values = values_;
  std::size_t carve_rejected = 0;
  Parser parser(*impl_, chunk, values, instances_, opt, compiled_count_);
  auto parse_record = [&](std::size_t pos, std::uint32_t size, bool carved) {
    Record r;
    r.size = size;
    r.id = rd64(p + pos + 8);
    r.written = rd64(p + pos + 16);
    r.offset = file_offset + pos;
    r.carved = carved;
    const std::size_t values_mark = values.size();
    const std::size_t inst_mark = instances_.size();
    r.value_begin = static_cast<std::uint32_t>(values_mark);
    try {
      r.instance = parser.fragment(pos + kRecordHeaderSize, pos + size - 4, 0);
      r.value_end = static_cast<std::uint32_t>(values.size());
    } catch (const BadData& e) {
      values.resize(values_mark);
      instances_.resize(inst_mark);
      if (carved) {
        ++carve_rejected;  // a false start in slack is not a damaged record of the file
        return;
      }
      r.instance = -1;
      problems.push_back(make_problem("evtx.record_malformed",
                                      where + ", record " + std::to_string(r.id) + ": " + e.what,
                                      where_ja + "、レコード " + std::to_string(r.id) + ": BinXML を解析できません（" + e.what + "）",
                                      file_offset + e.offset, r.id));
    }
    if (carved) {
      problems.push_back(make_problem("evtx.record_carved",
                                      where + ": record " + std::to_string(r.id) + " recovered from slack space; its values may be stale if the templates it refers to were overwritten",
                                      where_ja + ": レコード " + std::to_string(r.id) + " を未使用領域から復元しました（参照先テンプレートが上書きされている場合、値が正しくない可能性があります）",
                                      r.offset, r.id));
    }
    records_.push_back(r);
  };
  auto plausible = [&](std::size_t pos, std::size_t end) -> std::uint32_t {
    if (end - pos < 28) return 0;
    if (rd32(p + pos) != 0x00002A2AU) return 0;
    const std::uint32_t size = rd32(p + pos + 4);
    if (size < 28 || size > end - pos) return 0;
    if (rd32(p + pos + size - 4) != size) return 0;
    return size;
  };

  std::size_t pos = magic ? kChunkHeaderSize : 0;
  if (magic) {
    while (pos + kRecordHeaderSize <= live_end) {
      const std::uint32_t sig = rd32(p + pos);
      if (sig == 0) break;  // zeroed tail: clean end of the chunk
      const std::uint32_t size = rd32(p + pos + 4);
      if (sig != 0x00002A2AU || size < 28 || size > live_end - pos) {
        problems.push_back(make_problem(sig != 0x00002A2AU ? "evtx.record_bad_magic" : "evtx.record_bad_size",
                                        where + ": bad record header at chunk offset " + std::to_string(pos) + "; searching for the next record",
                                        where_ja + ": チャンク内オフセット " + std::to_string(pos) + " のレコードヘッダーが不正です（次のレコードを探します）",
                                        file_offset + pos));
        std::size_t next = (pos + 8) & ~std::size_t{7};
        while (next + kRecordHeaderSize <= live_end && plausible(next, live_end) == 0) next += 8;
        pos = next;
        continue;
      }
      if (rd32(p + pos + size - 4) != size) {
        problems.push_back(make_problem("evtx.record_size_copy_mismatch",
                                        where + ": record at chunk offset " + std::to_string(pos) + " has a different size copy at its end",
                                        where_ja + ": チャンク内オフセット " + std::to_string(pos) + " のレコード末尾のサイズ値が一致しません",
                                        file_offset + pos + size - 4, rd64(p + pos + 8)));
      }
      parse_record(pos, size, false);
      pos += size;
    }
  }
  if (opt.carve) {
    // Slack after the live records (and a whole slot without a chunk header): records that were
    // overwritten in the header's view but whose bytes are still there.
    std::size_t c = (pos + 7) & ~std::size_t{7};
    while (c + 28 <= chunk.size()) {
      if (const std::uint32_t size = plausible(c, chunk.size()); size != 0) {
        parse_record(c, size, true);
        c += (size + 7) & ~std::uint32_t{7};
      } else {
        c += 8;
      }
    }
  }
  if (carve_rejected > 0) {
    problems.push_back(make_problem("evtx.carve_rejected",
                                    where + ": " + std::to_string(carve_rejected) + " record-like byte runs in slack space could not be parsed and were left out",
                                    where_ja + ": 未使用領域のレコード候補 " + std::to_string(carve_rejected) + " 件は解析できず除外しました",
                                    file_offset));
  }
  return magic || !records_.empty();
}

}  // namespace emoguard::formats::evtx
