// Byte-level access to one IPv4 datagram (header and payload, as on the wire) for the
// NAT: reading its flow tuple, and rewriting an address with every checksum it touches
// kept valid. Checksums are updated incrementally (RFC 1624), never recomputed over the
// payload, so a first fragment stays right for the whole reassembled datagram.
#pragma once

#include "common/bytes.h"

#include <cstdint>
#include <optional>

namespace cmslab::devices {

constexpr std::uint8_t kIpProtoIcmp = 1;
constexpr std::uint8_t kIpProtoTcp = 6;
constexpr std::uint8_t kIpProtoUdp = 17;

struct Ipv4Datagram {
    std::size_t header_length = 0; // IHL * 4
    std::size_t total_length = 0;  // from the header; never more than the buffer
    std::uint8_t protocol = 0;
    std::uint16_t identification = 0;
    bool more_fragments = false;
    std::uint16_t fragment_offset = 0; // in 8-byte units
    std::uint32_t source = 0;          // host order
    std::uint32_t destination = 0;

    // TCP/UDP ports, or the ICMP echo identifier in both, when this fragment holds the
    // whole transport header. False for later fragments and other protocols.
    bool has_ports = false;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;

    bool is_icmp = false; // an ICMP header is present
    std::uint8_t icmp_type = 0;
    std::uint8_t icmp_code = 0;

    // ICMP errors (destination unreachable, time exceeded, parameter problem) quote the
    // datagram that caused them; its tuple, when the quote is long enough.
    bool has_quote = false;
    std::size_t quote_offset = 0; // where the quoted IPv4 header starts
    std::size_t quote_header_length = 0;
    std::uint8_t quote_protocol = 0;
    std::uint32_t quote_source = 0;
    std::uint32_t quote_destination = 0;
    bool quote_has_ports = false;
    std::uint16_t quote_source_port = 0;
    std::uint16_t quote_destination_port = 0;

    bool IsFirstFragment() const { return fragment_offset == 0; }
    bool IsFragmented() const { return more_fragments || fragment_offset != 0; }
    // A first fragment of TCP, UDP or ICMP too short for its transport header.
    bool IsTruncatedTransport() const;
    bool IsIcmpError() const;
};

// Nullopt when the bytes are not a plausible IPv4 datagram (version, lengths).
std::optional<Ipv4Datagram> ParseIpv4(ByteView bytes);

enum class AddressField { Source, Destination };

// Rewrites the datagram's source or destination address; fixes the header checksum and,
// when this fragment carries it, the TCP or UDP checksum (a zero UDP checksum, "none",
// stays zero). `d` must come from ParseIpv4 on these bytes; it is updated.
void RewriteAddress(Bytes& bytes, Ipv4Datagram& d, AddressField field, std::uint32_t address);

// The same for the datagram quoted inside an ICMP error (its header checksum, its UDP
// checksum when quoted), then recomputes the ICMP checksum. Does nothing when the ICMP
// message is not whole in this datagram (fragmented).
void RewriteQuotedAddress(Bytes& bytes, Ipv4Datagram& d, AddressField field, std::uint32_t address);

// One's-complement sum helpers, exposed for tests.
std::uint16_t InternetChecksum(ByteView bytes);
std::uint16_t ChecksumAdjust(std::uint16_t checksum, std::uint32_t old_value,
                             std::uint32_t new_value);

} // namespace cmslab::devices
