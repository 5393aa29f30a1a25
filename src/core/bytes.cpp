// Reader implementation: bounds-checked sequential reads with offsets in errors.
#include "emoguard/bytes.hpp"

#include <algorithm>
#include <string>

#include "emoguard/text.hpp"

namespace emoguard {

std::optional<std::size_t> ByteView::find(std::string_view needle, std::size_t from) const noexcept {
  if (needle.empty() || from >= size_ || needle.size() > size_ - from) return std::nullopt;
  const auto* first = reinterpret_cast<const char*>(data_);
  const std::string_view hay(first, size_);
  const auto pos = hay.find(needle, from);
  if (pos == std::string_view::npos) return std::nullopt;
  return pos;
}

Error Reader::short_read(std::uint64_t wanted) const {
  return make_error(Errc::truncated,
                    "needs " + std::to_string(wanted) + " bytes, " + std::to_string(remaining()) + " left",
                    base_ + pos_);
}

Result<void> Reader::seek(std::uint64_t pos) {
  if (pos > view_.size()) return make_error(Errc::out_of_range, "seek past end", base_ + pos);
  pos_ = static_cast<std::size_t>(pos);
  return {};
}

Result<void> Reader::skip(std::uint64_t n) {
  if (n > remaining()) return short_read(n);
  pos_ += static_cast<std::size_t>(n);
  return {};
}

template <class T, class F>
Result<T> Reader::fixed(F get) {
  const auto v = get(view_, pos_);
  if (!v) return short_read(sizeof(T));
  pos_ += sizeof(T);
  return *v;
}

Result<std::uint8_t> Reader::u8() { return fixed<std::uint8_t>([](ByteView v, std::size_t p) { return v.u8(p); }); }
Result<std::uint16_t> Reader::u16le() { return fixed<std::uint16_t>([](ByteView v, std::size_t p) { return v.u16le(p); }); }
Result<std::uint32_t> Reader::u32le() { return fixed<std::uint32_t>([](ByteView v, std::size_t p) { return v.u32le(p); }); }
Result<std::uint64_t> Reader::u64le() { return fixed<std::uint64_t>([](ByteView v, std::size_t p) { return v.u64le(p); }); }
Result<std::uint16_t> Reader::u16be() { return fixed<std::uint16_t>([](ByteView v, std::size_t p) { return v.u16be(p); }); }
Result<std::uint32_t> Reader::u32be() { return fixed<std::uint32_t>([](ByteView v, std::size_t p) { return v.u32be(p); }); }
Result<std::uint64_t> Reader::u64be() { return fixed<std::uint64_t>([](ByteView v, std::size_t p) { return v.u64be(p); }); }

Result<ByteView> Reader::bytes(std::uint64_t n) {
  auto s = view_.slice(pos_, n);
  if (!s) return short_read(n);
  pos_ += static_cast<std::size_t>(n);
  return *s;
}

Result<std::string> Reader::utf16le(std::uint64_t units) {
  if (units > remaining() / 2) return short_read(units * 2);
  auto b = bytes(units * 2);
  if (!b) return b.error();
  return text::utf16le_to_utf8(*b);
}

Result<std::string> Reader::utf16le_z(std::uint64_t max_units) {
  const std::size_t start = pos_;
  std::uint64_t n = 0;
  while (n < max_units) {
    const auto u = view_.u16le(pos_ + n * 2);
    if (!u) return short_read((n + 1) * 2);
    if (*u == 0) {
      auto s = text::utf16le_to_utf8(*view_.slice(start, n * 2));
      pos_ = start + static_cast<std::size_t>((n + 1) * 2);
      return s;
    }
    ++n;
  }
  auto s = text::utf16le_to_utf8(*view_.slice(start, n * 2));
  pos_ = start + static_cast<std::size_t>(n * 2);
  return s;
}

}  // namespace emoguard
