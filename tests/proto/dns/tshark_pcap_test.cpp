// tshark as the judge of our encoder: queries from the stub resolver and answers from the
// authoritative server, written to a pcap, must dissect as the DNS we meant, with no
// warnings and with good checksums.
#include "dns/stub_resolver.h"
#include "loopback_dns_server.h"
#include "pcap_writer.h"
#include "test_zones.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <unistd.h>

using namespace cmslab;
using namespace cmslab::dns;
using namespace cmslab::dns::testing;

namespace {

class TempDir {
  public:
    TempDir() {
        char tmpl[] = "/tmp/cmslab-dns-XXXXXX";
        m_path = mkdtemp(tmpl) ? tmpl : "";
    }
    ~TempDir() {
        if (!m_path.empty()) {
            int status = 0;
            RunCommand("rm -rf '" + m_path + "'", 10, status);
        }
    }
    const std::string& Path() const { return m_path; }

  private:
    std::string m_path;
};

std::string Tshark(const std::string& pcap, const std::string& args) {
    int status = 0;
    // tshark complains about running as root on stderr; keep stdout only.
    const std::string out = RunCommand(
        "sh -c \"tshark -r '" + pcap + "' -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE " +
            args + " 2>/dev/null\"",
        30, status);
    EXPECT_EQ(status, 0) << "tshark " << args << ":\n" << out;
    return out;
}

} // namespace

TEST(Tshark, DissectsOurQueriesAndAnswersWithoutWarnings) {
    ASSERT_TRUE(HaveProgram("tshark")) << "tshark is not installed (tools/setup installs it)";
    TempDir dir;
    ASSERT_FALSE(dir.Path().empty());
    const std::string pcap = dir.Path() + "/dns.pcap";

    auto server = TestServer();
    const Endpoint client{*IpAddress::Parse("10.0.0.2"), 40000};
    const Endpoint dns_server{*IpAddress::Parse("10.0.0.1"), 53};
    ResolverConfig config;
    config.servers = {dns_server};
    StubResolver resolver(config, Rng(2024).Fork("tshark"));
    {
        PcapWriter writer(pcap);
        ASSERT_TRUE(writer.Ok());
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
            writer.Udp(usec, client, dns_server, query);
            writer.Udp(usec + 300, dns_server, client, server.Handle(query));
            usec += 10000;
        }
        ASSERT_TRUE(writer.Ok());
    }

    const std::string fields =
        Tshark(pcap, "-T fields -e dns.flags.response -e dns.qry.name -e dns.a "
                     "-e dns.cname -e dns.srv.port -e dns.srv.target -e dns.flags.rcode "
                     "-e dns.aaaa");
    EXPECT_EQ(fields, "0\twww.example.com\t\t\t\t\t\t\n"
                      "1\twww.example.com\t192.0.2.1\t\t\t\t0\t\n"
                      "0\tweb.example.com\t\t\t\t\t\t\n"
                      "1\tweb.example.com\t192.0.2.1\talias.example.com,WWW.example.com\t\t\t0\t\n"
                      "0\t_xmpp-client._tcp.example.com\t\t\t\t\t\t\n"
                      "1\t_xmpp-client._tcp.example.com\t192.0.2.5\t\t5222\txmpp.example.com\t0\t\n"
                      "0\tnobody.example.com\t\t\t\t\t\t\n"
                      "1\tnobody.example.com\t\t\t\t\t3\t\n"
                      "0\twww.example.com\t\t\t\t\t\t\n"
                      "1\twww.example.com\t\t\t\t\t0\t2001:db8::1\n");
    EXPECT_EQ(Tshark(pcap, "-Y '_ws.expert.severity >= warning'"), "");
    // Checksums were verified (1 = good), not skipped; and every response found its query.
    std::string all_good;
    for (int i = 0; i < 10; ++i)
        all_good += "1\t1\n";
    EXPECT_EQ(Tshark(pcap, "-T fields -e ip.checksum.status -e udp.checksum.status"), all_good);
    EXPECT_EQ(Tshark(pcap, "-Y 'dns.response_to' -T fields -e dns.response_to"), "1\n3\n5\n7\n9\n");

    // The control: the same check does see a broken checksum and a broken DNS message.
    const std::string bad = dir.Path() + "/bad.pcap";
    {
        PcapWriter writer(bad);
        const Bytes query = resolver.Resolve("www.example.com", RecordType::A, Instant(0))
                                .output.transmits.at(0)
                                .payload;
        writer.Udp(1, client, dns_server, query, true);
        Bytes cut = server.Handle(query);
        cut.resize(cut.size() - 3);
        writer.Udp(2, dns_server, client, cut);
    }
    EXPECT_EQ(Tshark(bad, "-Y '_ws.expert.severity >= warning' -T fields -e frame.number"),
              "1\n2\n");
}
