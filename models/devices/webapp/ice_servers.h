// The iceServers the web bridge hands the browser: TURN URLs (RFC 7065) built from a
// turnServers object's clientAddress and port, with its credentials, so that the
// browser allocates a relay at the address it can reach.
#pragma once

#include "common/expected.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::webapp {

struct IceServer {
    std::vector<std::string> urls;
    std::string username;
    std::string credential;

    bool operator==(const IceServer& o) const {
        return urls == o.urls && username == o.username && credential == o.credential;
    }
};

inline constexpr std::uint16_t kDefaultTurnPort = 3478;

// "turn:<host>:<port>?transport=udp" then "...?transport=tcp"; an IPv6 host in brackets.
IceServer TurnIceServer(std::string_view client_address, std::uint16_t port,
                        std::string_view username, std::string_view password);

struct TurnUrl {
    bool secure = false; // turns:
    std::string host;    // without brackets
    std::uint16_t port = kDefaultTurnPort;
    std::string transport = "udp";

    bool operator==(const TurnUrl& o) const {
        return secure == o.secure && host == o.host && port == o.port && transport == o.transport;
    }
};

// RFC 7065 turnURI: "turn:" / "turns:", host, optional port, optional ?transport=udp|tcp.
Expected<TurnUrl> ParseTurnUrl(std::string_view url);

} // namespace cmslab::webapp
