#include "dns/message.h"

#include <utility>

namespace cmslab::dns {
namespace {

std::string Absolute(const std::string& name) {
    if (name.empty() || name == ".")
        return ".";
    return name.back() == '.' && (name.size() < 2 || name[name.size() - 2] != '\\') ? name
                                                                                    : name + ".";
}

std::string ClassText(std::uint16_t c) {
    return c == kClassIn ? "IN" : "CLASS" + std::to_string(c);
}

struct RdataText {
    std::string operator()(const RawRdata& r) const {
        return "\\# " + std::to_string(r.data.size()) + (r.data.empty() ? "" : " " + ToHex(r.data));
    }
    std::string operator()(const AddressRdata& r) const { return r.address.ToString(); }
    std::string operator()(const NameRdata& r) const { return Absolute(r.name); }
    std::string operator()(const SrvRdata& r) const {
        return std::to_string(r.priority) + " " + std::to_string(r.weight) + " " +
               std::to_string(r.port) + " " + Absolute(r.target);
    }
    std::string operator()(const MxRdata& r) const {
        return std::to_string(r.preference) + " " + Absolute(r.exchange);
    }
    std::string operator()(const SoaRdata& r) const {
        return Absolute(r.mname) + " " + Absolute(r.rname) + " " + std::to_string(r.serial) + " " +
               std::to_string(r.refresh) + " " + std::to_string(r.retry) + " " +
               std::to_string(r.expire) + " " + std::to_string(r.minimum);
    }
};

} // namespace

ResourceRecord ResourceRecord::MakeA(std::string name, std::uint32_t ttl, const IpAddress& v4) {
    return {std::move(name), RecordType::A, kClassIn, ttl, AddressRdata{v4}};
}

ResourceRecord ResourceRecord::MakeAaaa(std::string name, std::uint32_t ttl, const IpAddress& v6) {
    return {std::move(name), RecordType::AAAA, kClassIn, ttl, AddressRdata{v6}};
}

ResourceRecord ResourceRecord::MakeCname(std::string name, std::uint32_t ttl, std::string target) {
    return {std::move(name), RecordType::CNAME, kClassIn, ttl, NameRdata{std::move(target)}};
}

ResourceRecord ResourceRecord::MakeSrv(std::string name, std::uint32_t ttl, std::uint16_t priority,
                                       std::uint16_t weight, std::uint16_t port,
                                       std::string target) {
    return {std::move(name), RecordType::SRV, kClassIn, ttl,
            SrvRdata{priority, weight, port, std::move(target)}};
}

ResourceRecord ResourceRecord::MakeSoa(std::string name, std::uint32_t ttl, SoaRdata soa) {
    return {std::move(name), RecordType::SOA, kClassIn, ttl, std::move(soa)};
}

ResourceRecord ResourceRecord::MakeRaw(std::string name, RecordType type, std::uint32_t ttl,
                                       Bytes data) {
    return {std::move(name), type, kClassIn, ttl, RawRdata{std::move(data)}};
}

const IpAddress* ResourceRecord::Address() const {
    const auto* a = std::get_if<AddressRdata>(&rdata);
    return a ? &a->address : nullptr;
}

const std::string* ResourceRecord::Target() const {
    if (const auto* n = std::get_if<NameRdata>(&rdata))
        return &n->name;
    if (const auto* s = std::get_if<SrvRdata>(&rdata))
        return &s->target;
    if (const auto* m = std::get_if<MxRdata>(&rdata))
        return &m->exchange;
    return nullptr;
}

const SrvRdata* ResourceRecord::Srv() const {
    return std::get_if<SrvRdata>(&rdata);
}
const SoaRdata* ResourceRecord::Soa() const {
    return std::get_if<SoaRdata>(&rdata);
}
const RawRdata* ResourceRecord::Raw() const {
    return std::get_if<RawRdata>(&rdata);
}

std::optional<Edns> Edns::FromRecord(const ResourceRecord& opt) {
    if (opt.type != RecordType::OPT)
        return std::nullopt;
    Edns e;
    e.udp_payload_size = opt.rclass;
    e.extended_rcode = static_cast<std::uint8_t>(opt.ttl >> 24);
    e.version = static_cast<std::uint8_t>(opt.ttl >> 16);
    e.dnssec_ok = (opt.ttl & 0x8000u) != 0;
    if (const auto* raw = opt.Raw())
        e.options = raw->data;
    return e;
}

ResourceRecord Edns::ToRecord() const {
    ResourceRecord rr;
    rr.name = ".";
    rr.type = RecordType::OPT;
    rr.rclass = udp_payload_size;
    rr.ttl = (std::uint32_t{extended_rcode} << 24) | (std::uint32_t{version} << 16) |
             (dnssec_ok ? 0x8000u : 0u);
    rr.rdata = RawRdata{options};
    return rr;
}

std::optional<Edns> Message::GetEdns() const {
    for (const auto& rr : additionals) {
        if (rr.type == RecordType::OPT)
            return Edns::FromRecord(rr);
    }
    return std::nullopt;
}

std::size_t Message::OptCount() const {
    std::size_t n = 0;
    for (const auto& rr : additionals)
        n += rr.type == RecordType::OPT;
    return n;
}

Rcode Message::FullRcode() const {
    unsigned value = header.rcode & 0xfu;
    if (auto edns = GetEdns())
        value |= unsigned{edns->extended_rcode} << 4;
    return static_cast<Rcode>(value);
}

void Message::SetRcode(Rcode rcode) {
    const auto value = static_cast<unsigned>(rcode);
    header.rcode = static_cast<std::uint8_t>(value & 0xfu);
    for (auto& rr : additionals) {
        if (rr.type == RecordType::OPT) {
            rr.ttl = (rr.ttl & 0x00ffffffu) | (((value >> 4) & 0xffu) << 24);
            break;
        }
    }
}

std::string ToText(const ResourceRecord& rr) {
    return Absolute(rr.name) + "\t" + std::to_string(rr.ttl) + "\t" + ClassText(rr.rclass) + "\t" +
           ToString(rr.type) + "\t" + std::visit(RdataText{}, rr.rdata);
}

std::string Message::ToText() const {
    const Header& h = header;
    std::string out = ";; ->>HEADER<<- opcode: " + ToString(h.opcode) +
                      ", status: " + ToString(FullRcode()) + ", id: " + std::to_string(h.id) +
                      "\n;; flags:";
    const std::pair<bool, const char*> flags[] = {{h.qr, "qr"}, {h.aa, "aa"}, {h.tc, "tc"},
                                                  {h.rd, "rd"}, {h.ra, "ra"}, {h.ad, "ad"},
                                                  {h.cd, "cd"}};
    for (const auto& [on, name] : flags) {
        if (on)
            out += std::string(" ") + name;
    }
    out += "; QUERY: " + std::to_string(questions.size()) +
           ", ANSWER: " + std::to_string(answers.size()) +
           ", AUTHORITY: " + std::to_string(authorities.size()) +
           ", ADDITIONAL: " + std::to_string(additionals.size()) + "\n";
    if (!questions.empty())
        out += ";; QUESTION SECTION:\n";
    for (const auto& q : questions)
        out +=
            ";" + Absolute(q.name) + "\t\t" + ClassText(q.qclass) + "\t" + ToString(q.type) + "\n";
    const std::pair<const std::vector<ResourceRecord>*, const char*> sections[] = {
        {&answers, "ANSWER"}, {&authorities, "AUTHORITY"}, {&additionals, "ADDITIONAL"}};
    for (const auto& [records, title] : sections) {
        if (records->empty())
            continue;
        out += std::string(";; ") + title + " SECTION:\n";
        for (const auto& rr : *records)
            out += dns::ToText(rr) + "\n";
    }
    return out;
}

} // namespace cmslab::dns
