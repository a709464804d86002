#include "dns/codec.h"

#include "dns/name.h"
#include "support/values.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;

namespace {

using cmslab::testkit::Ip;

Message Query(const std::string& name, RecordType type, std::uint16_t id = 0x1234) {
    Message m;
    m.header.id = id;
    m.header.rd = true;
    m.questions.push_back({name, type, kClassIn});
    return m;
}

Bytes Encode(const Message& m, EncodeOptions options = {}) {
    auto wire = EncodeMessage(m, options);
    EXPECT_TRUE(wire.Ok()) << wire.Message();
    return wire.Ok() ? *wire : Bytes{};
}

Message Decode(const Bytes& wire) {
    auto m = DecodeMessage(wire);
    EXPECT_TRUE(m.Ok()) << m.Message();
    return m.Ok() ? *m : Message{};
}

std::string DecodeError(const Bytes& wire) {
    auto m = DecodeMessage(wire);
    EXPECT_FALSE(m.Ok()) << "decoded:\n" << m->ToText();
    return m.Ok() ? "" : m.Message();
}

bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Header plus one question, hand-written, with the given name bytes.
Bytes HandQuery(std::initializer_list<std::uint8_t> name_bytes) {
    Bytes b{0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    b.insert(b.end(), name_bytes);
    b.insert(b.end(), {0x00, 0x01, 0x00, 0x01});
    return b;
}

// A response with every section and record type, used for truncation sweeps.
Message RichResponse() {
    Message m = Query("_xmpp-client._tcp.cms.example.local", RecordType::SRV, 0xbeef);
    m.header.qr = true;
    m.header.aa = true;
    m.answers.push_back(ResourceRecord::MakeSrv("_xmpp-client._tcp.cms.example.local", 300, 10, 20,
                                                5222, "xmpp.cms.example.local"));
    m.answers.push_back(
        ResourceRecord::MakeCname("alias.cms.example.local", 60, "xmpp.cms.example.local"));
    m.authorities.push_back(ResourceRecord::MakeSoa(
        "cms.example.local", 60,
        SoaRdata{"cms.example.local", "hostmaster.cms.example.local", 1, 3600, 600, 86400, 60}));
    m.additionals.push_back(ResourceRecord::MakeA("xmpp.cms.example.local", 300, Ip("192.0.2.80")));
    m.additionals.push_back(
        ResourceRecord::MakeAaaa("xmpp.cms.example.local", 300, Ip("2001:db8::80")));
    m.additionals.push_back(ResourceRecord::MakeRaw("txt.cms.example.local", RecordType::TXT, 5,
                                                    Bytes{5, 'h', 'e', 'l', 'l', 'o'}));
    m.additionals.push_back(Edns{1232, 0, 0, true, {}}.ToRecord());
    return m;
}

} // namespace

TEST(Codec, HeaderFlagsRoundTripOneByOne) {
    for (int bit = 0; bit < 7; ++bit) {
        Message m = Query("example.com", RecordType::A);
        m.header.rd = false;
        bool* flags[] = {&m.header.qr, &m.header.aa, &m.header.tc, &m.header.rd,
                         &m.header.ra, &m.header.ad, &m.header.cd};
        *flags[bit] = true;
        Message back = Decode(Encode(m));
        const bool got[] = {back.header.qr, back.header.aa, back.header.tc, back.header.rd,
                            back.header.ra, back.header.ad, back.header.cd};
        for (int i = 0; i < 7; ++i)
            EXPECT_EQ(got[i], i == bit) << "flag " << bit << " read back flag " << i;
    }
    Message m = Query("example.com", RecordType::A, 0xfedc);
    m.header.opcode = Opcode::Update;
    m.header.rcode = 5;
    m.header.z = true;
    const Bytes wire = Encode(m);
    EXPECT_EQ(wire[0], 0xfe);
    EXPECT_EQ(wire[1], 0xdc);
    // opcode 5 in bits 11-14, RD, Z, rcode 5.
    EXPECT_EQ(wire[2], 0x29);
    EXPECT_EQ(wire[3], 0x45);
    Message back = Decode(wire);
    EXPECT_EQ(back.header.opcode, Opcode::Update);
    EXPECT_EQ(back.header.GetRcode(), Rcode::Refused);
    EXPECT_TRUE(back.header.z);
}

TEST(Codec, QueryMatchesHandWrittenBytes) {
    const Bytes wire = Encode(Query("www.Example.com", RecordType::AAAA, 0x0102));
    Bytes expected{0x01, 0x02, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                   0x00, 3,    'w',  'w',  'w',  7,    'E',  'x',  'a',  'm',  'p',
                   'l',  'e',  3,    'c',  'o',  'm',  0,    0x00, 0x1c, 0x00, 0x01};
    EXPECT_EQ(ToHex(wire), ToHex(expected));
}

TEST(Codec, EveryRecordTypeRoundTrips) {
    Message m = RichResponse();
    m.answers.push_back(ResourceRecord::MakeRaw("raw.example", static_cast<RecordType>(65280),
                                                0xffffffffu, Bytes{0, 1, 2, 0xc0, 0x0c}));
    ResourceRecord ns{"example.com", RecordType::NS, kClassIn, 7, NameRdata{"ns1.example.com"}};
    ResourceRecord ptr{"80.2.0.192.in-addr.arpa", RecordType::PTR, kClassIn, 8,
                       NameRdata{"xmpp.cms.example.local"}};
    ResourceRecord mx{"example.com", RecordType::MX, kClassIn, 9, MxRdata{10, "mail.example.com"}};
    ResourceRecord chaos{"version.bind", RecordType::TXT, 3, 0, RawRdata{Bytes{2, 'x', 'y'}}};
    m.answers.insert(m.answers.end(), {ns, ptr, mx, chaos});

    const Bytes wire = Encode(m);
    Message back = Decode(wire);
    EXPECT_EQ(back.header.id, 0xbeef);
    ASSERT_EQ(back.questions.size(), 1u);
    EXPECT_EQ(back.questions[0].name, "_xmpp-client._tcp.cms.example.local");
    EXPECT_EQ(back.questions[0].type, RecordType::SRV);
    ASSERT_EQ(back.answers.size(), m.answers.size());
    ASSERT_EQ(back.authorities.size(), 1u);
    ASSERT_EQ(back.additionals.size(), 4u);

    const auto* srv = back.answers[0].Srv();
    ASSERT_NE(srv, nullptr);
    EXPECT_EQ(srv->priority, 10);
    EXPECT_EQ(srv->weight, 20);
    EXPECT_EQ(srv->port, 5222);
    EXPECT_EQ(srv->target, "xmpp.cms.example.local");
    EXPECT_EQ(back.answers[0].ttl, 300u);
    EXPECT_EQ(back.answers[1].type, RecordType::CNAME);
    EXPECT_EQ(*back.answers[1].Target(), "xmpp.cms.example.local");
    const auto* raw = back.answers[2].Raw();
    ASSERT_NE(raw, nullptr);
    EXPECT_EQ(static_cast<unsigned>(back.answers[2].type), 65280u);
    EXPECT_EQ(back.answers[2].ttl, 0xffffffffu);
    EXPECT_EQ(raw->data, (Bytes{0, 1, 2, 0xc0, 0x0c}));
    EXPECT_EQ(*back.answers[3].Target(), "ns1.example.com");
    EXPECT_EQ(back.answers[4].type, RecordType::PTR);
    EXPECT_EQ(*back.answers[4].Target(), "xmpp.cms.example.local");
    EXPECT_EQ(std::get<MxRdata>(back.answers[5].rdata).preference, 10);
    EXPECT_EQ(*back.answers[5].Target(), "mail.example.com");
    EXPECT_EQ(back.answers[6].rclass, 3);
    EXPECT_EQ(back.answers[6].Raw()->data, (Bytes{2, 'x', 'y'}));

    const auto* soa = back.authorities[0].Soa();
    ASSERT_NE(soa, nullptr);
    EXPECT_EQ(soa->mname, "cms.example.local");
    EXPECT_EQ(soa->rname, "hostmaster.cms.example.local");
    EXPECT_EQ(soa->expire, 86400u);
    EXPECT_EQ(soa->minimum, 60u);

    EXPECT_EQ(*back.additionals[0].Address(), Ip("192.0.2.80"));
    EXPECT_EQ(*back.additionals[1].Address(), Ip("2001:db8::80"));
    EXPECT_EQ(back.additionals[2].type, RecordType::TXT);
    EXPECT_EQ(back.additionals[2].Raw()->data.size(), 6u);
    auto edns = back.GetEdns();
    ASSERT_TRUE(edns.has_value());
    EXPECT_EQ(edns->udp_payload_size, 1232);
    EXPECT_TRUE(edns->dnssec_ok);
    EXPECT_EQ(back.additionals[3].name, ".");

    // Re-encoding what was decoded gives the same bytes.
    EXPECT_EQ(ToHex(Encode(back)), ToHex(wire));
}

TEST(Codec, CompressionPointsToEarlierSuffixes) {
    Message m = Query("www.example.com", RecordType::A);
    m.header.qr = true;
    m.answers.push_back(ResourceRecord::MakeCname("alias.example.com", 60, "WWW.EXAMPLE.COM"));
    m.answers.push_back(ResourceRecord::MakeA("www.example.com", 300, Ip("192.0.2.1")));
    const Bytes wire = Encode(m);
    // 12 header + 17 name + 4 | "\5alias" + ptr(2) + 10 + ptr(2) | ptr(2) + 10 + 4
    ASSERT_EQ(wire.size(), 12u + 21u + (6u + 2u + 10u + 2u) + (2u + 10u + 4u));
    // The question name starts at 12; "example.com" at 16.
    EXPECT_EQ(wire[33], 5);
    EXPECT_EQ(wire[39], 0xc0);
    EXPECT_EQ(wire[40], 0x10); // alias.[example.com at 16]
    EXPECT_EQ(wire[49], 0x00);
    EXPECT_EQ(wire[50], 0x02); // RDLENGTH 2: the CNAME target is only a pointer
    EXPECT_EQ(wire[51], 0xc0);
    EXPECT_EQ(wire[52], 0x0c); // WWW.EXAMPLE.COM matches www.example.com at 12, any case
    EXPECT_EQ(wire[53], 0xc0);
    EXPECT_EQ(wire[54], 0x0c); // the A record's owner

    const Bytes plain = Encode(m, EncodeOptions{false});
    EXPECT_EQ(plain.size(), wire.size() + (19u - 8u) + (17u - 2u) + (17u - 2u));
    Message back = Decode(wire);
    EXPECT_EQ(back.answers[0].name, "alias.example.com");
    EXPECT_TRUE(NamesEqual(*back.answers[0].Target(), "www.example.com"));
    EXPECT_EQ(back.answers[1].name, "www.example.com");
    Message back_plain = Decode(plain);
    EXPECT_EQ(*back_plain.answers[0].Target(), "WWW.EXAMPLE.COM");
}

TEST(Codec, SrvTargetIsWrittenInFullButLaterNamesPointIntoIt) {
    Message m = Query("_sip._tcp.example.com", RecordType::SRV);
    m.header.qr = true;
    m.answers.push_back(
        ResourceRecord::MakeSrv("_sip._tcp.example.com", 300, 1, 2, 5060, "sip.example.com"));
    m.additionals.push_back(ResourceRecord::MakeA("sip.example.com", 300, Ip("192.0.2.5")));
    const Bytes wire = Encode(m);
    // Question: 12 + (5+5+8+4+1 = 23) + 4 = 39. Answer owner pointer at 39.
    EXPECT_EQ(wire[39], 0xc0);
    EXPECT_EQ(wire[40], 0x0c);
    // RDATA at 51: priority, weight, port, then "\3sip" and "example.com" in full (RFC 2782).
    const std::size_t target = 51 + 6;
    const Bytes expected_target{3,   's', 'i', 'p', 7,   'e', 'x', 'a', 'm',
                                'p', 'l', 'e', 3,   'c', 'o', 'm', 0};
    ASSERT_GE(wire.size(), target + expected_target.size());
    EXPECT_EQ(Bytes(wire.begin() + target, wire.begin() + target + expected_target.size()),
              expected_target);
    // The additional A record's owner points at the SRV target.
    const std::size_t owner = target + expected_target.size();
    EXPECT_EQ(wire[owner], 0xc0);
    EXPECT_EQ(wire[owner + 1], target);
    EXPECT_EQ(wire.size(), owner + 2 + 10 + 4);
    Message back = Decode(wire);
    EXPECT_EQ(back.additionals[0].name, "sip.example.com");
}

TEST(Codec, DecodesRfc1035CompressionExample) {
    // RFC 1035 4.1.4: F.ISI.ARPA in full, FOO.F.ISI.ARPA as FOO + pointer, ARPA as a pointer.
    Bytes b = HandQuery({1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0});
    b[7] = 1;  // ANCOUNT
    b[11] = 1; // ARCOUNT
    b.insert(b.end(), {3, 'F', 'O', 'O', 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 0, 1});
    b.insert(b.end(), {0xc0, 18, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 10, 0, 0, 2});
    Message m = Decode(b);
    EXPECT_EQ(m.questions[0].name, "F.ISI.ARPA");
    EXPECT_EQ(m.answers[0].name, "FOO.F.ISI.ARPA");
    EXPECT_EQ(m.additionals[0].name, "ARPA");
    EXPECT_EQ(*m.additionals[0].Address(), Ip("10.0.0.2"));
}

TEST(Codec, RejectsPointerLoopsForwardPointersAndPointersIntoTheHeader) {
    EXPECT_TRUE(Contains(DecodeError(HandQuery({0xc0, 12})), "loop"));
    EXPECT_TRUE(Contains(DecodeError(HandQuery({1, 'a', 0xc0, 12})), "loop"));
    EXPECT_TRUE(Contains(DecodeError(HandQuery({1, 'a', 0xc0, 20, 0, 0})), "forward"));
    EXPECT_TRUE(Contains(DecodeError(HandQuery({0xc0, 4})), "header"));
    // Two names pointing at each other: the answer's owner points to the question, whose
    // last label points back to the answer (a forward pointer from the question's view).
    Bytes b = HandQuery({1, 'a', 0xc0, 22});
    b[7] = 1;
    b.insert(b.end(), {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
    EXPECT_TRUE(Contains(DecodeError(b), "forward"));
    // A chain that walks backwards but revisits bytes: [12]="\1a" ptr->12 inside a later name.
    Bytes c = HandQuery({1, 'a', 0});
    c[7] = 1;
    c.insert(c.end(), {1, 'b', 0xc0, 19, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4});
    EXPECT_TRUE(Contains(DecodeError(c), "loop"));
}

TEST(Codec, RejectsBadLabelsAndLongNames) {
    EXPECT_TRUE(Contains(DecodeError(HandQuery({0x40, 'a', 0})), "label type"));
    EXPECT_TRUE(Contains(DecodeError(HandQuery({0x80, 'a', 0})), "label type"));
    // Five 63-byte labels: 321 bytes on the wire.
    Bytes b{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 5; ++i) {
        b.push_back(63);
        b.insert(b.end(), 63, 'x');
    }
    b.insert(b.end(), {0, 0, 1, 0, 1});
    EXPECT_TRUE(Contains(DecodeError(b), "longer than 255"));
    // Many short labels through pointers also count towards 255.
    Bytes c{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 130; ++i)
        c.insert(c.end(), {1, 'x'});
    c.insert(c.end(), {0, 0, 1, 0, 1});
    EXPECT_TRUE(Contains(DecodeError(c), "255"));
    // Encoding refuses what decoding would refuse.
    Message m = Query(std::string(64, 'x') + ".com", RecordType::A);
    auto wire = EncodeMessage(m);
    ASSERT_FALSE(wire.Ok());
    EXPECT_TRUE(Contains(wire.Message(), "question 1"));
}

TEST(Codec, RejectsBadLengthsAndOverruns) {
    Message m = Query("a.example", RecordType::A);
    m.answers.push_back(ResourceRecord::MakeA("a.example", 1, Ip("192.0.2.1")));
    Bytes good = Encode(m);
    // RDLENGTH is the 2 bytes before the last 4.
    Bytes five = good;
    five[five.size() - 5] = 5;
    five.push_back(0);
    EXPECT_TRUE(Contains(DecodeError(five), "must be 4"));
    Bytes overrun = good;
    overrun[overrun.size() - 5] = 40;
    EXPECT_TRUE(Contains(DecodeError(overrun), "overruns"));
    Bytes trailing = good;
    trailing.push_back(0);
    EXPECT_TRUE(Contains(DecodeError(trailing), "after the last record"));
    Bytes more_records = good;
    more_records[7] = 2;
    EXPECT_TRUE(Contains(DecodeError(more_records), "answer record 2 of 2"));

    // A CNAME whose name runs past its RDLENGTH.
    Message c = Query("a.example", RecordType::CNAME);
    c.answers.push_back(ResourceRecord::MakeCname("a.example", 1, "longer.target.example"));
    Bytes cname = Encode(c, EncodeOptions{false});
    const std::size_t rdlength_at = cname.size() - 23 - 2;
    ASSERT_EQ(cname[rdlength_at + 1], 23);
    cname[rdlength_at + 1] = 10;
    cname.resize(cname.size() - 13);
    EXPECT_TRUE(Contains(DecodeError(cname), "RDATA")) << DecodeError(cname);
    // An SRV whose RDATA holds an extra byte after the target.
    Message s = Query("_x._udp.example", RecordType::SRV);
    s.answers.push_back(ResourceRecord::MakeSrv("_x._udp.example", 1, 0, 0, 1, "t.example"));
    Bytes srv = Encode(s);
    srv[srv.size() - 6 - 11 - 1] += 1;
    srv.push_back(0);
    EXPECT_TRUE(Contains(DecodeError(srv), "RDLENGTH"));
}

TEST(Codec, RejectsEveryTruncation) {
    const Bytes wire = Encode(RichResponse());
    ASSERT_GT(wire.size(), 150u);
    for (std::size_t n = 0; n < wire.size(); ++n) {
        Bytes cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
        auto m = DecodeMessage(cut);
        ASSERT_FALSE(m.Ok()) << "a " << n << "-byte prefix decoded";
        if (n < kHeaderSize) {
            EXPECT_TRUE(Contains(m.Message(), "12-byte header")) << m.Message();
        }
        EXPECT_FALSE(m.Message().empty());
    }
    EXPECT_TRUE(DecodeMessage(wire).Ok());
}

TEST(Codec, EncoderRejectsRdataOfTheWrongShape) {
    Message m = Query("a.example", RecordType::A);
    m.answers.push_back(ResourceRecord::MakeA("a.example", 1, Ip("2001:db8::1")));
    auto wire = EncodeMessage(m);
    ASSERT_FALSE(wire.Ok());
    EXPECT_TRUE(Contains(wire.Message(), "answer 1 (A)"));
    m.answers[0] = ResourceRecord{"a.example", RecordType::TXT, kClassIn, 1, NameRdata{"x"}};
    EXPECT_FALSE(EncodeMessage(m).Ok());
}

TEST(Codec, ToTextReadsLikeDig) {
    Message m = Query("www.example.com", RecordType::A);
    m.header.qr = true;
    m.header.aa = true;
    m.answers.push_back(ResourceRecord::MakeA("www.example.com", 300, Ip("192.0.2.1")));
    const std::string text = Decode(Encode(m)).ToText();
    EXPECT_TRUE(Contains(text, "status: NOERROR, id: 4660")) << text;
    EXPECT_TRUE(Contains(text, "flags: qr aa rd;")) << text;
    EXPECT_TRUE(Contains(text, "www.example.com.\t300\tIN\tA\t192.0.2.1")) << text;
}

TEST(Codec, ExtendedRcodeLivesInTheOptRecord) {
    Message m = Query("a.example", RecordType::A);
    m.header.qr = true;
    m.additionals.push_back(Edns{}.ToRecord());
    m.SetRcode(Rcode::BadVers);
    EXPECT_EQ(m.header.rcode, 0);
    Message back = Decode(Encode(m));
    EXPECT_EQ(back.FullRcode(), Rcode::BadVers);
    EXPECT_EQ(back.GetEdns()->extended_rcode, 1);
}
