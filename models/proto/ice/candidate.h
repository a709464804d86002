// ICE candidates (RFC 8445 section 5.1): type, foundation, component, priority and
// address, with the SDP a=candidate text of RFC 8839 section 5.1.
#pragma once

#include "common/address.h"
#include "common/expected.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmslab::ice {

enum class CandidateType : std::uint8_t { Host, ServerReflexive, PeerReflexive, Relayed };

const char* CandidateTypeName(CandidateType type); // "host", "srflx", "prflx", "relay"

// RFC 8445 5.1.2.2 recommended type preferences.
std::uint32_t TypePreference(CandidateType type); // 126, 100, 110, 0

// (2^24) * type preference + (2^8) * local preference + (256 - component), 5.1.2.1.
std::uint32_t CandidatePriority(CandidateType type, std::uint16_t local_preference,
                                std::uint16_t component = 1);

struct Candidate {
    std::string foundation; // 1-32 ice-chars
    std::uint16_t component = 1;
    std::string transport = "udp"; // as written; compared case-insensitively
    std::uint32_t priority = 0;
    Endpoint address;
    CandidateType type = CandidateType::Host;
    // raddr/rport: the base of a server-reflexive candidate, the mapped address of a
    // relayed one (what the TURN server saw), absent for host candidates.
    std::optional<Endpoint> related;
    // Extensions after the standard fields ("generation 0", "ufrag abcd", ...), in order.
    std::vector<std::pair<std::string, std::string>> extensions;

    bool IsUdp() const;
    bool operator==(const Candidate& o) const;
};

// Foundation for a local candidate (5.1.1.3): the same for candidates of one type, base
// IP address, server and transport; a short decimal string.
std::string ComputeFoundation(CandidateType type, const IpAddress& base,
                              const std::optional<IpAddress>& server = std::nullopt);

// Local candidate builders, priority and foundation filled in.
Candidate MakeHostCandidate(const Endpoint& address, std::uint16_t local_preference = 65535);
Candidate MakeServerReflexiveCandidate(const Endpoint& mapped, const Endpoint& base,
                                       const IpAddress& stun_server,
                                       std::uint16_t local_preference = 65535);
Candidate MakeRelayedCandidate(const Endpoint& relayed, const Endpoint& mapped,
                               const IpAddress& turn_server,
                               std::uint16_t local_preference = 65535);

// "candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host" (no "a=", no line end).
std::string EncodeCandidate(const Candidate& candidate);
// Accepts the text with or without "a=" and with or without a trailing CR/LF. Refuses
// anything outside the grammar: a foundation that is not 1-32 ice-chars, a component
// outside 1-256, a priority of 0 or above 2^32-1, an address that is not an IP literal
// (FQDN / mDNS ".local" names are refused with a message saying so), a port above 65535,
// an unknown candidate type, raddr without rport, an extension without a value.
Expected<Candidate> DecodeCandidate(std::string_view text);

} // namespace cmslab::ice
