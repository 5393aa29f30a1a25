// Result<T>: a value or an Error{code, message, offset}; how every component reports failure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace emoguard {

// What went wrong, not what was found: a verdict is never an Error.
enum class Errc : std::uint8_t {
  io,            // the operating system refused a read or an open
  not_found,     // no such file or directory
  permission,    // access denied
  not_regular,   // FIFO, socket, device: never read, because reading could block forever
  empty,         // zero bytes
  too_large,     // beyond a Limits value
  loop,          // symlink or directory loop
  truncated,     // the structure ends before the data it declares
  out_of_range,  // an offset or size points outside the data
  malformed,     // structure that breaks the format's rules
  unsupported,   // valid input that we do not handle yet
  limit,         // a Limits value was reached
  usage,         // the user's arguments are wrong
  internal,      // a bug in emoguard: reported, never hidden
};

std::string_view to_string(Errc code) noexcept;

inline constexpr std::uint64_t kNoOffset = ~std::uint64_t{0};

struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::uint64_t offset = kNoOffset;  // byte offset in the input, when one applies
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  template <class U>
  T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  [[nodiscard]] bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const& { return error_; }

 private:
  Error error_{};
  bool ok_ = true;
};

inline Error make_error(Errc code, std::string message, std::uint64_t offset = kNoOffset) {
  return Error{code, std::move(message), offset};
}

}  // namespace emoguard
