#include "scenario/scenario.h"

#include <algorithm>
#include <charconv>

namespace cmslab::scenario {

namespace {

bool SamePrefixBits(const IpAddress& a, const IpAddress& b, unsigned length) {
    if (a.family != b.family)
        return false;
    const unsigned full = length / 8;
    for (unsigned i = 0; i < full; ++i)
        if (a.bytes[i] != b.bytes[i])
            return false;
    const unsigned rest = length % 8;
    if (rest == 0)
        return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a.bytes[full] & mask) == (b.bytes[full] & mask);
}

template <class T, class Pred> const T* FindIf(const std::vector<T>& v, Pred pred) {
    for (const auto& x : v)
        if (pred(x))
            return &x;
    return nullptr;
}

} // namespace

bool Prefix::Contains(const IpAddress& a) const {
    return SamePrefixBits(address, a, length);
}

std::string Prefix::ToString() const {
    return address.ToString() + "/" + std::to_string(length);
}

std::optional<Prefix> Prefix::Parse(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    auto address = IpAddress::Parse(text.substr(0, slash));
    if (!address)
        return std::nullopt;
    const auto len_text = text.substr(slash + 1);
    if (len_text.empty() || len_text.size() > 3 || (len_text.size() > 1 && len_text[0] == '0'))
        return std::nullopt;
    unsigned length = 0;
    auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
    if (ec != std::errc() || end != len_text.data() + len_text.size() ||
        length > address->Length() * 8)
        return std::nullopt;
    Prefix p;
    p.address = *address;
    p.length = static_cast<std::uint8_t>(length);
    // Host bits set usually means an interface address was pasted where the network
    // belongs; refuse it rather than guess.
    for (unsigned bit = length; bit < address->Length() * 8; ++bit)
        if (address->bytes[bit / 8] & (0x80 >> (bit % 8)))
            return std::nullopt;
    return p;
}

bool Prefix::Overlaps(const Prefix& other) const {
    const unsigned shorter = std::min(length, other.length);
    return SamePrefixBits(address, other.address, shorter);
}

const Interface* Node::FindInterface(const std::string& interface_name) const {
    return FindIf(interfaces, [&](const Interface& i) { return i.name == interface_name; });
}

const Node* Scenario::FindNode(const std::string& node_name) const {
    return FindIf(nodes, [&](const Node& n) { return n.name == node_name; });
}

const Network* Scenario::FindNetwork(const std::string& network_name) const {
    return FindIf(networks, [&](const Network& n) { return n.name == network_name; });
}

const NatFirewall* Scenario::FindNatFirewall(const std::string& node) const {
    return FindIf(nat_firewalls, [&](const NatFirewall& n) { return n.node == node; });
}

const DnsServer* Scenario::FindDnsServer(const std::string& node) const {
    return FindIf(dns_servers, [&](const DnsServer& d) { return d.node == node; });
}

const CertificateAuthority* Pki::FindAuthority(const std::string& ca_name) const {
    return FindIf(authorities, [&](const CertificateAuthority& c) { return c.name == ca_name; });
}

const CertificateSpec* Pki::FindCertificate(const std::string& cert_name) const {
    return FindIf(certificates, [&](const CertificateSpec& c) { return c.name == cert_name; });
}

} // namespace cmslab::scenario
