#include "dns/authoritative_server.h"

#include "dns/codec.h"
#include "support/values.h"
#include "test_zones.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;
using namespace cmslab::dns::test;

namespace {

using cmslab::testkit::Ip;

Edns EdnsSize(std::uint16_t size) {
    Edns e;
    e.udp_payload_size = size;
    return e;
}

Bytes QueryBytes(const std::string& name, RecordType type, std::uint16_t id = 0x4242,
                 std::optional<Edns> edns = std::nullopt) {
    Message q;
    q.header.id = id;
    q.header.rd = true;
    q.questions.push_back({name, type, kClassIn});
    if (edns)
        q.additionals.push_back(edns->ToRecord());
    return *EncodeMessage(q);
}

Message Ask(const AuthoritativeServer& server, const std::string& name, RecordType type,
            Transport transport = Transport::Udp, std::optional<Edns> edns = std::nullopt) {
    const Bytes response = server.Handle(QueryBytes(name, type, 0x4242, edns), transport);
    auto m = DecodeMessage(response);
    EXPECT_TRUE(m.Ok()) << m.Message();
    if (!m)
        return {};
    EXPECT_EQ(m->header.id, 0x4242);
    EXPECT_TRUE(m->header.qr);
    EXPECT_TRUE(m->header.rd);
    return *m;
}

std::vector<std::string> AnswerTexts(const Message& m) {
    std::vector<std::string> out;
    for (const auto& rr : m.answers)
        out.push_back(ToText(rr));
    return out;
}

} // namespace

TEST(Zone, RejectsWhatARealServerWouldNotLoad) {
    auto build = [](std::vector<ZoneRecordConfig> records) {
        return Zone::Build(ZoneConfig{"example.com", std::move(records), 60});
    };
    auto mx = build({ZoneRecordConfig{"example.com", "MX", 1, {}, "mail.example.com", 0, 0, 0}});
    ASSERT_FALSE(mx.Ok());
    EXPECT_NE(mx.Message().find("not supported"), std::string::npos) << mx.Message();
    auto v6_in_a = build({A("a.example.com", "2001:db8::1")});
    ASSERT_FALSE(v6_in_a.Ok());
    EXPECT_NE(v6_in_a.Message().find("IPv4"), std::string::npos) << v6_in_a.Message();
    EXPECT_FALSE(build({ZoneRecordConfig{"a.example.com", "A", 1, {}, "", 0, 0, 0}}).Ok());
    auto both = build({A("a.example.com", "192.0.2.1"), Cname("a.example.com", "b.example.com")});
    ASSERT_FALSE(both.Ok());
    EXPECT_NE(both.Message().find("CNAME and other data"), std::string::npos) << both.Message();
    EXPECT_FALSE(build({Cname("a.example.com", "b"), Cname("A.example.com", "c")}).Ok());
    EXPECT_FALSE(build({Cname("example.com", "b.example.org")}).Ok());
    EXPECT_FALSE(build({Srv("_x._tcp.example.com", 0, 0, 1, "")}).Ok());
    EXPECT_FALSE(build({A("bad..example.com", "192.0.2.1")}).Ok());
    EXPECT_FALSE(Zone::Build(ZoneConfig{"a..b", {}, 60}).Ok());

    auto zone = build({A("a.example.com", "192.0.2.1"), A("cmsweb.example.org", "192.0.2.2"),
                       A("A.example.com.", "192.0.2.1"), A("@", "192.0.2.3")});
    ASSERT_TRUE(zone.Ok()) << zone.Message();
    ASSERT_EQ(zone->Warnings().size(), 2u);
    EXPECT_NE(zone->Warnings()[0].find("out-of-zone"), std::string::npos);
    EXPECT_NE(zone->Warnings()[1].find("duplicate"), std::string::npos);
    EXPECT_EQ(zone->RecordCount(), 2u);
    EXPECT_EQ(zone->Find("example.com", RecordType::A).size(), 1u);
    EXPECT_FALSE(zone->NameExists("cmsweb.example.org"));

    EXPECT_FALSE(AuthoritativeServer::Build(
                     {ZoneConfig{"example.com", {}, 60}, ZoneConfig{"EXAMPLE.com.", {}, 60}})
                     .Ok());
}

TEST(AuthoritativeServer, AnswersAWithTheAuthoritativeFlag) {
    auto server = TestServer();
    Message r = Ask(server, "www.example.com", RecordType::A);
    EXPECT_EQ(r.FullRcode(), Rcode::NoError);
    EXPECT_TRUE(r.header.aa);
    EXPECT_FALSE(r.header.ra);
    EXPECT_FALSE(r.header.tc);
    ASSERT_EQ(r.questions.size(), 1u);
    EXPECT_EQ(AnswerTexts(r), std::vector<std::string>{"www.example.com.\t300\tIN\tA\t192.0.2.1"});
    EXPECT_TRUE(r.authorities.empty());
    EXPECT_TRUE(r.additionals.empty());

    Message aaaa = Ask(server, "WWW.Example.COM.", RecordType::AAAA);
    ASSERT_EQ(aaaa.answers.size(), 1u);
    EXPECT_EQ(*aaaa.answers[0].Address(), Ip("2001:db8::1"));
    // The owner name points at the question, so it reads in the question's case.
    EXPECT_EQ(aaaa.answers[0].name, "WWW.Example.COM");

    auto ra = TestServer(ServerOptions{true, 1232});
    EXPECT_TRUE(Ask(ra, "www.example.com", RecordType::A).header.ra);
}

TEST(AuthoritativeServer, SrvComesWithTheTargetsAddress) {
    auto server = TestServer();
    Message r = Ask(server, "_xmpp-client._tcp.example.com", RecordType::SRV);
    EXPECT_EQ(r.FullRcode(), Rcode::NoError);
    EXPECT_TRUE(r.header.aa);
    ASSERT_EQ(r.answers.size(), 1u);
    const auto* srv = r.answers[0].Srv();
    ASSERT_NE(srv, nullptr);
    EXPECT_EQ(srv->port, 5222);
    EXPECT_EQ(srv->target, "xmpp.example.com");
    ASSERT_EQ(r.additionals.size(), 1u);
    EXPECT_EQ(ToText(r.additionals[0]), "xmpp.example.com.\t300\tIN\tA\t192.0.2.5");
}

TEST(AuthoritativeServer, FollowsCnameChainsInsideItsZones) {
    auto server = TestServer();
    Message r = Ask(server, "web.example.com", RecordType::A);
    EXPECT_EQ(r.FullRcode(), Rcode::NoError);
    EXPECT_TRUE(r.header.aa);
    EXPECT_EQ(AnswerTexts(r),
              (std::vector<std::string>{"web.example.com.\t300\tIN\tCNAME\talias.example.com.",
                                        "alias.example.com.\t300\tIN\tCNAME\tWWW.example.com.",
                                        "WWW.example.com.\t300\tIN\tA\t192.0.2.1"}));

    Message cross = Ask(server, "cross.example.com", RecordType::A);
    ASSERT_EQ(cross.answers.size(), 2u);
    EXPECT_EQ(*cross.answers[1].Address(), Ip("10.1.2.3"));

    // A CNAME query gets the CNAME itself, not the chain.
    Message cname = Ask(server, "web.example.com", RecordType::CNAME);
    ASSERT_EQ(cname.answers.size(), 1u);

    // A chain leaving our zones stops there, NOERROR; the client's resolver goes on.
    Message out = Ask(server, "out.example.com", RecordType::A);
    EXPECT_EQ(out.FullRcode(), Rcode::NoError);
    ASSERT_EQ(out.answers.size(), 1u);
    EXPECT_EQ(*out.answers[0].Target(), "www.example.org");

    // A chain ending at a missing name in our zone is NXDOMAIN, CNAME kept (RFC 6604).
    Message dangling = Ask(server, "dangling.example.com", RecordType::A);
    EXPECT_EQ(dangling.FullRcode(), Rcode::NxDomain);
    EXPECT_EQ(dangling.answers.size(), 1u);
    EXPECT_EQ(dangling.authorities.size(), 1u);
}

TEST(AuthoritativeServer, NxDomainCarriesASynthesisedSoa) {
    auto server = TestServer();
    Message r = Ask(server, "nobody.example.com", RecordType::A);
    EXPECT_EQ(r.FullRcode(), Rcode::NxDomain);
    EXPECT_TRUE(r.header.aa);
    EXPECT_TRUE(r.answers.empty());
    ASSERT_EQ(r.authorities.size(), 1u);
    EXPECT_EQ(
        ToText(r.authorities[0]),
        "example.com.\t60\tIN\tSOA\texample.com. hostmaster.example.com. 1 3600 600 86400 60");
    // The most specific zone answers for its names.
    Message deep = Ask(server, "nobody.sub.example.com", RecordType::A);
    EXPECT_EQ(deep.FullRcode(), Rcode::NxDomain);
    EXPECT_EQ(deep.authorities[0].name, "sub.example.com");
    EXPECT_EQ(Ask(server, "deep.sub.example.com", RecordType::A).answers.size(), 1u);
}

TEST(AuthoritativeServer, NoDataWhenTheNameHasOtherTypes) {
    auto server = TestServer();
    Message r = Ask(server, "xmpp.example.com", RecordType::AAAA);
    EXPECT_EQ(r.FullRcode(), Rcode::NoError);
    EXPECT_TRUE(r.header.aa);
    EXPECT_TRUE(r.answers.empty());
    ASSERT_EQ(r.authorities.size(), 1u);
    EXPECT_EQ(r.authorities[0].type, RecordType::SOA);
    // An empty non-terminal exists (RFC 8020): NODATA, not NXDOMAIN.
    Message ent = Ask(server, "_tcp.example.com", RecordType::A);
    EXPECT_EQ(ent.FullRcode(), Rcode::NoError);
    EXPECT_TRUE(ent.answers.empty());
    // The apex answers its SOA.
    Message soa = Ask(server, "example.com", RecordType::SOA);
    ASSERT_EQ(soa.answers.size(), 1u);
    EXPECT_EQ(soa.answers[0].type, RecordType::SOA);
    Message any = Ask(server, "www.example.com", RecordType::ANY);
    EXPECT_EQ(any.answers.size(), 2u);
}

TEST(AuthoritativeServer, RefusesNamesOutsideItsZones) {
    auto server = TestServer();
    for (const char* name : {"www.example.org", "com", ".", "badexample.com"}) {
        Message r = Ask(server, name, RecordType::A);
        EXPECT_EQ(r.FullRcode(), Rcode::Refused) << name;
        EXPECT_FALSE(r.header.aa) << name;
        EXPECT_TRUE(r.answers.empty()) << name;
        EXPECT_EQ(r.questions.size(), 1u) << name;
    }
    EXPECT_EQ(Ask(server, "www.example.com", RecordType::AXFR, Transport::Tcp).FullRcode(),
              Rcode::Refused);
}

TEST(AuthoritativeServer, FormErrForMalformedQueriesEchoesTheId) {
    auto server = TestServer();
    Bytes garbage = QueryBytes("www.example.com", RecordType::A, 0x7a7b);
    garbage.resize(kHeaderSize);
    garbage.insert(garbage.end(), {0x3f, 'x', 'y', 0xc0});
    ServerReply reply = server.HandleDetailed(garbage);
    EXPECT_EQ(reply.rcode, Rcode::FormErr);
    EXPECT_NE(reply.detail.find("malformed query"), std::string::npos) << reply.detail;
    auto r = DecodeMessage(reply.response);
    ASSERT_TRUE(r.Ok()) << r.Message();
    EXPECT_EQ(r->header.id, 0x7a7b);
    EXPECT_EQ(r->FullRcode(), Rcode::FormErr);
    EXPECT_TRUE(r->header.qr);
    EXPECT_TRUE(r->header.rd);

    Bytes trailing = QueryBytes("www.example.com", RecordType::A);
    trailing.push_back(0xff);
    EXPECT_EQ(DecodeMessage(server.Handle(trailing))->FullRcode(), Rcode::FormErr);

    Message two;
    two.header.id = 9;
    two.questions = {{"www.example.com", RecordType::A, kClassIn},
                     {"xmpp.example.com", RecordType::A, kClassIn}};
    EXPECT_EQ(DecodeMessage(server.Handle(*EncodeMessage(two)))->FullRcode(), Rcode::FormErr);
    two.questions.clear();
    EXPECT_EQ(DecodeMessage(server.Handle(*EncodeMessage(two)))->FullRcode(), Rcode::FormErr);
}

TEST(AuthoritativeServer, NotImpForOtherOpcodesAndSilenceForNoHeader) {
    auto server = TestServer();
    for (Opcode op : {Opcode::IQuery, Opcode::Status, Opcode::Notify, Opcode::Update}) {
        Bytes q = QueryBytes("www.example.com", RecordType::A, 0x1111);
        q[2] = static_cast<std::uint8_t>(q[2] | (static_cast<unsigned>(op) << 3));
        auto r = DecodeMessage(server.Handle(q));
        ASSERT_TRUE(r.Ok());
        EXPECT_EQ(r->FullRcode(), Rcode::NotImp);
        EXPECT_EQ(r->header.opcode, op);
        EXPECT_EQ(r->header.id, 0x1111);
        EXPECT_TRUE(r->answers.empty());
    }
    for (std::size_t n = 0; n < kHeaderSize; ++n)
        EXPECT_TRUE(server.Handle(Bytes(n, 0)).empty()) << n;
    // A response sent to the server is not answered (no reflection loops).
    Bytes response = QueryBytes("www.example.com", RecordType::A);
    response[2] |= 0x80;
    EXPECT_TRUE(server.Handle(response).empty());
}

TEST(AuthoritativeServer, TruncatesOverUdpOnlyBeyondTheAllowedSize) {
    auto server = TestServer();
    Message udp = Ask(server, "many.example.com", RecordType::A);
    EXPECT_TRUE(udp.header.tc);
    EXPECT_TRUE(udp.answers.empty());
    EXPECT_EQ(udp.questions.size(), 1u);
    const Bytes wire = server.Handle(QueryBytes("many.example.com", RecordType::A));
    EXPECT_LE(wire.size(), 512u);

    Message tcp = Ask(server, "many.example.com", RecordType::A, Transport::Tcp);
    EXPECT_FALSE(tcp.header.tc);
    EXPECT_EQ(tcp.answers.size(), 40u);

    // EDNS lets the answer grow to the smaller of both sizes; the response has an OPT.
    Message edns = Ask(server, "many.example.com", RecordType::A, Transport::Udp, EdnsSize(4096));
    EXPECT_FALSE(edns.header.tc);
    EXPECT_EQ(edns.answers.size(), 40u);
    ASSERT_TRUE(edns.GetEdns().has_value());
    EXPECT_EQ(edns.GetEdns()->udp_payload_size, 1232);
    Message small = Ask(server, "many.example.com", RecordType::A, Transport::Udp, EdnsSize(100));
    EXPECT_TRUE(small.header.tc) << "a size under 512 counts as 512";

    // Without EDNS support the server answers EDNS queries as plain ones.
    auto plain = TestServer(ServerOptions{false, 0});
    Message no_opt = Ask(plain, "many.example.com", RecordType::A, Transport::Udp, EdnsSize(4096));
    EXPECT_TRUE(no_opt.header.tc);
    EXPECT_FALSE(no_opt.GetEdns().has_value());
}

TEST(AuthoritativeServer, BadVersForUnknownEdnsVersions) {
    auto server = TestServer();
    Edns v1;
    v1.version = 1;
    Message r = Ask(server, "www.example.com", RecordType::A, Transport::Udp, v1);
    EXPECT_EQ(r.FullRcode(), Rcode::BadVers);
    EXPECT_TRUE(r.answers.empty());
    Message twice;
    twice.questions = {{"www.example.com", RecordType::A, kClassIn}};
    twice.additionals = {Edns{}.ToRecord(), Edns{}.ToRecord()};
    EXPECT_EQ(DecodeMessage(server.Handle(*EncodeMessage(twice)))->FullRcode(), Rcode::FormErr);
}
