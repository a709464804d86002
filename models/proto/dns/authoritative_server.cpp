#include "dns/authoritative_server.h"

#include "dns/codec.h"
#include "dns/name.h"

#include <algorithm>
#include <set>

namespace cmslab::dns {
namespace {

constexpr int kMaxCnameHops = 16;

Message ResponseShell(const Header& query) {
    Message r;
    r.header.id = query.id;
    r.header.qr = true;
    r.header.opcode = query.opcode;
    r.header.rd = query.rd;
    r.header.cd = query.cd;
    return r;
}

std::string QuestionText(const Question& q) {
    return q.name + " " +
           (q.qclass == kClassIn ? std::string("IN") : "CLASS" + std::to_string(q.qclass)) + " " +
           ToString(q.type);
}

bool AlreadyIn(const std::vector<ResourceRecord>& records, const ResourceRecord& rr) {
    for (const auto& r : records) {
        if (r.type == rr.type && NamesEqual(r.name, rr.name) && r.Address() && rr.Address() &&
            *r.Address() == *rr.Address())
            return true;
    }
    return false;
}

} // namespace

AuthoritativeServer::AuthoritativeServer(ServerOptions options) : m_options(options) {}

Expected<AuthoritativeServer> AuthoritativeServer::Build(const std::vector<ZoneConfig>& zones,
                                                         ServerOptions options) {
    AuthoritativeServer server(options);
    for (const auto& config : zones) {
        auto zone = Zone::Build(config);
        if (!zone)
            return zone.Err();
        const std::string origin = zone->Origin();
        if (!server.AddZone(std::move(*zone)))
            return Error{"zone " + origin + " is configured twice"};
    }
    return server;
}

bool AuthoritativeServer::AddZone(Zone zone) {
    for (const auto& z : m_zones) {
        if (NamesEqual(z.Origin(), zone.Origin()))
            return false;
    }
    m_zones.push_back(std::move(zone));
    return true;
}

std::vector<std::string> AuthoritativeServer::Warnings() const {
    std::vector<std::string> out;
    for (const auto& z : m_zones)
        out.insert(out.end(), z.Warnings().begin(), z.Warnings().end());
    return out;
}

const Zone* AuthoritativeServer::FindZone(std::string_view name) const {
    const Zone* best = nullptr;
    std::size_t best_depth = 0;
    for (const auto& z : m_zones) {
        if (!z.Contains(name))
            continue;
        const std::size_t depth = ParseName(z.Origin())->size();
        if (!best || depth > best_depth) {
            best = &z;
            best_depth = depth;
        }
    }
    return best;
}

void AuthoritativeServer::Resolve(const Question& q, Message& r) const {
    const Zone* first = FindZone(q.name);
    if (!first) {
        r.header.rcode = static_cast<std::uint8_t>(Rcode::Refused);
        return;
    }
    // AA speaks for the owner of the question (RFC 1035 4.1.1), which is ours.
    r.header.aa = true;
    std::string current = q.name;
    std::set<std::string> visited;
    for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
        const Zone* zone = FindZone(current);
        if (!zone)
            break; // the chain leaves our zones: the client's resolver takes it from here
        if (!zone->NameExists(current)) {
            // RFC 6604: after a CNAME the RCODE is about the last name of the chain.
            r.header.rcode = static_cast<std::uint8_t>(Rcode::NxDomain);
            r.authorities.push_back(zone->Soa());
            return;
        }
        visited.insert(CanonicalName(current));
        auto cname = zone->Find(current, RecordType::CNAME);
        if (!cname.empty() && q.type != RecordType::CNAME && q.type != RecordType::ANY) {
            r.answers.push_back(cname.front());
            current = *cname.front().Target();
            if (visited.count(CanonicalName(current)))
                break; // a CNAME loop: give what there is, as BIND does
            continue;
        }
        auto records = zone->Find(current, q.type);
        if (records.empty()) {
            r.authorities.push_back(zone->Soa()); // NODATA (RFC 2308 2.2)
            return;
        }
        r.answers.insert(r.answers.end(), records.begin(), records.end());
        break;
    }
    // Addresses of SRV targets we hold save the client a round trip (RFC 2782).
    for (const auto& rr : std::vector<ResourceRecord>(r.answers)) {
        const auto* srv = rr.Srv();
        if (!srv)
            continue;
        const Zone* zone = FindZone(srv->target);
        if (!zone)
            continue;
        for (RecordType t : {RecordType::A, RecordType::AAAA}) {
            for (auto& a : zone->Find(srv->target, t)) {
                if (!AlreadyIn(r.additionals, a) && !AlreadyIn(r.answers, a))
                    r.additionals.push_back(std::move(a));
            }
        }
    }
}

Message AuthoritativeServer::Answer(const Message& query) const {
    Message r = ResponseShell(query.header);
    r.header.ra = m_options.recursion_available;
    r.questions = query.questions;
    if (query.header.opcode != Opcode::Query) {
        r.header.rcode = static_cast<std::uint8_t>(Rcode::NotImp);
        return r;
    }
    if (query.questions.size() != 1 || query.OptCount() > 1) {
        r.questions.clear();
        r.header.rcode = static_cast<std::uint8_t>(Rcode::FormErr);
        return r;
    }
    const auto edns = query.GetEdns();
    if (edns && m_options.edns_udp_size) {
        Edns ours;
        ours.udp_payload_size = m_options.edns_udp_size;
        r.additionals.push_back(ours.ToRecord());
        if (edns->version != 0) {
            r.SetRcode(Rcode::BadVers); // RFC 6891 6.1.3
            return r;
        }
    }
    const Question& q = query.questions.front();
    if ((q.qclass != kClassIn && q.qclass != kClassAny) || q.type == RecordType::AXFR ||
        q.type == RecordType::IXFR) {
        r.header.rcode =
            static_cast<std::uint8_t>(Rcode::Refused); // no other classes, no transfers
        return r;
    }
    // Keep the OPT record last, after the SRV glue.
    std::vector<ResourceRecord> opt;
    opt.swap(r.additionals);
    Resolve(q, r);
    r.additionals.insert(r.additionals.end(), opt.begin(), opt.end());
    return r;
}

Bytes AuthoritativeServer::Handle(ByteView query, Transport transport) const {
    return HandleDetailed(query, transport).response;
}

ServerReply AuthoritativeServer::HandleDetailed(ByteView query, Transport transport) const {
    ServerReply reply;
    auto header = DecodeHeader(query);
    if (!header) {
        reply.detail = "dropped: " + header.Message();
        return reply;
    }
    if (header->qr) {
        reply.detail = "dropped: a response, not a query";
        return reply;
    }
    auto decoded = DecodeMessage(query);
    Message response;
    if (!decoded) {
        response = ResponseShell(*header);
        response.header.ra = m_options.recursion_available;
        response.header.rcode = static_cast<std::uint8_t>(
            header->opcode == Opcode::Query ? Rcode::FormErr : Rcode::NotImp);
        reply.detail = "malformed query: " + decoded.Message();
    } else {
        response = Answer(*decoded);
        if (decoded->questions.size() == 1)
            reply.question = QuestionText(decoded->questions.front());
        if (response.FullRcode() == Rcode::FormErr)
            reply.detail = "malformed query: " + std::to_string(decoded->questions.size()) +
                           " questions, " + std::to_string(decoded->OptCount()) + " OPT records";
    }

    std::size_t limit = 0xffff;
    if (transport == Transport::Udp) {
        limit = kMaxUdpPayload;
        const auto edns = decoded ? decoded->GetEdns() : std::nullopt;
        if (edns && m_options.edns_udp_size)
            limit = std::max<std::size_t>(
                kMaxUdpPayload, std::min(edns->udp_payload_size, m_options.edns_udp_size));
    }
    auto wire = EncodeMessage(response);
    if (wire && wire->size() > limit) {
        // Glue first: dropping additional data needs no TC (RFC 2181 9).
        Message smaller = response;
        smaller.additionals.erase(
            std::remove_if(smaller.additionals.begin(), smaller.additionals.end(),
                           [](const ResourceRecord& rr) { return rr.type != RecordType::OPT; }),
            smaller.additionals.end());
        wire = EncodeMessage(smaller);
        if (wire && wire->size() > limit) {
            smaller.answers.clear();
            smaller.authorities.clear();
            smaller.header.tc = true;
            reply.truncated = true;
            wire = EncodeMessage(smaller);
        }
    }
    if (!wire) {
        // Only reachable through names the zones accepted but the encoder refuses.
        Message fail = ResponseShell(*header);
        fail.header.rcode = static_cast<std::uint8_t>(Rcode::ServFail);
        response = fail;
        reply.detail = "cannot encode the answer: " + wire.Message();
        wire = EncodeMessage(fail);
    }
    reply.response = std::move(*wire);
    reply.rcode = response.FullRcode();
    reply.authoritative = response.header.aa;
    if (reply.detail.empty())
        reply.detail = ToString(reply.rcode) + (reply.authoritative ? " aa" : "") +
                       (reply.truncated ? " tc" : "") + ", " +
                       std::to_string(response.answers.size()) + " answers";
    return reply;
}

} // namespace cmslab::dns
