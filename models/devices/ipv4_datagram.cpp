#include "ipv4_datagram.h"

namespace cmslab::devices {

namespace {

std::uint16_t Get16(const Bytes& b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint16_t Get16(ByteView b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
std::uint32_t Get32(ByteView b, std::size_t at) {
    return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
           (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}
void Put16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
void Put32(Bytes& b, std::size_t at, std::uint32_t v) {
    Put16(b, at, static_cast<std::uint16_t>(v >> 16));
    Put16(b, at + 2, static_cast<std::uint16_t>(v));
}

bool IsIcmpErrorType(std::uint8_t type) {
    return type == 3 || type == 11 || type == 12;
}
bool IsIcmpEcho(std::uint8_t type) {
    return type == 0 || type == 8;
}

// Where the transport checksum sits in a header of `protocol`, or 0 for none we fix.
std::size_t ChecksumOffset(std::uint8_t protocol) {
    if (protocol == kIpProtoTcp)
        return 16;
    if (protocol == kIpProtoUdp)
        return 6;
    return 0;
}

// How a checksum field is updated: IP's and TCP's always; UDP's (RFC 768) is never sent as
// zero when computed (0xFFFF instead), and a zero field means "no checksum", which a
// translation leaves alone (RFC 3022 section 4.1) unless `zero_is_computed`.
struct Field {
    bool udp = false;
    bool zero_is_computed = false;
};

void AdjustField(Bytes& bytes, std::size_t at, std::uint32_t old_value, std::uint32_t new_value,
                 Field field = {}) {
    const std::uint16_t old_sum = Get16(bytes, at);
    if (field.udp && old_sum == 0 && !field.zero_is_computed)
        return;
    std::uint16_t sum = ChecksumAdjust(old_sum, old_value, new_value);
    if (field.udp && sum == 0)
        sum = 0xffff;
    Put16(bytes, at, sum);
}

// Whether a UDP datagram's zero checksum field is a computed checksum after all: its sum
// with the pseudo-header verifies, so zero is the value, written as 0 instead of RFC 768's
// 0xFFFF. ns-3's UDP does that (one datagram in 65536); the World's nodes send it as
// 0xFFFF (devices/net/udp_port_index), but a node without that index still writes 0, and
// ns-3's receivers check the field whatever its value: left at zero through a translation,
// such a datagram would be dropped at its destination as corrupt. A real "no checksum" verifies only by chance (1
// in 65536), and then the adjusted checksum is right for the translated datagram anyway.
bool ZeroUdpChecksumVerifies(ByteView bytes, const Ipv4Datagram& d) {
    const std::size_t l4 = d.header_length;
    if (l4 + 8 > d.total_length)
        return false;
    const std::size_t length = Get16(bytes, l4 + 4);
    if (length < 8 || l4 + length > d.total_length)
        return false;
    std::uint32_t sum = (d.source >> 16) + (d.source & 0xffff) + (d.destination >> 16) +
                        (d.destination & 0xffff) + kIpProtoUdp + static_cast<std::uint32_t>(length);
    const ByteView datagram = ByteView(bytes.data + l4, length);
    sum += static_cast<std::uint16_t>(~InternetChecksum(datagram));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

} // namespace

bool Ipv4Datagram::IsTruncatedTransport() const {
    if (!IsFirstFragment())
        return false;
    if (protocol == kIpProtoTcp || protocol == kIpProtoUdp)
        return !has_ports;
    if (protocol == kIpProtoIcmp)
        return !is_icmp;
    return false;
}

bool Ipv4Datagram::IsIcmpError() const {
    return is_icmp && IsIcmpErrorType(icmp_type);
}

std::uint16_t InternetChecksum(ByteView bytes) {
    std::uint32_t sum = 0;
    std::size_t i = 0;
    for (; i + 1 < bytes.size; i += 2)
        sum += Get16(bytes, i);
    if (i < bytes.size)
        sum += std::uint32_t{bytes[i]} << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint16_t ChecksumAdjust(std::uint16_t checksum, std::uint32_t old_value,
                             std::uint32_t new_value) {
    // RFC 1624 equation 3: HC' = ~(~HC + ~m + m'), one 16-bit word at a time.
    std::uint32_t sum = static_cast<std::uint16_t>(~checksum);
    sum += static_cast<std::uint16_t>(~(old_value >> 16));
    sum += static_cast<std::uint16_t>(~old_value);
    sum += new_value >> 16;
    sum += new_value & 0xffff;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::optional<Ipv4Datagram> ParseIpv4(ByteView bytes) {
    if (bytes.size < 20 || (bytes[0] >> 4) != 4)
        return std::nullopt;
    Ipv4Datagram d;
    d.header_length = std::size_t{bytes[0] & 0x0fu} * 4;
    d.total_length = Get16(bytes, 2);
    if (d.header_length < 20 || d.total_length < d.header_length || d.total_length > bytes.size)
        return std::nullopt;
    d.identification = Get16(bytes, 4);
    const std::uint16_t flags_offset = Get16(bytes, 6);
    d.more_fragments = (flags_offset & 0x2000) != 0;
    d.fragment_offset = flags_offset & 0x1fff;
    d.protocol = bytes[9];
    d.source = Get32(bytes, 12);
    d.destination = Get32(bytes, 16);
    if (!d.IsFirstFragment())
        return d;

    const ByteView l4 = bytes.Sub(d.header_length, d.total_length - d.header_length);
    if (d.protocol == kIpProtoTcp || d.protocol == kIpProtoUdp) {
        const std::size_t need = d.protocol == kIpProtoTcp ? 20 : 8;
        if (l4.size >= need) {
            d.has_ports = true;
            d.source_port = Get16(l4, 0);
            d.destination_port = Get16(l4, 2);
        }
    } else if (d.protocol == kIpProtoIcmp && l4.size >= 8) {
        d.is_icmp = true;
        d.icmp_type = l4[0];
        d.icmp_code = l4[1];
        if (IsIcmpEcho(d.icmp_type)) {
            d.has_ports = true;
            d.source_port = d.destination_port = Get16(l4, 4);
        } else if (IsIcmpErrorType(d.icmp_type)) {
            const ByteView q = l4.Sub(8);
            if (q.size >= 20 && (q[0] >> 4) == 4 && (q[0] & 0x0f) >= 5 &&
                std::size_t{q[0] & 0x0fu} * 4 <= q.size) {
                d.has_quote = true;
                d.quote_offset = d.header_length + 8;
                d.quote_header_length = std::size_t{q[0] & 0x0fu} * 4;
                d.quote_protocol = q[9];
                d.quote_source = Get32(q, 12);
                d.quote_destination = Get32(q, 16);
                const ByteView ql4 = q.Sub(d.quote_header_length);
                const bool quoted_first = (Get16(q, 6) & 0x1fff) == 0;
                if (quoted_first && ql4.size >= 4 &&
                    (d.quote_protocol == kIpProtoTcp || d.quote_protocol == kIpProtoUdp)) {
                    d.quote_has_ports = true;
                    d.quote_source_port = Get16(ql4, 0);
                    d.quote_destination_port = Get16(ql4, 2);
                } else if (quoted_first && ql4.size >= 8 && d.quote_protocol == kIpProtoIcmp &&
                           IsIcmpEcho(ql4[0])) {
                    d.quote_has_ports = true;
                    d.quote_source_port = d.quote_destination_port = Get16(ql4, 4);
                }
            }
        }
    }
    return d;
}

void RewriteAddress(Bytes& bytes, Ipv4Datagram& d, AddressField field, std::uint32_t address) {
    const std::size_t at = field == AddressField::Source ? 12 : 16;
    std::uint32_t& current = field == AddressField::Source ? d.source : d.destination;
    const std::uint32_t old_value = current;
    if (old_value == address)
        return;
    // The TCP and UDP checksums cover a pseudo-header with both addresses; ICMP's does not.
    const std::size_t offset = ChecksumOffset(d.protocol);
    const bool transport =
        offset != 0 && d.IsFirstFragment() && d.header_length + offset + 2 <= d.total_length;
    Field l4_field;
    l4_field.udp = d.protocol == kIpProtoUdp;
    // Judged before the address changes: the sum covers the address as it was.
    l4_field.zero_is_computed = transport && l4_field.udp &&
                                Get16(bytes, d.header_length + offset) == 0 &&
                                ZeroUdpChecksumVerifies(bytes, d);

    Put32(bytes, at, address);
    AdjustField(bytes, 10, old_value, address);
    current = address;
    if (transport)
        AdjustField(bytes, d.header_length + offset, old_value, address, l4_field);
}

void RewriteQuotedAddress(Bytes& bytes, Ipv4Datagram& d, AddressField field,
                          std::uint32_t address) {
    if (!d.has_quote || d.IsFragmented())
        return;
    const std::size_t q = d.quote_offset;
    const std::size_t at = q + (field == AddressField::Source ? 12 : 16);
    std::uint32_t& current = field == AddressField::Source ? d.quote_source : d.quote_destination;
    const std::uint32_t old_value = current;
    if (old_value == address)
        return;
    Put32(bytes, at, address);
    AdjustField(bytes, q + 10, old_value, address);
    current = address;

    // ICMP errors usually quote only 8 bytes of the transport header: UDP's checksum is
    // among them, TCP's is not.
    const std::size_t offset = ChecksumOffset(d.quote_protocol);
    const std::size_t l4 = q + d.quote_header_length;
    if (offset != 0 && l4 + offset + 2 <= d.total_length)
        AdjustField(bytes, l4 + offset, old_value, address,
                    Field{d.quote_protocol == kIpProtoUdp, false});

    const std::size_t icmp = d.header_length;
    Put16(bytes, icmp + 2, 0);
    const ByteView message(bytes.data() + icmp, d.total_length - icmp);
    Put16(bytes, icmp + 2, InternetChecksum(message));
}

} // namespace cmslab::devices
