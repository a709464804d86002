// Hand-made IPv4 datagrams with correct checksums, and a full checksum check, for the
// NAT engine's tests.
#pragma once

#include "common/address.h"
#include "common/bytes.h"

#include <cstdint>

namespace cmslab::devices::test {

Bytes MakeUdp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
              std::size_t payload_size = 12, bool with_checksum = true);
Bytes MakeTcp(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
              std::uint8_t flags = 0x02, std::size_t payload_size = 0);
Bytes MakeIcmpEcho(const char* src, const char* dst, std::uint8_t type, std::uint16_t id);
// An ICMP error from `src` to `dst` quoting the first 28 bytes of `offending`.
Bytes MakeIcmpError(const char* src, const char* dst, std::uint8_t type, std::uint8_t code,
                    const Bytes& offending);
// Splits the IP payload at `first_payload` bytes (a multiple of 8) into two fragments.
std::pair<Bytes, Bytes> Fragment(const Bytes& datagram, std::size_t first_payload);

// Every checksum as a receiver would verify it: IP header, and TCP/UDP over the
// pseudo-header (whole datagrams only), ICMP over the message, and the quoted header of
// an ICMP error.
bool ChecksumsValid(const Bytes& datagram);

// The TCP or UDP checksum of `segment` (its checksum field read as it is) over the
// pseudo-header, as it is written (0 when it computes to zero).
std::uint16_t TransportChecksum(std::uint32_t src, std::uint32_t dst, std::uint8_t protocol,
                                const Bytes& segment);
std::uint32_t Addr(const char* text);
std::uint32_t SourceOf(const Bytes& d);
std::uint32_t DestinationOf(const Bytes& d);

} // namespace cmslab::devices::test
