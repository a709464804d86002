// dig (BIND 9's client, from bind9-dnsutils) against the AuthoritativeServer on loopback:
// a real client's judgement of our answers, and a real client's queries for our decoder.
#include "dns/codec.h"
#include "loopback_dns_server.h"
#include "support/process.h"
#include "test_zones.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace cmslab;
using namespace cmslab::dns;
using namespace cmslab::dns::test;

namespace {

// dig's output with every run of blanks made one space, so lines compare as text.
std::string Squeeze(const std::string& s) {
    std::string out;
    for (char c : s) {
        const bool blank = c == ' ' || c == '\t';
        if (!blank)
            out.push_back(c);
        else if (out.empty() || out.back() != ' ')
            out.push_back(' ');
    }
    return out;
}

class DigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(testkit::ProgramExists("dig"))
            << "dig is not installed: install bind9-dnsutils (tools/setup does)";
        ASSERT_TRUE(m_loop.Ok()) << m_loop.Error();
    }

    // One dig run against the loopback server (`args` split at blanks); returns the
    // squeezed output, stderr included.
    std::string Dig(const std::string& args) {
        std::vector<std::string> argv{"dig",      "@127.0.0.1", "-p", std::to_string(m_loop.Port()),
                                      "+tries=1", "+time=2"};
        std::istringstream words(args);
        for (std::string w; words >> w;)
            argv.push_back(w);
        const auto r = testkit::RunProcess(argv, std::chrono::seconds(15),
                                           testkit::BackgroundProcess::Output::Merged);
        EXPECT_FALSE(r.timed_out) << "dig " << args << " ran past its deadline";
        EXPECT_EQ(r.exit_code, 0) << "dig " << args << " exited with " << r.exit_code << ":\n"
                                  << r.out << r.err;
        return Squeeze(r.out);
    }

    AuthoritativeServer m_server = TestServer();
    LoopbackDnsServer m_loop{m_server};
};

bool Has(const std::string& out, const std::string& part) {
    return out.find(part) != std::string::npos;
}

} // namespace

TEST_F(DigTest, AnswersAnAddressAuthoritatively) {
    const std::string out = Dig("www.example.com A");
    EXPECT_TRUE(Has(out, "status: NOERROR")) << out;
    EXPECT_TRUE(Has(out, "flags: qr aa rd;")) << out;
    EXPECT_TRUE(Has(out, "ANSWER: 1, AUTHORITY: 0")) << out;
    EXPECT_TRUE(Has(out, "\nwww.example.com. 300 IN A 192.0.2.1\n")) << out;
    EXPECT_TRUE(Has(out, "WARNING: recursion requested but not available")) << out;
    EXPECT_FALSE(Has(out, "malformed")) << out;
    EXPECT_FALSE(Has(out, "Warning")) << out;
    // The query travelled over UDP, with dig's EDNS record, answered with ours.
    EXPECT_TRUE(Has(out, "EDNS: version: 0, flags:; udp: 1232")) << out;

    const std::string upper = Dig("WWW.EXAMPLE.COM AAAA");
    EXPECT_TRUE(Has(upper, "flags: qr aa rd;")) << upper;
    EXPECT_TRUE(Has(upper, "\nWWW.EXAMPLE.COM. 300 IN AAAA 2001:db8::1\n")) << upper;
}

TEST_F(DigTest, SrvWithTheTargetInTheAdditionalSection) {
    const std::string out = Dig("_xmpp-client._tcp.example.com SRV");
    EXPECT_TRUE(Has(out, "status: NOERROR")) << out;
    EXPECT_TRUE(Has(out, " aa ")) << out;
    EXPECT_TRUE(
        Has(out, "\n_xmpp-client._tcp.example.com. 300 IN SRV 10 10 5222 xmpp.example.com.\n"))
        << out;
    EXPECT_TRUE(Has(out, ";; ADDITIONAL SECTION:")) << out;
    EXPECT_TRUE(Has(out, "\nxmpp.example.com. 300 IN A 192.0.2.5\n")) << out;
}

TEST_F(DigTest, CnameChain) {
    const std::string out = Dig("web.example.com A");
    EXPECT_TRUE(Has(out, "status: NOERROR")) << out;
    EXPECT_TRUE(Has(out, "ANSWER: 3,")) << out;
    EXPECT_TRUE(Has(out, "\nweb.example.com. 300 IN CNAME alias.example.com.\n"
                         "alias.example.com. 300 IN CNAME WWW.example.com.\n"
                         "WWW.example.com. 300 IN A 192.0.2.1\n"))
        << out;
}

TEST_F(DigTest, NxDomainWithSoaAndRefusedOutside) {
    const std::string nx = Dig("nobody.example.com A");
    EXPECT_TRUE(Has(nx, "status: NXDOMAIN")) << nx;
    EXPECT_TRUE(Has(nx, "flags: qr aa rd;")) << nx;
    EXPECT_TRUE(Has(nx, "ANSWER: 0, AUTHORITY: 1")) << nx;
    EXPECT_TRUE(Has(
        nx, "\nexample.com. 60 IN SOA example.com. hostmaster.example.com. 1 3600 600 86400 60\n"))
        << nx;

    const std::string nodata = Dig("xmpp.example.com AAAA");
    EXPECT_TRUE(Has(nodata, "status: NOERROR")) << nodata;
    EXPECT_TRUE(Has(nodata, "ANSWER: 0, AUTHORITY: 1")) << nodata;

    const std::string refused = Dig("www.example.org A");
    EXPECT_TRUE(Has(refused, "status: REFUSED")) << refused;
    EXPECT_FALSE(Has(refused, " aa")) << refused;
    EXPECT_TRUE(Has(refused, "ANSWER: 0")) << refused;
}

TEST_F(DigTest, NotImpForAnotherOpcode) {
    const std::string out = Dig("+opcode=status www.example.com A");
    EXPECT_TRUE(Has(out, "opcode: STATUS, status: NOTIMP")) << out;
}

TEST_F(DigTest, TcpAndTheFallbackFromATruncatedUdpAnswer) {
    const std::string tcp = Dig("+tcp many.example.com A");
    EXPECT_TRUE(Has(tcp, "status: NOERROR")) << tcp;
    EXPECT_TRUE(Has(tcp, "ANSWER: 40,")) << tcp;
    EXPECT_TRUE(Has(tcp, "\nmany.example.com. 300 IN A 198.51.100.40\n")) << tcp;
    EXPECT_TRUE(Has(tcp, "(TCP)")) << tcp;

    // Without EDNS the UDP answer is cut at 512 bytes; dig sees TC and asks again over TCP.
    const std::string fallback = Dig("+noedns many.example.com A");
    EXPECT_TRUE(Has(fallback, "Truncated, retrying in TCP mode")) << fallback;
    EXPECT_TRUE(Has(fallback, "ANSWER: 40,")) << fallback;
    const auto queries = m_loop.Queries();
    ASSERT_GE(queries.size(), 3u);
    EXPECT_EQ(queries[queries.size() - 2].transport, Transport::Udp);
    EXPECT_EQ(queries.back().transport, Transport::Tcp);

    // With +ignore dig shows the truncated answer itself.
    const std::string cut = Dig("+noedns +ignore many.example.com A");
    EXPECT_TRUE(Has(cut, "flags: qr aa tc rd;")) << cut;
    EXPECT_TRUE(Has(cut, "ANSWER: 0,")) << cut;
}

TEST_F(DigTest, DigsQueriesDecodeWithTheirOptRecord) {
    Dig("www.example.com A");
    Dig("+tcp _xmpp-client._tcp.example.com SRV");
    const auto queries = m_loop.Queries();
    ASSERT_EQ(queries.size(), 2u);
    for (const auto& q : queries) {
        auto m = DecodeMessage(q.bytes);
        ASSERT_TRUE(m.Ok()) << m.Message() << "\n" << ToHex(q.bytes);
        EXPECT_FALSE(m->header.qr);
        EXPECT_TRUE(m->header.rd);
        EXPECT_TRUE(m->header.ad) << "dig 9.18 sets AD in queries";
        ASSERT_EQ(m->questions.size(), 1u);
        ASSERT_EQ(m->additionals.size(), 1u);
        const ResourceRecord& opt = m->additionals[0];
        EXPECT_EQ(opt.type, RecordType::OPT);
        EXPECT_EQ(opt.name, ".");
        ASSERT_NE(opt.Raw(), nullptr) << "OPT is kept as raw RDATA";
        auto edns = m->GetEdns();
        ASSERT_TRUE(edns.has_value());
        EXPECT_EQ(edns->version, 0);
        EXPECT_EQ(edns->udp_payload_size, 1232);
        // dig sends a client COOKIE (option 10, 8 bytes) by default.
        ASSERT_GE(edns->options.size(), 12u);
        EXPECT_EQ(edns->options[0], 0);
        EXPECT_EQ(edns->options[1], 10);
        // Our codec writes dig's query back byte for byte.
        EXPECT_EQ(ToHex(*EncodeMessage(*m)), ToHex(q.bytes));
    }
    EXPECT_EQ(queries[0].transport, Transport::Udp);
    EXPECT_EQ(DecodeMessage(queries[0].bytes)->questions[0].name, "www.example.com");
    EXPECT_EQ(queries[1].transport, Transport::Tcp);
    EXPECT_EQ(DecodeMessage(queries[1].bytes)->questions[0].type, RecordType::SRV);
}
