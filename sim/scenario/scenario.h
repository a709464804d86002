// The in-memory form of a scenario file: what the loader produces after validation and
// what the network builder and the devices consume. Every value the lab simulates comes
// from here; nothing of the reference deployment is assumed in code.
//
// Owned by the scenario loader (sim/scenario/). The network part below is a contract the
// ns-3 builder relies on: extend it, do not rename it.
#pragma once

#include "common/address.h"
#include "scenario/admin_session_config.h"
#include "scenario/box_config.h"
#include "scenario/certificates.h"
#include "scenario/guest_config.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::scenario {

struct Prefix {
    IpAddress address; // network address
    std::uint8_t length = 0;

    bool Contains(const IpAddress& a) const;
    std::string ToString() const; // "10.0.0.0/24"
    // "a.b.c.d/len" (or IPv6) with the host bits zero; nullopt otherwise.
    static std::optional<Prefix> Parse(std::string_view text);
    bool Overlaps(const Prefix& other) const;
};

// One broadcast segment (an ns-3 CSMA channel, one pcap).
struct Network {
    std::string name;
    Prefix prefix;
    std::string description;
    // The path in front of the segment: one-way delay, jitter (milliseconds), random
    // loss (percent of frames), and the segment's bit rate.
    double delay_ms = 0.05;
    double jitter_ms = 0;
    double loss_percent = 0;
    double bandwidth_mbps = 1000;
    // What the segment's capture keeps: "full", "media_headers" (media frames cut after
    // the RTP header), or "off" (no capture).
    std::string capture = "full";
};

struct Interface {
    std::string network; // Network::name
    IpAddress address;
    std::string name; // e.g. "LAN1"; defaults to "eth<i>"
};

struct Route {
    Prefix destination;
    IpAddress via;
};

struct Node {
    std::string name;
    // "browser", "dns_server", "cms", "expressway_c", "expressway_e", "nat_firewall",
    // "router". The role picks the device model that runs on the node.
    std::string role;
    std::vector<Interface> interfaces;
    std::optional<IpAddress> gateway;
    std::vector<Route> routes;
    std::vector<IpAddress> dns_servers; // the resolver this node asks, in order
    // The role's own configuration block, as written in the file. Devices read their
    // typed settings from it (see the loader's per-role structs).
    nlohmann::json config = nlohmann::json::object();
    std::string description;
    // The typed form of `config`, set for the matching role only.
    std::optional<CmsConfig> cms;
    std::optional<ExpresswayCConfig> expressway_c;
    std::optional<ExpresswayEConfig> expressway_e;

    const Interface* FindInterface(const std::string& interface_name) const;
};

// Static 1:1 NAT: `outside` is owned by the NAT node on its outside network and stands
// for `inside`.
struct NatMapping {
    IpAddress inside;
    IpAddress outside;
};

enum class Direction { Inbound, Outbound };
enum class Protocol { Tcp, Udp, Icmp, Any };

// An allow rule; the firewall walks its rules in order and the first match decides.
struct FirewallRule {
    Direction direction = Direction::Inbound;
    Protocol protocol = Protocol::Any;
    std::optional<IpAddress> destination; // as addressed on the wire, before translation
    std::uint16_t port_low = 0;           // 0..65535 = any port
    std::uint16_t port_high = 65535;
    std::string comment;
};

struct NatFirewall {
    std::string node;            // the Node that does NAT and filtering
    std::string outside_network; // Network::name of its public side
    std::vector<NatMapping> mappings;
    std::vector<FirewallRule> rules;
    bool allow_inbound_default = false;
    bool allow_outbound_default = true;
    // Translate inside hosts' traffic addressed to a mapped outside address (hairpin).
    bool reflection = true;
    // Let replies of flows that a rule (or the outbound default) allowed back through.
    bool stateful = true;
};

struct DnsRecord {
    std::string name; // fully qualified, no trailing dot
    std::string type; // "A", "AAAA", "SRV", "CNAME"
    std::uint32_t ttl = 300;
    std::optional<IpAddress> address; // A, AAAA
    std::string target;               // CNAME, SRV
    std::uint16_t priority = 0;       // SRV
    std::uint16_t weight = 0;         // SRV
    std::uint16_t port = 0;           // SRV
};

struct DnsZone {
    std::string origin; // e.g. "example.com"
    std::vector<DnsRecord> records;
};

struct DnsServer {
    std::string node;
    std::vector<DnsZone> zones;
};

struct Scenario {
    std::string name;
    std::string source_path;
    std::string source_sha256; // of the file's text (source_digest.h)
    std::string description;
    std::uint64_t seed = 1;
    double duration_s = 120;
    std::vector<Network> networks;
    std::vector<Node> nodes;
    std::vector<NatFirewall> nat_firewalls;
    std::vector<DnsServer> dns_servers;
    nlohmann::json guest = nlohmann::json::object();  // the guest's script and trust
    nlohmann::json expect = nlohmann::json::object(); // the expected outcome

    // Typed forms and additions (see scenarios/README.md).
    std::int64_t start_time = 0; // Unix seconds at simulated time zero
    GuestConfig guest_config;    // the typed form of `guest`
    // The administrator's API session; unset: the run derives one (api_record.h).
    std::optional<AdminSessionConfig> admin_session;
    Pki pki; // "certificates" in the file

    const Node* FindNode(const std::string& name) const;
    const Network* FindNetwork(const std::string& name) const;
    const NatFirewall* FindNatFirewall(const std::string& node) const;
    const DnsServer* FindDnsServer(const std::string& node) const;
};

} // namespace cmslab::scenario
