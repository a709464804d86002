// CRC-32 (ISO-HDLC, the one zlib and Ethernet use), for the STUN FINGERPRINT.
#pragma once

#include "common/bytes.h"

#include <cstdint>

namespace cmslab::stun {

std::uint32_t Crc32(ByteView data);

} // namespace cmslab::stun
