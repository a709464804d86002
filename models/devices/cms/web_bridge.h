// The Web Bridge, sans-I/O: the web app's HTTP requests (page, join form) and its
// WebSocket signaling, handed to the Call Bridge over the c2w link. It knows whether
// that link is up (and its number) only from what the owner tells it: `Join call` is on
// the page and guest logins are carried only while it is up. The guest login's answer
// and the join's wait for the Call Bridge's steps, so they come back later, through
// callbacks.
#pragma once

#include "cms/call_bridge.h"
#include "http/message.h"
#include "webapp/ice_servers.h"
#include "webapp/signaling.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::cms {

class WebBridge {
  public:
    using IceServersProvider = std::function<std::vector<webapp::IceServer>()>;
    // The browser's media parameters (ice-parameters, candidate, end-of-candidates,
    // dtls) as they arrive, for the call's media stack.
    using MediaListener =
        std::function<void(const std::string& session, const webapp::SignalingMessage& message)>;

    WebBridge(WebBridgeSettings settings, CallBridge& call_bridge, IceServersProvider ice_servers);

    void SetLink(bool up, std::uint64_t number);
    bool LinkUp() const { return m_link_up; }
    void OnMedia(MediaListener listener) { m_media = std::move(listener); }

    // Ordinary requests: the page, the join form's POSTs; 404 elsewhere. `respond` is
    // called once: at once, or for the guest login when the Call Bridge has done its
    // steps.
    using Respond = std::function<void(http::Response)>;
    void Handle(const http::Request& request, Respond respond);

    // A WebSocket upgrade request on the signaling path: 101 and the session it belongs
    // to, or a refusal (404 for an unknown session, 400 for a bad handshake).
    struct Upgrade {
        http::Response response;
        std::optional<std::string> session;
    };
    Upgrade HandleUpgrade(const http::Request& request);

    struct Outgoing {
        std::string session;
        std::string text;
    };
    struct SignalingResult {
        std::vector<Outgoing> messages;
        bool close = false; // close this session's channel after sending
    };
    // One text message from a session's channel. The answer to a join comes later,
    // through the OnLater callback, when the call is allocated.
    SignalingResult OnSignaling(const std::string& session, std::string_view text);
    using LaterResult =
        std::function<void(const std::string& session, const SignalingResult& result)>;
    void OnLater(LaterResult sink) { m_later = std::move(sink); }
    // The channel closed (or failed) without a leave.
    SignalingResult OnChannelClosed(const std::string& session);
    // Messages from the call's media stack to the browser (ICE, candidates, DTLS).
    Outgoing Send(const std::string& session, const webapp::SignalingMessage& message) const;

  private:
    SignalingResult Leave(const std::string& session, const std::string& reason);
    SignalingResult Joined(const std::string& session,
                           Expected<webapp::JoinedMessage> joined) const;

    WebBridgeSettings m_settings;
    CallBridge& m_call_bridge;
    IceServersProvider m_ice_servers;
    MediaListener m_media;
    LaterResult m_later;
    bool m_link_up = false;
    std::uint64_t m_link_number = 0;
};

} // namespace cmslab::cms
