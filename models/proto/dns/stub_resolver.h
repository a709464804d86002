// A stub resolver (what a browser's or a box's system resolver does): sends a query to
// the configured servers in turn, retries on timeout, follows CNAMEs in the answer, and
// reports one result per lookup. Sans-I/O: the driver hands in response bytes and the
// time, sends the Transmits it gets back and arms a timer for NextTimeout().
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "dns/message.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::dns {

using LookupId = std::uint64_t;

struct ResolverConfig {
    std::vector<Endpoint> servers;              // asked in this order
    Duration timeout = std::chrono::seconds(2); // per attempt
    int attempts_per_server = 2;                // then the next server
    bool recursion_desired = true;
    // Ask the same server again over TCP when a UDP answer has TC set; when false the
    // truncated answer is used as it is and the result says so.
    bool tcp_on_truncation = true;
    // Zero: plain queries, as glibc sends them by default. Otherwise an OPT record
    // offering this UDP size.
    std::uint16_t edns_udp_size = 0;
    int max_cname_hops = 8;
};

enum class ResolveStatus {
    Ok,          // records of the asked type
    NoData,      // the name exists (NOERROR) but has none of that type
    NxDomain,    // the name does not exist
    ServFail,    // every server failed, the last with SERVFAIL
    Refused,     // ... the last with REFUSED
    ServerError, // ... the last with another RCODE (FORMERR, NOTIMP, ...) or a bad answer
    Timeout,     // no answer from any server
    Truncated,   // only a truncated answer, and TCP was not allowed
    InvalidName, // the name asked for does not parse
    NoServer,    // no server configured
};
std::string ToString(ResolveStatus status);

struct SrvTarget {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::string target;
    std::vector<IpAddress> addresses; // from the additional section, when the server gave them
};

struct LookupResult {
    LookupId lookup = 0;
    std::string name;
    RecordType type = RecordType::A;
    ResolveStatus status = ResolveStatus::Ok;
    Rcode rcode = Rcode::NoError;         // of the answer used (or the last failure)
    std::string canonical_name;           // the name after the CNAME chain
    std::vector<std::string> cname_chain; // targets followed, in order
    std::vector<IpAddress> addresses;     // A/AAAA lookups
    std::vector<SrvTarget> srv;           // SRV lookups, in the server's order
    std::vector<ResourceRecord> records;  // the answer records of the asked type
    std::uint32_t ttl = 0;                // the smallest TTL along the chain
    bool truncated = false;               // the answer had TC set
    std::optional<Endpoint> server;       // who gave the answer
    int queries_sent = 0;
    Instant finished{0};
    std::string error; // what went wrong, in words; empty for Ok
};

// One message to send. Over TCP the driver connects to `to`, writes FrameTcp(payload)
// and hands each message cut from the stream to HandleResponse(..., Transport::Tcp).
struct Transmit {
    LookupId lookup = 0;
    Endpoint to;
    Transport transport = Transport::Udp;
    Bytes payload;
};

struct ResolverOutput {
    std::vector<Transmit> transmits;
    std::vector<LookupResult> results;
    std::vector<std::string> discarded; // answers ignored, and why (for the log)
};

struct ResolveStarted {
    LookupId id = 0;
    ResolverOutput output; // the first query, or at once a result (bad name, no server)
};

class StubResolver {
  public:
    // Query ids come from `rng` (fork one per resolver, e.g. rng.Fork("dns")).
    StubResolver(ResolverConfig config, Rng rng);

    ResolveStarted Resolve(std::string_view name, RecordType type, Instant now);
    // A datagram (or a TCP message) from `from`. Answers whose id, source or question do
    // not match an outstanding lookup are ignored, as real stubs do against spoofing.
    ResolverOutput HandleResponse(ByteView bytes, const Endpoint& from, Instant now,
                                  Transport transport = Transport::Udp);
    // Call at NextTimeout() (or later); retries, moves to the next server, or gives up.
    ResolverOutput HandleTimeout(Instant now);
    // The driver could not reach the server for this lookup (TCP connect refused or
    // reset, ICMP unreachable): go on with the next server at once.
    ResolverOutput HandleTransportError(LookupId lookup, Instant now);
    std::optional<Instant> NextTimeout() const;
    bool Cancel(LookupId lookup);
    std::size_t Outstanding() const { return m_lookups.size(); }
    const ResolverConfig& Config() const { return m_config; }

  private:
    struct Lookup {
        LookupId id = 0;
        std::string name;
        RecordType type = RecordType::A;
        std::uint16_t dns_id = 0;
        Bytes query;
        std::size_t server_index = 0;
        int attempt_on_server = 0;
        Transport transport = Transport::Udp;
        Endpoint tcp_server;
        Instant deadline{0};
        std::vector<Endpoint> asked;
        int sent = 0;
        ResolveStatus last_failure = ResolveStatus::Timeout;
        Rcode last_rcode = Rcode::NoError;
        std::vector<std::string> failures;
    };

    std::uint16_t NewDnsId();
    void Send(Lookup& l, const Endpoint& to, Transport transport, Instant now, ResolverOutput& out);
    // Moves on after a failure: the same server again if allowed, else the next one,
    // else a final result.
    void NextAttempt(Lookup& l, bool same_server_allowed, Instant now, ResolverOutput& out);
    LookupResult BaseResult(const Lookup& l, Instant now) const;
    LookupResult FromAnswer(const Lookup& l, const Message& m, const Endpoint& from,
                            Instant now) const;
    void Finish(LookupId id, LookupResult result, ResolverOutput& out);

    ResolverConfig m_config;
    Rng m_rng;
    LookupId m_next_lookup = 1;
    std::map<LookupId, Lookup> m_lookups; // ordered: timeouts fire in a fixed order
};

} // namespace cmslab::dns
