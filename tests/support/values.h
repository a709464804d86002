// Values written as text in a test: addresses and ASCII payloads.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <string>
#include <string_view>

namespace cmslab::testkit {

// The address written in `text`; text that is no address fails the calling test (gtest)
// and gives 0.0.0.0.
IpAddress Ip(std::string_view text);

// The bytes of `text` as they are (ASCII payloads, HTTP bodies, WebSocket messages).
Bytes B(std::string_view text);

// Bytes as text, as they are (a serialized message, a received body).
std::string Text(const Bytes& bytes);

} // namespace cmslab::testkit
