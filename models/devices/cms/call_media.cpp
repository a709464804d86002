#include "cms/call_media.h"

#include "ice/candidate.h"

namespace cmslab::cms {

namespace {

turn::ClientConfig TurnConfig(const CallMediaConfig& c) {
    turn::ClientConfig t;
    t.server = c.turn_server;
    t.username = c.username;
    t.password = c.password;
    t.software = "Cisco Meeting Server";
    return t;
}

ice::AgentConfig IceConfig(const CallMediaConfig& c) {
    ice::AgentConfig a;
    a.role = c.role;
    return a;
}

} // namespace

std::optional<ice::Candidate> ToIceCandidate(const webapp::CandidateMessage& m) {
    const auto address = IpAddress::Parse(m.address);
    if (!address)
        return std::nullopt;
    ice::Candidate c;
    c.foundation = m.foundation;
    c.component = static_cast<std::uint16_t>(m.component);
    c.transport = m.transport;
    c.priority = m.priority;
    c.address = Endpoint{*address, m.port};
    switch (m.type) {
    case webapp::CandidateType::Host:
        c.type = ice::CandidateType::Host;
        break;
    case webapp::CandidateType::ServerReflexive:
        c.type = ice::CandidateType::ServerReflexive;
        break;
    case webapp::CandidateType::PeerReflexive:
        c.type = ice::CandidateType::PeerReflexive;
        break;
    case webapp::CandidateType::Relay:
        c.type = ice::CandidateType::Relayed;
        break;
    }
    if (m.related_address) {
        const auto related = IpAddress::Parse(*m.related_address);
        if (related)
            c.related = Endpoint{*related, m.related_port.value_or(0)};
    }
    return c;
}

CallMedia::CallMedia(CallMediaConfig config, Rng rng)
    : m_config(std::move(config)), m_turn(TurnConfig(m_config), rng.Fork("turn")),
      m_ice(IceConfig(m_config), rng.Fork("ice")) {}

void CallMedia::Start(Instant now) {
    if (m_started)
        return;
    m_started = true;
    const auto& local = m_ice.LocalCredentials();
    m_signaling.push_back(webapp::IceParametersMessage{local.ufrag, local.pwd});
    if (!m_config.dtls_fingerprint.empty())
        m_signaling.push_back(
            webapp::DtlsMessage{"sha-256", m_config.dtls_fingerprint, webapp::DtlsSetup::Active});
    m_turn.Allocate(now);
    Pump(now);
}

void CallMedia::Fail(int code, std::string reason) {
    if (m_failed)
        return;
    m_failed = true;
    m_events.push_back({MediaEvent::Type::IceFailure, code, std::move(reason)});
}

void CallMedia::OnSignaling(const webapp::SignalingMessage& message, Instant now) {
    if (const auto* p = std::get_if<webapp::IceParametersMessage>(&message)) {
        m_ice.SetRemoteCredentials(ice::Credentials{p->ufrag, p->pwd});
        m_remote_credentials = true;
    } else if (const auto* c = std::get_if<webapp::CandidateMessage>(&message)) {
        if (const auto candidate = ToIceCandidate(*c)) {
            // The TURN server relays nothing to or from a peer without a permission.
            if (m_turn.GetState() == turn::Client::State::Allocated)
                m_turn.CreatePermission(candidate->address.address, now);
            m_ice.AddRemoteCandidate(*candidate, now);
        }
    } else if (std::holds_alternative<webapp::EndOfCandidatesMessage>(message)) {
        m_ice.SetRemoteEndOfCandidates(now);
    }
    Pump(now);
}

void CallMedia::OnDatagram(const Endpoint& from, ByteView data, Instant now) {
    if (from != m_config.turn_server)
        return;
    m_turn.HandleInput(data, from, now);
    Pump(now);
}

void CallMedia::OnTimer(Instant now) {
    m_turn.HandleTimeout(now);
    if (m_ice_started)
        m_ice.HandleTimeout(now);
    Pump(now);
}

std::optional<Instant> CallMedia::NextTimer() const {
    auto a = m_turn.NextTimeout();
    auto b = m_ice_started ? m_ice.NextTimeout() : std::nullopt;
    if (a && b)
        return std::min(*a, *b);
    return a ? a : b;
}

void CallMedia::Pump(Instant now) {
    for (int round = 0; round < 8; ++round) {
        bool progress = false;
        while (auto event = m_turn.PollEvent()) {
            progress = true;
            switch (event->type) {
            case turn::ClientEvent::Type::AllocateSuccess: {
                const auto local = ice::MakeRelayedCandidate(event->relayed, event->mapped,
                                                             m_config.turn_server.address);
                m_ice.AddLocalCandidate(local, now);
                for (const auto& remote : m_ice.RemoteCandidates())
                    m_turn.CreatePermission(remote.address.address, now);
                webapp::CandidateMessage c;
                c.foundation = local.foundation;
                c.component = local.component;
                c.transport = "udp";
                c.priority = local.priority;
                c.address = local.address.address.ToString();
                c.port = local.address.port;
                c.type = webapp::CandidateType::Relay;
                c.related_address = event->mapped.address.ToString();
                c.related_port = event->mapped.port;
                m_signaling.push_back(c);
                m_signaling.push_back(webapp::EndOfCandidatesMessage{});
                m_ice.SetLocalEndOfCandidates(now);
                m_ice.Start(now);
                m_ice_started = true;
                break;
            }
            case turn::ClientEvent::Type::AllocateFailure:
                if (event->error.code == 401 || event->error.code == 431)
                    Fail(4, "unauthorized - check credentials");
                else if (event->error.code == 0)
                    Fail(2, "no response from TURN server");
                else
                    Fail(2, "TURN allocation refused: " + std::to_string(event->error.code) + " " +
                                event->error.reason);
                break;
            case turn::ClientEvent::Type::Data:
                if (m_ice_started)
                    m_ice.HandleInput(m_turn.RelayedAddress(), event->peer, event->data, now);
                break;
            default:
                break;
            }
        }
        while (auto t = m_ice.PollTransmit()) {
            progress = true;
            m_turn.Send(t->to, t->data, now);
        }
        while (auto event = m_ice.PollEvent()) {
            progress = true;
            if (event->type == ice::AgentEvent::Type::SelectedPair && !m_connected) {
                m_connected = true;
                m_events.push_back(
                    {MediaEvent::Type::Connected, 0,
                     event->local.address.ToString() + " <-> " + event->remote.address.ToString()});
                m_events.push_back({MediaEvent::Type::DtlsStart, 0, {}});
            } else if (event->type == ice::AgentEvent::Type::Failed) {
                Fail(3, "connectivity checks failed");
            }
        }
        while (auto t = m_turn.PollTransmit()) {
            progress = true;
            m_out.push_back({t->to, std::move(t->data)});
        }
        if (!progress)
            break;
    }
}

std::optional<Datagram> CallMedia::PollDatagram() {
    if (m_out.empty())
        return std::nullopt;
    auto d = std::move(m_out.front());
    m_out.pop_front();
    return d;
}

std::optional<webapp::SignalingMessage> CallMedia::PollSignaling() {
    if (m_signaling.empty())
        return std::nullopt;
    auto m = std::move(m_signaling.front());
    m_signaling.pop_front();
    return m;
}

std::optional<MediaEvent> CallMedia::PollEvent() {
    if (m_events.empty())
        return std::nullopt;
    auto e = std::move(m_events.front());
    m_events.pop_front();
    return e;
}

} // namespace cmslab::cms
