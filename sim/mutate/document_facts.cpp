#include "mutate/document_facts.h"

#include "common/json_member.h"

#include "scenario/diagnostic.h"

#include <algorithm>

namespace cmslab::mutate {

namespace {

using ojson = nlohmann::ordered_json;

// Every object anywhere under `value` whose "type" is "A": the DNS records, wherever the
// zones sit in the file.
void CollectARecords(const ojson& value, std::vector<std::pair<std::string, std::string>>& out) {
    if (value.is_object()) {
        if (StringMember(value, "type") == "A" && !StringMember(value, "name").empty() &&
            !StringMember(value, "address").empty())
            out.emplace_back(StringMember(value, "name"), StringMember(value, "address"));
        for (const auto& [key, sub] : value.items())
            CollectARecords(sub, out);
    } else if (value.is_array()) {
        for (const auto& sub : value)
            CollectARecords(sub, out);
    }
}

} // namespace

DocumentFacts::DocumentFacts(const ojson& doc) {
    m_start_time = StringMember(doc, "start_time");
    if (m_start_time.empty())
        m_start_time = "2020-01-01T00:00:00Z";
    if (doc.contains("nodes") && doc["nodes"].is_array()) {
        const auto& nodes = doc["nodes"];
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (!nodes[i].contains("interfaces") || !nodes[i]["interfaces"].is_array())
                continue;
            for (const auto& itf : nodes[i]["interfaces"])
                if (!StringMember(itf, "address").empty())
                    m_addresses.push_back(
                        {i, StringMember(itf, "network"), StringMember(itf, "address")});
        }
    }
    if (doc.contains("nat_firewalls") && doc["nat_firewalls"].is_array())
        for (const auto& fw : doc["nat_firewalls"])
            if (fw.contains("mappings") && fw["mappings"].is_array())
                for (const auto& m : fw["mappings"])
                    m_nat.emplace_back(StringMember(m, "outside"), StringMember(m, "inside"));
    if (doc.contains("dns_servers")) {
        std::vector<std::pair<std::string, std::string>> records;
        CollectARecords(doc["dns_servers"], records);
        for (auto& [name, address] : records)
            m_records.push_back({name, address});
    }
    if (doc.contains("certificates") && doc["certificates"].is_object())
        for (const auto& [section, entries] : doc["certificates"].items())
            if (entries.is_array())
                for (const auto& e : entries)
                    if (!StringMember(e, "name").empty())
                        m_certificate_names.push_back(StringMember(e, "name"));
}

std::optional<std::size_t> DocumentFacts::Owner(const std::string& address) const {
    std::string inside = address;
    for (const auto& [outside, in] : m_nat)
        if (outside == address)
            inside = in;
    for (const auto& a : m_addresses)
        if (a.address == inside)
            return a.node;
    return std::nullopt;
}

std::optional<std::string> DocumentFacts::AnotherNodesAddress(const std::string& address) const {
    if (m_addresses.empty())
        return std::nullopt;
    const auto owner = Owner(address);
    std::string network;
    for (const auto& a : m_addresses)
        if (a.address == address)
            network = a.network;
    // Node indices in file order, starting after the owner and wrapping around.
    std::vector<std::size_t> order;
    for (const auto& a : m_addresses)
        if (std::find(order.begin(), order.end(), a.node) == order.end())
            order.push_back(a.node);
    std::size_t start = 0;
    if (owner) {
        auto it = std::find(order.begin(), order.end(), *owner);
        start = static_cast<std::size_t>(it - order.begin()) + 1;
    }
    // First a node on the same network (a neighbour's address: the likelier slip, and
    // one the file's routing still accepts), then any other node.
    for (const bool same_network : {true, false}) {
        for (std::size_t k = 0; k < order.size(); ++k) {
            const std::size_t node = order[(start + k) % order.size()];
            if (owner && node == *owner)
                continue;
            for (const auto& a : m_addresses)
                if (a.node == node && a.address != address &&
                    (!same_network || (!network.empty() && a.network == network)))
                    return a.address;
        }
    }
    return std::nullopt;
}

bool DocumentFacts::IsARecordName(const std::string& host) const {
    return std::any_of(m_records.begin(), m_records.end(),
                       [&](const ARecord& r) { return r.name == host; });
}

std::optional<std::string> DocumentFacts::AnotherNameOfSameAddress(const std::string& host) const {
    std::vector<std::string> addresses;
    for (const auto& r : m_records)
        if (r.name == host)
            addresses.push_back(r.address);
    for (const auto& r : m_records)
        if (r.name != host &&
            std::find(addresses.begin(), addresses.end(), r.address) != addresses.end())
            return r.name;
    return std::nullopt;
}

bool DocumentFacts::IsCertificateName(const std::string& name) const {
    return std::find(m_certificate_names.begin(), m_certificate_names.end(), name) !=
           m_certificate_names.end();
}

std::string EscapeToken(const std::string& token) {
    // RFC 6901's escaping, as the loader writes its pointers: JoinPointer's token.
    return scenario::JoinPointer("", token).substr(1);
}

std::string ReadablePlace(const ojson& doc, const std::string& pointer) {
    std::string out;
    const ojson* at = &doc;
    std::size_t pos = 1;
    while (pos <= pointer.size() && pointer.size() > 0) {
        const std::size_t next = pointer.find('/', pos);
        std::string token =
            pointer.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        std::string shown = token;
        if (at && at->is_array() && !token.empty() &&
            std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            const std::size_t i = std::stoul(token);
            at = i < at->size() ? &(*at)[i] : nullptr;
            std::string label = at ? StringMember(*at, "name") : "";
            if (label.empty() && at)
                label = StringMember(*at, "node");
            shown = "[" + (label.empty() ? token : label) + "]";
            out += shown;
        } else {
            at = at && at->is_object() && at->contains(token) ? &(*at)[token] : nullptr;
            out += (out.empty() ? "" : "/") + token;
        }
        if (next == std::string::npos)
            break;
        pos = next + 1;
    }
    return out;
}

} // namespace cmslab::mutate
