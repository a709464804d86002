// The CMS box's configuration as the product model needs it. The harness fills it from
// the scenario (sim/network/wire_cms.cpp); the model never sees the scenario itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cmslab::cms {

struct ApiUser {
    std::string name;
    std::string password;
};

enum class GuestAccessMode {
    Secure, // "secure: require passcode to be supplied with ID"
    Legacy, // passcode asked for after the call ID
};

struct SpaceSettings {
    std::string name;
    std::string uri; // user part
    std::string call_id;
    std::string passcode; // empty: none
    // The most participants its call may hold (the call profile's participantLimit);
    // 0: no limit. The next guest is refused entry.
    std::size_t participant_limit = 0;
};

// Configuration > General, web bridge settings.
struct WebBridgeSettings {
    std::uint16_t port = 443;
    std::string guest_account_client_uri; // "https://host[:port]"
    std::string guest_account_jid_domain;
    GuestAccessMode guest_access_via_id_and_passcode = GuestAccessMode::Secure;
    bool user_sign_in = true;
};

// A turnServers object to create through the API at start.
struct TurnServerSettings {
    std::string server_address;
    std::string client_address; // empty: not sent
    std::string username;
    std::string password;
    std::string type = "standard";
    std::uint16_t tcp_port_number_override = 0; // 0: not sent
    std::int64_t num_registrations = 0;
};

} // namespace cmslab::cms
