#include "browser/guest_script.h"

#include "browser/guest_screens.h"
#include "common/text.h"
#include "log_lines/browser_lines.h"
#include "webapp/guest_join.h"
#include "webapp/ice_servers.h"
#include "webapp/meeting_page.h"
#include "webapp/paths.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace cmslab::browser {

using outcome::Stage;

namespace {

std::string Seconds(Duration d) {
    std::ostringstream out;
    out << std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0 << " s";
    return out.str();
}

const char* TcpFailureText(TcpFailure why) {
    switch (why) {
    case TcpFailure::Refused:
        return "refused";
    case TcpFailure::TimedOut:
        return "timed out";
    case TcpFailure::Reset:
        return "reset";
    }
    return "failed";
}

// RFC 8445 5.1.2.1 with the recommended type preference of a relayed candidate (0), the
// highest local preference and component 1.
constexpr std::uint32_t kRelayPriority = (0u << 24) | (65535u << 8) | (256u - 1u);

} // namespace

const char* ActionName(const Action& action) {
    static const char* const kNames[] = {
        "ResolveHost",   "ConnectTcp",    "StartTls", "SendHttpRequest",    "OpenWebSocket",
        "SendSignaling", "AllocateRelay", "StartIce", "AddRemoteCandidate", "StartDtls",
        "StartMedia",    "StopMedia",     "CloseAll"};
    return kNames[action.index()];
}

GuestScript::GuestScript(ScriptConfig config) : m_config(std::move(config)) {
    m_view.url = m_config.url;
}

void GuestScript::Ok(Stage stage, Instant now, std::string detail) {
    if (m_stages.Ok(stage, now, detail))
        Log(std::string(outcome::StageKey(stage)) + " ok: " + detail);
}

void GuestScript::Fail(Stage stage, Instant now, std::string detail) {
    if (m_stages.Fail(stage, now, detail))
        Log(log_lines::StageFailed::Format({outcome::StageKey(stage), detail}));
}

void GuestScript::Show(outcome::GuestView view) {
    if (view == m_view)
        return;
    m_view = std::move(view);
    std::string line = std::string("screen: ") + outcome::ScreenName(m_view.screen);
    if (!m_view.title.empty())
        line += " \"" + m_view.title + "\"";
    if (!m_view.text.empty())
        line += " " + m_view.text;
    if (!m_view.error_code.empty())
        line += " (" + m_view.error_code + ")";
    Log(std::move(line));
}

const char* GuestScript::MediaPhaseName(MediaPhase phase) {
    switch (phase) {
    case MediaPhase::Waiting:
        return "waiting";
    case MediaPhase::Allocating:
        return "allocating";
    case MediaPhase::RelayReady:
        return "relay_ready";
    case MediaPhase::IceChecking:
        return "ice_checking";
    case MediaPhase::IceConnected:
        return "ice_connected";
    case MediaPhase::DtlsHandshake:
        return "dtls_handshake";
    case MediaPhase::Sending:
        return "sending";
    case MediaPhase::InCall:
        return "in_call";
    case MediaPhase::Ended:
        return "ended";
    case MediaPhase::Failed:
        return "failed";
    }
    return "?";
}

std::optional<GuestScript::MediaPhase> GuestScript::NextMediaPhase(MediaPhase from,
                                                                   MediaStep step) {
    using P = MediaPhase;
    using S = MediaStep;
    if (from == P::Ended || from == P::Failed)
        return std::nullopt;
    // Leaving ends the media from wherever it got to.
    if (step == S::MediaEnded)
        return P::Ended;
    static constexpr Transition<P, S> kEdges[] = {
        {P::Waiting, S::Allocate, P::Allocating},
        {P::Waiting, S::NoTurnServer, P::Failed},
        {P::Allocating, S::TryNextTurnUrl, P::Allocating},
        {P::Allocating, S::RelayAllocated, P::RelayReady},
        {P::Allocating, S::TurnFailed, P::Failed},
        {P::RelayReady, S::StartIce, P::IceChecking},
        {P::IceChecking, S::IceConnected, P::IceConnected},
        {P::IceChecking, S::IceFailed, P::Failed},
        {P::IceConnected, S::StartDtls, P::DtlsHandshake},
        {P::DtlsHandshake, S::DtlsConnected, P::Sending},
        {P::DtlsHandshake, S::DtlsFailed, P::Failed},
        {P::Sending, S::MediaReceived, P::InCall},
    };
    return FollowTransition(kEdges, from, step);
}

void GuestScript::End(Instant, const std::string& reason) {
    if (m_phase == Phase::Done)
        return;
    m_phase = Phase::Done;
    if (m_media_phase.Get() != MediaPhase::Ended && m_media_phase.Get() != MediaPhase::Failed)
        MoveMedia(MediaStep::MediaEnded);
    m_give_up_at.reset();
    m_media_end_at.reset();
    m_turn_fallback_at.reset();
    Act(CloseAll{reason});
}

void GuestScript::Start(Instant now) {
    if (m_phase != Phase::Idle)
        return;
    Show(LoadingScreen(m_config.url));
    m_stages.Begin(Stage::Dns);
    if (auto literal = IpAddress::Parse(m_config.host)) {
        // An address in the URL needs no lookup; the stage still says what happened.
        OnDnsAnswer(now, {*literal});
        return;
    }
    m_phase = Phase::Resolving;
    Act(ResolveHost{m_config.host});
}

void GuestScript::OnDnsAnswer(Instant now, const std::vector<IpAddress>& addresses) {
    if (m_phase != Phase::Resolving && !(m_phase == Phase::Idle && m_stages.Begun(Stage::Dns)))
        return;
    if (addresses.empty()) {
        OnDnsFailure(now, "no address in the answer");
        return;
    }
    std::vector<std::string> texts;
    for (const auto& a : addresses)
        texts.push_back(a.ToString());
    const bool literal = IpAddress::Parse(m_config.host).has_value();
    Ok(Stage::Dns, now,
       literal ? "address in the URL, no lookup: " + m_config.host
               : m_config.host + " -> " + Join(texts));
    m_addresses = addresses;
    m_next_address = 0;
    m_phase = Phase::Connecting;
    ConnectNext(now);
}

void GuestScript::OnDnsFailure(Instant now, const std::string& reason) {
    if (m_phase != Phase::Resolving)
        return;
    Fail(Stage::Dns, now, m_config.host + ": " + reason);
    Show(UnreachableScreen(m_config.url, m_config.host, Unreachable::NameNotResolved));
    End(now, "name not resolved");
}

void GuestScript::ConnectNext(Instant) {
    m_stages.Begin(Stage::Tcp);
    Endpoint server{m_addresses[m_next_address++], m_config.port};
    Act(ConnectTcp{server});
}

void GuestScript::OnTcpConnected(Instant now) {
    if (m_phase != Phase::Connecting)
        return;
    const Endpoint server{m_addresses[m_next_address - 1], m_config.port};
    std::string detail = "connected to " + server.ToString();
    if (!m_tcp_failures.empty())
        detail += " (after " + Join(m_tcp_failures, "; ") + ")";
    Ok(Stage::Tcp, now, detail);
    if (!m_config.https) {
        // Plain http: no TLS, nothing to check; the address bar says "Not secure".
        m_phase = Phase::LoadingPage;
        m_stages.Begin(Stage::Http);
        SendRequest("GET", m_config.path, "", "");
        return;
    }
    m_phase = Phase::TlsHandshake;
    m_stages.Begin(Stage::Tls);
    m_stages.Begin(Stage::Certificate);
    Act(StartTls{m_config.host, m_accepted_certificate});
}

void GuestScript::OnTcpFailed(Instant now, TcpFailure why, const std::string& detail) {
    if (m_phase != Phase::Connecting)
        return;
    const Endpoint server{m_addresses[m_next_address - 1], m_config.port};
    std::string text = server.ToString() + " " + TcpFailureText(why);
    if (!detail.empty())
        text += " (" + detail + ")";
    m_tcp_failures.push_back(text);
    if (m_next_address < m_addresses.size()) {
        // Browsers try the next address of the answer before giving up.
        ConnectNext(now);
        return;
    }
    Fail(Stage::Tcp, now, Join(m_tcp_failures, "; "));
    Unreachable screen = why == TcpFailure::Refused    ? Unreachable::Refused
                         : why == TcpFailure::TimedOut ? Unreachable::TimedOut
                                                       : Unreachable::Reset;
    Show(UnreachableScreen(m_config.url, m_config.host, screen));
    End(now, "connection failed");
}

void GuestScript::OnTlsEstablished(Instant now, const TlsSummary& tls) {
    if (m_phase != Phase::TlsHandshake)
        return;
    Ok(Stage::Tls, now,
       tls.version + " " + tls.cipher + ", SNI " +
           (tls.server_name.empty() ? std::string("none") : tls.server_name));
    Ok(Stage::Certificate, now,
       "chain trusted" + (tls.issuer.empty() ? std::string() : " (issuer " + tls.issuer + ")") +
           ", " + m_config.host + " matches the SAN list: " + Join(tls.served_names));
    m_phase = Phase::LoadingPage;
    m_stages.Begin(Stage::Http);
    SendRequest("GET", m_config.path, "", "");
}

void GuestScript::OnCertificateRejected(Instant now, const CertificateRejection& rejection) {
    if (m_phase != Phase::TlsHandshake)
        return;
    const std::string alert =
        rejection.alert_sent.empty() ? std::string("no alert") : "alert " + rejection.alert_sent;
    Ok(Stage::Tls, now,
       (rejection.version.empty() ? std::string("handshake") : rejection.version + " handshake") +
           " reached the server certificate (SNI " + m_config.host +
           "); the browser stopped it with " + alert);
    std::vector<std::string> errors;
    for (const auto& e : rejection.errors)
        errors.push_back(e.ToString());
    const long code = rejection.errors.empty() ? 0 : rejection.errors.front().code;
    Fail(Stage::Certificate, now,
         (errors.empty() ? std::string("rejected") : Join(errors, "; ")) + "; " + m_config.host +
             " checked against the SAN list the server sent: " +
             (rejection.served_names.empty() ? std::string("(none)")
                                             : Join(rejection.served_names)) +
             "; " + alert);
    Show(CertificateWarningScreen(m_config.url, m_config.host, code, rejection.served_names));
    if (!m_config.proceed_past_certificate_warning || !m_accepted_certificate.empty() ||
        rejection.fingerprint.empty()) {
        End(now, "certificate rejected");
        return;
    }
    // The guest clicks through the warning ("Proceed to <host> (unsafe)"): the browser
    // connects again and accepts this certificate, and only this one, for the host. The
    // certificate stage keeps its verdict; every page from here is "Not secure".
    m_accepted_certificate = rejection.fingerprint;
    Log("the guest proceeds past the certificate warning to " + m_config.host + " (certificate " +
        rejection.fingerprint + " accepted for this visit)");
    m_phase = Phase::Connecting;
    --m_next_address;
    ConnectNext(now);
}

void GuestScript::OnTlsFailed(Instant now, const std::string& detail) {
    if (m_phase != Phase::TlsHandshake)
        return;
    Fail(Stage::Tls, now, detail);
    Show(UnreachableScreen(m_config.url, m_config.host, Unreachable::TlsFailed));
    End(now, "TLS failed");
}

void GuestScript::SendRequest(const std::string& method, const std::string& target,
                              const std::string& content_type, const std::string& body) {
    m_last_request = method + " " + target;
    Act(SendHttpRequest{method, target, content_type, body});
}

void GuestScript::OnHttpResponse(Instant now, int status, const std::string& reason,
                                 const std::string& body) {
    switch (m_phase) {
    case Phase::LoadingPage:
        OnPage(now, status, reason, body);
        break;
    case Phase::LookingUpCall:
    case Phase::LoggingIn:
        OnJoinAnswer(now, status, body);
        break;
    default:
        break;
    }
}

void GuestScript::OnPage(Instant now, int status, const std::string& reason,
                         const std::string& body) {
    const bool secure = Secure();
    const std::string answer =
        m_last_request + " -> " + std::to_string(status) + (reason.empty() ? "" : " " + reason);
    if (status != 200) {
        Fail(Stage::Http, now, answer);
        std::string heading = PageHeading(body);
        Show(HttpErrorScreen(m_config.url, status, heading.empty() ? reason : heading, secure));
        End(now, "error page");
        return;
    }
    Ok(Stage::Http, now, answer + " (" + std::to_string(body.size()) + " bytes)");
    const webapp::MeetingPage page = webapp::ReadMeetingPage(body);
    m_sign_in = page.sign_in;
    m_call_id_action = page.call_id_action.empty() ? webapp::kCallLookupPath : page.call_id_action;
    m_name_action = page.name_action.empty() ? webapp::kGuestLoginPath : page.name_action;
    m_stages.Begin(Stage::WebBridge);
    const std::string title = page.title.empty() ? std::string("untitled") : page.title;
    if (!page.join_call) {
        Fail(Stage::WebBridge, now,
             "page \"" + title + "\" without Join call" +
                 (page.sign_in ? std::string(" (Sign in only)") : std::string()));
        Show(MeetingScreen(m_config.url, false, page.sign_in, secure));
        End(now, "no Join call");
        return;
    }
    Ok(Stage::WebBridge, now, "page \"" + title + "\" offers Join call");
    Show(MeetingScreen(m_config.url, true, page.sign_in, secure));
    // The guest presses `Join call`, types the call ID and passcode, presses Continue.
    Show(EnterCallIdScreen(m_config.url, secure));
    m_phase = Phase::LookingUpCall;
    m_stages.Begin(Stage::GuestLogin);
    SendRequest("POST", m_call_id_action, webapp::kFormContentType,
                webapp::EncodeForm(webapp::CallLookupRequest{m_config.call_id, m_config.passcode}));
}

void GuestScript::OnJoinAnswer(Instant now, int status, const std::string& body) {
    const bool secure = Secure();
    const std::string step = m_phase == Phase::LookingUpCall
                                 ? "call ID " + m_config.call_id
                                 : "login as \"" + m_config.display_name + "\"";
    auto answer = webapp::DecodeJoinAnswer(body);
    if (!answer) {
        Fail(Stage::GuestLogin, now,
             step + ": " + m_last_request + " -> " + std::to_string(status) +
                 ", unreadable answer (" + answer.Message() + ")");
        Show(JoinRefusedScreen(m_config.url, "Unable to join the meeting", m_sign_in, secure));
        End(now, "join refused");
        return;
    }
    if (!answer->Ok()) {
        Fail(Stage::GuestLogin, now,
             step + ": " + m_last_request + " -> " + std::to_string(status) + " " +
                 webapp::JoinErrorName(answer->error) + " (" + answer->message + ")");
        Show(JoinRefusedScreen(m_config.url,
                               answer->message.empty() ? webapp::JoinErrorText(answer->error)
                                                       : answer->message,
                               m_sign_in, secure));
        End(now, "join refused");
        return;
    }
    if (m_phase == Phase::LookingUpCall) {
        m_space_name = answer->space_name;
        // The space's page: the guest types their name and presses `Join call`.
        Show(EnterNameScreen(m_config.url, m_space_name, m_sign_in, secure));
        m_phase = Phase::LoggingIn;
        SendRequest("POST", m_name_action, webapp::kFormContentType,
                    webapp::EncodeForm(webapp::GuestLoginRequest{
                        m_config.call_id, m_config.passcode, m_config.display_name}));
        return;
    }
    if (!answer->space_name.empty())
        m_space_name = answer->space_name;
    m_session = answer->session;
    const std::string target = answer->signaling_url.empty()
                                   ? webapp::SignalingTarget(answer->session)
                                   : answer->signaling_url;
    m_phase = Phase::OpeningSignaling;
    Show(ConnectingScreen(m_config.url, m_space_name, secure));
    // From here the web app waits for media, and not forever.
    m_give_up_at = now + m_config.give_up_after;
    Act(OpenWebSocket{target, webapp::kSignalingProtocol});
}

void GuestScript::OnConnectionClosed(Instant now, const std::string& detail) {
    switch (m_phase) {
    case Phase::TlsHandshake:
        OnTlsFailed(now, "connection closed during the handshake" +
                             (detail.empty() ? std::string() : " (" + detail + ")"));
        return;
    case Phase::LoadingPage:
        Fail(Stage::Http, now,
             m_last_request + ": connection closed before an answer" +
                 (detail.empty() ? std::string() : " (" + detail + ")"));
        Show(UnreachableScreen(m_config.url, m_config.host, Unreachable::EmptyResponse));
        End(now, "no answer");
        return;
    case Phase::LookingUpCall:
    case Phase::LoggingIn:
        Fail(Stage::GuestLogin, now,
             m_last_request + ": connection closed before an answer" +
                 (detail.empty() ? std::string() : " (" + detail + ")"));
        Show(JoinRefusedScreen(m_config.url, "Unable to join the meeting", m_sign_in, Secure()));
        End(now, "no answer");
        return;
    default:
        return;
    }
}

void GuestScript::OnWebSocketOpen(Instant) {
    if (m_phase != Phase::OpeningSignaling)
        return;
    m_phase = Phase::Joining;
    Act(SendSignaling{webapp::JoinMessage{m_session, m_config.display_name}});
}

void GuestScript::OnWebSocketRefused(Instant now, int status, const std::string& reason) {
    if (m_phase != Phase::OpeningSignaling)
        return;
    // The web app stays on `Connecting` until it gives up.
    Fail(Stage::GuestLogin, now,
         "signaling WebSocket refused: " + std::to_string(status) +
             (reason.empty() ? "" : " " + reason));
    m_phase = Phase::InSpace;
}

void GuestScript::OnWebSocketClosed(Instant now, const std::string& detail) {
    if (m_phase == Phase::OpeningSignaling || m_phase == Phase::Joining) {
        Fail(Stage::GuestLogin, now,
             "signaling closed before joining" +
                 (detail.empty() ? std::string() : " (" + detail + ")"));
        m_phase = Phase::InSpace;
        return;
    }
    if (m_phase == Phase::InSpace)
        Log("signaling closed" + (detail.empty() ? std::string() : ": " + detail));
}

void GuestScript::OnWebSocketText(Instant now, const std::string& text) {
    if (m_phase != Phase::Joining && m_phase != Phase::InSpace)
        return;
    auto message = webapp::DecodeSignaling(text);
    if (!message) {
        Log("signaling: unreadable message (" + message.Message() + ")");
        return;
    }
    OnSignaling(now, *message);
}

void GuestScript::OnSignaling(Instant now, const webapp::SignalingMessage& message) {
    if (auto joined = std::get_if<webapp::JoinedMessage>(&message)) {
        OnJoined(now, *joined);
    } else if (auto list = std::get_if<webapp::ParticipantsMessage>(&message)) {
        m_participants.clear();
        for (const auto& p : list->participants)
            m_participants.push_back(p.display_name);
        if (m_media_phase.Get() == MediaPhase::InCall)
            Show(InCallScreen(m_config.url, m_space_name, m_participants, Secure()));
    } else if (auto ice = std::get_if<webapp::IceParametersMessage>(&message)) {
        m_remote_ice = *ice;
        MaybeStartIce();
    } else if (auto candidate = std::get_if<webapp::CandidateMessage>(&message)) {
        m_remote_candidates.push_back(*candidate);
        if (m_media_phase.Get() == MediaPhase::IceChecking)
            Act(AddRemoteCandidate{*candidate});
    } else if (auto dtls = std::get_if<webapp::DtlsMessage>(&message)) {
        m_remote_dtls = *dtls;
        MaybeStartDtls(now);
    } else if (auto bye = std::get_if<webapp::ByeMessage>(&message)) {
        Log("signaling: bye (" + bye->reason + ")");
        if (m_media_phase.Get() != MediaPhase::InCall) {
            const std::string why = "the meeting ended the call: " + bye->reason;
            for (Stage stage : m_stages.Abandon(now, why))
                Log(log_lines::StageFailed::Format({outcome::StageKey(stage), why}));
            Show(BackAtJoinPageScreen(m_config.url, m_sign_in, Secure()));
        } else {
            EndMedia(now);
        }
        End(now, "bye");
    } else if (auto error = std::get_if<webapp::ErrorMessage>(&message)) {
        Log("signaling: error " + error->code + " (" + error->message + ")");
        if (m_phase == Phase::Joining && error->code == webapp::kErrorCallFull) {
            // The web app says so and stays on the space's page; the channel closes.
            Fail(Stage::GuestLogin, now, "the meeting is full: " + error->message);
            Show(JoinRefusedScreen(m_config.url, "The meeting is full", m_sign_in, Secure()));
            End(now, "the meeting is full");
        }
    }
}

void GuestScript::OnJoined(Instant now, const webapp::JoinedMessage& joined) {
    if (m_phase != Phase::Joining)
        return;
    m_phase = Phase::InSpace;
    if (!joined.space_name.empty())
        m_space_name = joined.space_name;
    m_participants.clear();
    for (const auto& p : joined.participants)
        m_participants.push_back(p.display_name);
    Ok(Stage::GuestLogin, now,
       "joined \"" + m_space_name + "\" as \"" + m_config.display_name + "\" (call ID " +
           m_config.call_id + "); participants: " + Join(m_participants));
    Show(ConnectingScreen(m_config.url, m_space_name, Secure()));

    // The TURN URLs the browser can use, UDP ones first, as browsers prefer them; the
    // next is tried when one gets no answer (TryTurnUrl, OnTurnFailed).
    m_stages.Begin(Stage::Turn);
    m_turn_choices.clear();
    std::vector<std::string> unusable;
    for (const char* transport : {"udp", "tcp"}) {
        for (const auto& server : joined.ice_servers) {
            for (const auto& url : server.urls) {
                auto parsed = webapp::ParseTurnUrl(url);
                if (!parsed) {
                    if (transport == std::string("udp"))
                        unusable.push_back(url);
                    continue;
                }
                if (parsed->secure || parsed->transport != transport)
                    continue;
                m_turn_choices.push_back(AllocateRelay{parsed->host, parsed->port,
                                                       parsed->transport, server.username,
                                                       server.credential});
            }
        }
    }
    if (m_turn_choices.empty()) {
        MoveMedia(MediaStep::NoTurnServer);
        Fail(Stage::Turn, now,
             "no usable TURN server in iceServers" +
                 (unusable.empty() ? std::string() : " (" + Join(unusable) + ")"));
        return;
    }
    MoveMedia(MediaStep::Allocate);
    TryTurnUrl(now, 0);
}

void GuestScript::TryTurnUrl(Instant now, std::size_t index) {
    const AllocateRelay& pick = m_turn_choices[index];
    m_turn_choice = index;
    m_turn_server = pick.host + ":" + std::to_string(pick.port) + "/" + pick.transport;
    m_turn_user = pick.username;
    m_turn_realm.clear();
    m_turn_fallback_at = index + 1 < m_turn_choices.size()
                             ? std::optional<Instant>(now + m_config.turn_fallback_after)
                             : std::nullopt;
    Act(pick);
}

// The current URL got no answer: the next one, if any. False when none is left.
bool GuestScript::NextTurnUrl(Instant now, const std::string& why) {
    if (m_turn_choice + 1 >= m_turn_choices.size())
        return false;
    if (!MoveMedia(MediaStep::TryNextTurnUrl))
        return false;
    m_turn_abandoned.push_back(m_turn_server + ": " + why);
    Log(log_lines::TurnUrlGivenUp::Format({m_turn_server, why}));
    TryTurnUrl(now, m_turn_choice + 1);
    return true;
}

void GuestScript::OnTurnChallenged(Instant now, const std::string& realm) {
    m_turn_realm = realm;
    m_turn_challenged_at = now;
}

void GuestScript::OnTurnAllocated(Instant now, const Endpoint& relayed, const Endpoint& mapped) {
    if (!MoveMedia(MediaStep::RelayAllocated))
        return;
    m_turn_fallback_at.reset();
    // The authenticated Allocate leaves as the challenge arrives: from the challenge to the
    // success is one round trip to the TURN server.
    std::string round_trip;
    if (m_turn_challenged_at) {
        char text[48];
        std::snprintf(
            text, sizeof(text), ", round trip %.2f ms",
            std::chrono::duration<double, std::milli>(now - *m_turn_challenged_at).count());
        round_trip = text;
    }
    Ok(Stage::Turn, now,
       "relay " + relayed.ToString() + " (mapped " + mapped.ToString() + ") at " + m_turn_server +
           (m_turn_realm.empty() ? std::string()
                                 : ", after the 401 challenge (realm \"" + m_turn_realm + "\")") +
           round_trip +
           (m_turn_abandoned.empty() ? std::string()
                                     : "; given up before: " + Join(m_turn_abandoned)));
    // Tell the CMS where to reach the browser: its ICE credentials, the relay, its DTLS
    // certificate, and that it waits for the CMS to start DTLS.
    Act(SendSignaling{webapp::IceParametersMessage{m_config.ice_ufrag, m_config.ice_pwd}});
    webapp::CandidateMessage candidate;
    candidate.foundation = "1";
    candidate.component = 1;
    candidate.transport = "udp";
    candidate.priority = kRelayPriority;
    candidate.address = relayed.address.ToString();
    candidate.port = relayed.port;
    candidate.type = ice::CandidateType::Relayed;
    candidate.related_address = mapped.address.ToString();
    candidate.related_port = mapped.port;
    Act(SendSignaling{candidate});
    Act(SendSignaling{webapp::EndOfCandidatesMessage{}});
    Act(SendSignaling{
        webapp::DtlsMessage{"sha-256", m_config.dtls_fingerprint, webapp::DtlsSetup::Passive}});
    MaybeStartIce();
}

void GuestScript::OnTurnFailed(Instant now, int code, const std::string& reason) {
    if (m_media_phase.Get() != MediaPhase::Allocating) {
        MoveMedia(MediaStep::TurnFailed); // refused and counted
        return;
    }
    // Silence (or a connection that could not be made) sends the browser to the next URL;
    // an answer (401 loop, 431, 486...) is the server's word and ends the gathering.
    if (code == 0 &&
        NextTurnUrl(now, "no answer" + (reason.empty() ? std::string() : " (" + reason + ")")))
        return;
    MoveMedia(MediaStep::TurnFailed);
    m_turn_fallback_at.reset();
    std::string detail = "Allocate at " + m_turn_server + " as \"" + m_turn_user + "\"";
    if (!m_turn_realm.empty())
        detail += " (realm \"" + m_turn_realm + "\")";
    detail += code == 0 ? ": no answer" + (reason.empty() ? std::string() : " (" + reason + ")")
                        : ": " + std::to_string(code) + " " + reason;
    if (!m_turn_abandoned.empty())
        detail += "; given up before: " + Join(m_turn_abandoned);
    Fail(Stage::Turn, now, detail);
}

void GuestScript::MaybeStartIce() {
    if (m_media_phase.Get() != MediaPhase::RelayReady || !m_remote_ice)
        return;
    MoveMedia(MediaStep::StartIce);
    m_stages.Begin(Stage::Ice);
    Act(StartIce{*m_remote_ice, m_remote_candidates});
}

void GuestScript::OnIceConnected(Instant now, const std::string& pair) {
    if (!MoveMedia(MediaStep::IceConnected))
        return;
    Ok(Stage::Ice, now, "pair " + pair);
    MaybeStartDtls(now);
}

void GuestScript::OnIceFailed(Instant now, const std::string& detail) {
    if (!MoveMedia(MediaStep::IceFailed))
        return;
    Fail(Stage::Ice, now, detail);
}

void GuestScript::MaybeStartDtls(Instant) {
    if (m_media_phase.Get() != MediaPhase::IceConnected || !m_remote_dtls)
        return;
    MoveMedia(MediaStep::StartDtls);
    m_stages.Begin(Stage::Dtls);
    Act(StartDtls{m_remote_dtls->hash_function, m_remote_dtls->fingerprint});
}

void GuestScript::OnDtlsConnected(Instant now, const std::string& version,
                                  const std::string& srtp_profile) {
    if (!MoveMedia(MediaStep::DtlsConnected))
        return;
    Ok(Stage::Dtls, now,
       version + ", browser passive (the CMS initiated)" +
           (srtp_profile.empty() ? std::string(", no SRTP profile") : ", SRTP " + srtp_profile));
    m_stages.Begin(Stage::Media);
    m_media_end_at = now + m_config.media_duration;
    Act(StartMedia{m_config.media_duration});
}

void GuestScript::OnDtlsFailed(Instant now, const std::string& detail) {
    if (!MoveMedia(MediaStep::DtlsFailed))
        return;
    Fail(Stage::Dtls, now, detail);
}

void GuestScript::OnMediaSent(Instant, std::size_t size, const std::string& protection) {
    if (!MediaFlowing()) {
        m_media_phase.CountRefused();
        return;
    }
    m_media.sent.Count(size);
    if (m_media.protection.empty())
        m_media.protection = protection;
}

void GuestScript::OnMediaReceived(Instant, std::size_t size) {
    if (!MediaFlowing()) {
        m_media_phase.CountRefused();
        return;
    }
    m_media.received.Count(size);
    if (m_media_phase.Get() == MediaPhase::Sending) {
        // Media arrived: the web app stops waiting and shows the meeting.
        MoveMedia(MediaStep::MediaReceived);
        m_give_up_at.reset();
        Show(InCallScreen(m_config.url, m_space_name, m_participants, Secure()));
    }
}

void GuestScript::OnMediaLost(Instant now, const std::string& reason) {
    if (m_media_phase.Get() == MediaPhase::Ended || m_media_phase.Get() == MediaPhase::Failed) {
        m_media_phase.CountRefused();
        return;
    }
    Log("media lost: " + reason);
    if (MediaFlowing()) {
        MoveMedia(MediaStep::MediaEnded);
        Act(StopMedia{});
        Fail(Stage::Media, now, "media lost: " + reason + " (" + MediaDetail() + ")");
    }
    for (Stage stage : m_stages.Abandon(now, reason))
        Log(std::string(outcome::StageKey(stage)) + " failed: " + reason);
    Show(BackAtJoinPageScreen(m_config.url, m_sign_in, Secure()));
    Act(SendSignaling{webapp::LeaveMessage{"media lost"}});
    End(now, "media lost");
}

void GuestScript::OnMediaReception(const outcome::Reception& reception,
                                   const outcome::RoundTrip& round_trip) {
    m_media.reception = reception;
    // Hundredths of a millisecond: what summary.json keeps.
    m_media.reception.jitter_ms = std::round(reception.jitter_ms * 100) / 100;
    m_media.round_trip = round_trip;
    m_media.round_trip.mean_ms = std::round(round_trip.mean_ms * 100) / 100;
    m_media.round_trip.max_ms = std::round(round_trip.max_ms * 100) / 100;
}

std::string GuestScript::MediaDetail() const {
    std::string detail = std::to_string(m_media.sent.packets) + " packets (" +
                         std::to_string(m_media.sent.bytes) + " bytes) sent, " +
                         std::to_string(m_media.received.packets) + " packets (" +
                         std::to_string(m_media.received.bytes) + " bytes) received" +
                         (m_media.protection.empty() ? std::string() : ", " + m_media.protection);
    const outcome::Reception& r = m_media.reception;
    if (r.expected > 0) {
        char figures[96];
        std::snprintf(figures, sizeof(figures),
                      "; received %lld lost of %llu (%.2f%%), jitter %.2f ms",
                      static_cast<long long>(r.lost > 0 ? r.lost : 0),
                      static_cast<unsigned long long>(r.expected), r.LossPercent(), r.jitter_ms);
        detail += figures;
    }
    if (m_media.round_trip.samples > 0) {
        char figures[96];
        std::snprintf(figures, sizeof(figures), "; round trip %.2f ms (%u ICE checks)",
                      m_media.round_trip.mean_ms, m_media.round_trip.samples);
        detail += figures;
    }
    return detail;
}

// What the guest's limits say of the received stream; empty when within them.
std::string GuestScript::QualityShortfall() const {
    const outcome::Reception& r = m_media.reception;
    char text[128] = "";
    if (m_config.max_loss_percent && r.LossPercent() > *m_config.max_loss_percent)
        std::snprintf(text, sizeof(text), "loss %.2f%% beyond the guest's max_loss_percent %g",
                      r.LossPercent(), *m_config.max_loss_percent);
    else if (m_config.max_jitter_ms && r.jitter_ms > *m_config.max_jitter_ms)
        std::snprintf(text, sizeof(text), "jitter %.2f ms beyond the guest's max_jitter_ms %g",
                      r.jitter_ms, *m_config.max_jitter_ms);
    return text;
}

void GuestScript::EndMedia(Instant now) {
    if (!MoveMedia(MediaStep::MediaEnded))
        return;
    m_media_end_at.reset();
    Act(StopMedia{});
    const std::string shortfall = QualityShortfall();
    if (m_media.BothWays() && shortfall.empty())
        Ok(Stage::Media, now, MediaDetail());
    else
        Fail(Stage::Media, now,
             shortfall.empty() ? MediaDetail() : shortfall + ": " + MediaDetail());
}

std::optional<Instant> GuestScript::NextTimeout() const {
    std::optional<Instant> next;
    for (const auto& t : {m_give_up_at, m_media_end_at, m_turn_fallback_at})
        if (t && (!next || *t < *next))
            next = t;
    return next;
}

void GuestScript::HandleTimeout(Instant now) {
    if (m_phase == Phase::Done)
        return;
    if (m_give_up_at && now >= *m_give_up_at) {
        GiveUp(now);
        return;
    }
    if (m_turn_fallback_at && now >= *m_turn_fallback_at) {
        m_turn_fallback_at.reset();
        if (m_media_phase.Get() == MediaPhase::Allocating)
            NextTurnUrl(now, "no answer after " + Seconds(m_config.turn_fallback_after));
    }
    if (m_media_end_at && now >= *m_media_end_at && m_media_phase.Get() == MediaPhase::InCall) {
        EndMedia(now);
        Act(SendSignaling{webapp::LeaveMessage{"hang up"}});
        End(now, "call ended");
    }
    // Without media received when the duration is over, the web app keeps waiting:
    // the give-up timer decides.
    if (m_media_end_at && now >= *m_media_end_at)
        m_media_end_at.reset();
}

void GuestScript::GiveUp(Instant now) {
    const std::string why =
        "no media " + Seconds(m_config.give_up_after) + " after joining; the web app gave up";
    if (MediaFlowing()) {
        MoveMedia(MediaStep::MediaEnded);
        Act(StopMedia{});
        Fail(Stage::Media, now, why + " (" + MediaDetail() + ")");
    }
    // Still gathering: the TURN URL being tried (and those given up) say where it hung.
    if (m_media_phase.Get() == MediaPhase::Allocating) {
        MoveMedia(MediaStep::TurnFailed);
        std::string detail =
            "Allocate at " + m_turn_server + " as \"" + m_turn_user + "\": no answer before " + why;
        if (!m_turn_abandoned.empty())
            detail += "; given up before: " + Join(m_turn_abandoned);
        Fail(Stage::Turn, now, detail);
    }
    for (Stage stage : m_stages.Abandon(now, why))
        Log(log_lines::StageFailed::Format({outcome::StageKey(stage), why}));
    Show(BackAtJoinPageScreen(m_config.url, m_sign_in, Secure()));
    if (m_phase == Phase::InSpace || m_phase == Phase::Joining)
        Act(SendSignaling{webapp::LeaveMessage{"no media"}});
    End(now, "gave up waiting for media");
}

void GuestScript::Finish(Instant now) {
    if (MediaFlowing()) {
        // The run ended during the call: judge the media that flowed so far.
        MoveMedia(MediaStep::MediaEnded);
        if (m_media.BothWays())
            Ok(Stage::Media, now, MediaDetail() + " (the run ended before the media duration)");
        else
            Fail(Stage::Media, now, MediaDetail() + " (the run ended)");
    }
    const std::string why = "no answer before the run ended";
    for (Stage stage : m_stages.Abandon(now, why))
        Log(log_lines::StageFailed::Format({outcome::StageKey(stage), why}));
    if (m_phase != Phase::Done) {
        m_phase = Phase::Done;
        m_give_up_at.reset();
        m_media_end_at.reset();
        m_turn_fallback_at.reset();
    }
}

std::optional<Action> GuestScript::PollAction() {
    if (m_actions.empty())
        return std::nullopt;
    Action action = std::move(m_actions.front());
    m_actions.pop_front();
    return action;
}

std::optional<std::string> GuestScript::PollLog() {
    if (m_log.empty())
        return std::nullopt;
    std::string line = std::move(m_log.front());
    m_log.pop_front();
    return line;
}

outcome::Outcome GuestScript::Result() const {
    outcome::Outcome result;
    result.stages = m_stages.All();
    result.guest_view = m_view;
    result.media = m_media;
    return result;
}

} // namespace cmslab::browser
