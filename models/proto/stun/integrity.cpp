#include "stun/integrity.h"

#include "stun/crc32.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace cmslab::stun {

namespace {

Bytes Hmac(const EVP_MD* md, ByteView key, ByteView data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    // OpenSSL rejects a null key pointer even with length 0.
    static const unsigned char kEmpty = 0;
    const unsigned char* key_ptr = key.size ? key.data : &kEmpty;
    if (!HMAC(md, key_ptr, static_cast<int>(key.size), data.data ? data.data : &kEmpty, data.size,
              out, &n))
        return {};
    return Bytes(out, out + n);
}

Bytes Digest(const EVP_MD* md, ByteView data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const unsigned char kEmpty = 0;
    if (!EVP_Digest(data.data ? data.data : &kEmpty, data.size, out, &n, md, nullptr))
        return {};
    return Bytes(out, out + n);
}

std::string Joined(std::string_view username, std::string_view realm, std::string_view password) {
    std::string s;
    s.reserve(username.size() + realm.size() + password.size() + 2);
    s.append(username).append(":").append(realm).append(":").append(password);
    return s;
}

void SetLength(Bytes& message, std::size_t total_size) {
    const std::size_t body = total_size - kHeaderSize;
    message[2] = static_cast<std::uint8_t>(body >> 8);
    message[3] = static_cast<std::uint8_t>(body);
}

void AppendAttribute(Bytes& message, std::uint16_t type, ByteView value) {
    message.push_back(static_cast<std::uint8_t>(type >> 8));
    message.push_back(static_cast<std::uint8_t>(type));
    message.push_back(static_cast<std::uint8_t>(value.size >> 8));
    message.push_back(static_cast<std::uint8_t>(value.size));
    message.insert(message.end(), value.begin(), value.end());
}

// The message up to `offset` with its length field set as if it ended `attr_size`
// bytes later: what the integrity attributes are computed over.
Bytes Prefix(const Bytes& raw, std::size_t offset, std::size_t attr_size) {
    Bytes prefix(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(offset));
    SetLength(prefix, offset + attr_size);
    return prefix;
}

bool SameBytes(ByteView a, ByteView b) {
    return a.size == b.size && CRYPTO_memcmp(a.data, b.data, a.size) == 0;
}

} // namespace

Bytes ShortTermKey(std::string_view password) {
    return ByteView(password).ToBytes();
}

Bytes LongTermKey(std::string_view username, std::string_view realm, std::string_view password) {
    const std::string joined = Joined(username, realm, password);
    return Md5(std::string_view(joined));
}

Bytes LongTermKeySha256(std::string_view username, std::string_view realm,
                        std::string_view password) {
    const std::string joined = Joined(username, realm, password);
    return Digest(EVP_sha256(), std::string_view(joined));
}

Bytes HmacSha1(ByteView key, ByteView data) {
    return Hmac(EVP_sha1(), key, data);
}
Bytes HmacSha256(ByteView key, ByteView data) {
    return Hmac(EVP_sha256(), key, data);
}
Bytes Md5(ByteView data) {
    return Digest(EVP_md5(), data);
}

void AppendMessageIntegrity(Bytes& message, ByteView key) {
    SetLength(message, message.size() + 24);
    const Bytes mac = HmacSha1(key, message);
    AppendAttribute(message, attr::kMessageIntegrity, mac);
}

void AppendMessageIntegritySha256(Bytes& message, ByteView key) {
    SetLength(message, message.size() + 36);
    const Bytes mac = HmacSha256(key, message);
    AppendAttribute(message, attr::kMessageIntegritySha256, mac);
}

void AppendFingerprint(Bytes& message) {
    SetLength(message, message.size() + 8);
    const std::uint32_t crc = Crc32(message) ^ kFingerprintXor;
    const std::uint8_t value[4] = {
        static_cast<std::uint8_t>(crc >> 24), static_cast<std::uint8_t>(crc >> 16),
        static_cast<std::uint8_t>(crc >> 8), static_cast<std::uint8_t>(crc)};
    AppendAttribute(message, attr::kFingerprint, ByteView(value, 4));
}

Check CheckMessageIntegrity(const Message& message, ByteView key) {
    const Attribute* a = message.Find(attr::kMessageIntegrity);
    if (!a)
        return Check::Absent;
    const Bytes& raw = message.Raw();
    if (a->value.size() != 20 || a->offset < kHeaderSize || a->offset > raw.size())
        return Check::Invalid;
    const Bytes mac = HmacSha1(key, Prefix(raw, a->offset, 24));
    return SameBytes(mac, a->value) ? Check::Valid : Check::Invalid;
}

Check CheckMessageIntegritySha256(const Message& message, ByteView key) {
    const Attribute* a = message.Find(attr::kMessageIntegritySha256);
    if (!a)
        return Check::Absent;
    const Bytes& raw = message.Raw();
    const std::size_t n = a->value.size();
    // RFC 8489 section 14.6: truncation to 16..32 bytes, a multiple of 4.
    if (n < 16 || n > 32 || n % 4 != 0 || a->offset < kHeaderSize || a->offset > raw.size())
        return Check::Invalid;
    Bytes mac = HmacSha256(key, Prefix(raw, a->offset, 4 + n));
    mac.resize(n);
    return SameBytes(mac, a->value) ? Check::Valid : Check::Invalid;
}

Check CheckFingerprint(const Message& message) {
    const Attribute* a = message.Find(attr::kFingerprint);
    if (!a)
        return Check::Absent;
    const Bytes& raw = message.Raw();
    if (a->value.size() != 4 || a->offset < kHeaderSize || a->offset > raw.size())
        return Check::Invalid;
    const std::uint32_t crc = Crc32(Prefix(raw, a->offset, 8)) ^ kFingerprintXor;
    const std::uint32_t got = (std::uint32_t{a->value[0]} << 24) |
                              (std::uint32_t{a->value[1]} << 16) |
                              (std::uint32_t{a->value[2]} << 8) | a->value[3];
    return crc == got ? Check::Valid : Check::Invalid;
}

} // namespace cmslab::stun
