// Base64 (RFC 4648 section 4, with padding), as Basic auth and the WebSocket handshake
// carry it.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <string>
#include <string_view>

namespace cmslab::http {

std::string Base64Encode(ByteView data);
// Strict: length a multiple of 4, padding only at the end, no whitespace, and unused
// bits zero, so that one byte string has exactly one accepted encoding.
Expected<Bytes> Base64Decode(std::string_view text);

} // namespace cmslab::http
