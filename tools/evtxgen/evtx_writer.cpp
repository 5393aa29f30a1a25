// EVTX layout: records (BinXML template instances) packed into 64 KiB chunks, streamed to a file.
#include "evtx_writer.hpp"

#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

namespace emoguard::evtxgen {
namespace {

// BinXML tokens (MS-EVEN6 2.2.12; the 0x40 bit: "has attributes" or "more follows").
constexpr std::uint8_t kTokEof = 0x00;
constexpr std::uint8_t kTokOpenStart = 0x01;
constexpr std::uint8_t kTokCloseStart = 0x02;
constexpr std::uint8_t kTokCloseEmpty = 0x03;
constexpr std::uint8_t kTokEndElement = 0x04;
constexpr std::uint8_t kTokValue = 0x05;
constexpr std::uint8_t kTokAttribute = 0x06;
constexpr std::uint8_t kTokTemplateInstance = 0x0C;
constexpr std::uint8_t kTokNormalSubst = 0x0D;
constexpr std::uint8_t kTokOptionalSubst = 0x0E;
constexpr std::uint8_t kTokFragmentHeader = 0x0F;
constexpr std::uint8_t kMoreFlag = 0x40;

// Encodes one record at a known chunk offset. Names and template definitions are written inline
// the first time they are used in the chunk and referenced by offset afterwards; new ones are kept
// pending until the record is known to fit, so that a record that does not fit leaves no trace.
class RecordEncoder {
 public:
  RecordEncoder(const ChunkTables& committed, std::uint32_t base)
      : committed_(committed), base_(base), name_heads_(committed.name_heads), template_heads_(committed.template_heads) {}

  Bytes& out() { return out_; }

  void record(const RecordInput& r) {
    put_u32(out_, 0x00002A2A);
    put_u32(out_, 0);  // size, patched below
    put_u64(out_, r.id);
    put_u64(out_, r.written);
    fragment(*r.tmpl, *r.values);
    // Windows pads every record to a multiple of 8 bytes before the copy of its size.
    while ((out_.size() + 4) % 8 != 0) put_u8(out_, 0);
    put_u32(out_, static_cast<std::uint32_t>(out_.size() + 4));
    set_u32(out_, 4, static_cast<std::uint32_t>(out_.size()));
  }

  void commit(ChunkTables& tables) const {
    for (const auto& [name, off] : pending_names_) tables.names.emplace(*name, off);
    for (const auto& [tmpl, off] : pending_templates_) tables.templates.emplace(tmpl, off);
    tables.name_heads = name_heads_;
    tables.template_heads = template_heads_;
  }

 private:
  [[nodiscard]] std::uint32_t pos() const { return base_ + static_cast<std::uint32_t>(out_.size()); }

  // A BinXML fragment: header, one template instance, end of fragment.
  void fragment(const Template& t, const std::vector<Value>& values) {
    put_u8(out_, kTokFragmentHeader);
    put_u8(out_, 1);  // major version
    put_u8(out_, 1);  // minor version
    put_u8(out_, 0);  // flags
    template_instance(t, values);
    put_u8(out_, kTokEof);
  }

  [[nodiscard]] std::optional<std::uint32_t> find_name(const std::u16string& text) const {
    for (const auto& [name, off] : pending_names_)
      if (*name == text) return off;
    if (const auto it = committed_.names.find(text); it != committed_.names.end()) return it->second;
    return std::nullopt;
  }

  [[nodiscard]] std::optional<std::uint32_t> find_template(const Template* t) const {
    for (const auto& [tmpl, off] : pending_templates_)
      if (tmpl == t) return off;
    if (const auto it = committed_.templates.find(t); it != committed_.templates.end()) return it->second;
    return std::nullopt;
  }

  void name_ref(const Name& n) {
    if (const auto off = find_name(n.text)) {
      put_u32(out_, *off);
      return;
    }
    if (n.text.size() > 0xFFFF) throw InputError("a name is longer than 65535 UTF-16 units");
    const std::uint32_t off = pos() + 4;  // the name follows right here: "inline"
    put_u32(out_, off);
    const std::size_t bucket = n.hash % name_heads_.size();
    put_u32(out_, name_heads_[bucket]);  // chained: the new name heads its bucket
    put_u16(out_, n.hash);
    put_u16(out_, static_cast<std::uint16_t>(n.text.size()));
    put_utf16(out_, n.text);
    put_u16(out_, 0);
    pending_names_.emplace_back(&n.text, off);
    name_heads_[bucket] = off;
  }

  void text_value(const std::u16string& text) {
    if (text.size() > 0xFFFF) throw InputError("a literal text is longer than 65535 UTF-16 units");
    put_u8(out_, kTokValue);
    put_u8(out_, vt::kString);
    put_u16(out_, static_cast<std::uint16_t>(text.size()));
    put_utf16(out_, text);
  }

  void subst(const Subst& s) {
    put_u8(out_, s.optional ? kTokOptionalSubst : kTokNormalSubst);
    put_u16(out_, s.index);
    put_u8(out_, s.type);
  }

  void element(const Node& e) {
    const bool has_attributes = !e.attributes.empty();
    put_u8(out_, has_attributes ? static_cast<std::uint8_t>(kTokOpenStart | kMoreFlag) : kTokOpenStart);
    put_u16(out_, e.dependency);
    const std::size_t size_pos = out_.size();
    put_u32(out_, 0);
    name_ref(e.name);
    if (has_attributes) {
      const std::size_t list_pos = out_.size();
      put_u32(out_, 0);
      for (std::size_t i = 0; i < e.attributes.size(); ++i) {
        const Attribute& a = e.attributes[i];
        const bool more = i + 1 < e.attributes.size();
        put_u8(out_, more ? static_cast<std::uint8_t>(kTokAttribute | kMoreFlag) : kTokAttribute);
        name_ref(a.name);
        if (a.literal) text_value(a.text);
        else subst(a.subst);
      }
      set_u32(out_, list_pos, static_cast<std::uint32_t>(out_.size() - list_pos - 4));
    }
    if (e.children.empty()) {
      put_u8(out_, kTokCloseEmpty);
    } else {
      put_u8(out_, kTokCloseStart);
      for (const Node& c : e.children) {
        switch (c.kind) {
          case Node::Kind::kElement:
            element(c);
            break;
          case Node::Kind::kText:
            text_value(c.text);
            break;
          case Node::Kind::kSubst:
            subst(c.subst);
            break;
        }
      }
      put_u8(out_, kTokEndElement);
    }
    // The element's size counts everything after the size field, its end token included.
    set_u32(out_, size_pos, static_cast<std::uint32_t>(out_.size() - size_pos - 4));
  }

  void template_instance(const Template& t, const std::vector<Value>& values) {
    if (values.size() != t.value_count) throw std::logic_error("template instance with the wrong number of values");
    put_u8(out_, kTokTemplateInstance);
    put_u8(out_, 1);
    put_u32(out_, t.id);
    if (const auto known = find_template(&t)) {
      put_u32(out_, *known);
    } else {
      const std::uint32_t off = pos() + 4;  // the definition follows right here: "inline"
      put_u32(out_, off);
      const std::size_t bucket = t.guid_hash % template_heads_.size();
      put_u32(out_, template_heads_[bucket]);
      out_.append(reinterpret_cast<const char*>(t.guid.data()), t.guid.size());
      const std::size_t size_pos = out_.size();
      put_u32(out_, 0);
      put_u8(out_, kTokFragmentHeader);
      put_u8(out_, 1);
      put_u8(out_, 1);
      put_u8(out_, 0);
      element(t.root);
      put_u8(out_, kTokEof);
      set_u32(out_, size_pos, static_cast<std::uint32_t>(out_.size() - size_pos - 4));
      pending_templates_.emplace_back(&t, off);
      template_heads_[bucket] = off;
    }
    // Instance data: value count, {u16 size, u8 type, u8 0} per value, then the values.
    put_u32(out_, static_cast<std::uint32_t>(values.size()));
    const std::size_t table = out_.size();
    out_.append(4 * values.size(), '\0');
    for (std::size_t i = 0; i < values.size(); ++i) {
      const Value& v = values[i];
      const std::size_t start = out_.size();
      if (v.type == vt::kBinXml) {
        if (!v.nested || v.nested->tmpl == nullptr) throw std::logic_error("binxml value without a fragment");
        fragment(*v.nested->tmpl, v.nested->values);
      } else {
        out_ += v.data;
      }
      const std::size_t size = out_.size() - start;
      if (size > 0xFFFF) throw InputError("a value is larger than 65535 bytes (" + std::to_string(size) + ")");
      set_u16(out_, table + 4 * i, static_cast<std::uint16_t>(size));
      out_[table + 4 * i + 2] = static_cast<char>(v.type);
      out_[table + 4 * i + 3] = 0;
    }
  }

  const ChunkTables& committed_;
  std::uint32_t base_;
  Bytes out_;
  std::array<std::uint32_t, 64> name_heads_;
  std::array<std::uint32_t, 32> template_heads_;
  std::vector<std::pair<const std::u16string*, std::uint32_t>> pending_names_;
  std::vector<std::pair<const Template*, std::uint32_t>> pending_templates_;
};

}  // namespace

Chunk::Chunk() : buf_(kChunkSize, '\0') {}

void Chunk::reset() {
  std::memset(buf_.data(), 0, buf_.size());
  free_ = kChunkHeaderSize;
  last_record_ = 0;
  first_id_ = 0;
  last_id_ = 0;
  count_ = 0;
  tables_ = ChunkTables{};
}

bool Chunk::try_append(const RecordInput& r) {
  RecordEncoder enc(tables_, free_);
  enc.record(r);
  const Bytes& rec = enc.out();
  if (rec.size() > kChunkSize - free_) {
    if (count_ == 0)
      throw InputError("record " + std::to_string(r.id) + " needs " + std::to_string(rec.size()) +
                       " bytes, more than a chunk holds (" + std::to_string(kChunkSize - kChunkHeaderSize) + ")");
    return false;
  }
  std::memcpy(buf_.data() + free_, rec.data(), rec.size());
  enc.commit(tables_);
  if (count_ == 0) first_id_ = r.id;
  last_id_ = r.id;
  last_record_ = free_;
  free_ += static_cast<std::uint32_t>(rec.size());
  ++count_;
  return true;
}

const Bytes& Chunk::finish() {
  std::memcpy(buf_.data(), "ElfChnk\0", 8);
  // A live log numbers records and ids alike.
  set_u64(buf_, 8, first_id_);
  set_u64(buf_, 16, last_id_);
  set_u64(buf_, 24, first_id_);
  set_u64(buf_, 32, last_id_);
  set_u32(buf_, 40, 128);  // header size
  set_u32(buf_, 44, last_record_);
  set_u32(buf_, 48, free_);
  for (std::size_t i = 0; i < tables_.name_heads.size(); ++i) set_u32(buf_, 128 + 4 * i, tables_.name_heads[i]);
  for (std::size_t i = 0; i < tables_.template_heads.size(); ++i) set_u32(buf_, 384 + 4 * i, tables_.template_heads[i]);
  set_u32(buf_, 120, 0);  // flags
  const std::string_view all(buf_);
  set_u32(buf_, 52, crc32(all.substr(kChunkHeaderSize, free_ - kChunkHeaderSize)));
  set_u32(buf_, 124, crc32(all.substr(128, kChunkHeaderSize - 128), crc32(all.substr(0, 120))));
  return buf_;
}

Bytes file_header(std::uint64_t chunk_count, std::uint64_t next_record_id, std::uint32_t flags) {
  Bytes h(kFileHeaderBlock, '\0');
  std::memcpy(h.data(), "ElfFile\0", 8);
  set_u64(h, 8, 0);                                          // first chunk number
  set_u64(h, 16, chunk_count == 0 ? 0 : chunk_count - 1);   // last chunk number
  set_u64(h, 24, next_record_id);
  set_u32(h, 32, static_cast<std::uint32_t>(kFileHeaderSize));
  set_u16(h, 36, 1);  // minor version
  set_u16(h, 38, 3);  // major version
  set_u16(h, 40, static_cast<std::uint16_t>(kFileHeaderBlock));
  set_u16(h, 42, static_cast<std::uint16_t>(chunk_count & 0xFFFF));  // a u16: wraps above 65535 chunks
  set_u32(h, 120, flags);
  set_u32(h, 124, crc32(std::string_view(h).substr(0, 120)));
  return h;
}

EvtxFileWriter::EvtxFileWriter(const std::string& path, std::size_t max_records_per_chunk, std::uint64_t first_record_id)
    : path_(path), max_per_chunk_(max_records_per_chunk) {
  summary_.next_record_id = first_record_id;
  out_.open(path, std::ios::binary | std::ios::trunc);
  if (!out_) throw InputError(path + ": cannot open for writing");
  // The real header is written by close(), when the chunk count is known.
  const Bytes placeholder(kFileHeaderBlock, '\0');
  out_.write(placeholder.data(), static_cast<std::streamsize>(placeholder.size()));
}

void EvtxFileWriter::add(const RecordInput& r) {
  if (max_per_chunk_ != 0 && chunk_.record_count() >= max_per_chunk_) flush_chunk();
  if (!chunk_.try_append(r)) {
    flush_chunk();
    if (!chunk_.try_append(r)) throw std::logic_error("a record did not fit in an empty chunk");
  }
  ++summary_.records;
  summary_.next_record_id = r.id + 1;
}

void EvtxFileWriter::flush_chunk() {
  if (chunk_.record_count() == 0) return;
  const Bytes& c = chunk_.finish();
  out_.write(c.data(), static_cast<std::streamsize>(c.size()));
  if (!out_) throw InputError(path_ + ": write failed");
  ++summary_.chunks;
  chunk_.reset();
}

FileSummary EvtxFileWriter::close() {
  flush_chunk();
  const Bytes h = file_header(summary_.chunks, summary_.next_record_id, 0);
  out_.seekp(0);
  out_.write(h.data(), static_cast<std::streamsize>(h.size()));
  out_.close();
  if (!out_) throw InputError(path_ + ": write failed");
  summary_.bytes = kFileHeaderBlock + summary_.chunks * kChunkSize;
  return summary_;
}

}  // namespace emoguard::evtxgen
