// UTF-8 validation (RFC 3629): WebSocket text messages and close reasons must be valid.
#pragma once

#include "common/bytes.h"

namespace cmslab::ws {

// Rejects overlong forms, surrogates (U+D800-DFFF) and code points past U+10FFFF.
bool IsValidUtf8(ByteView text);

} // namespace cmslab::ws
