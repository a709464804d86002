// tshark as the judge of the key log: a capture of our handshake bytes, written here,
// decrypts into HTTP only with the key log our endpoints produced.
#include <gtest/gtest.h>

#include "pcap_writer.h"
#include "subprocess.h"
#include "tls_test_support.h"

using namespace cmslab;
using namespace cmslab::tls;
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
    PcapWriter pcap(IpAddress::V4(198, 51, 100, 20), 51234, IpAddress::V4(203, 0, 113, 61), 443,
                    1495274400);
    pcap.Connect();
    for (const auto& c : v.crossings)
        if (!c.bytes.empty())
            pcap.Send(c.from_client, c.bytes);
    pcap.Close();
    const std::string path = dir.File("guest.pcap");
    EXPECT_TRUE(pcap.WriteTo(path));
    return path;
}

CommandResult Tshark(const TempDir& dir, std::vector<std::string> args) {
    // tshark wants a writable profile folder; the temp folder serves as its home.
    std::vector<std::string> argv = {"env", "HOME=" + dir.Path(), "tshark"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, 60s);
}

// Only the lines of tshark's standard output that carry fields (it warns on stderr when
// run as root; both streams arrive together here).
std::vector<std::string> FieldLines(const std::string& output) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string::npos)
            end = output.size();
        const std::string line = output.substr(start, end - start);
        if (line.find('\t') != std::string::npos)
            out.push_back(line);
        start = end + 1;
    }
    return out;
}

class TsharkTest : public ::testing::TestWithParam<ProtocolVersion> {
  protected:
    void SetUp() override {
        ASSERT_FALSE(FindProgram("tshark").empty())
            << "tshark is not installed (tools/setup installs it)";
        ASSERT_FALSE(FindProgram("editcap").empty()) << "editcap is not installed";
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
    const std::vector<std::string> fields = {"-T", "fields",           "-e", "http.request.method",
                                             "-e", "http.request.uri", "-e", "http.response.code"};

    std::vector<std::string> args = {"-r", pcap, "-o", "tls.keylog_file:" + keys, "-Y", "http"};
    args.insert(args.end(), fields.begin(), fields.end());
    auto r = Tshark(dir, args);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(FieldLines(r.output), (std::vector<std::string>{"GET\t/meeting/100\t", "\t\t400"}))
        << r.output;

    // Without the keys there is no HTTP to see.
    args = {"-r", pcap, "-Y", "http"};
    args.insert(args.end(), fields.begin(), fields.end());
    r = Tshark(dir, args);
    EXPECT_TRUE(FieldLines(r.output).empty()) << r.output;

    // The same with the secrets inside the capture (pcapng), as the lab can ship them.
    const std::string pcapng = dir.File("guest.pcapng");
    auto e = RunCommand({"editcap", "--inject-secrets", "tls," + keys, pcap, pcapng}, 30s);
    ASSERT_EQ(e.exit_code, 0) << e.output;
    args = {"-r", pcapng, "-Y", "http"};
    args.insert(args.end(), fields.begin(), fields.end());
    r = Tshark(dir, args);
    EXPECT_EQ(FieldLines(r.output), (std::vector<std::string>{"GET\t/meeting/100\t", "\t\t400"}))
        << r.output;
}

TEST_P(TsharkTest, CaptureHasValidChecksumsAndNoExpertWarnings) {
    const Visit v = GuestVisit(pki, GetParam(), pki.cms);
    const std::string pcap = WriteCapture(dir, v);
    const std::string keys = dir.Write("sslkeys.log", v.key_log);
    auto r =
        Tshark(dir, {"-r", pcap, "-o", "tls.keylog_file:" + keys, "-o", "ip.check_checksum:TRUE",
                     "-o", "tcp.check_checksum:TRUE", "-Y", "_ws.expert.severity >= warning", "-T",
                     "fields", "-e", "frame.number", "-e", "_ws.expert.message"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_TRUE(FieldLines(r.output).empty()) << r.output;
    // And tshark saw the whole conversation as TLS on 443.
    r = Tshark(dir, {"-r", pcap, "-Y", "tls.handshake.type == 1", "-T", "fields", "-e",
                     "tls.handshake.extensions_server_name", "-e", "tcp.dstport"});
    EXPECT_EQ(FieldLines(r.output), (std::vector<std::string>{"cmsweb.example.com\t443"}))
        << r.output;
}

TEST_P(TsharkTest, TheBrowsersAlertShowsInTheCapture) {
    // The Expressway-E certificate without the web bridge name: the guest's browser
    // aborts with bad_certificate, and the capture says so.
    const Visit v = GuestVisit(pki, GetParam(), pki.expressway);
    const std::string pcap = WriteCapture(dir, v);
    auto r = Tshark(dir, {"-r", pcap, "-Y", "tls.alert_message", "-T", "fields", "-e", "ip.src",
                          "-e", "tls.alert_message.level", "-e", "tls.alert_message.desc"});
    EXPECT_EQ(FieldLines(r.output), (std::vector<std::string>{"198.51.100.20\t2\t42"})) << r.output;
}
