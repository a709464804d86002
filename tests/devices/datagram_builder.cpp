#include "datagram_builder.h"

#include "ipv4_datagram.h"

namespace cmslab::devices::test {

namespace {

void Put16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
void Put32(Bytes& b, std::size_t at, std::uint32_t v) {
    Put16(b, at, static_cast<std::uint16_t>(v >> 16));
    Put16(b, at + 2, static_cast<std::uint16_t>(v));
}
std::uint16_t Get16(const Bytes& b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t Get32(const Bytes& b, std::size_t at) {
    return (std::uint32_t{Get16(b, at)} << 16) | Get16(b, at + 2);
}

Bytes IpHeader(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
               std::size_t payload_size) {
    Bytes b(20, 0);
    b[0] = 0x45;
    Put16(b, 2, static_cast<std::uint16_t>(20 + payload_size));
    Put16(b, 4, 0x1234);
    b[8] = 64;
    b[9] = protocol;
    Put32(b, 12, src);
    Put32(b, 16, dst);
    Put16(b, 10, InternetChecksum(ByteView(b.data(), 20)));
    return b;
}

Bytes Join(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace

std::uint16_t TransportChecksum(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                const Bytes& segment) {
    Bytes pseudo(12, 0);
    Put32(pseudo, 0, src);
    Put32(pseudo, 4, dst);
    pseudo[9] = protocol;
    Put16(pseudo, 10, static_cast<std::uint16_t>(segment.size()));
    pseudo.insert(pseudo.end(), segment.begin(), segment.end());
    return InternetChecksum(pseudo);
}

std::uint32_t Addr(const char* text) {
    return IpAddress::Parse(text)->V4Value();
}
std::uint32_t SourceOf(const Bytes& d) {
    return Get32(d, 12);
}
std::uint32_t DestinationOf(const Bytes& d) {
    return Get32(d, 16);
}

Bytes MakeUdp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
              std::size_t payload_size, bool with_checksum) {
    Bytes udp(8 + payload_size, 0);
    Put16(udp, 0, sport);
    Put16(udp, 2, dport);
    Put16(udp, 4, static_cast<std::uint16_t>(udp.size()));
    for (std::size_t i = 0; i < payload_size; ++i)
        udp[8 + i] = static_cast<std::uint8_t>(i * 7 + 1);
    if (with_checksum) {
        std::uint16_t sum = TransportChecksum(Addr(src), Addr(dst), 17, udp);
        Put16(udp, 6, sum == 0 ? 0xffff : sum);
    }
    return Join(IpHeader(Addr(src), Addr(dst), 17, udp.size()), udp);
}

Bytes MakeTcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
              std::uint8_t flags, std::size_t payload_size) {
    Bytes tcp(20 + payload_size, 0);
    Put16(tcp, 0, sport);
    Put16(tcp, 2, dport);
    Put32(tcp, 4, 1000);
    tcp[12] = 0x50;
    tcp[13] = flags;
    Put16(tcp, 14, 65535);
    for (std::size_t i = 0; i < payload_size; ++i)
        tcp[20 + i] = static_cast<std::uint8_t>(i * 3 + 5);
    Put16(tcp, 16, TransportChecksum(Addr(src), Addr(dst), 6, tcp));
    return Join(IpHeader(Addr(src), Addr(dst), 6, tcp.size()), tcp);
}

Bytes MakeIcmpEcho(const char* src, const char* dst, std::uint8_t type, std::uint16_t id) {
    Bytes icmp(16, 0);
    icmp[0] = type;
    Put16(icmp, 4, id);
    Put16(icmp, 6, 1);
    Put16(icmp, 2, InternetChecksum(icmp));
    return Join(IpHeader(Addr(src), Addr(dst), 1, icmp.size()), icmp);
}

Bytes MakeIcmpError(const char* src, const char* dst, std::uint8_t type, std::uint8_t code,
                    const Bytes& offending) {
    Bytes icmp(8, 0);
    icmp[0] = type;
    icmp[1] = code;
    icmp.insert(icmp.end(), offending.begin(),
                offending.begin() +
                    static_cast<std::ptrdiff_t>(std::min<std::size_t>(28, offending.size())));
    Put16(icmp, 2, InternetChecksum(icmp));
    return Join(IpHeader(Addr(src), Addr(dst), 1, icmp.size()), icmp);
}

std::pair<Bytes, Bytes> Fragment(const Bytes& datagram, std::size_t first_payload) {
    const std::size_t hl = std::size_t{datagram[0] & 0x0fu} * 4;
    Bytes first(datagram.begin(),
                datagram.begin() + static_cast<std::ptrdiff_t>(hl + first_payload));
    Put16(first, 2, static_cast<std::uint16_t>(first.size()));
    Put16(first, 6, 0x2000);
    Put16(first, 10, 0);
    Put16(first, 10, InternetChecksum(ByteView(first.data(), hl)));
    Bytes second(datagram.begin(), datagram.begin() + static_cast<std::ptrdiff_t>(hl));
    second.insert(second.end(), datagram.begin() + static_cast<std::ptrdiff_t>(hl + first_payload),
                  datagram.end());
    Put16(second, 2, static_cast<std::uint16_t>(second.size()));
    Put16(second, 6, static_cast<std::uint16_t>(first_payload / 8));
    Put16(second, 10, 0);
    Put16(second, 10, InternetChecksum(ByteView(second.data(), hl)));
    return {first, second};
}

bool ChecksumsValid(const Bytes& d) {
    const std::size_t hl = std::size_t{d[0] & 0x0fu} * 4;
    if (InternetChecksum(ByteView(d.data(), hl)) != 0)
        return false;
    const std::uint16_t flags = Get16(d, 6);
    if (flags & 0x3fff)
        return true; // a fragment: the transport checksum needs the whole datagram
    const Bytes l4(d.begin() + static_cast<std::ptrdiff_t>(hl), d.end());
    const std::uint8_t protocol = d[9];
    if (protocol == 6)
        return TransportChecksum(SourceOf(d), DestinationOf(d), 6, l4) == 0;
    if (protocol == 17)
        return Get16(l4, 6) == 0 || TransportChecksum(SourceOf(d), DestinationOf(d), 17, l4) == 0;
    if (protocol == 1) {
        if (InternetChecksum(l4) != 0)
            return false;
        if (l4[0] == 3 || l4[0] == 11) {
            const std::size_t qhl = std::size_t{l4[8] & 0x0fu} * 4;
            return InternetChecksum(ByteView(l4.data() + 8, qhl)) == 0;
        }
    }
    return true;
}

} // namespace cmslab::devices::test
