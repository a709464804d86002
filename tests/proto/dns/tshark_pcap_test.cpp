// tshark as the judge of our encoder: queries from the stub resolver and answers from the
// authoritative server, written to a pcap, must dissect as the DNS we meant, with no
// warnings and with good checksums.
#include "dns/stub_resolver.h"
#include "support/pcap_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"
#include "test_zones.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;
using namespace cmslab::dns::test;
using namespace cmslab::testkit;

TEST(Tshark, DissectsOurQueriesAndAnswersWithoutWarnings) {
    ASSERT_TRUE(ProgramExists("tshark")) << "tshark is not installed (tools/setup installs it)";
    TempDir dir("cmslab-dns");
    ASSERT_FALSE(dir.Path().empty());
    const std::string pcap = dir.File("dns.pcap");

    auto server = TestServer();
    const Endpoint client{*IpAddress::Parse("10.0.0.2"), 40000};
    const Endpoint dns_server{*IpAddress::Parse("10.0.0.1"), 53};
    ResolverConfig config;
    config.servers = {dns_server};
    StubResolver resolver(config, Rng(2024).Fork("tshark"));
    {
        PcapWriter writer;
        const std::pair<const char*, RecordType> asks[] = {
            {"www.example.com", RecordType::A},
            {"web.example.com", RecordType::A},
            {"_xmpp-client._tcp.example.com", RecordType::SRV},
            {"nobody.example.com", RecordType::A},
            {"www.example.com", RecordType::AAAA},
        };
        std::uint32_t usec = 1000;
        for (const auto& [name, type] : asks) {
            auto started = resolver.Resolve(name, type, Instant(std::chrono::microseconds(usec)));
            const Bytes& query = started.output.transmits.at(0).payload;
            writer.Add(Ipv4Udp(client, dns_server, query));
            writer.Add(Ipv4Udp(dns_server, client, server.Handle(query)));
            usec += 10000;
        }
        ASSERT_TRUE(writer.WriteFile(pcap));
    }

    const auto fields =
        TsharkFields(pcap, "frame",
                     {"dns.flags.response", "dns.qry.name", "dns.a", "dns.cname", "dns.srv.port",
                      "dns.srv.target", "dns.flags.rcode", "dns.aaaa"});
    EXPECT_EQ(fields, (std::vector<std::string>{
                          "0|www.example.com||||||",
                          "1|www.example.com|192.0.2.1||||0|",
                          "0|web.example.com||||||",
                          "1|web.example.com|192.0.2.1|alias.example.com,WWW.example.com|||0|",
                          "0|_xmpp-client._tcp.example.com||||||",
                          "1|_xmpp-client._tcp.example.com|192.0.2.5||5222|xmpp.example.com|0|",
                          "0|nobody.example.com||||||",
                          "1|nobody.example.com|||||3|",
                          "0|www.example.com||||||",
                          "1|www.example.com|||||0|2001:db8::1",
                      }));
    EXPECT_EQ(TsharkWarnings(pcap), "");
    // Checksums were verified (1 = good), not skipped; and every response found its query.
    EXPECT_EQ(TsharkFields(pcap, "frame", {"ip.checksum.status", "udp.checksum.status"}),
              std::vector<std::string>(10, "1|1"));
    EXPECT_EQ(TsharkFields(pcap, "dns.response_to", {"dns.response_to"}),
              (std::vector<std::string>{"1", "3", "5", "7", "9"}));

    // The control: the same check does see a broken checksum and a broken DNS message.
    const std::string bad = dir.File("bad.pcap");
    {
        PcapWriter writer;
        const Bytes query = resolver.Resolve("www.example.com", RecordType::A, Instant(0))
                                .output.transmits.at(0)
                                .payload;
        Bytes packet = Ipv4Udp(client, dns_server, query);
        packet.at(20 + 6) ^= 0x01; // the UDP checksum, after a 20-byte IPv4 header
        packet.at(20 + 7) ^= 0x01;
        writer.Add(packet);
        Bytes cut = server.Handle(query);
        cut.resize(cut.size() - 3);
        writer.Add(Ipv4Udp(dns_server, client, cut));
        ASSERT_TRUE(writer.WriteFile(bad));
    }
    EXPECT_EQ(TsharkFields(bad, "_ws.expert.severity >= warning", {"frame.number"}),
              (std::vector<std::string>{"1", "2"}));
}
