#include "dns/stub_resolver.h"

#include "dns/codec.h"
#include "support/values.h"
#include "test_zones.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;
using namespace cmslab::dns::test;
using namespace std::chrono_literals;

namespace {

using cmslab::testkit::Ip;
Endpoint Ep(const char* ip, std::uint16_t port = 53) {
    return Endpoint{Ip(ip), port};
}

const Endpoint kServer1 = Ep("192.0.2.53");
const Endpoint kServer2 = Ep("198.51.100.53");

ResolverConfig TwoServers() {
    ResolverConfig c;
    c.servers = {kServer1, kServer2};
    c.timeout = 2s;
    c.attempts_per_server = 2;
    return c;
}

Instant At(std::chrono::milliseconds ms) {
    return Instant(ms);
}

// Changes a response's id (the first two bytes) to simulate a spoofed or stale answer.
Bytes WithId(Bytes wire, std::uint16_t id) {
    wire[0] = static_cast<std::uint8_t>(id >> 8);
    wire[1] = static_cast<std::uint8_t>(id);
    return wire;
}

std::uint16_t IdOf(const Bytes& wire) {
    return static_cast<std::uint16_t>((wire[0] << 8) | wire[1]);
}

} // namespace

TEST(StubResolver, ResolvesAnAddressFromTheFirstServer) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(1).Fork("dns"));
    auto started = resolver.Resolve("www.example.com", RecordType::A, At(0ms));
    ASSERT_EQ(started.output.transmits.size(), 1u);
    const Transmit& t = started.output.transmits[0];
    EXPECT_EQ(t.to, kServer1);
    EXPECT_EQ(t.transport, Transport::Udp);
    EXPECT_EQ(t.lookup, started.id);
    auto query = DecodeMessage(t.payload);
    ASSERT_TRUE(query.Ok()) << query.Message();
    EXPECT_TRUE(query->header.rd);
    EXPECT_FALSE(query->header.qr);
    EXPECT_EQ(query->questions[0].name, "www.example.com");
    EXPECT_EQ(resolver.NextTimeout(), At(2000ms));

    auto out = resolver.HandleResponse(server.Handle(t.payload), kServer1, At(12ms));
    ASSERT_EQ(out.results.size(), 1u);
    const LookupResult& r = out.results[0];
    EXPECT_EQ(r.lookup, started.id);
    EXPECT_EQ(r.status, ResolveStatus::Ok) << r.error;
    EXPECT_EQ(r.addresses, std::vector<IpAddress>{Ip("192.0.2.1")});
    EXPECT_EQ(r.ttl, 300u);
    EXPECT_EQ(r.server, kServer1);
    EXPECT_EQ(r.queries_sent, 1);
    EXPECT_EQ(r.finished, At(12ms));
    EXPECT_TRUE(r.error.empty());
    EXPECT_EQ(resolver.Outstanding(), 0u);
    EXPECT_FALSE(resolver.NextTimeout().has_value());
    // A duplicate of the same answer finds no lookup any more.
    auto again = resolver.HandleResponse(server.Handle(t.payload), kServer1, At(13ms));
    EXPECT_TRUE(again.results.empty());
    EXPECT_EQ(again.discarded.size(), 1u);
}

TEST(StubResolver, FollowsCnamesAndCollectsSrvTargets) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(2));
    auto started = resolver.Resolve("web.example.com", RecordType::A, At(0ms));
    auto out = resolver.HandleResponse(server.Handle(started.output.transmits[0].payload), kServer1,
                                       At(1ms));
    ASSERT_EQ(out.results.size(), 1u);
    const auto& r = out.results[0];
    EXPECT_EQ(r.status, ResolveStatus::Ok);
    EXPECT_EQ(r.cname_chain, (std::vector<std::string>{"alias.example.com", "WWW.example.com"}));
    EXPECT_EQ(r.canonical_name, "WWW.example.com");
    EXPECT_EQ(r.addresses, std::vector<IpAddress>{Ip("192.0.2.1")});

    auto srv = resolver.Resolve("_xmpp-client._tcp.example.com", RecordType::SRV, At(5ms));
    auto srv_out =
        resolver.HandleResponse(server.Handle(srv.output.transmits[0].payload), kServer1, At(6ms));
    ASSERT_EQ(srv_out.results.size(), 1u);
    ASSERT_EQ(srv_out.results[0].srv.size(), 1u);
    const SrvTarget& target = srv_out.results[0].srv[0];
    EXPECT_EQ(target.port, 5222);
    EXPECT_EQ(target.priority, 10);
    EXPECT_EQ(target.target, "xmpp.example.com");
    EXPECT_EQ(target.addresses, std::vector<IpAddress>{Ip("192.0.2.5")});
}

TEST(StubResolver, ReportsNxDomainAndNoData) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(3));
    auto nx = resolver.Resolve("nobody.example.com", RecordType::A, At(0ms));
    auto out =
        resolver.HandleResponse(server.Handle(nx.output.transmits[0].payload), kServer1, At(1ms));
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].status, ResolveStatus::NxDomain);
    EXPECT_EQ(out.results[0].rcode, Rcode::NxDomain);
    EXPECT_TRUE(out.results[0].addresses.empty());
    EXPECT_NE(out.results[0].error.find("NXDOMAIN"), std::string::npos);
    EXPECT_TRUE(out.transmits.empty()) << "NXDOMAIN is an answer: no other server is asked";

    auto nodata = resolver.Resolve("xmpp.example.com", RecordType::AAAA, At(2ms));
    auto nd = resolver.HandleResponse(server.Handle(nodata.output.transmits[0].payload), kServer1,
                                      At(3ms));
    ASSERT_EQ(nd.results.size(), 1u);
    EXPECT_EQ(nd.results[0].status, ResolveStatus::NoData);
}

TEST(StubResolver, RefusedAndServFailMoveToTheNextServer) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(4));
    auto started = resolver.Resolve("www.example.org", RecordType::A, At(0ms));
    const Bytes query = started.output.transmits[0].payload;
    auto first = resolver.HandleResponse(server.Handle(query), kServer1, At(1ms));
    EXPECT_TRUE(first.results.empty());
    ASSERT_EQ(first.transmits.size(), 1u);
    EXPECT_EQ(first.transmits[0].to, kServer2);
    EXPECT_EQ(resolver.NextTimeout(), At(2001ms));

    Message servfail = *DecodeMessage(server.Handle(query));
    servfail.header.rcode = static_cast<std::uint8_t>(Rcode::ServFail);
    auto last = resolver.HandleResponse(*EncodeMessage(servfail), kServer2, At(2ms));
    ASSERT_EQ(last.results.size(), 1u);
    EXPECT_EQ(last.results[0].status, ResolveStatus::ServFail);
    EXPECT_EQ(last.results[0].error, "REFUSED from 192.0.2.53:53; SERVFAIL from 198.51.100.53:53");
    EXPECT_EQ(last.results[0].queries_sent, 2);

    ResolverConfig one;
    one.servers = {kServer1};
    StubResolver single(one, Rng(4));
    auto s = single.Resolve("www.example.org", RecordType::A, At(0ms));
    auto refused =
        single.HandleResponse(server.Handle(s.output.transmits[0].payload), kServer1, At(1ms));
    ASSERT_EQ(refused.results.size(), 1u);
    EXPECT_EQ(refused.results[0].status, ResolveStatus::Refused);
}

TEST(StubResolver, RetriesOnTimeoutThenTriesTheNextServerThenGivesUp) {
    StubResolver resolver(TwoServers(), Rng(5));
    auto started = resolver.Resolve("www.example.com", RecordType::A, At(0ms));
    const Bytes query = started.output.transmits[0].payload;

    EXPECT_EQ(resolver.NextTimeout(), At(2000ms));
    auto early = resolver.HandleTimeout(At(1999ms));
    EXPECT_TRUE(early.transmits.empty());
    EXPECT_TRUE(early.results.empty());

    auto retry = resolver.HandleTimeout(At(2000ms));
    ASSERT_EQ(retry.transmits.size(), 1u);
    EXPECT_EQ(retry.transmits[0].to, kServer1);
    EXPECT_EQ(retry.transmits[0].payload, query) << "a retry repeats the query";
    EXPECT_EQ(resolver.NextTimeout(), At(4000ms));

    auto next = resolver.HandleTimeout(At(4000ms));
    ASSERT_EQ(next.transmits.size(), 1u);
    EXPECT_EQ(next.transmits[0].to, kServer2);
    auto next2 = resolver.HandleTimeout(At(6000ms));
    ASSERT_EQ(next2.transmits.size(), 1u);
    EXPECT_EQ(next2.transmits[0].to, kServer2);

    auto gave_up = resolver.HandleTimeout(At(8000ms));
    EXPECT_TRUE(gave_up.transmits.empty());
    ASSERT_EQ(gave_up.results.size(), 1u);
    const auto& r = gave_up.results[0];
    EXPECT_EQ(r.status, ResolveStatus::Timeout);
    EXPECT_EQ(r.queries_sent, 4);
    EXPECT_EQ(r.finished, At(8000ms));
    EXPECT_NE(r.error.find("no answer from 198.51.100.53:53 over UDP within 2000 ms"),
              std::string::npos)
        << r.error;
    EXPECT_FALSE(resolver.NextTimeout().has_value());
}

TEST(StubResolver, TheNextServersAnswerOrALateOneFromTheFirstIsTaken) {
    auto server = TestServer();
    for (const Endpoint& answering : {kServer2, kServer1}) {
        StubResolver resolver(TwoServers(), Rng(6));
        auto started = resolver.Resolve("www.example.com", RecordType::A, At(0ms));
        resolver.HandleTimeout(At(2000ms));
        auto moved = resolver.HandleTimeout(At(4000ms));
        ASSERT_EQ(moved.transmits.size(), 1u);
        EXPECT_EQ(moved.transmits[0].to, kServer2);
        auto out = resolver.HandleResponse(server.Handle(moved.transmits[0].payload), answering,
                                           At(4100ms));
        ASSERT_EQ(out.results.size(), 1u);
        EXPECT_EQ(out.results[0].status, ResolveStatus::Ok);
        EXPECT_EQ(out.results[0].server, answering);
        EXPECT_EQ(out.results[0].queries_sent, 3);
    }
}

TEST(StubResolver, IgnoresWrongIdsWrongSourcesAndWrongQuestions) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(7));
    auto started = resolver.Resolve("www.example.com", RecordType::A, At(0ms));
    const Bytes query = started.output.transmits[0].payload;
    const Bytes good = server.Handle(query);

    auto wrong_id = resolver.HandleResponse(WithId(good, IdOf(good) ^ 0x0101), kServer1, At(1ms));
    EXPECT_TRUE(wrong_id.results.empty());
    ASSERT_EQ(wrong_id.discarded.size(), 1u);
    EXPECT_NE(wrong_id.discarded[0].find("matches no outstanding query"), std::string::npos);

    auto wrong_port = resolver.HandleResponse(good, Ep("192.0.2.53", 5353), At(2ms));
    EXPECT_TRUE(wrong_port.results.empty());
    EXPECT_NE(wrong_port.discarded[0].find("not its server"), std::string::npos);
    // Server 2 was not asked yet: its answer is as unexpected as a stranger's.
    EXPECT_TRUE(resolver.HandleResponse(good, kServer2, At(3ms)).results.empty());
    EXPECT_TRUE(resolver.HandleResponse(good, Ep("203.0.113.9"), At(3ms)).results.empty());

    Message other = *DecodeMessage(server.Handle(*EncodeMessage([&] {
        Message q = *DecodeMessage(query);
        q.questions[0].name = "xmpp.example.com";
        return q;
    }())));
    auto wrong_question = resolver.HandleResponse(*EncodeMessage(other), kServer1, At(4ms));
    EXPECT_TRUE(wrong_question.results.empty());
    EXPECT_NE(wrong_question.discarded[0].find("question does not match"), std::string::npos);

    EXPECT_TRUE(resolver.HandleResponse(query, kServer1, At(5ms)).results.empty())
        << "a query is not an answer";
    EXPECT_TRUE(resolver.HandleResponse(Bytes{1, 2, 3}, kServer1, At(5ms)).results.empty());
    EXPECT_EQ(resolver.Outstanding(), 1u);

    // The genuine answer still lands, and the timer did not move.
    EXPECT_EQ(resolver.NextTimeout(), At(2000ms));
    auto out = resolver.HandleResponse(good, kServer1, At(6ms));
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].status, ResolveStatus::Ok);
}

TEST(StubResolver, KeepsSeveralLookupsApart) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(8));
    auto a = resolver.Resolve("www.example.com", RecordType::A, At(0ms));
    auto b = resolver.Resolve("xmpp.example.com", RecordType::A, At(100ms));
    auto c = resolver.Resolve("www.example.com", RecordType::AAAA, At(200ms));
    EXPECT_EQ(resolver.Outstanding(), 3u);
    const Bytes qa = a.output.transmits[0].payload;
    const Bytes qb = b.output.transmits[0].payload;
    const Bytes qc = c.output.transmits[0].payload;
    EXPECT_NE(IdOf(qa), IdOf(qb));
    EXPECT_NE(IdOf(qb), IdOf(qc));
    EXPECT_NE(IdOf(qa), IdOf(qc));

    auto rb = resolver.HandleResponse(server.Handle(qb), kServer1, At(300ms));
    ASSERT_EQ(rb.results.size(), 1u);
    EXPECT_EQ(rb.results[0].lookup, b.id);
    EXPECT_EQ(rb.results[0].addresses, std::vector<IpAddress>{Ip("192.0.2.5")});
    // Only a's timer is due at 2 s; c's comes at 2.2 s.
    auto t = resolver.HandleTimeout(At(2000ms));
    ASSERT_EQ(t.transmits.size(), 1u);
    EXPECT_EQ(t.transmits[0].lookup, a.id);
    EXPECT_EQ(resolver.NextTimeout(), At(2200ms));
    auto rc = resolver.HandleResponse(server.Handle(qc), kServer1, At(2100ms));
    ASSERT_EQ(rc.results.size(), 1u);
    EXPECT_EQ(rc.results[0].addresses, std::vector<IpAddress>{Ip("2001:db8::1")});
    EXPECT_TRUE(resolver.Cancel(a.id));
    EXPECT_EQ(resolver.Outstanding(), 0u);
}

TEST(StubResolver, RetriesOverTcpWhenTruncated) {
    auto server = TestServer();
    StubResolver resolver(TwoServers(), Rng(9));
    auto started = resolver.Resolve("many.example.com", RecordType::A, At(0ms));
    const Bytes query = started.output.transmits[0].payload;
    auto tc = resolver.HandleResponse(server.Handle(query, Transport::Udp), kServer1, At(1ms));
    EXPECT_TRUE(tc.results.empty());
    ASSERT_EQ(tc.transmits.size(), 1u);
    EXPECT_EQ(tc.transmits[0].transport, Transport::Tcp);
    EXPECT_EQ(tc.transmits[0].to, kServer1);
    EXPECT_EQ(resolver.NextTimeout(), At(2001ms));

    // A UDP answer now is a stale duplicate.
    EXPECT_TRUE(resolver.HandleResponse(server.Handle(query), kServer1, At(2ms)).results.empty());
    auto full = resolver.HandleResponse(server.Handle(tc.transmits[0].payload, Transport::Tcp),
                                        kServer1, At(3ms), Transport::Tcp);
    ASSERT_EQ(full.results.size(), 1u);
    EXPECT_EQ(full.results[0].status, ResolveStatus::Ok);
    EXPECT_EQ(full.results[0].addresses.size(), 40u);
    EXPECT_FALSE(full.results[0].truncated);
    EXPECT_EQ(full.results[0].queries_sent, 2);

    // TCP refused: on to the next server over UDP.
    auto again = resolver.Resolve("many.example.com", RecordType::A, At(10ms));
    auto tc2 = resolver.HandleResponse(server.Handle(again.output.transmits[0].payload), kServer1,
                                       At(11ms));
    ASSERT_EQ(tc2.transmits.size(), 1u);
    auto moved = resolver.HandleTransportError(again.id, At(12ms));
    ASSERT_EQ(moved.transmits.size(), 1u);
    EXPECT_EQ(moved.transmits[0].to, kServer2);
    EXPECT_EQ(moved.transmits[0].transport, Transport::Udp);

    ResolverConfig no_tcp = TwoServers();
    no_tcp.tcp_on_truncation = false;
    StubResolver plain(no_tcp, Rng(9));
    auto s = plain.Resolve("many.example.com", RecordType::A, At(0ms));
    auto out =
        plain.HandleResponse(server.Handle(s.output.transmits[0].payload), kServer1, At(1ms));
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].status, ResolveStatus::Truncated);
    EXPECT_TRUE(out.results[0].truncated);
}

TEST(StubResolver, SameSeedSameQueryBytes) {
    StubResolver a(TwoServers(), Rng(42).Fork("browser"));
    StubResolver b(TwoServers(), Rng(42).Fork("browser"));
    StubResolver c(TwoServers(), Rng(43).Fork("browser"));
    Bytes qa, qb, qc;
    for (int i = 0; i < 5; ++i) {
        qa = a.Resolve("www.example.com", RecordType::A, At(0ms)).output.transmits[0].payload;
        qb = b.Resolve("www.example.com", RecordType::A, At(0ms)).output.transmits[0].payload;
        qc = c.Resolve("www.example.com", RecordType::A, At(0ms)).output.transmits[0].payload;
        EXPECT_EQ(qa, qb);
    }
    EXPECT_NE(qa, qc);
}

TEST(StubResolver, BadNamesAndNoServersFailAtOnce) {
    StubResolver resolver(TwoServers(), Rng(10));
    auto bad = resolver.Resolve("a..b", RecordType::A, At(0ms));
    EXPECT_TRUE(bad.output.transmits.empty());
    ASSERT_EQ(bad.output.results.size(), 1u);
    EXPECT_EQ(bad.output.results[0].status, ResolveStatus::InvalidName);
    StubResolver none(ResolverConfig{}, Rng(10));
    auto r = none.Resolve("www.example.com", RecordType::A, At(0ms));
    ASSERT_EQ(r.output.results.size(), 1u);
    EXPECT_EQ(r.output.results[0].status, ResolveStatus::NoServer);
    EXPECT_EQ(none.Outstanding(), 0u);
}

TEST(StubResolver, TakesAnAnswerCapturedFromARealRecursiveServer) {
    // The bytes a real recursive resolver (with no upstream) sent back for a plain query
    // "www.cisco.com A", id 0x1234: QR RD RA, NXDOMAIN, the question echoed.
    Bytes captured;
    ASSERT_TRUE(
        FromHex("1234818300010000000000000377777705636973636f03636f6d0000010001", captured));
    auto m = DecodeMessage(captured);
    ASSERT_TRUE(m.Ok()) << m.Message();
    EXPECT_TRUE(m->header.qr);
    EXPECT_TRUE(m->header.rd);
    EXPECT_TRUE(m->header.ra);
    EXPECT_FALSE(m->header.aa);
    EXPECT_EQ(m->FullRcode(), Rcode::NxDomain);
    EXPECT_EQ(m->questions.at(0).name, "www.cisco.com");
    EXPECT_EQ(*EncodeMessage(*m), captured);

    // Our resolver, had it drawn id 0x1234, takes it as the answer.
    ResolverConfig config;
    config.servers = {kServer1};
    StubResolver resolver(config, Rng(12));
    auto started = resolver.Resolve("www.cisco.com", RecordType::A, At(0ms));
    const std::uint16_t id = IdOf(started.output.transmits[0].payload);
    auto out = resolver.HandleResponse(WithId(captured, id), kServer1, At(5ms));
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].status, ResolveStatus::NxDomain);
    // Its query bytes are those of the capture but for the id.
    EXPECT_EQ(ToHex(WithId(started.output.transmits[0].payload, 0x1234)),
              "123401000001000000000000" + ToHex(captured).substr(24));
}
