// Credentials and the three integrity attributes of RFC 8489 section 14:
// MESSAGE-INTEGRITY (HMAC-SHA1), MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (CRC-32).
//
// Keys: no SASLprep/OpaqueString is applied; usernames, realms and passwords are taken
// as the UTF-8 bytes given. That is exact for ASCII credentials and for RFC 5769's
// vector (whose password is given after SASLprep), which is all the lab uses.
#pragma once

#include "common/bytes.h"
#include "stun/message.h"

#include <string_view>

namespace cmslab::stun {

// Short-term credential key: the password itself.
Bytes ShortTermKey(std::string_view password);
// Long-term credential key: MD5(username ":" realm ":" password), 16 bytes.
Bytes LongTermKey(std::string_view username, std::string_view realm, std::string_view password);
// The SHA-256 variant RFC 8489 uses with PASSWORD-ALGORITHM SHA-256, 32 bytes.
Bytes LongTermKeySha256(std::string_view username, std::string_view realm,
                        std::string_view password);

Bytes HmacSha1(ByteView key, ByteView data);
Bytes HmacSha256(ByteView key, ByteView data);
Bytes Md5(ByteView data);

// Appending to an encoded message (header + attributes, length field consistent): each
// adds its attribute and updates the header length, computing the value over the
// message as it ends at the new attribute.
void AppendMessageIntegrity(Bytes& message, ByteView key);
void AppendMessageIntegritySha256(Bytes& message, ByteView key);
void AppendFingerprint(Bytes& message);

enum class Check {
    Absent,  // the message has no such attribute
    Valid,   // present and matches
    Invalid, // present and does not match (or has an impossible length)
};

// Checks on a decoded message (Message::Decode keeps the raw bytes needed).
Check CheckMessageIntegrity(const Message& message, ByteView key);
Check CheckMessageIntegritySha256(const Message& message, ByteView key);
Check CheckFingerprint(const Message& message);

} // namespace cmslab::stun
