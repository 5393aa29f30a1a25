// EVTX (Windows XML Event Log): file header, chunks, records and BinXML with compiled templates.
//
// A chunk is self-contained (names and templates are referenced by chunk offsets), so the parser
// works one 64 KiB chunk at a time and callers may parse chunks in parallel. Templates are
// compiled once per chunk into a small tree; a record is then a template plus a window of raw
// substitution values, and fields are read from it by name without building any document.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emoguard/bytes.hpp"

namespace emoguard::formats::evtx {

inline constexpr std::size_t kFileHeaderBlock = 4096;
inline constexpr std::size_t kChunkSize = 65536;
inline constexpr std::size_t kChunkHeaderSize = 512;
inline constexpr std::size_t kRecordHeaderSize = 24;

// Problems are data: each one has a stable code, an English and a Japanese message and the
// byte offset (from the start of the file) where it was seen.
struct Problem {
  std::string code;  // "evtx.chunk_crc_mismatch", ...
  std::string en;
  std::string ja;
  std::uint64_t offset = 0;
  std::uint64_t record_id = 0;  // 0: not tied to one record
};

struct FileHeader {
  std::uint64_t first_chunk = 0;
  std::uint64_t last_chunk = 0;
  std::uint64_t next_record_id = 0;
  std::uint32_t header_size = 0;
  std::uint16_t minor = 0;
  std::uint16_t major = 0;
  std::uint16_t block_size = 0;
  std::uint16_t chunk_count = 0;
  std::uint32_t flags = 0;
  std::uint32_t crc_stored = 0;
  std::uint32_t crc_computed = 0;
  [[nodiscard]] bool dirty() const noexcept { return (flags & 1U) != 0; }
  [[nodiscard]] bool full() const noexcept { return (flags & 2U) != 0; }
  [[nodiscard]] bool no_crc() const noexcept { return (flags & 4U) != 0; }
};

// Reads the 4096-byte file header block. Returns nothing when the signature is absent; a bad
// CRC or odd field is reported in problems and the header is still returned.
std::optional<FileHeader> parse_file_header(ByteView head, std::vector<Problem>& problems);

// Number of 64 KiB chunk slots in a file of this size (the header's u16 count is not trusted);
// a trailing partial slot counts, so a cut file still has its last chunk looked at.
std::uint64_t chunk_slots(std::uint64_t file_size) noexcept;

std::uint32_t crc32(ByteView bytes) noexcept;
// NameHash of MS-EVEN6: low 16 bits of h = h * 65599 + unit over the UTF-16 units.
std::uint16_t name_hash(std::u16string_view name) noexcept;

// ---------------------------------------------------------------------------------------------
// Values and compiled templates.

enum ValueType : std::uint8_t {
  kNull = 0x00, kString = 0x01, kAnsiString = 0x02, kInt8 = 0x03, kUInt8 = 0x04, kInt16 = 0x05,
  kUInt16 = 0x06, kInt32 = 0x07, kUInt32 = 0x08, kInt64 = 0x09, kUInt64 = 0x0A, kReal32 = 0x0B,
  kReal64 = 0x0C, kBool = 0x0D, kBinary = 0x0E, kGuid = 0x0F, kSizeT = 0x10, kFileTime = 0x11,
  kSysTime = 0x12, kSid = 0x13, kHexInt32 = 0x14, kHexInt64 = 0x15, kEvtHandle = 0x20,
  kBinXml = 0x21, kEvtXml = 0x23, kArrayFlag = 0x80,
};

// One substitution value of one record: its declared type and its raw bytes inside the chunk.
// A BinXml value (0x21) also points at the instance it was parsed into.
struct Value {
  ByteView bytes;
  std::uint8_t type = kNull;
  std::int32_t nested = -1;  // index into Chunk::instances(), for type 0x21
};

enum class NodeKind : std::uint8_t { element, text, subst, char_ref, entity_ref, cdata, pi };

struct Node {
  NodeKind kind = NodeKind::text;
  std::uint8_t value_type = 0;  // subst: declared type
  bool optional = false;        // subst: 0x0E, a null value removes the element or attribute
  std::uint16_t index = 0;      // subst: value index; char_ref: the code unit
  std::uint32_t str = 0;        // element / entity / pi: name; text / cdata: the text (Template::strings)
  std::uint32_t attr_begin = 0, attr_end = 0;    // element: range in Template::attrs
  std::uint32_t child_begin = 0, child_end = 0;  // element: range in Template::kids
};

struct Attr {
  std::uint32_t name = 0;                   // Template::strings
  std::uint32_t part_begin = 0, part_end = 0;  // range in Template::kids (text/subst/char_ref nodes)
};

// A template definition compiled once: names and literal text as UTF-8, the element tree as
// flat arrays. Raw record BinXML (without a template) is compiled the same way.
struct Template {
  std::vector<std::string> strings;
  std::vector<Node> nodes;
  std::vector<Attr> attrs;
  std::vector<std::uint32_t> kids;   // node indices, grouped per element / attribute
  std::vector<std::uint32_t> roots;  // top-level nodes
  std::uint8_t guid[16] = {};
  std::uint32_t data_size = 0;
  // For reuse in later chunks (see evtx.cpp, "template cache"): the definition's bytes from its
  // GUID on, and every name offset in them, so that another chunk's copy of the definition can
  // be recognised although its name offsets point elsewhere.
  struct NameRef {
    std::uint32_t at = 0;         // where the 4-byte name offset sits, from the GUID
    std::uint32_t target = 0;     // inside the definition: target - definition offset; else 0
    bool inside = false;
    std::string outside_units;    // a name stored elsewhere in the chunk: its UTF-16 bytes
  };
  std::vector<std::uint8_t> def_bytes;
  std::vector<NameRef> name_refs;
  // strings[i] as a quoted JSON key with its colon, made on first use by the JSON renderer
  // (a template belongs to one Chunk, which one thread uses at a time).
  mutable std::vector<std::string> json_keys;
  // Per node: 1 when an element's children give distinct JSON keys whatever the values (so the
  // renderer need not check for repeats), 2 when they may not, 0 not yet known.
  mutable std::vector<std::uint8_t> distinct_keys;
  // JSON renderings recorded once per pattern of null values and replayed: literal text and
  // "render value i here" steps (see render.cpp).
  struct JsonStep {
    std::uint32_t literal_begin = 0, literal_size = 0;  // in text
    std::int32_t value = -1;                            // value index, or -1 for literal only
  };
  struct JsonPlan {
    std::string key;  // per value: 'n' null, 'v' present; 'b' + template address for BinXml
    std::string text;
    std::vector<JsonStep> steps;
  };
  mutable std::vector<JsonPlan> json_plans;
  // Field names resolved to template nodes, per pattern of null values (see render.cpp): the
  // hunting engine's lookups by name then cost a hash lookup and one value's rendering.
  struct FieldRef {
    std::int32_t instance = 0;  // relative to the record's root instance
    std::uint32_t node = 0;     // the element, in that instance's template
    std::int32_t attr = -1;     // an attribute of it (System fields such as Provider_Name), or -1: its text
  };
  struct FieldIndex {
    std::string key;
    std::unordered_map<std::string, std::vector<FieldRef>> by_name;  // in document order
    bool complete = true;  // false when a name itself comes from a value: look up by walking
  };
  mutable std::vector<FieldIndex> field_indexes;
};

// A template instance: the compiled template and this record's values for it.
struct Instance {
  const Template* tmpl = nullptr;
  std::uint32_t value_begin = 0, value_end = 0;  // range in Chunk::values()
};

struct Record {
  std::uint64_t id = 0;
  std::uint64_t written = 0;       // FILETIME from the record header
  std::uint64_t offset = 0;        // file offset of the record
  std::uint32_t size = 0;
  std::int32_t instance = -1;      // root instance; -1 when the BinXML could not be parsed
  std::uint32_t value_begin = 0, value_end = 0;  // all values of the record, nested ones included
  bool carved = false;             // found by --carve outside the chunk's live records
};

struct ChunkHeader {
  std::uint64_t first_number = 0, last_number = 0, first_id = 0, last_id = 0;
  std::uint32_t header_size = 0, last_record_offset = 0, free_space_offset = 0;
  std::uint32_t data_crc = 0, header_crc = 0, flags = 0;
};

struct ParseOptions {
  bool check_crc = true;   // verify and report the chunk's CRCs
  bool strict_crc = false; // drop a chunk whose CRC does not match
  bool carve = false;      // also look for records in the slack after the live records
  std::uint32_t max_depth = 16;  // nested BinXml values inside values
};

// Parses one chunk into records. The chunk object owns the compiled templates and the value
// arena; records and values stay valid until the next parse() on the same object, so a worker
// thread keeps one Chunk and reuses its memory.
class Chunk {
 public:
  Chunk();
  ~Chunk();
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;

  // chunk: the bytes of the slot (up to 65,536; fewer when the file was cut).
  // file_offset: where the slot starts in the file (for problems and record offsets).
  // Returns false when the slot holds no chunk at all (zero or foreign bytes); a damaged chunk
  // still returns true with what could be read, and each problem is appended to problems.
  bool parse(ByteView chunk, std::uint64_t file_offset, std::uint64_t index, const ParseOptions& opt,
             std::vector<Problem>& problems);

  [[nodiscard]] const ChunkHeader& header() const noexcept { return header_; }
  [[nodiscard]] const std::vector<Record>& records() const noexcept { return records_; }
  [[nodiscard]] const std::vector<Value>& values() const noexcept { return values_; }
  [[nodiscard]] const std::vector<Instance>& instances() const noexcept { return instances_; }
  [[nodiscard]] ByteView bytes() const noexcept { return chunk_; }
  [[nodiscard]] std::size_t templates_compiled() const noexcept { return compiled_count_; }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  ByteView chunk_;
  ChunkHeader header_;
  std::vector<Record> records_;
  std::vector<Value> values_;
  std::vector<Instance> instances_;
  std::size_t compiled_count_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Reading records: values as text, fields by name, JSON and XML renderings.

// Value rendering styles. Windows: the forms of Windows' own XML (GUID in braces, 7 fraction
// digits). Json: the forms of the evtx crate's JSON (GUID without braces, 6 digits), which the
// SigmaHQ regression data uses.
enum class Style : std::uint8_t { windows, json };

// Appends one value as text (arrays joined with ", " unless this is an array item render).
void append_value_text(std::string& out, const Value& v, Style style);
// One scalar of the given type (no array flag) as text.
void append_scalar_text(std::string& out, std::uint8_t type, ByteView bytes, Style style);
// Calls f(item bytes) for each item of an array value, in order.
void for_each_array_item(const Value& v, const std::function<void(ByteView)>& f);
// Number of items in an array value (0 for a scalar).
std::size_t array_size(const Value& v);
// The item-th element of an array value, as text.
void append_array_item(std::string& out, const Value& v, std::size_t item, Style style);

// A record's view: fields by the names Sigma uses (EventID, Channel, Provider_Name, Computer,
// TimeCreated_SystemTime, Execution_ProcessID, Security_UserID, any EventData Data Name, any
// UserData leaf element name; unnamed Data items are "Data").
class RecordView {
 public:
  RecordView(const Chunk& chunk, const Record& record) : chunk_(&chunk), record_(&record) {}
  [[nodiscard]] const Record& record() const noexcept { return *record_; }
  [[nodiscard]] bool ok() const noexcept { return record_->instance >= 0; }

  // Calls f(name, text) for every field; returns early when f returns false.
  void for_each_field(const std::function<bool(std::string_view, std::string_view)>& f) const;
  // The first value of a field, as text in the Windows style. Uses the template's field index:
  // no walk over the record after the first record of its template and null pattern.
  [[nodiscard]] std::optional<std::string> field(std::string_view name) const;
  // Every value of a field (repeated elements, array items), in document order.
  void field_values(std::string_view name, const std::function<void(std::string_view)>& f) const;

  [[nodiscard]] std::string to_json() const;
  void append_json(std::string& out) const;
  void append_xml(std::string& out) const;

 private:
  [[nodiscard]] const Template::FieldIndex* index() const;
  const Chunk* chunk_;
  const Record* record_;
  // The record's field index, found on the first lookup (a hunt asks many fields of one record).
  mutable const Template::FieldIndex* index_ = nullptr;
  mutable bool index_known_ = false;
};

// FILETIME (100 ns since 1601) as ISO-8601 UTC with the given number of fraction digits (0-7).
void append_filetime(std::string& out, std::uint64_t ft, int digits);
// Parses "YYYY-MM-DD[THH:MM[:SS[.fffffff]]][Z]" to a FILETIME; nothing when malformed.
std::optional<std::uint64_t> parse_iso_filetime(std::string_view s);

}  // namespace emoguard::formats::evtx
