// tshark as the judge of the key log: a capture of our handshake bytes, written here,
// decrypts into HTTP only with the key log our endpoints produced.
#include <gtest/gtest.h>

#include "support/pcap_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"
#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
using namespace cmslab::testkit;
using namespace cmslab::testutil;
using namespace std::chrono_literals;

namespace {

struct Visit {
    std::vector<Crossing> crossings;
    std::string key_log;
};

// A guest fetching the meeting page from the web bridge; `served` is its certificate.
Visit GuestVisit(const TestPki& pki, ProtocolVersion version, const pki::Identity& served) {
    Visit v;
    ContextConfig c;
    c.role = Role::Client;
    c.max_version = version;
    c.trust_anchors = {pki.ca->Cert()};
    c.alpn = {"http/1.1"};
    c.key_log = [&v](const std::string& line) { v.key_log += line + "\n"; };
    ContextConfig s;
    s.role = Role::Server;
    s.identities = {served};
    s.alpn = {"http/1.1"};
    EndpointOptions o;
    o.server_name = "cmsweb.example.com";
    o.verify_time = pki.now;
    TlsEndpoint client(MakeContext(c, 1), o, Rng(1));
    TlsEndpoint server(MakeContext(s, 2), EndpointOptions{}, Rng(2));
    (void)client.Write(std::string_view("GET /meeting/100 HTTP/1.1\r\nHost: cmsweb.example.com\r\n"
                                        "User-Agent: lab\r\n\r\n"));
    auto r = Pump(client, server);
    v.crossings = r.crossings;
    if (server.Established()) {
        (void)server.Write(
            std::string_view("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"));
        v.crossings.push_back({false, server.TakeOutput()});
        client.Feed(v.crossings.back().bytes);
        client.Close();
        v.crossings.push_back({true, client.TakeOutput()});
    }
    return v;
}

std::string WriteCapture(const TempDir& dir, const Visit& v) {
    PcapWriter pcap(1495274400);
    TcpFlow flow(pcap, IpAddress::V4(198, 51, 100, 20).V4Value(), 51234,
                 IpAddress::V4(203, 0, 113, 61).V4Value(), 443);
    flow.Handshake();
    for (const auto& c : v.crossings)
        if (!c.bytes.empty())
            flow.Send(c.from_client, c.bytes);
    flow.Close();
    const std::string path = dir.File("guest.pcap");
    EXPECT_TRUE(pcap.WriteFile(path));
    return path;
}

const std::vector<std::string> kHttpFields = {"http.request.method", "http.request.uri",
                                              "http.response.code"};
const std::vector<std::string> kGuestHttp = {"GET|/meeting/100|", "||400"};

class TsharkTest : public ::testing::TestWithParam<ProtocolVersion> {
  protected:
    void SetUp() override {
        ASSERT_TRUE(ProgramExists("tshark")) << "tshark is not installed (tools/setup installs it)";
        ASSERT_TRUE(ProgramExists("editcap")) << "editcap is not installed";
    }
    TestPki pki{31};
    TempDir dir{"cmslab-tshark"};
};

} // namespace

INSTANTIATE_TEST_SUITE_P(Versions, TsharkTest,
                         ::testing::Values(ProtocolVersion::Tls12, ProtocolVersion::Tls13),
                         [](const auto& info) {
                             return info.param == ProtocolVersion::Tls12 ? "Tls12" : "Tls13";
                         });

TEST_P(TsharkTest, KeyLogLetsTsharkDecryptTheHttpInside) {
    const Visit v = GuestVisit(pki, GetParam(), pki.cms);
    const std::string pcap = WriteCapture(dir, v);
    const std::string keys = dir.Write("sslkeys.log", v.key_log);
    EXPECT_EQ(TsharkFields(pcap, "http", kHttpFields, {"-o", "tls.keylog_file:" + keys}),
              kGuestHttp);

    // Without the keys there is no HTTP to see.
    EXPECT_TRUE(TsharkFields(pcap, "http", kHttpFields).empty());

    // The same with the secrets inside the capture (pcapng), as the lab can ship them.
    const std::string pcapng = dir.File("guest.pcapng");
    auto e = RunProcess({"editcap", "--inject-secrets", "tls," + keys, pcap, pcapng},
                        std::chrono::seconds(30));
    ASSERT_EQ(e.exit_code, 0) << e.out << e.err;
    EXPECT_EQ(TsharkFields(pcapng, "http", kHttpFields), kGuestHttp);
}

TEST_P(TsharkTest, CaptureHasValidChecksumsAndNoExpertWarnings) {
    const Visit v = GuestVisit(pki, GetParam(), pki.cms);
    const std::string pcap = WriteCapture(dir, v);
    const std::string keys = dir.Write("sslkeys.log", v.key_log);
    const std::vector<std::string> with_keys = {"-o", "tls.keylog_file:" + keys};
    EXPECT_TRUE(TsharkFields(pcap, "_ws.expert.severity >= warning",
                             {"frame.number", "_ws.expert.message"}, with_keys)
                    .empty())
        << TsharkWarnings(pcap, with_keys);
    // And tshark saw the whole conversation as TLS on 443.
    EXPECT_EQ(TsharkFields(pcap, "tls.handshake.type == 1",
                           {"tls.handshake.extensions_server_name", "tcp.dstport"}),
              (std::vector<std::string>{"cmsweb.example.com|443"}));
}

TEST_P(TsharkTest, TheBrowsersAlertShowsInTheCapture) {
    // The Expressway-E certificate without the web bridge name: the guest's browser
    // aborts with bad_certificate, and the capture says so.
    const Visit v = GuestVisit(pki, GetParam(), pki.expressway);
    const std::string pcap = WriteCapture(dir, v);
    EXPECT_EQ(TsharkFields(pcap, "tls.alert_message",
                           {"ip.src", "tls.alert_message.level", "tls.alert_message.desc"}),
              (std::vector<std::string>{"198.51.100.20|2|42"}));
}
