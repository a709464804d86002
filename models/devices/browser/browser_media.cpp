#include "browser/browser_media.h"

#include "ice/candidate.h"
#include "rtp/rtp_packet.h"
#include "stun/demux.h"

#include <algorithm>

namespace cmslab::browser {

namespace {

turn::ClientConfig TurnConfig(const MediaConfig& c) {
    turn::ClientConfig t;
    t.server = c.turn_server;
    t.username = c.username;
    t.password = c.password;
    return t;
}

ice::AgentConfig IceConfig(const MediaConfig& c) {
    ice::AgentConfig a;
    // The browser offers; the offerer is the controlling agent (RFC 8445 6.1.1) and
    // nominates.
    a.role = ice::Role::Controlling;
    a.local = c.local_ice;
    return a;
}

std::string DescribeDtlsFailure(const tls::FeedResult& result) {
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

MediaEvent Ev(MediaEvent::Type type, std::string text = {}) {
    MediaEvent e;
    e.type = type;
    e.text = std::move(text);
    return e;
}

} // namespace

BrowserMedia::BrowserMedia(MediaConfig config, Rng rng)
    : m_config(std::move(config)), m_rng(rng), m_turn(TurnConfig(m_config), rng.Fork("turn")),
      m_ice(IceConfig(m_config), rng.Fork("ice")) {
    Rng rtp = rng.Fork("rtp");
    m_ssrc = rtp.U32();
    m_sequence = static_cast<std::uint16_t>(rtp.U32());
    m_timestamp = rtp.U32();
}

BrowserMedia::~BrowserMedia() = default;

void BrowserMedia::Allocate(Instant now) {
    m_turn.Allocate(now);
    Pump(now);
}

void BrowserMedia::Permit(const IpAddress& peer, Instant now) {
    if (std::find(m_permitted.begin(), m_permitted.end(), peer) != m_permitted.end())
        return;
    if (m_turn.CreatePermission(peer, now))
        m_permitted.push_back(peer);
}

void BrowserMedia::StartIce(const ice::Credentials& remote,
                            const std::vector<ice::Candidate>& candidates, Instant now) {
    if (m_ice_started)
        return;
    m_ice_started = true;
    m_ice.SetRemoteCredentials(remote);
    if (m_turn.GetState() == turn::Client::State::Allocated) {
        m_ice.AddLocalCandidate(ice::MakeRelayedCandidate(m_turn.RelayedAddress(),
                                                          m_turn.MappedAddress(),
                                                          m_config.turn_server.address),
                                now);
        m_ice.SetLocalEndOfCandidates(now);
    }
    for (const auto& c : candidates)
        AddRemoteCandidate(c, now);
    m_ice.Start(now);
    Pump(now);
}

void BrowserMedia::AddRemoteCandidate(const ice::Candidate& candidate, Instant now) {
    if (!m_ice_started)
        return;
    // The TURN server relays nothing from a peer the client has not permitted.
    Permit(candidate.address.address, now);
    m_ice.AddRemoteCandidate(candidate, now);
    Pump(now);
}

void BrowserMedia::StartDtls(const pki::Fingerprint& peer, Instant now) {
    if (m_dtls || m_dtls_done)
        return;
    if (!m_config.dtls_context) {
        m_dtls_done = true;
        Emit(Ev(MediaEvent::Type::DtlsFailed, "no DTLS certificate"));
        return;
    }
    tls::EndpointOptions options;
    options.peer_fingerprint = peer;
    options.verify_time =
        m_config.epoch_unix_s + std::chrono::duration_cast<std::chrono::seconds>(now).count();
    // Inside the TURN relay: IPv4 + UDP + the 4-byte ChannelData header on a 1500-byte path.
    options.link_mtu = 1500 - 4;
    m_dtls =
        std::make_unique<tls::DtlsEndpoint>(m_config.dtls_context, options, m_rng.Fork("dtls"));
    std::vector<Bytes> early;
    early.swap(m_early_dtls);
    for (const auto& d : early) {
        OnDtlsResult(m_dtls->Feed(d, now), now);
        if (m_dtls_done)
            break;
    }
    Pump(now);
}

void BrowserMedia::StartMedia(Instant now) {
    if (m_sending || !m_srtp || !m_peer)
        return;
    m_sending = true;
    m_next_packet = now;
    HandleTimeout(now);
}

void BrowserMedia::StopMedia() {
    m_sending = false;
    m_next_packet.reset();
}

void BrowserMedia::Close(Instant now) {
    StopMedia();
    m_ice.Close();
    if (m_turn.GetState() == turn::Client::State::Allocated)
        m_turn.Close(now);
    Pump(now);
}

void BrowserMedia::OnDatagram(const Endpoint& from, ByteView data, Instant now) {
    if (from != m_config.turn_server) {
        ++m_counters.dropped;
        return;
    }
    m_turn.HandleInput(data, from, now);
    Pump(now);
}

std::optional<Instant> BrowserMedia::NextTimeout() const {
    std::optional<Instant> next = m_turn.NextTimeout();
    auto consider = [&next](std::optional<Instant> t) {
        if (t && (!next || *t < *next))
            next = t;
    };
    if (m_ice_started)
        consider(m_ice.NextTimeout());
    if (m_dtls && !m_dtls_done)
        consider(m_dtls->NextTimeout());
    consider(m_next_packet);
    return next;
}

void BrowserMedia::HandleTimeout(Instant now) {
    if (auto t = m_turn.NextTimeout(); t && *t <= now)
        m_turn.HandleTimeout(now);
    if (m_ice_started)
        if (auto t = m_ice.NextTimeout(); t && *t <= now)
            m_ice.HandleTimeout(now);
    if (m_dtls && !m_dtls_done)
        if (auto t = m_dtls->NextTimeout(); t && *t <= now)
            OnDtlsResult(m_dtls->HandleTimeout(now), now);
    while (m_sending && m_next_packet && *m_next_packet <= now) {
        SendRtp(now);
        *m_next_packet += m_config.packet_interval;
    }
    Pump(now);
}

void BrowserMedia::SendRtp(Instant now) {
    rtp::RtpPacket packet;
    packet.payload_type = m_config.payload_type;
    packet.marker = m_first_packet; // the start of a talkspurt
    m_first_packet = false;
    packet.sequence = m_sequence++;
    packet.timestamp = m_timestamp;
    m_timestamp += static_cast<std::uint32_t>(
        m_config.clock_rate *
        std::chrono::duration_cast<std::chrono::microseconds>(m_config.packet_interval).count() /
        1000000);
    packet.ssrc = m_ssrc;
    packet.payload.resize(m_config.payload_bytes);
    m_rng.Fill(packet.payload.data(), packet.payload.size());
    auto plain = rtp::EncodeRtp(packet);
    if (!plain)
        return;
    auto protected_packet = m_srtp->outbound.ProtectRtp(*plain);
    if (!protected_packet)
        return;
    SendToPeer(*protected_packet, now);
    ++m_counters.rtp_sent;
    MediaEvent e = Ev(MediaEvent::Type::RtpSent);
    e.size = protected_packet->size();
    Emit(std::move(e));
}

void BrowserMedia::SendToPeer(ByteView data, Instant now) {
    if (!m_peer)
        return;
    m_turn.Send(*m_peer, data, now);
}

void BrowserMedia::OnPeerData(const Endpoint& peer, const Bytes& data, Instant now) {
    switch (stun::Classify(data)) {
    case stun::PacketKind::Stun:
        if (m_ice_started)
            m_ice.HandleInput(m_turn.RelayedAddress(), peer, data, now);
        return;
    case stun::PacketKind::Dtls:
        if (!m_dtls) {
            // The CMS starts DTLS once its side of ICE is done, which may be before this
            // side's; keep its first flight (a few datagrams) for StartDtls.
            if (m_early_dtls.size() < 16)
                m_early_dtls.push_back(data);
            ++m_counters.dtls_before_start;
            return;
        }
        if (!m_dtls_done || m_dtls->Established())
            OnDtlsResult(m_dtls->Feed(data, now), now);
        return;
    case stun::PacketKind::Rtp: {
        if (!m_srtp)
            return;
        auto plain = m_srtp->inbound.UnprotectRtp(data);
        if (!plain) {
            ++m_counters.srtp_refused;
            return;
        }
        ++m_counters.rtp_received;
        MediaEvent e = Ev(MediaEvent::Type::RtpReceived);
        e.size = data.size();
        Emit(std::move(e));
        return;
    }
    default:
        ++m_counters.dropped;
        return;
    }
}

void BrowserMedia::OnDtlsResult(tls::FeedResult result, Instant now) {
    (void)now;
    if (m_dtls_done)
        return;
    if (m_dtls->GetState() == tls::EndpointBase::State::Failed ||
        m_dtls->GetState() == tls::EndpointBase::State::Closed) {
        m_dtls_done = true;
        Emit(Ev(MediaEvent::Type::DtlsFailed, DescribeDtlsFailure(result)));
        return;
    }
    if (!m_dtls->Established())
        return;
    m_dtls_done = true;
    const auto& keys = m_dtls->SrtpKeys();
    if (!keys) {
        Emit(Ev(MediaEvent::Type::DtlsFailed, "no SRTP profile agreed (use_srtp)"));
        return;
    }
    const tls::Role role = m_dtls->GetRole();
    auto session = srtp::Session::Create({keys->LocalKey(role), keys->LocalSalt(role)},
                                         {keys->RemoteKey(role), keys->RemoteSalt(role)});
    if (!session) {
        Emit(Ev(MediaEvent::Type::DtlsFailed, "SRTP keys unusable: " + session.Message()));
        return;
    }
    m_srtp.emplace(std::move(*session));
    MediaEvent e = Ev(MediaEvent::Type::DtlsConnected, m_dtls->Info().version);
    e.profile = m_dtls->Info().srtp_profile;
    Emit(std::move(e));
}

void BrowserMedia::Pump(Instant now) {
    for (int round = 0; round < 16; ++round) {
        bool progress = false;
        while (auto event = m_turn.PollEvent()) {
            progress = true;
            using T = turn::ClientEvent::Type;
            switch (event->type) {
            case T::Challenged:
                Emit(Ev(MediaEvent::Type::TurnChallenged, event->realm));
                break;
            case T::AllocateSuccess: {
                MediaEvent e = Ev(MediaEvent::Type::TurnAllocated);
                e.relayed = event->relayed;
                e.mapped = event->mapped;
                Emit(std::move(e));
                break;
            }
            case T::AllocateFailure: {
                MediaEvent e = Ev(MediaEvent::Type::TurnFailed, event->error.reason);
                e.code = event->error.code;
                Emit(std::move(e));
                break;
            }
            case T::Data:
                OnPeerData(event->peer, event->data, now);
                break;
            default:
                break;
            }
        }
        while (auto t = m_ice.PollTransmit()) {
            progress = true;
            Permit(t->to.address, now);
            m_turn.Send(t->to, t->data, now);
        }
        while (auto event = m_ice.PollEvent()) {
            progress = true;
            if (event->type == ice::AgentEvent::Type::SelectedPair && !m_ice_done) {
                m_ice_done = true;
                m_peer = event->remote.address;
                // A channel to the peer: 4 bytes of framing per packet instead of 36.
                m_turn.ChannelBind(*m_peer, now);
                Emit(Ev(MediaEvent::Type::IceConnected, event->local.address.ToString() + " <-> " +
                                                            event->remote.address.ToString()));
            } else if (event->type == ice::AgentEvent::Type::Failed && !m_ice_done) {
                m_ice_done = true;
                Emit(Ev(MediaEvent::Type::IceFailed, event->reason));
            }
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

std::optional<OutDatagram> BrowserMedia::PollDatagram() {
    if (m_out.empty())
        return std::nullopt;
    auto d = std::move(m_out.front());
    m_out.pop_front();
    return d;
}

std::optional<MediaEvent> BrowserMedia::PollEvent() {
    if (m_events.empty())
        return std::nullopt;
    auto e = std::move(m_events.front());
    m_events.pop_front();
    return e;
}

} // namespace cmslab::browser
