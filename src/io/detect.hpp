// Content-type detection from bytes alone: magic numbers, container peeks and text shapes.
#pragma once

#include "emoguard/bytes.hpp"
#include "emoguard/content_type.hpp"
#include "emoguard/limits.hpp"

namespace emoguard::io {

// Pure and bounded: reads at most limits.detect_head_bytes from the start, the ZIP end record
// window at the tail, and a bounded number of OLE2 directory sectors. Never fails: unknown
// bytes are ContentType::data.
[[nodiscard]] Detection detect(ByteView bytes, const Limits& limits = {});

}  // namespace emoguard::io
