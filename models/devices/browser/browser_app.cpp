#include "browser/browser_app.h"

#include "box_log.h"
#include "dns_resolver.h"
#include "http_client_session.h"
#include "sim_time.h"
#include "tcp_stream.h"
#include "tls_stream.h"
#include "udp_port.h"
#include "websocket_session.h"

#include "browser/media_report.h"
#include "common/overloaded.h"
#include "http/status.h"
#include "log_lines/browser_lines.h"
#include "media/media_session.h"
#include "pki/certificate_authority.h"
#include "tls/context.h"
#include "webapp/ice_candidates.h"
#include "webapp/signaling.h"

#include "ns3/node.h"

namespace cmslab::browser {

using devices::net::CloseInfo;
using devices::net::CloseReason;

struct BrowserApp::Impl {
    Impl(BrowserSetup s, std::shared_ptr<const tls::Context> dtls)
        : setup(std::move(s)), script(setup.script), dtls_context(std::move(dtls)) {}

    ~Impl() {
        if (lookup && setup.resolver)
            setup.resolver->Cancel(*lookup);
    }

    BrowserSetup setup;
    GuestScript script;
    devices::net::Timer start_timer;
    devices::net::Timer script_timer;
    bool pumping = false;
    bool pump_again = false;
    bool finished = false;

    std::optional<dns::LookupId> lookup;
    Endpoint server;
    std::shared_ptr<tls::Context> tls_context;
    std::shared_ptr<tls::Context> accepting_context;
    std::unique_ptr<devices::net::TcpStream> tcp;
    std::unique_ptr<devices::net::HttpClientSession> http;
    bool handshake_done = false;
    std::optional<devices::net::TlsVerifyFailure> verify_failure;
    std::string alert_sent;
    std::unique_ptr<devices::net::WebSocketSession> ws;

    std::shared_ptr<const tls::Context> dtls_context;
    std::unique_ptr<devices::net::UdpPort> turn_port;  // TURN over UDP
    std::unique_ptr<devices::net::TcpStream> turn_tcp; // TURN over TCP
    std::unique_ptr<media::Session> media;
    devices::net::Timer media_timer;

    void Log(const std::string& line) {
        if (setup.log)
            setup.log->Write(setup.log_component, line);
    }

    void Pump() {
        if (pumping) {
            pump_again = true;
            return;
        }
        pumping = true;
        do {
            pump_again = false;
            // Verdicts first, then what they lead to, so the log reads in order.
            while (auto line = script.PollLog())
                Log(*line);
            while (auto action = script.PollAction()) {
                Execute(*action);
                while (auto line = script.PollLog())
                    Log(*line);
            }
        } while (pump_again);
        pumping = false;
        script_timer.Arm(script.NextTimeout(), [this](Instant now) {
            script.HandleTimeout(now);
            Pump();
        });
    }

    void Execute(const Action& action) {
        std::visit([this](const auto& a) { Do(a); }, action);
    }

    // --- DNS and TCP -------------------------------------------------------------

    void Do(const ResolveHost& a) {
        if (!setup.resolver) {
            script.OnDnsFailure(SimNow(), "no resolver configured");
            pump_again = true;
            return;
        }
        Log("resolving " + a.host);
        lookup = setup.resolver->Resolve(a.host, dns::RecordType::A,
                                         [this](const dns::LookupResult& result) {
                                             lookup.reset();
                                             OnLookup(result);
                                         });
    }

    void OnLookup(const dns::LookupResult& result) {
        if (result.status == dns::ResolveStatus::Ok && !result.addresses.empty()) {
            script.OnDnsAnswer(SimNow(), result.addresses);
        } else {
            std::string reason = dns::ToString(result.status);
            if (result.server)
                reason += " from " + result.server->ToString();
            script.OnDnsFailure(SimNow(), reason);
        }
        Pump();
    }

    static Instant SimNow() { return devices::net::SimNow(); }

    void Do(const ConnectTcp& a) {
        server = a.server;
        tcp = devices::net::TcpStream::Connect(setup.node, a.server);
        tcp->SetOnConnected([this] {
            script.OnTcpConnected(SimNow());
            Pump();
        });
        tcp->SetOnClosed([this](const CloseInfo& info) {
            TcpFailure why = TcpFailure::Reset;
            if (info.reason == CloseReason::Refused)
                why = TcpFailure::Refused;
            else if (info.reason == CloseReason::Timeout || info.reason == CloseReason::Unreachable)
                why = TcpFailure::TimedOut;
            const std::string detail = info.detail;
            tcp.reset();
            script.OnTcpFailed(SimNow(), why, detail);
            Pump();
        });
    }

    // --- TLS and HTTP ------------------------------------------------------------

    // The browser's TLS client: checking chain and name against the guest's trust
    // store, or (`accepting`) taking the one certificate the guest accepted at a warning.
    std::shared_ptr<tls::Context> TlsContext(bool accepting) {
        std::shared_ptr<tls::Context>& slot = accepting ? accepting_context : tls_context;
        if (slot)
            return slot;
        tls::ContextConfig config;
        config.role = tls::Role::Client;
        config.trust_anchors = setup.trusted_cas;
        config.alpn = {"http/1.1"};
        config.key_log = setup.key_log;
        tls::ApplyPolicy(setup.tls, config);
        if (accepting)
            config.verify = tls::VerifyMode::Fingerprint;
        Rng rng = setup.rng.Fork(accepting ? "tls-context-accepting" : "tls-context");
        auto context = tls::Context::Create(config, rng);
        if (!context)
            return nullptr;
        slot = *context;
        return slot;
    }

    void Do(const StartTls& a) {
        const bool accepting = !a.accepted_certificate.empty();
        auto context = TlsContext(accepting);
        if (!context) {
            script.OnTlsFailed(SimNow(), "browser TLS setup failed");
            pump_again = true;
            return;
        }
        tls::EndpointOptions options;
        options.server_name = a.server_name;
        options.verify_time = devices::net::WallClockSeconds(setup.epoch_unix_s);
        if (accepting)
            options.peer_fingerprint =
                pki::Fingerprint::ParseSdp("sha-256 " + a.accepted_certificate);
        alert_sent.clear();
        verify_failure.reset();
        auto stream = devices::net::TlsStream::Client(
            std::move(tcp), context, options,
            setup.rng.Fork((accepting ? "tls-accepting:" : "tls:") + a.server_name));
        stream->SetOnHandshakeDone([this](const devices::net::TlsSessionInfo& info) {
            handshake_done = true;
            TlsSummary summary;
            summary.version = info.handshake.version;
            summary.cipher = info.handshake.cipher;
            summary.server_name = info.handshake.server_name;
            summary.served_names = Names(info.peer_sans, info.peer_subject);
            if (info.peer_certificate)
                summary.issuer = info.peer_certificate->Issuer();
            script.OnTlsEstablished(SimNow(), summary);
            Pump();
        });
        stream->SetOnVerifyFailed(
            [this](const devices::net::TlsVerifyFailure& failure) { verify_failure = failure; });
        stream->SetOnTlsEvent([this](const tls::Event& event) {
            if (event.kind == tls::Event::Kind::AlertSent && alert_sent.empty())
                alert_sent = event.alert.Name();
            Log("tls: " + event.ToString());
        });
        http = std::make_unique<devices::net::HttpClientSession>(std::move(stream),
                                                                 setup.rng.Fork("http"));
        http->SetOnClosed([this](const CloseInfo& info) { OnPageConnectionClosed(info); });
    }

    static std::vector<std::string> Names(const std::vector<pki::SubjectAltName>& sans,
                                          const std::string& subject) {
        std::vector<std::string> names;
        for (const auto& san : sans)
            if (san.kind == pki::SubjectAltName::Kind::Dns ||
                san.kind == pki::SubjectAltName::Kind::Ip)
                names.push_back(san.value);
        if (names.empty() && !subject.empty())
            names.push_back(subject);
        return names;
    }

    void OnPageConnectionClosed(const CloseInfo& info) {
        if (verify_failure) {
            CertificateRejection rejection;
            rejection.errors = verify_failure->errors;
            if (rejection.errors.empty())
                rejection.errors.push_back(verify_failure->error);
            rejection.served_names = Names(verify_failure->peer_sans, verify_failure->peer_subject);
            rejection.alert_sent = alert_sent;
            if (verify_failure->peer_certificate)
                rejection.fingerprint =
                    verify_failure->peer_certificate->ComputeFingerprint("sha-256").HexWithColons();
            verify_failure.reset();
            script.OnCertificateRejected(SimNow(), rejection);
        } else if (!handshake_done) {
            script.OnTlsFailed(SimNow(), info.ToString());
        } else {
            script.OnConnectionClosed(SimNow(), info.ToString());
        }
        Pump();
    }

    std::string HostHeader() const {
        const bool default_port = setup.script.port == (setup.script.https ? 443 : 80);
        return default_port ? setup.script.host
                            : setup.script.host + ":" + std::to_string(setup.script.port);
    }

    void Do(const SendHttpRequest& a) {
        if (!http) {
            script.OnConnectionClosed(SimNow(), "no connection");
            pump_again = true;
            return;
        }
        http::Request request;
        request.method = a.method;
        request.target = a.target;
        request.headers.Add("Host", HostHeader());
        request.headers.Add("User-Agent", "Mozilla/5.0 (cmslab guest browser)");
        request.headers.Add("Accept", a.method == "GET" ? "text/html" : "application/json");
        if (!a.content_type.empty())
            request.headers.Add("Content-Type", a.content_type);
        request.body.assign(a.body.begin(), a.body.end());
        Log(a.method + " " + a.target);
        http->Send(std::move(request), [this](Expected<http::Response> response) {
            if (!response) {
                script.OnConnectionClosed(SimNow(), response.Message());
            } else {
                const std::string reason = response->reason.empty()
                                               ? std::string(http::ReasonPhrase(response->status))
                                               : response->reason;
                script.OnHttpResponse(SimNow(), response->status, reason,
                                      std::string(response->body.begin(), response->body.end()));
            }
            Pump();
        });
    }

    // --- signaling ---------------------------------------------------------------

    void Do(const OpenWebSocket& a) {
        if (!http) {
            script.OnWebSocketRefused(SimNow(), 0, "no connection");
            pump_again = true;
            return;
        }
        // On the page's connection: the upgrade hands it over to the WebSocket.
        const std::string origin =
            std::string(setup.script.https ? "https://" : "http://") + HostHeader();
        http->UpgradeToWebSocket(
            HostHeader(), a.target, origin, {a.protocol},
            [this](devices::net::WebSocketUpgradeResult result) {
                if (!result.session) {
                    script.OnWebSocketRefused(SimNow(), result.response.status, result.error);
                    Pump();
                    return;
                }
                ws = std::move(result.session);
                ws->SetOnMessage([this](const devices::net::WebSocketMessage& message) {
                    if (message.binary)
                        return;
                    Log("signaling in: " + message.text);
                    script.OnWebSocketText(SimNow(), message.text);
                    Pump();
                });
                ws->SetOnClosed([this](const devices::net::WebSocketClosed& closed) {
                    std::string detail = closed.transport.ToString();
                    if (closed.code)
                        detail = "close " + std::to_string(*closed.code) + " " + closed.reason;
                    script.OnWebSocketClosed(SimNow(), detail);
                    Pump();
                });
                script.OnWebSocketOpen(SimNow());
                Pump();
            });
    }

    void Do(const SendSignaling& a) {
        if (!ws)
            return;
        const std::string text = webapp::EncodeSignaling(a.message);
        Log("signaling out: " + text);
        ws->Send(text);
    }

    // --- TURN, ICE, DTLS and media (media::Session) --------------------------------

    void Do(const AllocateRelay& a) {
        // A new URL replaces the one given up (its allocation, if any, goes with it).
        turn_port.reset();
        turn_tcp.reset();
        media.reset();
        auto address = IpAddress::Parse(a.host);
        if (!address) {
            script.OnTurnFailed(SimNow(), 0, "TURN server names are not resolved: " + a.host);
            pump_again = true;
            return;
        }
        const Endpoint server{*address, a.port};
        media::SessionConfig config;
        config.turn_server = server;
        config.turn_transport = a.transport == "tcp" ? turn::Transport::Tcp : turn::Transport::Udp;
        config.username = a.username;
        config.password = a.password;
        // The browser offers: it controls and nominates; its credentials are the ones the
        // script signals. Its DTLS context is the server's (passive).
        config.ice_role = ice::Role::Controlling;
        config.local_ice = ice::Credentials{setup.script.ice_ufrag, setup.script.ice_pwd};
        config.bind_channel = true;
        config.dtls_context = dtls_context;
        config.epoch_unix_s = setup.epoch_unix_s;
        if (config.turn_transport == turn::Transport::Tcp) {
            // RFC 8656 section 3.1: the client's messages to the server over one TCP
            // connection, framed by their own lengths; the relay to peers stays UDP.
            turn_tcp = devices::net::TcpStream::Connect(setup.node, server);
            turn_tcp->SetOnData([this, server](const Bytes& data) {
                if (!media)
                    return;
                media->OnDatagram(server, data, SimNow());
                PumpMedia();
            });
            turn_tcp->SetOnClosed([this](const devices::net::CloseInfo& info) {
                if (!media)
                    return;
                Log("TURN: the TCP connection to the server closed (" + info.ToString() + ")");
                media.reset();
                script.OnTurnFailed(SimNow(), 0, "TCP: " + info.ToString());
                Pump();
            });
        } else {
            auto port = devices::net::UdpPort::Bind(setup.node, Endpoint{IpAddress{}, 0});
            if (!port) {
                script.OnTurnFailed(SimNow(), 0, "no UDP port: " + port.Message());
                pump_again = true;
                return;
            }
            turn_port = std::move(*port);
            turn_port->SetOnDatagram(
                [this](const Endpoint& from, const Endpoint&, const Bytes& data) {
                    if (!media)
                        return;
                    media->OnDatagram(from, data, SimNow());
                    PumpMedia();
                });
        }
        const Rng rng =
            setup.rng.Fork(config.turn_transport == turn::Transport::Tcp ? "media:tcp" : "media");
        media = std::make_unique<media::Session>(config, rng, rng);
        if (config.turn_transport == turn::Transport::Tcp)
            Log("TURN: connecting over TCP to " + server.ToString());
        Log(log_lines::TurnAllocate::Format({config.turn_server.ToString(), a.username}));
        media->Allocate(SimNow());
        PumpMedia();
    }

    void Do(const StartIce& a) {
        if (!media)
            return;
        std::vector<ice::Candidate> candidates;
        for (const auto& c : a.candidates)
            if (auto candidate = webapp::ToIceCandidate(c))
                candidates.push_back(*candidate);
        Log("ICE: checks from the relay to " + std::to_string(candidates.size()) +
            " candidate(s) of the meeting");
        media->SetRemoteCredentials(ice::Credentials{a.remote.ufrag, a.remote.pwd});
        for (const auto& c : candidates)
            media->AddRemoteCandidate(c, SimNow());
        media->StartIce(SimNow());
        PumpMedia();
    }

    void Do(const AddRemoteCandidate& a) {
        if (!media)
            return;
        if (auto candidate = webapp::ToIceCandidate(a.candidate))
            media->AddRemoteCandidate(*candidate, SimNow());
        PumpMedia();
    }

    void Do(const StartDtls& a) {
        if (!media)
            return;
        const auto fingerprint =
            pki::Fingerprint::ParseSdp(a.hash_function + " " + a.remote_fingerprint);
        if (!fingerprint) {
            script.OnDtlsFailed(SimNow(), "unusable fingerprint from the meeting: " +
                                              a.hash_function + " " + a.remote_fingerprint);
            pump_again = true;
            return;
        }
        Log("DTLS: waiting for the meeting's handshake (passive), expecting " +
            fingerprint->ToSdp());
        media->StartDtls(*fingerprint, SimNow());
        PumpMedia();
    }

    void Do(const StartMedia&) {
        if (!media)
            return;
        Log("media: sending audio every 20 ms");
        const bool was_sending = media->Sending();
        media->StartMedia(SimNow());
        // The first frame goes at once.
        if (media->Sending() && !was_sending)
            media->HandleTimeout(SimNow());
        PumpMedia();
    }

    void Do(const StopMedia&) {
        if (!media)
            return;
        media->StopMedia();
        PumpMedia();
    }

    // Carries out what the media session asks and tells the script what happened. Script
    // reactions (actions) are run by Pump, which may call back in here.
    void PumpMedia() {
        if (!media)
            return;
        bool any = false;
        for (int round = 0; round < 4; ++round) {
            while (auto d = media->PollDatagram()) {
                if (turn_port)
                    turn_port->SendTo(d->to, d->data);
                else if (turn_tcp)
                    turn_tcp->Send(d->data);
            }
            bool events = false;
            while (auto e = media->PollEvent()) {
                events = any = true;
                Report(*e);
            }
            if (!events)
                break;
        }
        if (media)
            media_timer.Arm(media->NextTimeout(), [this](Instant now) {
                if (!media)
                    return;
                media->HandleTimeout(now);
                PumpMedia();
            });
        if (any)
            Pump();
    }

    void Report(const media::Event& event) {
        // The figures first: the report of a packet may end the media stage.
        if (media && std::holds_alternative<media::RtpReceived>(event)) {
            const rtp::ReceiverStats& r = media->Reception();
            const ice::RoundTrip& rtt = media->Ice().SelectedRoundTrip();
            script.OnMediaReception(outcome::Reception{r.Expected(), r.Lost(), r.JitterMs()},
                                    outcome::RoundTrip{rtt.samples, rtt.MeanMs(), rtt.MaxMs()});
        }
        ReportMediaEvent(event, SimNow(), script, [this](const std::string& line) { Log(line); });
    }

    void Do(const CloseAll& a) {
        Log("closing: " + a.reason);
        if (ws && ws->IsOpen())
            ws->Close(1000, a.reason);
        http.reset();
        tcp.reset();
        if (media) {
            media->Close(SimNow());
            PumpMedia();
        }
    }
};

BrowserApp::BrowserApp(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
BrowserApp::~BrowserApp() = default;

Expected<std::unique_ptr<BrowserApp>> BrowserApp::Create(BrowserSetup setup) {
    if (!setup.node)
        return Error{"browser: no node"};
    if (setup.script.host.empty())
        return Error{"browser: no URL host"};
    // The browser's DTLS certificate: self-signed, made for this page as WebRTC does,
    // valid around the scenario's clock. Its fingerprint is what the script signals.
    pki::CertificateProfile profile;
    profile.subject.common_name = "WebRTC";
    profile.not_before = setup.epoch_unix_s - 86400;
    profile.not_after = setup.epoch_unix_s + 30 * 86400;
    profile.usage = pki::CertificateUsage::ServerAndClient;
    Rng certificate_rng = setup.rng.Fork("dtls-certificate");
    auto identity = pki::CreateSelfSigned(profile, certificate_rng);
    if (!identity)
        return Error{"browser: DTLS certificate: " + identity.Message()};
    tls::ContextConfig dtls;
    dtls.role = tls::Role::Server; // passive: the meeting initiates
    dtls.transport = tls::Transport::Datagram;
    dtls.identities = {*identity};
    dtls.verify = tls::VerifyMode::Fingerprint;
    dtls.require_peer_certificate = true;
    dtls.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};
    dtls.key_log = setup.key_log;
    Rng context_rng = setup.rng.Fork("dtls-context");
    auto context = tls::Context::Create(dtls, context_rng);
    if (!context)
        return Error{"browser: DTLS context: " + context.Message()};
    setup.script.dtls_fingerprint =
        identity->certificate.ComputeFingerprint("sha-256").HexWithColons();
    return std::unique_ptr<BrowserApp>(
        new BrowserApp(std::make_unique<Impl>(std::move(setup), *context)));
}

void BrowserApp::StartIn(Duration at) {
    m_impl->start_timer.ScheduleIn(at, [impl = m_impl.get()](Instant now) {
        impl->script.Start(now);
        impl->Pump();
    });
}

void BrowserApp::Finish() {
    if (m_impl->finished)
        return;
    m_impl->finished = true;
    m_impl->script.Finish(devices::net::SimNow());
    m_impl->Pump();
    m_impl->start_timer.Cancel();
    m_impl->script_timer.Cancel();
    m_impl->media_timer.Cancel();
}

const GuestScript& BrowserApp::Script() const {
    return m_impl->script;
}

outcome::Outcome BrowserApp::Result() const {
    return m_impl->script.Result();
}

} // namespace cmslab::browser
