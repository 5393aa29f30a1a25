// ByteView and Reader: the only way parsers touch untrusted bytes; every access is bounds-checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "emoguard/result.hpp"

namespace emoguard {

class ByteView {
 public:
  constexpr ByteView() noexcept = default;
  constexpr ByteView(const std::uint8_t* data, std::size_t size) noexcept
      : data_(size ? data : nullptr), size_(data ? size : 0) {}
  explicit ByteView(std::span<const std::uint8_t> s) noexcept : ByteView(s.data(), s.size()) {}
  explicit ByteView(std::string_view s) noexcept
      : ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()) {}

  [[nodiscard]] constexpr const std::uint8_t* data() const noexcept { return data_; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const std::uint8_t* begin() const noexcept { return data_; }
  [[nodiscard]] const std::uint8_t* end() const noexcept { return data_ + size_; }

  // True when [offset, offset+len) lies inside the view; written so that it cannot overflow.
  [[nodiscard]] constexpr bool contains(std::uint64_t offset, std::uint64_t len) const noexcept {
    return offset <= size_ && len <= size_ - offset;
  }
  // The bytes [offset, offset+len), or nothing when they are not all inside the view.
  [[nodiscard]] std::optional<ByteView> slice(std::uint64_t offset, std::uint64_t len) const noexcept {
    if (!contains(offset, len)) return std::nullopt;
    return ByteView(data_ + offset, static_cast<std::size_t>(len));
  }
  // Like slice, but shortened to what exists: for heads and tails of a file.
  [[nodiscard]] ByteView clamp(std::uint64_t offset, std::uint64_t len) const noexcept {
    if (offset >= size_) return {};
    const std::size_t avail = size_ - static_cast<std::size_t>(offset);
    return ByteView(data_ + offset, len < avail ? static_cast<std::size_t>(len) : avail);
  }
  [[nodiscard]] ByteView head(std::uint64_t len) const noexcept { return clamp(0, len); }
  [[nodiscard]] ByteView tail(std::uint64_t len) const noexcept {
    return len >= size_ ? *this : ByteView(data_ + (size_ - len), static_cast<std::size_t>(len));
  }

  [[nodiscard]] std::optional<std::uint8_t> u8(std::uint64_t off) const noexcept {
    if (off >= size_) return std::nullopt;
    return data_[off];
  }
  [[nodiscard]] std::optional<std::uint16_t> u16le(std::uint64_t off) const noexcept { return le<std::uint16_t>(off); }
  [[nodiscard]] std::optional<std::uint32_t> u32le(std::uint64_t off) const noexcept { return le<std::uint32_t>(off); }
  [[nodiscard]] std::optional<std::uint64_t> u64le(std::uint64_t off) const noexcept { return le<std::uint64_t>(off); }
  [[nodiscard]] std::optional<std::uint16_t> u16be(std::uint64_t off) const noexcept { return be<std::uint16_t>(off); }
  [[nodiscard]] std::optional<std::uint32_t> u32be(std::uint64_t off) const noexcept { return be<std::uint32_t>(off); }
  [[nodiscard]] std::optional<std::uint64_t> u64be(std::uint64_t off) const noexcept { return be<std::uint64_t>(off); }

  // True when the bytes at offset equal sig exactly.
  [[nodiscard]] bool has_at(std::uint64_t offset, ByteView sig) const noexcept {
    return contains(offset, sig.size()) && (sig.empty() || std::memcmp(data_ + offset, sig.data(), sig.size()) == 0);
  }
  [[nodiscard]] bool has_at(std::uint64_t offset, std::string_view sig) const noexcept {
    return has_at(offset, ByteView(sig));
  }
  [[nodiscard]] bool starts_with(std::string_view sig) const noexcept { return has_at(0, sig); }
  // First position of needle at or after from, or nothing.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view needle, std::size_t from = 0) const noexcept;
  [[nodiscard]] std::string_view chars() const noexcept {
    return {reinterpret_cast<const char*>(data_), size_};
  }

 private:
  template <class T>
  [[nodiscard]] std::optional<T> le(std::uint64_t off) const noexcept {
    if (!contains(off, sizeof(T))) return std::nullopt;
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>(v | (static_cast<T>(data_[off + i]) << (8 * i)));
    return v;
  }
  template <class T>
  [[nodiscard]] std::optional<T> be(std::uint64_t off) const noexcept {
    if (!contains(off, sizeof(T))) return std::nullopt;
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | data_[off + i]);
    return v;
  }

  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

// A cursor over a ByteView. Every read either succeeds whole or returns an Error carrying the
// offset where it failed; a failed read does not move the cursor.
class Reader {
 public:
  explicit Reader(ByteView view, std::uint64_t base_offset = 0) noexcept : view_(view), base_(base_offset) {}

  [[nodiscard]] std::size_t position() const noexcept { return pos_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return view_.size() - pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ >= view_.size(); }
  [[nodiscard]] ByteView view() const noexcept { return view_; }
  [[nodiscard]] Result<void> seek(std::uint64_t pos);
  [[nodiscard]] Result<void> skip(std::uint64_t n);

  [[nodiscard]] Result<std::uint8_t> u8();
  [[nodiscard]] Result<std::uint16_t> u16le();
  [[nodiscard]] Result<std::uint32_t> u32le();
  [[nodiscard]] Result<std::uint64_t> u64le();
  [[nodiscard]] Result<std::uint16_t> u16be();
  [[nodiscard]] Result<std::uint32_t> u32be();
  [[nodiscard]] Result<std::uint64_t> u64be();
  [[nodiscard]] Result<ByteView> bytes(std::uint64_t n);
  // n UTF-16LE code units, converted to UTF-8 (unpaired surrogates become U+FFFD).
  [[nodiscard]] Result<std::string> utf16le(std::uint64_t units);
  // UTF-16LE up to a NUL unit (consumed) or max_units, converted to UTF-8.
  [[nodiscard]] Result<std::string> utf16le_z(std::uint64_t max_units);

 private:
  Error short_read(std::uint64_t wanted) const;
  template <class T, class F>
  Result<T> fixed(F get);

  ByteView view_;
  std::uint64_t base_ = 0;
  std::size_t pos_ = 0;
};

}  // namespace emoguard
