// Typed configuration of the boxes, as the loader reads it from each node's "config"
// block (field names follow the products' configuration pages; see scenarios/README.md).
// Every field is filled by the loader: defaults come from the scenario schema.
#pragma once

#include "common/address.h"
#include "scenario/port_range.h"
#include "scenario/url.h"
#include "tls/policy.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::scenario {

struct User {
    std::string name;
    std::string password;
};

// --- Cisco Meeting Server -----------------------------------------------------------

enum class GuestAccessMode {
    Secure, // "secure: require passcode to be supplied with ID"
    Legacy, // passcode asked separately
};

// Configuration > General, web bridge settings, plus the web bridge's own listener.
struct WebBridgeSettings {
    std::uint16_t port = 443;
    std::string certificate;            // CertificateSpec::name
    std::vector<std::string> c2w_trust; // what it accepts from the Call Bridge
    Url guest_account_client_uri;       // where the Call Bridge reaches the web bridge
    std::string guest_account_jid_domain;
    GuestAccessMode guest_access_via_id_and_passcode = GuestAccessMode::Secure;
    bool user_sign_in = true;
    // Not simulated (x-cmslab-unmodelled in the schema: the loader warns when a file sets
    // them): read so that their syntax is checked, handed to no model.
    bool guest_access_via_hyperlinks = true;
    std::optional<Url> web_bridge_uri; // External access, Web Bridge URI
};

struct CallBridgeSettings {
    std::string certificate; // client certificate on the c2w link
};

struct WebAdminSettings {
    std::uint16_t port = 443;
    std::string certificate; // empty: none configured
    std::vector<User> users;
};

struct Space {
    std::string name;
    std::string uri; // user part
    std::string call_id;
    std::string passcode;              // empty: none
    std::size_t participant_limit = 0; // 0: no limit
};

struct CallMatchingRule {
    std::string domain;
    std::int64_t priority = 0;
    bool targets_spaces = true;
    bool targets_users = true;
};

// A turnServers object, created through the API when the lab starts.
struct TurnServerSpec {
    std::string server_address; // address or name, as given to the API
    std::string client_address; // empty: same as server_address
    std::string username;
    std::string password;
    std::string type = "standard";
    std::uint16_t tcp_port_number_override = 0; // 0: none
    std::int64_t num_registrations = 0;
};

struct XmppSettings { // read, not modelled
    std::string domain;
    std::uint16_t port = 5222;
};

// Where the box's numbering stands when the lab starts (a CMS up for a while is past 1).
struct CmsCounters {
    std::int64_t web_bridge_link = 1;
    std::int64_t guest_login_request = 1;
    std::int64_t call = 1;
};

// How long each step of a guest login takes on the Call Bridge, in milliseconds.
struct CmsLoginSteps {
    double passcode_resolution_ms = 2;
    double credential_storage_ms = 2;
    double response_ms = 26;
    double user_instantiation_ms = 699;
    double session_creation_ms = 4;
    double call_allocation_ms = 3871;
};

struct CmsConfig {
    WebBridgeSettings web_bridge;
    CallBridgeSettings call_bridge;
    WebAdminSettings web_admin;
    std::vector<Space> spaces;
    std::vector<CallMatchingRule> call_matching; // not simulated, as web_bridge_uri above
    std::vector<TurnServerSpec> turn_servers;
    std::optional<XmppSettings> xmpp;
    tls::Policy tls; // web bridge, web admin and Call Bridge (not the media's DTLS)
    CmsCounters counters;
    CmsLoginSteps login_steps;
};

// --- Expressway-C -------------------------------------------------------------------

enum class UnifiedCommunicationsMode { Off, MobileAndRemoteAccess, JabberGuest };

struct TraversalZoneClient {
    std::string name;
    std::int64_t hop_count = 15;
    std::string username;
    std::string password;
    std::uint16_t port = 7001;
    std::string peer; // Expressway-E name or address
};

// Configuration > Unified Communications > Cisco Meeting Server.
struct MeetingServerProxy {
    bool web_proxy = false;
    std::vector<std::string> guest_account_client_uris; // names, resolved and proxied
    std::int64_t refresh_interval_s = 3600;
};

struct ExpresswayCConfig {
    std::string hostname;
    std::string domain;
    std::vector<std::string> sip_domains;
    UnifiedCommunicationsMode unified_communications_mode = UnifiedCommunicationsMode::Off;
    std::string certificate; // empty: none
    std::vector<std::string> trusted_cas;
    std::optional<TraversalZoneClient> traversal_zone;
    MeetingServerProxy meeting_server;
    tls::Policy tls; // towards Expressway-E and the web bridges
};

// --- Expressway-E -------------------------------------------------------------------

struct AdvancedNetworking {
    std::string external_interface;              // Interface::name of the external NIC
    std::optional<IpAddress> static_nat_address; // public address the firewall maps to it
};

struct TraversalZoneServer {
    std::string name;
    std::string username; // must be in local_users
    std::uint16_t port = 7001;
    std::uint16_t ssh_tunnel_port = 2222;
    std::string tls_verify_subject_name;
};

// Configuration > Traversal > TURN.
struct TurnSettings {
    bool enabled = false;
    std::uint16_t port = 3478;
    std::string realm = "TANDBERG";
    PortRange media_port_range{24000, 29999};
    std::size_t relay_capacity = 0; // 0: no limit
    std::size_t per_user_quota = 0; // 0: no limit
};

struct ExpresswayEConfig {
    std::string hostname;
    std::string domain;
    std::vector<std::string> option_keys; // read, not enforced
    std::optional<AdvancedNetworking> advanced_networking;
    std::vector<User> local_users;
    std::optional<TraversalZoneServer> traversal_zone;
    TurnSettings turn;
    std::uint16_t web_admin_port = 443;
    std::string certificate; // empty: none
    std::vector<std::string> trusted_cas;
    tls::Policy tls; // web proxy and traversal listeners
};

} // namespace cmslab::scenario
