#include "dns/stub_resolver.h"

#include "dns/codec.h"
#include "dns/name.h"

#include <algorithm>
#include <set>

namespace cmslab::dns {
namespace {

std::string IdText(std::uint16_t id) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 12; shift >= 0; shift -= 4)
        s.push_back(digits[(id >> shift) & 0xf]);
    return s;
}

ResolveStatus StatusOf(Rcode rcode) {
    switch (rcode) {
    case Rcode::ServFail:
        return ResolveStatus::ServFail;
    case Rcode::Refused:
        return ResolveStatus::Refused;
    default:
        return ResolveStatus::ServerError;
    }
}

bool Contains(const std::vector<Endpoint>& v, const Endpoint& e) {
    return std::find(v.begin(), v.end(), e) != v.end();
}

} // namespace

std::string ToString(ResolveStatus status) {
    switch (status) {
    case ResolveStatus::Ok:
        return "ok";
    case ResolveStatus::NoData:
        return "no data";
    case ResolveStatus::NxDomain:
        return "NXDOMAIN";
    case ResolveStatus::ServFail:
        return "SERVFAIL";
    case ResolveStatus::Refused:
        return "REFUSED";
    case ResolveStatus::ServerError:
        return "server error";
    case ResolveStatus::Timeout:
        return "timeout";
    case ResolveStatus::Truncated:
        return "truncated";
    case ResolveStatus::InvalidName:
        return "invalid name";
    case ResolveStatus::NoServer:
        return "no DNS server";
    }
    return "unknown";
}

StubResolver::StubResolver(ResolverConfig config, Rng rng)
    : m_config(std::move(config)), m_rng(rng) {
    m_config.attempts_per_server = std::max(1, m_config.attempts_per_server);
    m_config.max_cname_hops = std::max(0, m_config.max_cname_hops);
}

std::uint16_t StubResolver::NewDnsId() {
    std::set<std::uint16_t> used;
    for (const auto& [id, l] : m_lookups)
        used.insert(l.dns_id);
    std::uint16_t candidate = static_cast<std::uint16_t>(m_rng.U32());
    // Ids in flight must differ, or one answer would match two lookups.
    for (int i = 0; i < 64 && used.count(candidate); ++i)
        candidate = static_cast<std::uint16_t>(m_rng.U32());
    while (used.count(candidate) && used.size() < 0x10000)
        ++candidate;
    return candidate;
}

ResolveStarted StubResolver::Resolve(std::string_view name, RecordType type, Instant now) {
    ResolveStarted started;
    started.id = m_next_lookup++;
    Lookup l;
    l.id = started.id;
    l.type = type;
    auto labels = ParseName(name);
    l.name = labels ? FormatName(*labels) : std::string(name);
    if (!labels || m_config.servers.empty()) {
        LookupResult r = BaseResult(l, now);
        r.status = labels ? ResolveStatus::NoServer : ResolveStatus::InvalidName;
        r.error = labels ? "no DNS server configured" : "invalid name: " + labels.Message();
        started.output.results.push_back(std::move(r));
        return started;
    }
    l.dns_id = NewDnsId();
    Message q;
    q.header.id = l.dns_id;
    q.header.rd = m_config.recursion_desired;
    q.questions.push_back({l.name, type, kClassIn});
    if (m_config.edns_udp_size) {
        Edns edns;
        edns.udp_payload_size = m_config.edns_udp_size;
        q.additionals.push_back(edns.ToRecord());
    }
    // The name parsed, so the encoder cannot fail.
    l.query = *EncodeMessage(q);
    auto& stored = m_lookups.emplace(l.id, std::move(l)).first->second;
    Send(stored, m_config.servers.front(), Transport::Udp, now, started.output);
    return started;
}

void StubResolver::Send(Lookup& l, const Endpoint& to, Transport transport, Instant now,
                        ResolverOutput& out) {
    l.transport = transport;
    l.deadline = now + m_config.timeout;
    if (transport == Transport::Tcp)
        l.tcp_server = to;
    if (!Contains(l.asked, to))
        l.asked.push_back(to);
    ++l.sent;
    out.transmits.push_back(Transmit{l.id, to, transport, l.query});
}

void StubResolver::NextAttempt(Lookup& l, bool same_server_allowed, Instant now,
                               ResolverOutput& out) {
    if (same_server_allowed && l.transport == Transport::Udp &&
        l.attempt_on_server + 1 < m_config.attempts_per_server) {
        ++l.attempt_on_server;
    } else {
        ++l.server_index;
        l.attempt_on_server = 0;
    }
    if (l.server_index < m_config.servers.size()) {
        Send(l, m_config.servers[l.server_index], Transport::Udp, now, out);
        return;
    }
    LookupResult r = BaseResult(l, now);
    r.status = l.last_failure;
    r.rcode = l.last_rcode;
    std::string error;
    for (const auto& f : l.failures)
        error += (error.empty() ? "" : "; ") + f;
    r.error = error;
    Finish(l.id, std::move(r), out);
}

LookupResult StubResolver::BaseResult(const Lookup& l, Instant now) const {
    LookupResult r;
    r.lookup = l.id;
    r.name = l.name;
    r.type = l.type;
    r.canonical_name = l.name;
    r.queries_sent = l.sent;
    r.finished = now;
    return r;
}

LookupResult StubResolver::FromAnswer(const Lookup& l, const Message& m, const Endpoint& from,
                                      Instant now) const {
    LookupResult r = BaseResult(l, now);
    r.server = from;
    r.rcode = m.FullRcode();
    r.truncated = m.header.tc;
    std::uint32_t ttl = UINT32_MAX;
    std::string current = l.name;
    bool looped = false;
    if (l.type != RecordType::CNAME && l.type != RecordType::ANY) {
        std::set<std::string> seen{CanonicalName(current)};
        for (int hop = 0;; ++hop) {
            auto it = std::find_if(m.answers.begin(), m.answers.end(), [&](const auto& rr) {
                return rr.type == RecordType::CNAME && rr.Target() && NamesEqual(rr.name, current);
            });
            if (it == m.answers.end())
                break;
            if (hop >= m_config.max_cname_hops ||
                !seen.insert(CanonicalName(*it->Target())).second) {
                looped = true;
                break;
            }
            current = *it->Target();
            r.cname_chain.push_back(current);
            ttl = std::min(ttl, it->ttl);
        }
    }
    r.canonical_name = current;
    if (looped) {
        r.status = ResolveStatus::ServerError;
        r.error = "CNAME chain from " + l.name + " loops or is longer than " +
                  std::to_string(m_config.max_cname_hops);
        return r;
    }
    if (r.rcode == Rcode::NxDomain) {
        r.status = ResolveStatus::NxDomain;
        r.error = "NXDOMAIN: " + current + " does not exist (answer from " + from.ToString() + ")";
        return r;
    }
    for (const auto& rr : m.answers) {
        if (!NamesEqual(rr.name, current) || (rr.type != l.type && l.type != RecordType::ANY))
            continue;
        r.records.push_back(rr);
        ttl = std::min(ttl, rr.ttl);
        if ((rr.type == RecordType::A || rr.type == RecordType::AAAA) && rr.Address())
            r.addresses.push_back(*rr.Address());
        if (const auto* s = rr.Srv()) {
            SrvTarget t{s->priority, s->weight, s->port, s->target, {}};
            for (const auto* section : {&m.answers, &m.additionals}) {
                for (const auto& extra : *section) {
                    if ((extra.type == RecordType::A || extra.type == RecordType::AAAA) &&
                        extra.Address() && NamesEqual(extra.name, s->target))
                        t.addresses.push_back(*extra.Address());
                }
            }
            r.srv.push_back(std::move(t));
        }
    }
    r.ttl = ttl == UINT32_MAX ? 0 : ttl;
    if (!r.records.empty()) {
        r.status = ResolveStatus::Ok;
        return r;
    }
    if (m.header.tc) {
        r.status = ResolveStatus::Truncated;
        r.error = "truncated answer from " + from.ToString() + " and TCP not allowed";
        return r;
    }
    r.status = ResolveStatus::NoData;
    r.error = "no " + ToString(l.type) + " record for " + current + " (answer from " +
              from.ToString() + ")";
    return r;
}

void StubResolver::Finish(LookupId id, LookupResult result, ResolverOutput& out) {
    m_lookups.erase(id);
    out.results.push_back(std::move(result));
}

ResolverOutput StubResolver::HandleResponse(ByteView bytes, const Endpoint& from, Instant now,
                                            Transport transport) {
    ResolverOutput out;
    const std::string source = ToString(transport) + " from " + from.ToString();
    auto decoded = DecodeMessage(bytes);
    if (!decoded) {
        out.discarded.push_back(source + ": undecodable: " + decoded.Message());
        return out;
    }
    const Message& m = *decoded;
    if (!m.header.qr) {
        out.discarded.push_back(source + ": a query, not a response");
        return out;
    }
    Lookup* match = nullptr;
    bool id_known = false;
    for (auto& [id, l] : m_lookups) {
        if (l.dns_id != m.header.id)
            continue;
        id_known = true;
        const bool source_ok = transport == Transport::Tcp
                                   ? l.transport == Transport::Tcp && from == l.tcp_server
                                   : Contains(l.asked, from);
        if (source_ok) {
            match = &l;
            break;
        }
    }
    if (!match) {
        out.discarded.push_back(
            source + ": id " + IdText(m.header.id) +
            (id_known ? " matches a lookup but not its server" : " matches no outstanding query"));
        return out;
    }
    Lookup& l = *match;
    if (m.questions.size() != 1 || !NamesEqual(m.questions[0].name, l.name) ||
        m.questions[0].type != l.type || m.questions[0].qclass != kClassIn) {
        out.discarded.push_back(source + ": id " + IdText(m.header.id) +
                                " but the question does not match " + l.name + " " +
                                ToString(l.type));
        return out;
    }
    if (transport == Transport::Udp && l.transport == Transport::Tcp) {
        out.discarded.push_back(source + ": UDP answer while the lookup waits for TCP");
        return out;
    }
    const Rcode rcode = m.FullRcode();
    if (m.header.tc && transport == Transport::Udp && m_config.tcp_on_truncation) {
        Send(l, from, Transport::Tcp, now, out);
        return out;
    }
    if (rcode == Rcode::NoError || rcode == Rcode::NxDomain) {
        Finish(l.id, FromAnswer(l, m, from, now), out);
        return out;
    }
    // A server that cannot answer: the next one may (glibc does the same).
    l.last_failure = StatusOf(rcode);
    l.last_rcode = rcode;
    l.failures.push_back(ToString(rcode) + " from " + from.ToString());
    NextAttempt(l, false, now, out);
    return out;
}

ResolverOutput StubResolver::HandleTimeout(Instant now) {
    ResolverOutput out;
    std::vector<LookupId> due;
    for (const auto& [id, l] : m_lookups) {
        if (l.deadline <= now)
            due.push_back(id);
    }
    for (LookupId id : due) {
        Lookup& l = m_lookups.at(id);
        const Endpoint server =
            l.transport == Transport::Tcp ? l.tcp_server : m_config.servers[l.server_index];
        l.last_failure = ResolveStatus::Timeout;
        l.last_rcode = Rcode::NoError;
        l.failures.push_back(
            "no answer from " + server.ToString() + " over " + ToString(l.transport) + " within " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(m_config.timeout).count()) +
            " ms");
        NextAttempt(l, true, now, out);
    }
    return out;
}

ResolverOutput StubResolver::HandleTransportError(LookupId lookup, Instant now) {
    ResolverOutput out;
    auto it = m_lookups.find(lookup);
    if (it == m_lookups.end())
        return out;
    Lookup& l = it->second;
    const Endpoint server =
        l.transport == Transport::Tcp ? l.tcp_server : m_config.servers[l.server_index];
    l.last_failure = ResolveStatus::Timeout;
    l.last_rcode = Rcode::NoError;
    l.failures.push_back(server.ToString() + " unreachable over " + ToString(l.transport));
    NextAttempt(l, false, now, out);
    return out;
}

std::optional<Instant> StubResolver::NextTimeout() const {
    std::optional<Instant> next;
    for (const auto& [id, l] : m_lookups) {
        if (!next || l.deadline < *next)
            next = l.deadline;
    }
    return next;
}

bool StubResolver::Cancel(LookupId lookup) {
    return m_lookups.erase(lookup) != 0;
}

} // namespace cmslab::dns
