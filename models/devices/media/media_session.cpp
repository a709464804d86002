#include "media/media_session.h"

#include "common/overloaded.h"
#include "common/take_first.h"
#include "ice/candidate.h"
#include "rtp/rtp_packet.h"
#include "stun/demux.h"

#include <algorithm>
#include <chrono>

namespace cmslab::media {

namespace {

turn::ClientConfig SessionTurnConfig(const SessionConfig& c) {
    turn::ClientConfig t;
    t.server = c.turn_server;
    t.transport = c.turn_transport;
    t.username = c.username;
    t.password = c.password;
    t.software = c.turn_software;
    return t;
}

ice::AgentConfig SessionIceConfig(const SessionConfig& c) {
    ice::AgentConfig a;
    a.role = c.ice_role;
    a.local = c.local_ice;
    return a;
}

std::string DescribeHandshakeFailure(const tls::FeedResult& result) {
    std::string detail;
    for (const auto& e : result.events) {
        if (e.kind == tls::Event::Kind::VerifyFailed || e.kind == tls::Event::Kind::AlertSent ||
            e.kind == tls::Event::Kind::AlertReceived || e.kind == tls::Event::Kind::Failed) {
            if (!detail.empty())
                detail += "; ";
            detail += e.ToString();
        }
    }
    return detail.empty() ? std::string("handshake failed") : detail;
}

} // namespace

Session::Session(SessionConfig config, Rng rng, Rng traffic)
    : m_config(std::move(config)), m_traffic(traffic),
      m_turn(SessionTurnConfig(m_config), rng.Fork("turn")),
      m_ice(SessionIceConfig(m_config), rng.Fork("ice")),
      m_rtp(m_config.codec, rng.Fork("rtp"), traffic), m_reception(m_config.codec.clock_rate) {}

Session::~Session() = default;

void Session::Allocate(Instant now) {
    m_turn.Allocate(now);
    Pump(now);
}

ice::Candidate Session::RelayCandidate() const {
    return ice::MakeRelayedCandidate(m_turn.RelayedAddress(), m_turn.MappedAddress(),
                                     m_config.turn_server.address);
}

void Session::Permit(const IpAddress& peer, Instant now) {
    // Asking again for a granted permission would start another transaction; it is
    // refreshed by the TURN client anyway.
    if (std::find(m_permitted.begin(), m_permitted.end(), peer) != m_permitted.end())
        return;
    if (m_turn.CreatePermission(peer, now))
        m_permitted.push_back(peer);
}

void Session::SetRemoteCredentials(const ice::Credentials& remote) {
    m_ice.SetRemoteCredentials(remote);
}

void Session::AddRemoteCandidate(const ice::Candidate& candidate, Instant now) {
    Permit(candidate.address.address, now);
    m_ice.AddRemoteCandidate(candidate, now);
    Pump(now);
}

void Session::SetRemoteEndOfCandidates(Instant now) {
    m_ice.SetRemoteEndOfCandidates(now);
    Pump(now);
}

void Session::UseRelay(Instant now) {
    m_ice.AddLocalCandidate(RelayCandidate(), now);
    m_ice.SetLocalEndOfCandidates(now);
    for (const auto& remote : m_ice.RemoteCandidates())
        Permit(remote.address.address, now);
}

void Session::StartIce(Instant now) {
    if (m_ice_started || m_closed)
        return;
    m_ice_started = true;
    if (m_turn.GetState() == turn::Client::State::Allocated)
        UseRelay(now);
    m_ice.Start(now);
    Pump(now);
}

void Session::StartDtls(const pki::Fingerprint& peer, Instant now) {
    if (m_dtls || m_dtls_done || m_closed)
        return;
    if (!m_config.dtls_context) {
        m_dtls_done = true;
        Emit(DtlsFailed{"no DTLS certificate"});
        return;
    }
    m_peer_fingerprint = peer;
    MaybeStartDtls(now);
    Pump(now);
}

void Session::MaybeStartDtls(Instant now) {
    if (m_dtls || m_dtls_done || m_closed || !m_peer_fingerprint || !m_peer)
        return;
    tls::EndpointOptions options;
    options.peer_fingerprint = m_peer_fingerprint;
    options.verify_time =
        m_config.epoch_unix_s + std::chrono::duration_cast<std::chrono::seconds>(now).count();
    // Inside the TURN relay: IPv4 + UDP + the 4-byte ChannelData header on a 1500-byte path.
    options.link_mtu = 1500 - 4;
    m_dtls =
        std::make_unique<tls::DtlsEndpoint>(m_config.dtls_context, options, m_traffic.Fork("dtls"));
    if (m_config.dtls_context->GetRole() == tls::Role::Client)
        OnDtlsResult(m_dtls->Start(now));
    // A client may start as soon as its side of ICE is done, which can be before this
    // side's; its first flight was kept for now.
    std::vector<Bytes> early;
    early.swap(m_early_dtls);
    for (const auto& d : early) {
        if (m_dtls_done)
            break;
        OnDtlsResult(m_dtls->Feed(d, now));
    }
}

void Session::StartMedia(Instant now) {
    if (m_rtp.Running() || !m_srtp || !m_peer || m_closed)
        return;
    m_rtp.Start(now);
}

void Session::StopMedia() {
    m_rtp.Stop();
}

void Session::Close(Instant now) {
    if (m_closed)
        return;
    m_closed = true;
    m_rtp.Stop();
    m_ice.Close();
    if (m_turn.GetState() == turn::Client::State::Allocated)
        m_turn.Close(now);
    Pump(now);
}

void Session::OnDatagram(const Endpoint& from, ByteView data, Instant now) {
    if (from != m_config.turn_server) {
        ++m_counters.dropped;
        return;
    }
    m_turn.HandleInput(data, from, now);
    Pump(now);
}

std::optional<Instant> Session::NextTimeout() const {
    std::optional<Instant> next = m_turn.NextTimeout();
    auto consider = [&next](std::optional<Instant> t) {
        if (t && (!next || *t < *next))
            next = t;
    };
    if (m_ice_started)
        consider(m_ice.NextTimeout());
    if (m_dtls && !m_dtls_done)
        consider(m_dtls->NextTimeout());
    consider(m_rtp.NextPacket());
    return next;
}

void Session::HandleTimeout(Instant now) {
    if (auto t = m_turn.NextTimeout(); t && *t <= now)
        m_turn.HandleTimeout(now);
    if (m_ice_started)
        if (auto t = m_ice.NextTimeout(); t && *t <= now)
            m_ice.HandleTimeout(now);
    if (m_dtls && !m_dtls_done)
        if (auto t = m_dtls->NextTimeout(); t && *t <= now)
            OnDtlsResult(m_dtls->HandleTimeout(now));
    while (m_rtp.Due(now))
        SendRtp(now);
    Pump(now);
}

void Session::SendRtp(Instant now) {
    const auto plain = m_rtp.Take();
    if (!plain)
        return;
    auto protected_packet = m_srtp->outbound.ProtectRtp(*plain);
    if (!protected_packet)
        return;
    SendToPeer(*protected_packet, now);
    ++m_counters.packets_sent;
    m_counters.bytes_sent += protected_packet->size();
    Emit(RtpSent{protected_packet->size()});
}

void Session::SendToPeer(ByteView data, Instant now) {
    if (m_peer)
        m_turn.Send(*m_peer, data, now);
}

void Session::OnPeerData(const Endpoint& peer, const Bytes& data, Instant now) {
    switch (stun::Classify(data)) {
    case stun::PacketKind::Stun:
        if (m_ice_started)
            m_ice.HandleInput(m_turn.RelayedAddress(), peer, data, now);
        return;
    case stun::PacketKind::Dtls:
        if (!m_dtls) {
            if (m_early_dtls.size() < 16) // a first flight is a few datagrams
                m_early_dtls.push_back(data);
            ++m_counters.dtls_before_start;
            return;
        }
        if (!m_dtls_done || m_dtls->Established())
            OnDtlsResult(m_dtls->Feed(data, now));
        return;
    case stun::PacketKind::Rtp: {
        if (!m_srtp)
            return;
        // RTCP shares the port (RFC 5761): a browser sends its receiver and sender reports
        // as SRTCP. The lab's own peers send none; it is counted, not read.
        if (rtp::IsRtcp(data)) {
            if (m_srtp->inbound.UnprotectRtcp(data))
                ++m_counters.rtcp_received;
            else
                ++m_counters.srtp_refused;
            return;
        }
        const auto plain = m_srtp->inbound.UnprotectRtp(data);
        if (!plain) {
            ++m_counters.srtp_refused;
            return;
        }
        ++m_counters.packets_received;
        m_counters.bytes_received += data.size();
        if (auto rtp = rtp::DecodeRtp(*plain)) {
            // Arrival on the stream's clock: only differences count (RFC 3550 A.8).
            const auto units = static_cast<std::int64_t>(static_cast<double>(now.count()) *
                                                         m_config.codec.clock_rate / 1e9);
            m_reception.Update(rtp->sequence, rtp->timestamp, units);
        }
        Emit(RtpReceived{data.size()});
        return;
    }
    default:
        ++m_counters.dropped;
        return;
    }
}

void Session::OnDtlsResult(const tls::FeedResult& result) {
    if (m_dtls_done)
        return;
    if (m_dtls->GetState() == tls::EndpointBase::State::Failed ||
        m_dtls->GetState() == tls::EndpointBase::State::Closed) {
        m_dtls_done = true;
        Emit(DtlsFailed{DescribeHandshakeFailure(result)});
        return;
    }
    if (!m_dtls->Established())
        return;
    m_dtls_done = true;
    const auto& keys = m_dtls->SrtpKeys();
    if (!keys) {
        Emit(DtlsFailed{"no SRTP profile agreed (use_srtp)"});
        return;
    }
    const tls::Role role = m_dtls->GetRole();
    auto session = srtp::Session::Create({keys->LocalKey(role), keys->LocalSalt(role)},
                                         {keys->RemoteKey(role), keys->RemoteSalt(role)});
    if (!session) {
        Emit(DtlsFailed{"SRTP keys unusable: " + session.Message()});
        return;
    }
    m_srtp.emplace(std::move(*session));
    Emit(DtlsConnected{m_dtls->Info().version, m_dtls->Info().srtp_profile});
}

void Session::OnTurnEvent(turn::ClientEvent event, Instant now) {
    namespace ce = turn::client_event;
    std::visit(Overloaded{
                   [&](ce::Challenged& e) { Emit(TurnChallenged{e.realm}); },
                   [&](ce::AllocateSuccess& e) {
                       Emit(TurnAllocated{e.relayed, e.mapped});
                       if (m_ice_started)
                           UseRelay(now);
                   },
                   [&](ce::AllocateFailure& e) {
                       Emit(TurnFailed{e.error.code, e.error.reason});
                   },
                   [&](ce::Data& e) { OnPeerData(e.peer, e.data, now); },
                   [&](ce::RefreshSuccess& e) { Emit(TurnRefreshed{e.lifetime}); },
                   [&](ce::RefreshFailure& e) {
                       LoseMedia();
                       Emit(TurnRefreshFailed{e.error.code, e.error.reason});
                   },
                   [&](ce::PermissionSuccess& e) { Emit(TurnPermissionCreated{e.peer}); },
                   [&](ce::PermissionFailure& e) {
                       const bool selected = m_peer && m_peer->address == e.peer && !m_closed;
                       if (selected)
                           LoseMedia();
                       Emit(TurnPermissionFailed{e.peer, e.error.code, e.error.reason, selected});
                   },
                   [&](ce::ChannelBindSuccess& e) {
                       Emit(TurnChannelBound{e.peer, e.channel});
                   },
                   [&](ce::ChannelBindFailure& e) {
                       Emit(TurnChannelBindFailed{e.peer, e.channel, e.error.code, e.error.reason});
                   },
                   // The answer to our own Close: nothing is sent after it anyway.
                   [](ce::Closed&) {},
               },
               event);
}

void Session::OnIceEvent(const ice::AgentEvent& event, Instant now) {
    namespace ae = ice::agent_event;
    std::visit(Overloaded{
                   [&](const ae::SelectedPair& e) {
                       if (m_ice_done)
                           return;
                       m_ice_done = true;
                       m_peer = e.remote.address;
                       if (m_config.bind_channel)
                           m_turn.ChannelBind(*m_peer, now);
                       Emit(IceConnected{e.local.address, e.remote.address});
                       MaybeStartDtls(now);
                   },
                   [&](const ae::Failed& e) {
                       if (!m_ice_done) {
                           m_ice_done = true;
                           Emit(IceFailed{e.reason});
                       } else if (m_peer) {
                           Emit(ConsentLost{e.reason});
                       }
                   },
                   [&](const ae::RoleChanged& e) {
                       Emit(IceRoleChanged{e.role == ice::Role::Controlling, e.reason});
                   },
                   // SelectedPair and Failed carry what the state says.
                   [](const ae::StateChanged&) {},
               },
               event);
}

// The relay (or the permission to the selected peer) is gone: no datagram reaches the
// peer any more, so the media stops here rather than pacing packets into nothing.
void Session::LoseMedia() {
    m_rtp.Stop();
    m_peer.reset();
}

void Session::Pump(Instant now) {
    // Each round hands on what the previous one produced; two are enough today, the
    // bound only guards against a loop.
    for (int round = 0; round < 16; ++round) {
        bool progress = false;
        while (auto event = m_turn.PollEvent()) {
            progress = true;
            OnTurnEvent(std::move(*event), now);
        }
        while (auto t = m_ice.PollTransmit()) {
            progress = true;
            Permit(t->to.address, now);
            m_turn.Send(t->to, t->data, now);
        }
        while (auto event = m_ice.PollEvent()) {
            progress = true;
            OnIceEvent(*event, now);
        }
        if (m_dtls)
            for (auto& d : m_dtls->TakeOutput()) {
                progress = true;
                SendToPeer(d, now);
            }
        while (auto t = m_turn.PollTransmit()) {
            progress = true;
            m_out.push_back({t->to, std::move(t->data)});
        }
        if (!progress)
            break;
    }
}

std::optional<Datagram> Session::PollDatagram() {
    return TakeFirst(m_out);
}

std::optional<Event> Session::PollEvent() {
    return TakeFirst(m_events);
}

} // namespace cmslab::media
