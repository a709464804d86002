#include "stun/address_attribute.h"

#include "stun/constants.h"

namespace cmslab::stun {

namespace {

constexpr std::uint8_t kFamilyV4 = 0x01;
constexpr std::uint8_t kFamilyV6 = 0x02;

// The 16 bytes an address is XORed with: the cookie, then (IPv6 only) the transaction id.
std::array<std::uint8_t, 16> XorMask(const TransactionId& transaction_id) {
    std::array<std::uint8_t, 16> mask{};
    mask[0] = static_cast<std::uint8_t>(kMagicCookie >> 24);
    mask[1] = static_cast<std::uint8_t>(kMagicCookie >> 16);
    mask[2] = static_cast<std::uint8_t>(kMagicCookie >> 8);
    mask[3] = static_cast<std::uint8_t>(kMagicCookie);
    for (std::size_t i = 0; i < transaction_id.size(); ++i)
        mask[4 + i] = transaction_id[i];
    return mask;
}

Bytes Encode(const Endpoint& endpoint, const std::array<std::uint8_t, 16>* mask) {
    const IpAddress& ip = endpoint.address;
    ByteWriter w(4 + ip.Length());
    w.U8(0);
    w.U8(ip.IsV4() ? kFamilyV4 : kFamilyV6);
    std::uint16_t port = endpoint.port;
    if (mask)
        port ^= static_cast<std::uint16_t>(kMagicCookie >> 16);
    w.U16(port);
    for (std::size_t i = 0; i < ip.Length(); ++i)
        w.U8(static_cast<std::uint8_t>(ip.bytes[i] ^ (mask ? (*mask)[i] : 0)));
    return w.Take();
}

Expected<Endpoint> Decode(ByteView value, const std::array<std::uint8_t, 16>* mask) {
    ByteReader r(value);
    std::uint8_t reserved = 0, family = 0;
    std::uint16_t port = 0;
    if (!r.U8(reserved) || !r.U8(family) || !r.U16(port))
        return Error{"address attribute shorter than 4 bytes"};
    Endpoint ep;
    std::size_t n = 0;
    if (family == kFamilyV4) {
        ep.address.family = IpAddress::Family::V4;
        n = 4;
    } else if (family == kFamilyV6) {
        ep.address.family = IpAddress::Family::V6;
        n = 16;
    } else {
        return Error{"address attribute with unknown family " + std::to_string(family)};
    }
    if (r.Remaining() != n)
        return Error{"address attribute length does not match its family"};
    ByteView raw;
    r.Take(n, raw);
    for (std::size_t i = 0; i < n; ++i)
        ep.address.bytes[i] = static_cast<std::uint8_t>(raw[i] ^ (mask ? (*mask)[i] : 0));
    ep.port = mask ? static_cast<std::uint16_t>(port ^ (kMagicCookie >> 16)) : port;
    return ep;
}

} // namespace

Bytes EncodeAddress(const Endpoint& endpoint) {
    return Encode(endpoint, nullptr);
}

Expected<Endpoint> DecodeAddress(ByteView value) {
    return Decode(value, nullptr);
}

Bytes EncodeXorAddress(const Endpoint& endpoint, const TransactionId& transaction_id) {
    const auto mask = XorMask(transaction_id);
    return Encode(endpoint, &mask);
}

Expected<Endpoint> DecodeXorAddress(ByteView value, const TransactionId& transaction_id) {
    const auto mask = XorMask(transaction_id);
    return Decode(value, &mask);
}

} // namespace cmslab::stun
