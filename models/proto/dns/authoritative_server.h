// An authoritative-only DNS server over several zones: query bytes in, response bytes out.
// Stateless, so one instance can serve UDP and any number of TCP connections.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"
#include "dns/message.h"
#include "dns/zone.h"

#include <string>
#include <string_view>
#include <vector>

namespace cmslab::dns {

struct ServerOptions {
    // Set RA in responses. An authoritative-only server leaves it clear; a site's
    // resolver (an Active Directory DNS answering for its own zones) sets it.
    bool recursion_available = false;
    // Queries with EDNS get an OPT record back advertising this size, and UDP responses
    // may grow to the smaller of it and the client's. Zero: ignore EDNS (answers stay
    // within 512 bytes over UDP and carry no OPT).
    std::uint16_t edns_udp_size = 1232;
};

// What one query gave, for the box's log and counters.
struct ServerReply {
    Bytes response; // empty: send nothing (not even a header could be read, or a response)
    Rcode rcode = Rcode::NoError;
    bool authoritative = false;
    bool truncated = false;
    std::string question; // "cmsweb.example.com IN A", empty when there was none
    std::string detail;   // why FORMERR / dropped, or the answer in short
};

class AuthoritativeServer {
  public:
    explicit AuthoritativeServer(ServerOptions options = {});

    // Builds every zone; fails on a zone that does not build or on two zones with the
    // same origin. Warnings() then holds what the zones ignored.
    static Expected<AuthoritativeServer> Build(const std::vector<ZoneConfig>& zones,
                                               ServerOptions options = {});
    // False (and not added) when a zone with the same origin is already held.
    bool AddZone(Zone zone);
    const std::vector<Zone>& Zones() const { return m_zones; }
    std::vector<std::string> Warnings() const;
    // The most specific zone holding the name, or null.
    const Zone* FindZone(std::string_view name) const;

    // One DNS message in, the response out (empty: nothing to send). Over UDP the
    // response is cut to 512 bytes (or the EDNS size) with TC set; over TCP it is not.
    // The caller frames TCP messages (tcp_framing.h).
    Bytes Handle(ByteView query, Transport transport = Transport::Udp) const;
    ServerReply HandleDetailed(ByteView query, Transport transport = Transport::Udp) const;

    // The answer to a decoded query, before size limits: what Handle encodes.
    Message Answer(const Message& query) const;

  private:
    void Resolve(const Question& q, Message& response) const;

    ServerOptions m_options;
    std::vector<Zone> m_zones;
};

} // namespace cmslab::dns
