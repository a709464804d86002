// The zones the DNS tests serve: one of each case the server must answer.
#pragma once

#include "dns/authoritative_server.h"
#include "dns/zone.h"

#include <string>
#include <vector>

namespace cmslab::dns::test {

inline ZoneRecordConfig A(std::string name, const char* ip, std::uint32_t ttl = 300) {
    ZoneRecordConfig r;
    r.name = std::move(name);
    r.type = "A";
    r.ttl = ttl;
    r.address = IpAddress::Parse(ip);
    return r;
}

inline ZoneRecordConfig Aaaa(std::string name, const char* ip) {
    ZoneRecordConfig r = A(std::move(name), ip);
    r.type = "AAAA";
    return r;
}

inline ZoneRecordConfig Cname(std::string name, std::string target) {
    ZoneRecordConfig r;
    r.name = std::move(name);
    r.type = "CNAME";
    r.target = std::move(target);
    return r;
}

inline ZoneRecordConfig Srv(std::string name, std::uint16_t priority, std::uint16_t weight,
                            std::uint16_t port, std::string target) {
    ZoneRecordConfig r;
    r.name = std::move(name);
    r.type = "SRV";
    r.target = std::move(target);
    r.priority = priority;
    r.weight = weight;
    r.port = port;
    return r;
}

inline std::vector<ZoneConfig> TestZones() {
    ZoneConfig com;
    com.origin = "example.com";
    com.records = {
        A("www.example.com", "192.0.2.1"),
        Aaaa("www.example.com", "2001:db8::1"),
        Cname("web.example.com", "alias.example.com"),
        Cname("alias.example.com", "WWW.example.com"),
        Srv("_xmpp-client._tcp.example.com", 10, 10, 5222, "xmpp.example.com"),
        A("xmpp.example.com", "192.0.2.5"),
        Cname("out.example.com", "www.example.org"),
        Cname("dangling.example.com", "nothere.example.com"),
        Cname("cross.example.com", "host.cms.example.local"),
    };
    for (int i = 0; i < 40; ++i)
        com.records.push_back(
            A("many.example.com", ("198.51.100." + std::to_string(i + 1)).c_str()));
    ZoneConfig local;
    local.origin = "cms.example.local";
    local.records = {A("host.cms.example.local", "10.1.2.3")};
    ZoneConfig sub;
    sub.origin = "sub.example.com";
    sub.records = {A("deep.sub.example.com", "192.0.2.99")};
    return {com, local, sub};
}

inline AuthoritativeServer TestServer(ServerOptions options = {}) {
    auto server = AuthoritativeServer::Build(TestZones(), options);
    return std::move(*server);
}

} // namespace cmslab::dns::test
