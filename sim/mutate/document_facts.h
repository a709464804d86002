// What the mutations need to know of a scenario beyond the value they change: which node
// has which address, which names the DNS zones map to which addresses, which names are
// certificates or authorities, and a readable place for a pointer. Read from the file's
// structure alone, so any deployment of the same schema gives the same kinds of facts.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cmslab::mutate {

class DocumentFacts {
  public:
    explicit DocumentFacts(const nlohmann::ordered_json& doc);

    // An address of another node than the one holding `address` (an interface, or the
    // inside host of a NAT mapping's outside address): the next node in file order with an
    // interface, preferring its interface on the same network. nullopt when there is none.
    std::optional<std::string> AnotherNodesAddress(const std::string& address) const;
    // Another name that the DNS zones map to one of the addresses of `host` (the internal
    // name of the same box, say): the first such A record in file order. nullopt when
    // `host` is no A record's name or no other name shares its address.
    std::optional<std::string> AnotherNameOfSameAddress(const std::string& host) const;
    bool IsARecordName(const std::string& host) const;
    // A name of an entry of the certificates section (an authority or a certificate).
    bool IsCertificateName(const std::string& name) const;
    // The scenario's clock at simulated time zero (start_time, or the schema's default).
    const std::string& StartTime() const { return m_start_time; }

  private:
    struct Address {
        std::size_t node;
        std::string network;
        std::string address;
    };
    struct ARecord {
        std::string name;
        std::string address;
    };
    std::optional<std::size_t> Owner(const std::string& address) const;

    std::vector<Address> m_addresses;
    std::vector<std::pair<std::string, std::string>> m_nat; // outside -> inside
    std::vector<ARecord> m_records;
    std::vector<std::string> m_certificate_names;
    std::string m_start_time;
};

// A pointer made readable: each array element named by its "name" (or "node") when it has
// one: "/nodes/4/config/web_bridge/port" -> "nodes[cms]/config/web_bridge/port".
std::string ReadablePlace(const nlohmann::ordered_json& doc, const std::string& pointer);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string EscapeToken(const std::string& token);

} // namespace cmslab::mutate
