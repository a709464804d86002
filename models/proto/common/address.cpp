#include "address.h"

#include <arpa/inet.h>

#include <cstring>
#include <tuple>

namespace cmslab {

IpAddress IpAddress::V4(std::uint32_t v) {
    return V4(static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
              static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v));
}

IpAddress IpAddress::V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.family = Family::V4;
    ip.bytes[0] = a;
    ip.bytes[1] = b;
    ip.bytes[2] = c;
    ip.bytes[3] = d;
    return ip;
}

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
    // inet_pton is strict (no leading zeros, no trailing text), which is what a scenario
    // file's addresses should be held to.
    std::string s(text);
    IpAddress ip;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = Family::V4;
        return ip;
    }
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = Family::V6;
        return ip;
    }
    return std::nullopt;
}

std::uint32_t IpAddress::V4Value() const {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

std::string IpAddress::ToString() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(IsV4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
    return buf;
}

std::string Endpoint::ToString() const {
    if (address.IsV4())
        return address.ToString() + ":" + std::to_string(port);
    return "[" + address.ToString() + "]:" + std::to_string(port);
}

} // namespace cmslab
