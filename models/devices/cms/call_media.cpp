#include "cms/call_media.h"

#include "common/overloaded.h"
#include "common/take_first.h"
#include "log_lines/cms_lines.h"
#include "webapp/ice_candidates.h"

#include <cstdio>

namespace cmslab::cms {

media::SessionConfig CallBridgeSessionConfig() {
    media::SessionConfig s;
    s.turn_software = "Cisco Meeting Server";
    s.ice_role = ice::Role::Controlled;
    s.bind_channel = true;
    return s;
}

CallMedia::CallMedia(CallMediaConfig config, Rng rng)
    : m_config(std::move(config)), m_rng(rng),
      m_session(std::make_unique<media::Session>(m_config.session, rng, rng.Fork("media"))) {
    // The credentials signaled stay the call's over a fallback to TCP.
    m_config.session.local_ice = m_session->Ice().LocalCredentials();
}

void CallMedia::Start(Instant now) {
    if (m_started)
        return;
    m_started = true;
    const auto& local = m_session->Ice().LocalCredentials();
    m_signaling.push_back(webapp::IceParametersMessage{local.ufrag, local.pwd});
    if (!m_config.dtls_fingerprint.empty())
        m_signaling.push_back(
            webapp::DtlsMessage{"sha-256", m_config.dtls_fingerprint, webapp::DtlsSetup::Active});
    m_session->Allocate(now);
    if (m_config.turn_tcp_port != 0 && !OverTcp())
        m_tcp_fallback_at = now + m_config.turn_tcp_fallback_after;
    React(now);
}

// The UDP Allocate is given up: a new session, the same ICE credentials, allocates over
// one TCP connection to the server's TCP port and is told what the browser signaled so
// far. Nothing was relayed yet, so nothing else is lost.
void CallMedia::FallBackToTcp(const std::string& why, Instant now) {
    m_tcp_fallback_at.reset();
    const Endpoint udp_server = m_config.session.turn_server;
    m_config.session.turn_transport = turn::Transport::Tcp;
    m_config.session.turn_server.port = m_config.turn_tcp_port;
    m_session = std::make_unique<media::Session>(m_config.session, m_rng.Fork("turn-tcp"),
                                                 m_rng.Fork("media").Fork("turn-tcp"));
    m_events.push_back(TurnTcpFallbackEvent{udp_server, why, m_config.session.turn_server});
    if (m_remote_credentials)
        m_session->SetRemoteCredentials(*m_remote_credentials);
    for (const auto& candidate : m_remote_candidates)
        m_session->AddRemoteCandidate(candidate, now);
    if (m_remote_end)
        m_session->SetRemoteEndOfCandidates(now);
    m_session->Allocate(now);
}

std::optional<Instant> CallMedia::NextTimeout() const {
    auto next = m_session->NextTimeout();
    if (m_tcp_fallback_at && (!next || *m_tcp_fallback_at < *next))
        next = m_tcp_fallback_at;
    return next;
}

void CallMedia::Fail(int code, std::string reason) {
    if (m_failed)
        return;
    m_failed = true;
    m_events.push_back(IceFailureEvent{code, std::move(reason)});
}

void CallMedia::Note(bool warning, std::string text) {
    m_events.push_back(MediaNoteEvent{warning, std::move(text)});
}

void CallMedia::OnSignaling(const webapp::SignalingMessage& message, Instant now) {
    if (const auto* p = std::get_if<webapp::IceParametersMessage>(&message)) {
        m_remote_credentials = ice::Credentials{p->ufrag, p->pwd};
        m_session->SetRemoteCredentials(*m_remote_credentials);
    } else if (const auto* c = std::get_if<webapp::CandidateMessage>(&message)) {
        if (const auto candidate = webapp::ToIceCandidate(*c)) {
            m_remote_candidates.push_back(*candidate);
            m_session->AddRemoteCandidate(*candidate, now);
        }
    } else if (std::holds_alternative<webapp::EndOfCandidatesMessage>(message)) {
        m_remote_end = true;
        m_session->SetRemoteEndOfCandidates(now);
    } else if (const auto* d = std::get_if<webapp::DtlsMessage>(&message)) {
        m_remote_fingerprint = pki::Fingerprint::ParseSdp(d->hash_function + " " + d->fingerprint);
        if (!m_remote_fingerprint)
            m_remote_fingerprint_error = d->hash_function + " " + d->fingerprint;
        MaybeStartDtls(now);
    }
    React(now);
}

void CallMedia::MaybeStartDtls(Instant now) {
    if (!m_connected || m_dtls_asked || m_closed || !m_config.session.dtls_context)
        return;
    if (!m_remote_fingerprint) {
        if (!m_remote_fingerprint_error.empty()) {
            m_dtls_asked = true;
            m_events.push_back(DtlsFailureEvent{"unusable fingerprint from the client: " +
                                                m_remote_fingerprint_error});
        }
        return; // the browser's dtls message has not come yet
    }
    m_dtls_asked = true;
    m_session->StartDtls(*m_remote_fingerprint, now);
}

void CallMedia::OnDatagram(const Endpoint& from, ByteView data, Instant now) {
    if (OverTcp())
        return; // a late answer over UDP: that Allocate was given up
    m_session->OnDatagram(from, data, now);
    React(now);
}

void CallMedia::OnStreamData(ByteView data, Instant now) {
    if (!OverTcp())
        return;
    m_session->OnDatagram(m_config.session.turn_server, data, now);
    React(now);
}

// RFC 8656 section 3.1: the allocation lives as long as its TCP connection.
void CallMedia::OnStreamClosed(const std::string& why, Instant now) {
    if (!OverTcp() || m_closed)
        return;
    if (m_session->Turn().GetState() == turn::Client::State::Allocated)
        Fail(2, "TURN allocation lost: TCP connection to the TURN server closed (" + why + ")");
    else
        Fail(2, "no response from TURN server over UDP or TCP (TCP: " + why + ")");
    m_session->Close(now);
    React(now);
}

void CallMedia::HandleTimeout(Instant now) {
    if (m_tcp_fallback_at && now >= *m_tcp_fallback_at && !m_closed && !m_failed)
        FallBackToTcp("no answer after " +
                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                             m_config.turn_tcp_fallback_after)
                                             .count()) +
                          " s",
                      now);
    m_session->HandleTimeout(now);
    React(now);
}

void CallMedia::Close(Instant now) {
    if (m_closed)
        return;
    m_closed = true;
    m_tcp_fallback_at.reset();
    m_session->Close(now);
    React(now);
}

std::string CallMedia::ReceptionSummary() const {
    const rtp::ReceiverStats& r = Reception();
    if (r.Received() == 0)
        return "";
    char text[160];
    std::snprintf(text, sizeof(text),
                  "media received: %llu of %llu packets, %lld lost (%.2f%%), jitter %.2f ms, "
                  "round trip %.2f ms",
                  static_cast<unsigned long long>(r.Received()),
                  static_cast<unsigned long long>(r.Expected()),
                  static_cast<long long>(r.Lost() > 0 ? r.Lost() : 0), 100.0 * r.LossFraction(),
                  r.JitterMs(), RoundTrip().MeanMs());
    return text;
}

void CallMedia::React(Instant now) {
    while (auto event = m_session->PollEvent())
        OnSessionEvent(*event, now);
}

void CallMedia::OnSessionEvent(const media::Event& event, Instant now) {
    std::visit(
        Overloaded{
            // The server answers over UDP: no reason to try TCP.
            [&](const media::TurnChallenged&) { m_tcp_fallback_at.reset(); },
            [&](const media::TurnAllocated&) {
                m_tcp_fallback_at.reset();
                if (OverTcp())
                    m_events.push_back(TurnAllocatedOverTcpEvent{m_session->Turn().RelayedAddress(),
                                                                 m_config.session.turn_server});
                m_signaling.push_back(webapp::ToCandidateMessage(m_session->RelayCandidate()));
                m_signaling.push_back(webapp::EndOfCandidatesMessage{});
                m_session->StartIce(now);
            },
            [&](const media::TurnFailed& e) {
                // Silence over UDP (every retransmission unanswered) before the timer:
                // TCP next, as for the timer.
                if (e.code == 0 && !OverTcp() && m_config.turn_tcp_port != 0 && !m_closed) {
                    FallBackToTcp("no answer", now);
                    return;
                }
                if (e.code == 401 || e.code == 431)
                    Fail(log_lines::kIceFailureUnauthorized, "unauthorized - check credentials");
                else if (e.code == 0)
                    Fail(2, OverTcp() ? "no response from TURN server over UDP or TCP"
                                      : "no response from TURN server");
                else
                    Fail(2, "TURN allocation refused: " + std::to_string(e.code) + " " + e.reason);
            },
            [&](const media::TurnRefreshed& e) {
                Note(false,
                     "TURN allocation refreshed (lifetime " + std::to_string(e.lifetime) + " s)");
            },
            // The relay is gone and the session has stopped sending: for the Call
            // Bridge that is the call's ICE failing.
            [&](const media::TurnRefreshFailed& e) {
                Fail(2, "TURN allocation refresh failed: " +
                            media::DescribeTurnError(e.code, e.reason));
            },
            [&](const media::TurnPermissionCreated& e) {
                Note(false, "TURN permission created for " + e.peer.ToString());
            },
            [&](const media::TurnPermissionFailed& e) {
                const std::string what = "TURN permission for " + e.peer.ToString() +
                                         " failed: " + media::DescribeTurnError(e.code, e.reason);
                if (e.media_lost)
                    Fail(3, what);
                else
                    Note(true, what);
            },
            [&](const media::TurnChannelBound& e) {
                Note(false, "TURN channel " + turn::ChannelText(e.channel) + " bound to " +
                                e.peer.ToString());
            },
            [&](const media::TurnChannelBindFailed& e) {
                Note(true, "TURN channel bind to " + e.peer.ToString() +
                               " failed: " + media::DescribeTurnError(e.code, e.reason));
            },
            [&](const media::IceRoleChanged& e) {
                Note(false, std::string("ICE role conflict, now ") +
                                (e.controlling ? "controlling" : "controlled"));
            },
            [&](const media::IceConnected&) {
                m_connected = true;
                m_events.push_back(DtlsStartEvent{});
                MaybeStartDtls(now);
            },
            [&](const media::IceFailed&) { Fail(3, "connectivity checks failed"); },
            [&](const media::ConsentLost&) { Fail(3, "connectivity checks failed"); },
            // The Call Bridge sends the conference's audio as soon as the keys are there.
            [&](const media::DtlsConnected&) { m_session->StartMedia(now); },
            [&](const media::DtlsFailed& e) { m_events.push_back(DtlsFailureEvent{e.reason}); },
            // Counted by the session, for the status page.
            [](const media::RtpSent&) {},
            [](const media::RtpReceived&) {},
        },
        event);
}

std::optional<webapp::SignalingMessage> CallMedia::PollSignaling() {
    return TakeFirst(m_signaling);
}

std::optional<CallMediaEvent> CallMedia::PollEvent() {
    return TakeFirst(m_events);
}

} // namespace cmslab::cms
