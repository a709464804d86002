// A byte stream handed over by an HTTP session after a protocol switch (101 Switching
// Protocols): the bytes that had already arrived after the HTTP message come with it.
#pragma once

#include "byte_stream.h"

#include <memory>

namespace cmslab::devices::net {

struct UpgradedStream {
    std::unique_ptr<ByteStream> stream; // null when the switch did not happen
    Bytes leftover;                     // the new protocol's first bytes, not delivered again
};

} // namespace cmslab::devices::net
