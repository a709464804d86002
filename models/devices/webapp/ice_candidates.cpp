#include "ice_candidates.h"

namespace cmslab::webapp {

std::optional<ice::Candidate> ToIceCandidate(const CandidateMessage& m) {
    const auto address = IpAddress::Parse(m.address);
    if (!address || m.component < 1 || m.component > 256)
        return std::nullopt;
    ice::Candidate c;
    c.foundation = m.foundation;
    c.component = static_cast<std::uint16_t>(m.component);
    c.transport = m.transport;
    c.priority = m.priority;
    c.address = Endpoint{*address, m.port};
    c.type = m.type;
    if (m.related_address)
        if (const auto related = IpAddress::Parse(*m.related_address))
            c.related = Endpoint{*related, m.related_port.value_or(0)};
    return c;
}

CandidateMessage ToCandidateMessage(const ice::Candidate& c) {
    CandidateMessage m;
    m.foundation = c.foundation;
    m.component = c.component;
    m.transport = c.transport;
    m.priority = c.priority;
    m.address = c.address.address.ToString();
    m.port = c.address.port;
    m.type = c.type;
    if (c.related) {
        m.related_address = c.related->address.ToString();
        m.related_port = c.related->port;
    }
    return m;
}

} // namespace cmslab::webapp
