// A scripted far end of a WebRTC call on the in-memory network of the ICE tests: an ICE
// agent behind its own TURN allocation (IceNode), a DTLS endpoint of the chosen role
// with its own self-signed certificate, SRTP from the DTLS export and 20 ms RTP once
// told to send. It stands for the CMS in the browser's tests and for the browser in
// the CMS's tests; what it lacks on purpose (sending no RTP, a certificate other than
// the one it announces) is set by the test.
#pragma once

#include "../../proto/ice/ice_net.h"

#include "pki/certificate_authority.h"
#include "rtp/rtp_packet.h"
#include "srtp/session.h"
#include "stun/demux.h"
#include "tls/context.h"
#include "tls/dtls_endpoint.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::test {

using namespace std::chrono_literals;

inline pki::Identity SelfSigned(Rng& rng, const std::string& cn) {
    pki::CertificateProfile p;
    p.subject.common_name = cn;
    p.not_before = *pki::ParseUtc("2017-05-19T00:00:00Z");
    p.not_after = *pki::ParseUtc("2017-06-19T00:00:00Z");
    p.usage = pki::CertificateUsage::ServerAndClient;
    return *pki::CreateSelfSigned(p, rng);
}

// A datagram context for a WebRTC endpoint with `identity`.
inline std::shared_ptr<tls::Context> DtlsContext(tls::Role role, const pki::Identity& identity,
                                                 std::uint64_t seed, tls::KeyLogSink key_log = {}) {
    tls::ContextConfig c;
    c.role = role;
    c.transport = tls::Transport::Datagram;
    c.identities = {identity};
    c.verify = tls::VerifyMode::Fingerprint;
    c.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};
    c.key_log = std::move(key_log);
    Rng rng(seed);
    return *tls::Context::Create(c, rng);
}

class ScriptedMediaPeer : public ice::test::IceNode {
  public:
    ScriptedMediaPeer(ice::test::Net& net, const std::string& name, const Endpoint& host,
                      ice::Role ice_role, tls::Role dtls_role, std::uint64_t seed)
        : IceNode(net, name, host, Config(ice_role), seed), m_net(net), m_dtls_role(dtls_role),
          m_rng(Rng(seed).Fork(name + "-media")) {
        identity = SelfSigned(m_rng, name);
        m_context = DtlsContext(dtls_role, identity, seed + 1);
    }

    // The fingerprint it would announce.
    std::string Fingerprint() const {
        return identity.certificate.ComputeFingerprint("sha-256").HexWithColons();
    }

    // DTLS against a peer with this certificate fingerprint (the client starts at once
    // if a pair is selected, else as soon as one is).
    void ExpectPeer(const pki::Fingerprint& peer) {
        tls::EndpointOptions o;
        o.peer_fingerprint = peer;
        o.link_mtu = 1496;
        dtls = std::make_unique<tls::DtlsEndpoint>(m_context, o, m_rng.Fork("dtls"));
        MaybeStartClient();
        Flush();
    }

    void Receive(const Endpoint& from, const Endpoint& to, ByteView data) override {
        IceNode::Receive(from, to, data);
        Drain();
    }
    std::optional<Instant> Next() const override {
        std::optional<Instant> next = IceNode::Next();
        auto consider = [&next](std::optional<Instant> t) {
            if (t && (!next || *t < *next))
                next = t;
        };
        if (dtls && !dtls->Established())
            consider(dtls->NextTimeout());
        if (send_rtp && srtp)
            consider(m_next_rtp);
        return next;
    }
    void Timer() override {
        IceNode::Timer();
        const Instant now = m_net.now;
        if (dtls && !dtls->Established())
            if (auto t = dtls->NextTimeout(); t && *t <= now)
                Note(dtls->HandleTimeout(now));
        if (send_rtp && srtp && m_next_rtp && *m_next_rtp <= now) {
            SendRtp();
            *m_next_rtp += 20ms;
        }
        Drain();
    }

    pki::Identity identity;
    std::unique_ptr<tls::DtlsEndpoint> dtls;
    std::optional<srtp::Session> srtp;
    bool send_rtp = true;
    std::size_t rtp_sent = 0;
    std::size_t rtp_received = 0;
    std::size_t srtp_refused = 0;
    std::vector<tls::Event> dtls_events;

  private:
    static ice::AgentConfig Config(ice::Role role) {
        ice::AgentConfig c;
        c.role = role;
        return c;
    }

    void MaybeStartClient() {
        if (dtls && m_dtls_role == tls::Role::Client && !m_started && agent.SelectedPair()) {
            m_started = true;
            Note(dtls->Start(m_net.now));
        }
    }

    void Note(const tls::FeedResult& r) {
        for (const auto& e : r.events)
            dtls_events.push_back(e);
        if (dtls->Established() && !srtp && dtls->SrtpKeys()) {
            const auto& k = *dtls->SrtpKeys();
            auto session =
                srtp::Session::Create({k.LocalKey(m_dtls_role), k.LocalSalt(m_dtls_role)},
                                      {k.RemoteKey(m_dtls_role), k.RemoteSalt(m_dtls_role)});
            srtp.emplace(std::move(*session));
            m_next_rtp = m_net.now;
        }
    }

    void Drain() {
        MaybeStartClient();
        std::vector<Bytes> in;
        in.swap(other);
        for (const auto& d : in) {
            const auto kind = stun::Classify(d);
            if (kind == stun::PacketKind::Dtls && dtls) {
                Note(dtls->Feed(d, m_net.now));
            } else if (kind == stun::PacketKind::Rtp && srtp) {
                if (srtp->inbound.UnprotectRtp(d))
                    ++rtp_received;
                else
                    ++srtp_refused;
            }
        }
        Flush();
    }

    void Flush() {
        if (!dtls)
            return;
        for (const auto& d : dtls->TakeOutput())
            SendOnSelectedPair(d);
    }

    void SendRtp() {
        rtp::RtpPacket p;
        p.payload_type = 111;
        p.sequence = static_cast<std::uint16_t>(rtp_sent);
        p.timestamp = static_cast<std::uint32_t>(rtp_sent * 960);
        p.ssrc = 0x5eed;
        p.payload.assign(60, 0xAB);
        auto wire = srtp->outbound.ProtectRtp(*rtp::EncodeRtp(p));
        if (wire && SendOnSelectedPair(*wire))
            ++rtp_sent;
    }

    ice::test::Net& m_net;
    tls::Role m_dtls_role;
    Rng m_rng;
    std::shared_ptr<tls::Context> m_context;
    bool m_started = false;
    std::optional<Instant> m_next_rtp;
};

} // namespace cmslab::test
