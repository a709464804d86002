// IPv4/IPv6 addresses and transport endpoints as plain values, shared by the codecs
// (STUN XOR addresses, DNS A/AAAA records) and the harness.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab {

struct IpAddress {
    enum class Family : std::uint8_t { V4, V6 };

    Family family = Family::V4;
    std::array<std::uint8_t, 16> bytes{}; // V4 uses the first 4

    static IpAddress V4(std::uint32_t host_order);
    static IpAddress V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
    static std::optional<IpAddress> Parse(std::string_view text);

    bool IsV4() const { return family == Family::V4; }
    std::uint32_t V4Value() const; // host order; only for V4
    std::size_t Length() const { return IsV4() ? 4 : 16; }
    std::string ToString() const;

    // Inline, with the IPv4 case as 32-bit compares: maps keyed by addresses and endpoints
    // (the TURN server's allocations, the NAT's connections, every box's ports) compare
    // them for every packet. The order is memcmp's over the address bytes.
    bool operator==(const IpAddress& o) const {
        if (family != o.family)
            return false;
        return IsV4() ? Prefix32() == o.Prefix32() : bytes == o.bytes;
    }
    bool operator!=(const IpAddress& o) const { return !(*this == o); }
    bool operator<(const IpAddress& o) const {
        if (family != o.family)
            return family < o.family;
        return IsV4() ? Prefix32() < o.Prefix32() : bytes < o.bytes;
    }

  private:
    // The first four bytes as a big-endian number: their memcmp order.
    std::uint32_t Prefix32() const {
        return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
               std::uint32_t{bytes[2]} << 8 | bytes[3];
    }
};

struct Endpoint {
    IpAddress address;
    std::uint16_t port = 0;

    std::string ToString() const; // "1.2.3.4:5" or "[::1]:5"
    bool operator==(const Endpoint& o) const { return address == o.address && port == o.port; }
    bool operator!=(const Endpoint& o) const { return !(*this == o); }
    bool operator<(const Endpoint& o) const {
        if (address != o.address)
            return address < o.address;
        return port < o.port;
    }
};

} // namespace cmslab
