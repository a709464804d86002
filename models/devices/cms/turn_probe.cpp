#include "cms/turn_probe.h"

#include "stun/constants.h"
#include "stun/message.h"

namespace cmslab::cms {

namespace {
constexpr int kMaxRequests = 7;     // RFC 8489 Rc
constexpr int kLastWaitFactor = 16; // Rm
constexpr Duration kInitialRto = std::chrono::milliseconds(500);
} // namespace

TurnProbe::TurnProbe(Endpoint server, Rng rng) : m_server(server), m_rng(rng) {
    m_status.address = server.address.ToString();
    m_status.port = server.port;
}

Bytes TurnProbe::Start(Instant now) {
    auto request = stun::Message::Make(stun::Class::Request, stun::method::kBinding, m_rng);
    request.AddSoftware("Cisco Meeting Server");
    m_id = request.Id();
    m_request = request.Encode({std::nullopt, true, false, true});
    m_first_send = now;
    m_sent = 1;
    m_next = now + m_rto;
    m_started = true;
    return m_request;
}

bool TurnProbe::OnDatagram(Instant now, ByteView data) {
    if (!m_started || m_done)
        return false;
    const auto message = stun::Message::Decode(data);
    if (!message || message->Id() != m_id || message->Method() != stun::method::kBinding ||
        !message->IsResponse())
        return false;
    m_done = true;
    if (message->MessageClass() == stun::Class::SuccessResponse) {
        m_status.state = TurnProbeStatus::State::Success;
        m_status.reachable = true;
        m_status.round_trip_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - m_first_send).count();
        if (const auto mapped = message->GetXorAddress(stun::attr::kXorMappedAddress)) {
            m_status.mapped_address = mapped->address.ToString();
            m_status.mapped_port = mapped->port;
        }
    } else {
        // It answered, so it is reachable, but it refused the request.
        m_status.state = TurnProbeStatus::State::Failure;
        m_status.reachable = true;
        m_status.round_trip_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - m_first_send).count();
    }
    return true;
}

Bytes TurnProbe::OnTimer(Instant now) {
    if (!m_started || m_done || now < m_next)
        return {};
    if (m_sent >= kMaxRequests) {
        m_done = true;
        m_status.state = TurnProbeStatus::State::Failure;
        m_status.reachable = false;
        return {};
    }
    ++m_sent;
    m_rto *= 2;
    m_next = now + (m_sent == kMaxRequests ? kLastWaitFactor * kInitialRto : m_rto);
    return m_request;
}

std::optional<Instant> TurnProbe::NextTimer() const {
    if (!m_started || m_done)
        return std::nullopt;
    return m_next;
}

TurnProbeStatus TurnProbe::Status() const {
    return m_status;
}

} // namespace cmslab::cms
