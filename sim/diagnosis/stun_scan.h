// The STUN/TURN messages of a capture, decoded with the lab's STUN codec: what a person
// filters with `stun` in Wireshark. UDP datagrams that are STUN, and STUN messages at
// the start of TCP segments (TURN over TCP; a message split over segments is missed).
#pragma once

#include "diagnosis/pcap_reader.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::diagnosis {

struct StunPacket {
    std::size_t number = 0; // the frame number in its capture
    Transport transport = Transport::Udp;
    Endpoint src;
    Endpoint dst;
    std::uint16_t method = 0;   // stun::method::k...
    std::uint8_t cls = 0;       // stun::Class as a number
    std::string transaction_id; // hex, to pair requests with responses
    std::optional<std::uint16_t> error_code;
    std::string error_reason;
    std::optional<std::string> username;
    std::optional<std::string> realm;
    bool has_integrity = false;
    // "Allocate Error Response 431 Integrity Check Failure", as Wireshark's Info reads.
    std::string Describe() const;
    bool IsRequest() const { return cls == 0; }
    bool IsErrorResponse() const { return cls == 3; }
    bool IsSuccessResponse() const { return cls == 2; }
};

// The STUN message a packet carries (a TCP segment: the first one in it), or nullopt.
std::optional<StunPacket> StunOf(const PcapPacket& packet);
std::vector<StunPacket> FindStun(const PcapFile& capture);

} // namespace cmslab::diagnosis
