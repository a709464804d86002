// What the Expressway applications are configured with: plain values the harness fills
// from the scenario (sim/network/wire_expressway.cpp), certificates already issued.
// Kept free of ns-3 and of the scenario format.
#pragma once

#include "common/address.h"
#include "pki/certificate.h"
#include "pki/identity.h"
#include "tls/config.h"
#include "tls/policy.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::expressway {

struct Nic {
    std::string name; // "LAN1"
    IpAddress address;
};

struct ExpresswayEServerZone {
    std::string name;
    std::string username;
    std::uint16_t port = 7001;
    std::uint16_t ssh_tunnel_port = 2222;
    std::string tls_verify_subject_name;
};

struct ExpresswayETurn {
    bool enabled = false;
    std::uint16_t port = 3478;
    std::string realm = "TANDBERG";
    std::uint16_t min_port = 24000;
    std::uint16_t max_port = 29999;
    std::size_t relay_capacity = 0; // relays at once; 0: no limit (508 beyond)
    std::size_t per_user_quota = 0; // allocations per TURN username; 0: no limit (486 beyond)
};

struct ExpresswayESettings {
    std::string node;     // for the status page
    std::string hostname; // "vcse"
    std::string domain;
    std::vector<Nic> nics;                       // LAN1 first
    std::string external_nic;                    // Advanced Networking: relays are bound here
    std::optional<IpAddress> static_nat_address; // advertised instead of the external NIC
    std::map<std::string, std::string> local_users;
    std::optional<ExpresswayEServerZone> traversal_zone;
    ExpresswayETurn turn;
    std::uint16_t web_proxy_port = 443;
    std::uint16_t web_admin_port = 443;
    std::optional<pki::Identity> identity; // its server certificate; none: no TLS service
    std::vector<pki::Certificate> trust_anchors;
    std::int64_t epoch_unix_s = 0; // wall clock at simulated time zero
    tls::KeyLogSink key_log;
    tls::Policy tls; // versions and ciphers of the web proxy and traversal listeners
};

struct ExpresswayCClientZone {
    std::string name;
    int hop_count = 15;
    std::string username;
    std::string password;
    std::uint16_t port = 7001;
    std::string peer; // Expressway-E's name or address
    std::uint16_t ssh_tunnel_port = 2222;
};

struct ExpresswayCSettings {
    std::string node;
    std::string hostname; // "vcsc"
    std::string domain;
    std::vector<std::string> sip_domains;
    bool mobile_and_remote_access = false;
    std::optional<ExpresswayCClientZone> traversal_zone;
    bool web_proxy = false;
    std::vector<std::string> guest_account_client_uris;
    std::chrono::seconds refresh_interval{3600};
    std::optional<pki::Identity> identity; // presented to Expressway-E
    std::vector<pki::Certificate> trust_anchors;
    std::int64_t epoch_unix_s = 0;
    tls::KeyLogSink key_log;
    tls::Policy tls; // versions and ciphers towards Expressway-E and the web bridges
    // Delay before the first connection attempt, and between retries.
    std::chrono::seconds start_delay{1};
    std::chrono::seconds retry_interval{30};
};

} // namespace cmslab::expressway
