#include "cms/web_bridge.h"

#include "http/form.h"
#include "http/serializer.h"
#include "http/ws_handshake.h"
#include "webapp/meeting_page.h"
#include "webapp/paths.h"
#include "webapp/www_files.h"

namespace cmslab::cms {

namespace {

http::Response Answer(int status, const std::string& content_type, const std::string& body) {
    http::Response r;
    r.status = status;
    r.headers.Add("Content-Type", content_type);
    r.headers.Add("Content-Length", std::to_string(body.size()));
    r.headers.Add("Cache-Control", "no-store");
    r.body.assign(body.begin(), body.end());
    return r;
}

http::Response JsonAnswer(const webapp::JoinAnswer& answer) {
    return Answer(webapp::JoinErrorStatus(answer.error), webapp::kJsonContentType,
                  webapp::EncodeJoinAnswer(answer));
}

} // namespace

WebBridge::WebBridge(WebBridgeSettings settings, CallBridge& call_bridge,
                     IceServersProvider ice_servers)
    : m_settings(std::move(settings)), m_call_bridge(call_bridge),
      m_ice_servers(std::move(ice_servers)) {}

void WebBridge::SetLink(bool up, std::uint64_t number) {
    m_link_up = up;
    m_link_number = number;
}

void WebBridge::Handle(const http::Request& request, Respond respond) {
    const auto path = http::SplitTarget(request.target).path;
    if (path == webapp::kPagePath || path == "/index.html") {
        if (request.method != "GET" && request.method != "HEAD")
            return respond(http::ErrorResponse(405));
        webapp::PageOptions options;
        options.join_call = m_link_up;
        options.sign_in = m_settings.user_sign_in;
        options.passcode_field =
            m_settings.guest_access_via_id_and_passcode == GuestAccessMode::Secure;
        return respond(Answer(200, webapp::kHtmlContentType, webapp::RenderMeetingPage(options)));
    }
    const bool lookup = path == webapp::kCallLookupPath;
    const bool login = path == webapp::kGuestLoginPath;
    if (lookup || login) {
        if (request.method != "POST")
            return respond(http::ErrorResponse(405));
        const std::string body(request.body.begin(), request.body.end());
        if (!m_link_up)
            return respond(
                JsonAnswer(webapp::JoinRefused(webapp::JoinError::WebBridgeUnavailable)));
        if (lookup) {
            const auto form = webapp::DecodeCallLookupRequest(body);
            if (!form)
                return respond(JsonAnswer(webapp::JoinRefused(webapp::JoinError::BadRequest)));
            return respond(JsonAnswer(m_call_bridge.LookupCall(*form)));
        }
        const auto form = webapp::DecodeGuestLoginRequest(body);
        if (!form)
            return respond(JsonAnswer(webapp::JoinRefused(webapp::JoinError::BadRequest)));
        m_call_bridge.GuestLogin(m_link_number, *form, [respond](webapp::JoinAnswer answer) {
            respond(JsonAnswer(answer));
        });
        return;
    }
    // The page's stylesheet and script (index.html itself only through the page above).
    if (const auto file = webapp::FindWwwFile(path); file && path != "/index.html") {
        if (request.method != "GET" && request.method != "HEAD")
            return respond(http::ErrorResponse(405));
        return respond(Answer(200, std::string(file->content_type), std::string(file->body)));
    }
    if (path == webapp::kSignInPath && request.method == "GET")
        return respond(Answer(200, webapp::kHtmlContentType,
                              "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>"
                              "<h1>Sign in</h1></body></html>\n"));
    respond(http::ErrorResponse(404));
}

WebBridge::Upgrade WebBridge::HandleUpgrade(const http::Request& request) {
    Upgrade out;
    const auto session = webapp::SessionFromTarget(request.target);
    if (!session) {
        out.response = http::ErrorResponse(404);
        return out;
    }
    if (!m_call_bridge.Session(*session)) {
        out.response = JsonAnswer(webapp::JoinRefused(webapp::JoinError::SessionNotFound));
        return out;
    }
    auto handshake = ws::AnswerHandshake(request, {webapp::kSignalingProtocol});
    out.response = handshake.response;
    if (handshake.accepted)
        out.session = *session;
    return out;
}

WebBridge::Outgoing WebBridge::Send(const std::string& session,
                                    const webapp::SignalingMessage& message) const {
    return {session, webapp::EncodeSignaling(message)};
}

WebBridge::SignalingResult WebBridge::OnSignaling(const std::string& session,
                                                  std::string_view text) {
    SignalingResult result;
    const auto decoded = webapp::DecodeSignaling(text);
    if (!decoded) {
        result.messages.push_back(
            Send(session, webapp::ErrorMessage{webapp::kErrorBadMessage, decoded.Message()}));
        return result;
    }
    const auto& message = *decoded;
    const auto* guest = m_call_bridge.Session(session);
    if (!guest) {
        result.messages.push_back(
            Send(session, webapp::ErrorMessage{webapp::kErrorSession, "session has ended"}));
        result.close = true;
        return result;
    }
    if (const auto* join = std::get_if<webapp::JoinMessage>(&message)) {
        if (join->session != session || guest->call || guest->joining) {
            result.messages.push_back(
                Send(session, webapp::ErrorMessage{webapp::kErrorUnexpected, "join not expected"}));
            return result;
        }
        m_call_bridge.Join(session, [this, session](Expected<webapp::JoinedMessage> joined) {
            const auto later = Joined(session, std::move(joined));
            if (m_later)
                m_later(session, later);
        });
        return result;
    }
    if (std::holds_alternative<webapp::LeaveMessage>(message))
        return Leave(session, "\"Web client\" conference participation");
    const bool media = std::holds_alternative<webapp::IceParametersMessage>(message) ||
                       std::holds_alternative<webapp::CandidateMessage>(message) ||
                       std::holds_alternative<webapp::EndOfCandidatesMessage>(message) ||
                       std::holds_alternative<webapp::DtlsMessage>(message);
    if (media && guest->call) {
        if (m_media)
            m_media(session, message);
        return result;
    }
    result.messages.push_back(
        Send(session, webapp::ErrorMessage{webapp::kErrorUnexpected,
                                           std::string(webapp::SignalingTypeName(message)) +
                                               " not expected here"}));
    return result;
}

WebBridge::SignalingResult WebBridge::Joined(const std::string& session,
                                             Expected<webapp::JoinedMessage> joined) const {
    SignalingResult result;
    if (!joined) {
        const auto* guest = m_call_bridge.Session(session);
        const char* code =
            guest && guest->refused_full ? webapp::kErrorCallFull : webapp::kErrorSession;
        result.messages.push_back(Send(session, webapp::ErrorMessage{code, joined.Message()}));
        result.close = true;
        return result;
    }
    if (m_ice_servers)
        joined->ice_servers = m_ice_servers();
    result.messages.push_back(Send(session, *joined));
    const auto* guest = m_call_bridge.Session(session);
    if (guest && m_call_bridge.InCall(guest->space) <= CallBridge::kRosterShown)
        for (const auto& peer : m_call_bridge.Peers(session))
            result.messages.push_back(
                Send(peer, webapp::ParticipantsMessage{joined->participants}));
    return result;
}

WebBridge::SignalingResult WebBridge::OnChannelClosed(const std::string& session) {
    return Leave(session, "\"Web client\" conference participation");
}

WebBridge::SignalingResult WebBridge::Leave(const std::string& session, const std::string& reason) {
    SignalingResult result;
    const auto* guest = m_call_bridge.Session(session);
    if (!guest)
        return result;
    const auto space = guest->space;
    const auto peers = m_call_bridge.Peers(session);
    m_call_bridge.Leave(session, reason);
    result.messages.push_back(Send(session, webapp::ByeMessage{"left"}));
    result.close = true;
    if (m_call_bridge.InCall(space) < CallBridge::kRosterShown) {
        const auto participants = m_call_bridge.RosterPage(space);
        for (const auto& peer : peers)
            result.messages.push_back(Send(peer, webapp::ParticipantsMessage{participants}));
    }
    return result;
}

} // namespace cmslab::cms
