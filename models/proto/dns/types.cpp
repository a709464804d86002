#include "dns/types.h"

#include <cctype>

namespace cmslab::dns {
namespace {

struct TypeName {
    RecordType type;
    const char* name;
};

constexpr TypeName kTypeNames[] = {
    {RecordType::A, "A"},     {RecordType::NS, "NS"},     {RecordType::CNAME, "CNAME"},
    {RecordType::SOA, "SOA"}, {RecordType::PTR, "PTR"},   {RecordType::MX, "MX"},
    {RecordType::TXT, "TXT"}, {RecordType::AAAA, "AAAA"}, {RecordType::SRV, "SRV"},
    {RecordType::OPT, "OPT"}, {RecordType::IXFR, "IXFR"}, {RecordType::AXFR, "AXFR"},
    {RecordType::ANY, "ANY"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

} // namespace

std::string ToString(RecordType type) {
    for (const auto& t : kTypeNames) {
        if (t.type == type)
            return t.name;
    }
    return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

std::string ToString(Rcode rcode) {
    switch (rcode) {
    case Rcode::NoError:
        return "NOERROR";
    case Rcode::FormErr:
        return "FORMERR";
    case Rcode::ServFail:
        return "SERVFAIL";
    case Rcode::NxDomain:
        return "NXDOMAIN";
    case Rcode::NotImp:
        return "NOTIMP";
    case Rcode::Refused:
        return "REFUSED";
    case Rcode::BadVers:
        return "BADVERS";
    }
    return "RCODE" + std::to_string(static_cast<unsigned>(rcode));
}

std::string ToString(Opcode opcode) {
    switch (opcode) {
    case Opcode::Query:
        return "QUERY";
    case Opcode::IQuery:
        return "IQUERY";
    case Opcode::Status:
        return "STATUS";
    case Opcode::Notify:
        return "NOTIFY";
    case Opcode::Update:
        return "UPDATE";
    }
    return "OPCODE" + std::to_string(static_cast<unsigned>(opcode));
}

std::string ToString(Transport transport) {
    return transport == Transport::Udp ? "UDP" : "TCP";
}

std::optional<RecordType> ParseRecordType(std::string_view text) {
    for (const auto& t : kTypeNames) {
        if (EqualsIgnoreCase(text, t.name))
            return t.type;
    }
    if (text.size() > 4 && EqualsIgnoreCase(text.substr(0, 4), "TYPE")) {
        unsigned long value = 0;
        for (char c : text.substr(4)) {
            if (c < '0' || c > '9')
                return std::nullopt;
            value = value * 10 + static_cast<unsigned long>(c - '0');
            if (value > 0xffff)
                return std::nullopt;
        }
        return static_cast<RecordType>(value);
    }
    return std::nullopt;
}

} // namespace cmslab::dns
