#include "cms/call_media.h"

#include "ice/candidate.h"
#include "rtp/rtp_packet.h"
#include "stun/demux.h"
#include "webapp/ice_candidates.h"

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

} // namespace

CallMedia::CallMedia(CallMediaConfig config, Rng rng)
    : m_config(std::move(config)), m_turn(TurnConfig(m_config), rng.Fork("turn")),
      m_ice(IceConfig(m_config), rng.Fork("ice")), m_rng(rng.Fork("media")) {
    Rng rtp = rng.Fork("rtp");
    m_ssrc = rtp.U32();
    m_sequence = static_cast<std::uint16_t>(rtp.U32());
    m_timestamp = rtp.U32();
}

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
        if (const auto candidate = webapp::ToIceCandidate(*c)) {
            // The TURN server relays nothing to or from a peer without a permission.
            if (m_turn.GetState() == turn::Client::State::Allocated)
                m_turn.CreatePermission(candidate->address.address, now);
            m_ice.AddRemoteCandidate(*candidate, now);
        }
    } else if (std::holds_alternative<webapp::EndOfCandidatesMessage>(message)) {
        m_ice.SetRemoteEndOfCandidates(now);
    } else if (const auto* d = std::get_if<webapp::DtlsMessage>(&message)) {
        m_remote_fingerprint = pki::Fingerprint::ParseSdp(d->hash_function + " " + d->fingerprint);
        if (!m_remote_fingerprint)
            m_remote_fingerprint_error = d->hash_function + " " + d->fingerprint;
        MaybeStartDtls(now);
    }
    Pump(now);
}

void CallMedia::MaybeStartDtls(Instant now) {
    if (!m_connected || m_dtls || m_dtls_done || m_closed || !m_config.dtls_context)
        return;
    if (!m_remote_fingerprint) {
        if (!m_remote_fingerprint_error.empty()) {
            m_dtls_done = true;
            m_events.push_back(
                {MediaEvent::Type::DtlsFailure, 0,
                 "unusable fingerprint from the client: " + m_remote_fingerprint_error});
        }
        return; // the browser's dtls message has not come yet
    }
    tls::EndpointOptions options;
    options.peer_fingerprint = m_remote_fingerprint;
    options.verify_time =
        m_config.epoch_unix_s + std::chrono::duration_cast<std::chrono::seconds>(now).count();
    // Inside the TURN relay: IPv4 + UDP + the 4-byte ChannelData header on a 1500-byte path.
    options.link_mtu = 1500 - 4;
    m_dtls =
        std::make_unique<tls::DtlsEndpoint>(m_config.dtls_context, options, m_rng.Fork("dtls"));
    OnDtlsResult(m_dtls->Start(now), now);
}

void CallMedia::OnDtlsResult(const tls::FeedResult& result, Instant now) {
    if (m_dtls_done)
        return;
    if (m_dtls->GetState() == tls::EndpointBase::State::Failed ||
        m_dtls->GetState() == tls::EndpointBase::State::Closed) {
        m_dtls_done = true;
        m_events.push_back({MediaEvent::Type::DtlsFailure, 0, DescribeDtlsFailure(result)});
        return;
    }
    if (!m_dtls->Established())
        return;
    m_dtls_done = true;
    const auto& keys = m_dtls->SrtpKeys();
    if (!keys) {
        m_events.push_back({MediaEvent::Type::DtlsFailure, 0, "no SRTP profile agreed (use_srtp)"});
        return;
    }
    const tls::Role role = m_dtls->GetRole();
    auto session = srtp::Session::Create({keys->LocalKey(role), keys->LocalSalt(role)},
                                         {keys->RemoteKey(role), keys->RemoteSalt(role)});
    if (!session) {
        m_events.push_back(
            {MediaEvent::Type::DtlsFailure, 0, "SRTP keys unusable: " + session.Message()});
        return;
    }
    m_srtp.emplace(std::move(*session));
    m_events.push_back({MediaEvent::Type::DtlsConnected, 0,
                        m_dtls->Info().version + ", " + m_dtls->Info().srtp_profile});
    // The Call Bridge sends the conference's audio as soon as the keys are there.
    m_next_packet = now;
}

void CallMedia::SendToPeer(ByteView data, Instant now) {
    if (m_peer)
        m_turn.Send(*m_peer, data, now);
}

void CallMedia::SendRtp(Instant now) {
    rtp::RtpPacket packet;
    packet.payload_type = m_config.payload_type;
    packet.marker = m_first_packet;
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
    ++m_stats.packets_sent;
    m_stats.bytes_sent += protected_packet->size();
}

void CallMedia::OnPeerData(const Endpoint& peer, const Bytes& data, Instant now) {
    switch (stun::Classify(data)) {
    case stun::PacketKind::Stun:
        if (m_ice_started)
            m_ice.HandleInput(m_turn.RelayedAddress(), peer, data, now);
        return;
    case stun::PacketKind::Dtls:
        if (m_dtls && (!m_dtls_done || m_dtls->Established()))
            OnDtlsResult(m_dtls->Feed(data, now), now);
        return;
    case stun::PacketKind::Rtp: {
        if (!m_srtp)
            return;
        auto plain = m_srtp->inbound.UnprotectRtp(data);
        if (!plain) {
            ++m_stats.srtp_refused;
            return;
        }
        ++m_stats.packets_received;
        m_stats.bytes_received += data.size();
        return;
    }
    default:
        return;
    }
}

void CallMedia::Close(Instant now) {
    if (m_closed)
        return;
    m_closed = true;
    m_next_packet.reset();
    m_ice.Close();
    if (m_turn.GetState() == turn::Client::State::Allocated)
        m_turn.Close(now);
    Pump(now);
}

void CallMedia::OnDatagram(const Endpoint& from, ByteView data, Instant now) {
    if (from != m_config.turn_server)
        return;
    m_turn.HandleInput(data, from, now);
    Pump(now);
}

void CallMedia::OnTimer(Instant now) {
    if (auto t = m_turn.NextTimeout(); t && *t <= now)
        m_turn.HandleTimeout(now);
    if (m_ice_started)
        if (auto t = m_ice.NextTimeout(); t && *t <= now)
            m_ice.HandleTimeout(now);
    if (m_dtls && !m_dtls_done)
        if (auto t = m_dtls->NextTimeout(); t && *t <= now)
            OnDtlsResult(m_dtls->HandleTimeout(now), now);
    while (m_srtp && !m_closed && m_next_packet && *m_next_packet <= now) {
        SendRtp(now);
        *m_next_packet += m_config.packet_interval;
    }
    Pump(now);
}

std::optional<Instant> CallMedia::NextTimer() const {
    std::optional<Instant> next = m_turn.NextTimeout();
    auto consider = [&next](std::optional<Instant> t) {
        if (t && (!next || *t < *next))
            next = t;
    };
    if (m_ice_started)
        consider(m_ice.NextTimeout());
    if (m_dtls && !m_dtls_done)
        consider(m_dtls->NextTimeout());
    if (!m_closed)
        consider(m_next_packet);
    return next;
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
                m_signaling.push_back(webapp::ToCandidateMessage(local));
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
                OnPeerData(event->peer, event->data, now);
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
                m_peer = event->remote.address;
                // A channel to the peer: 4 bytes of framing per packet instead of 36.
                m_turn.ChannelBind(*m_peer, now);
                m_events.push_back(
                    {MediaEvent::Type::Connected, 0,
                     event->local.address.ToString() + " <-> " + event->remote.address.ToString()});
                m_events.push_back({MediaEvent::Type::DtlsStart, 0, {}});
                MaybeStartDtls(now);
            } else if (event->type == ice::AgentEvent::Type::Failed) {
                Fail(3, "connectivity checks failed");
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
