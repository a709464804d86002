#include "ice/candidate.h"

#include "ice/credentials.h"

#include <cctype>
#include <sstream>

namespace cmslab::ice {

const char* CandidateTypeName(CandidateType type) {
    switch (type) {
    case CandidateType::Host:
        return "host";
    case CandidateType::ServerReflexive:
        return "srflx";
    case CandidateType::PeerReflexive:
        return "prflx";
    case CandidateType::Relayed:
        return "relay";
    }
    return "?";
}

std::uint32_t TypePreference(CandidateType type) {
    switch (type) {
    case CandidateType::Host:
        return 126;
    case CandidateType::PeerReflexive:
        return 110;
    case CandidateType::ServerReflexive:
        return 100;
    case CandidateType::Relayed:
        return 0;
    }
    return 0;
}

std::uint32_t CandidatePriority(CandidateType type, std::uint16_t local_preference,
                                std::uint16_t component) {
    const std::uint32_t c = component == 0 ? 1 : (component > 256 ? 256 : component);
    return (TypePreference(type) << 24) + (std::uint32_t{local_preference} << 8) + (256 - c);
}

namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool AllDigits(std::string_view s, std::size_t max_len) {
    if (s.empty() || s.size() > max_len)
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

std::uint64_t ParseNumber(std::string_view s) {
    std::uint64_t v = 0;
    for (char c : s)
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return v;
}

// RFC 8839: a token (the grammar of RFC 4566's token) for transports, types and
// extension names; byte-string values exclude only NUL, CR and LF, which never reach
// here since fields are split on spaces.
bool IsToken(std::string_view s) {
    if (s.empty())
        return false;
    for (unsigned char c : s) {
        if (c <= 0x20 || c >= 0x7F)
            return false;
        if (std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) !=
            std::string_view::npos)
            return false;
    }
    return true;
}

Expected<Endpoint> ParseAddress(std::string_view address, std::string_view port) {
    auto ip = IpAddress::Parse(address);
    if (!ip) {
        if (address.size() > 6 && EqualsNoCase(address.substr(address.size() - 6), ".local"))
            return Error{"mDNS host name candidates are not supported: " + std::string(address)};
        return Error{"connection address is not an IP address: " + std::string(address)};
    }
    if (!AllDigits(port, 5) || ParseNumber(port) > 65535)
        return Error{"bad port: " + std::string(port)};
    return Endpoint{*ip, static_cast<std::uint16_t>(ParseNumber(port))};
}

} // namespace

bool Candidate::IsUdp() const {
    return EqualsNoCase(transport, "udp");
}

bool Candidate::operator==(const Candidate& o) const {
    return foundation == o.foundation && component == o.component &&
           EqualsNoCase(transport, o.transport) && priority == o.priority && address == o.address &&
           type == o.type && related == o.related && extensions == o.extensions;
}

std::string ComputeFoundation(CandidateType type, const IpAddress& base,
                              const std::optional<IpAddress>& server) {
    // FNV-1a over what makes candidates share a foundation; stable across runs.
    std::uint32_t h = 2166136261u;
    auto mix = [&h](std::uint8_t b) {
        h ^= b;
        h *= 16777619u;
    };
    mix(static_cast<std::uint8_t>(type));
    for (std::size_t i = 0; i < base.Length(); ++i)
        mix(base.bytes[i]);
    if (server)
        for (std::size_t i = 0; i < server->Length(); ++i)
            mix(server->bytes[i]);
    mix(17); // UDP
    return std::to_string(h);
}

Candidate MakeHostCandidate(const Endpoint& address, std::uint16_t local_preference) {
    Candidate c;
    c.type = CandidateType::Host;
    c.address = address;
    c.priority = CandidatePriority(c.type, local_preference);
    c.foundation = ComputeFoundation(c.type, address.address);
    return c;
}

Candidate MakeServerReflexiveCandidate(const Endpoint& mapped, const Endpoint& base,
                                       const IpAddress& stun_server,
                                       std::uint16_t local_preference) {
    Candidate c;
    c.type = CandidateType::ServerReflexive;
    c.address = mapped;
    c.related = base;
    c.priority = CandidatePriority(c.type, local_preference);
    c.foundation = ComputeFoundation(c.type, base.address, stun_server);
    return c;
}

Candidate MakeRelayedCandidate(const Endpoint& relayed, const Endpoint& mapped,
                               const IpAddress& turn_server, std::uint16_t local_preference) {
    Candidate c;
    c.type = CandidateType::Relayed;
    c.address = relayed;
    c.related = mapped;
    c.priority = CandidatePriority(c.type, local_preference);
    c.foundation = ComputeFoundation(c.type, mapped.address, turn_server);
    return c;
}

std::string EncodeCandidate(const Candidate& c) {
    std::ostringstream out;
    out << "candidate:" << c.foundation << ' ' << c.component << ' ' << c.transport << ' '
        << c.priority << ' ' << c.address.address.ToString() << ' ' << c.address.port << " typ "
        << CandidateTypeName(c.type);
    if (c.related)
        out << " raddr " << c.related->address.ToString() << " rport " << c.related->port;
    for (const auto& [name, value] : c.extensions)
        out << ' ' << name << ' ' << value;
    return out.str();
}

Expected<Candidate> DecodeCandidate(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.remove_suffix(1);
    if (text.substr(0, 2) == "a=")
        text.remove_prefix(2);
    if (text.substr(0, 10) != "candidate:")
        return Error{"not a candidate attribute"};
    text.remove_prefix(10);

    std::vector<std::string_view> f;
    while (!text.empty()) {
        const std::size_t sp = text.find(' ');
        const std::string_view field = text.substr(0, sp);
        if (field.empty())
            return Error{"empty field (two spaces in a row)"};
        f.push_back(field);
        if (sp == std::string_view::npos)
            break;
        text.remove_prefix(sp + 1);
        if (text.empty())
            return Error{"trailing space"};
        if (f.size() > 64)
            return Error{"too many fields"};
    }
    if (f.size() < 8)
        return Error{"too few fields"};

    Candidate c;
    if (f[0].size() > 32 || !IsIceChars(f[0]))
        return Error{"foundation must be 1-32 ice-chars"};
    c.foundation = std::string(f[0]);
    if (!AllDigits(f[1], 3) || ParseNumber(f[1]) < 1 || ParseNumber(f[1]) > 256)
        return Error{"component id must be 1-256"};
    c.component = static_cast<std::uint16_t>(ParseNumber(f[1]));
    if (!IsToken(f[2]))
        return Error{"bad transport"};
    c.transport = std::string(f[2]);
    if (!AllDigits(f[3], 10) || ParseNumber(f[3]) == 0 || ParseNumber(f[3]) > 0xFFFFFFFFull)
        return Error{"priority must be 1-4294967295"};
    c.priority = static_cast<std::uint32_t>(ParseNumber(f[3]));
    auto address = ParseAddress(f[4], f[5]);
    if (!address)
        return address.Err();
    c.address = *address;
    if (f[6] != "typ")
        return Error{"expected \"typ\""};
    if (f[7] == "host")
        c.type = CandidateType::Host;
    else if (f[7] == "srflx")
        c.type = CandidateType::ServerReflexive;
    else if (f[7] == "prflx")
        c.type = CandidateType::PeerReflexive;
    else if (f[7] == "relay")
        c.type = CandidateType::Relayed;
    else
        return Error{"unknown candidate type: " + std::string(f[7])};

    std::size_t i = 8;
    if (i < f.size() && f[i] == "raddr") {
        if (f.size() < i + 4 || f[i + 2] != "rport")
            return Error{"raddr must be followed by rport"};
        auto related = ParseAddress(f[i + 1], f[i + 3]);
        if (!related)
            return Error{"related address: " + related.Message()};
        c.related = *related;
        i += 4;
    } else if (i < f.size() && f[i] == "rport") {
        return Error{"rport without raddr"};
    }
    for (; i < f.size(); i += 2) {
        if (!IsToken(f[i]))
            return Error{"bad extension name"};
        if (i + 1 >= f.size())
            return Error{"extension without a value: " + std::string(f[i])};
        c.extensions.emplace_back(std::string(f[i]), std::string(f[i + 1]));
    }
    return c;
}

} // namespace cmslab::ice
