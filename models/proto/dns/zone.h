// An authoritative zone built from plain configuration (what a scenario's DNS server
// holds), with the lookups a server needs: does a name exist, which records does it own.
#pragma once

#include "common/address.h"
#include "common/expected.h"
#include "dns/message.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::dns {

struct ZoneRecordConfig {
    std::string name; // fully qualified (trailing dot optional), or "@" for the origin
    std::string type; // "A", "AAAA", "SRV", "CNAME" (any case)
    std::uint32_t ttl = 300;
    std::optional<IpAddress> address; // A (IPv4), AAAA (IPv6)
    std::string target;               // CNAME, SRV
    std::uint16_t priority = 0;       // SRV
    std::uint16_t weight = 0;         // SRV
    std::uint16_t port = 0;           // SRV
};

struct ZoneConfig {
    std::string origin; // "example.com"
    std::vector<ZoneRecordConfig> records;
    // TTL and MINIMUM of the synthesised SOA: how long resolvers cache a negative answer.
    std::uint32_t negative_ttl = 60;
};

class Zone {
  public:
    // Fails on what a real server refuses to load: names or targets that do not parse,
    // unsupported types, an A record without an IPv4 address (AAAA: IPv6), CNAME beside
    // other data or at the apex, two CNAMEs at a name. Records outside the origin are
    // ignored with a warning, as BIND does ("ignoring out-of-zone data").
    static Expected<Zone> Build(const ZoneConfig& config);

    const std::string& Origin() const { return m_origin; }
    const std::vector<std::string>& Warnings() const { return m_warnings; }
    std::size_t RecordCount() const { return m_record_count; }

    // At or below the origin.
    bool Contains(std::string_view name) const;
    // Owns records, or is an empty non-terminal (a parent of names that do: RFC 8020).
    bool NameExists(std::string_view name) const;
    // The records of that type at the name; RecordType::ANY gives them all.
    std::vector<ResourceRecord> Find(std::string_view name, RecordType type) const;
    // The zone has no SOA in its configuration: this one is made up from the origin
    // (MNAME = origin, RNAME = hostmaster.<origin>, serial 1) to carry the negative TTL.
    const ResourceRecord& Soa() const { return m_soa; }

  private:
    std::string m_origin;
    ResourceRecord m_soa;
    std::map<std::string, std::vector<ResourceRecord>> m_records; // canonical name ->
    std::set<std::string> m_existing;                             // canonical names
    std::vector<std::string> m_warnings;
    std::size_t m_record_count = 0;
};

} // namespace cmslab::dns
