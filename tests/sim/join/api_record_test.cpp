// Issue 4, check 5: "The run's record of GET /api/v1/turnServers/<id>/status shows
// reachable true, a round-trip time measured in the simulation, and mappedAddress
// 172.16.85.180." The run plays the administrator: HTTPS with Basic auth to the CMS web
// admin port from a host on the internal LAN, late in the run, written to api/session.log.
// The record is held to the capture (the same requests and answers, decrypted) and the
// round trip to the probe the capture shows.
#include "join_run.h"
#include "session_log.h"

#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>

namespace cmslab::jointest {
namespace {

using testkit::TsharkFields;

constexpr const char* kList = "/api/v1/turnServers";

using Block = SessionBlock;

std::pair<const Block*, const Block*> Exchange(const std::vector<Block>& blocks,
                                               const std::string& target) {
    return FindExchange(blocks, "GET", target);
}

std::string Element(const std::string& xml, const std::string& name) {
    return XmlElementText(xml, name);
}

class ApiRecord : public JoinRun {
  protected:
    void SetUp() override {
        JoinRun::SetUp();
        m_blocks = ReadSessionLog(Dir() + "/api/session.log");
        ASSERT_FALSE(m_blocks.empty()) << "api/session.log is missing or empty";
        auto [request, response] = Exchange(m_blocks, kList);
        ASSERT_NE(response, nullptr) << "no answered GET " << kList << " in api/session.log";
        static const std::regex id(R"re(<turnServer id="([0-9a-f-]+)")re");
        std::smatch m;
        ASSERT_TRUE(std::regex_search(response->text, m, id)) << response->text;
        m_id = m[1];
    }

    std::string Target(const std::string& suffix = "") const {
        return std::string(kList) + "/" + m_id + suffix;
    }

    std::vector<Block> m_blocks;
    std::string m_id;
};

TEST_F(ApiRecord, AdministratorReadsTheTurnServersWithBasicAuthAndGets200s) {
    for (const std::string& target : {std::string(kList), Target(), Target("/status")}) {
        auto [request, response] = Exchange(m_blocks, target);
        ASSERT_NE(request, nullptr) << "no GET " << target << " in api/session.log";
        EXPECT_NE(request->text.find("\r\nAuthorization: Basic "), std::string::npos)
            << request->text;
        ASSERT_NE(response, nullptr) << "GET " << target << " has no answer in api/session.log";
        EXPECT_EQ(response->text.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response->text;
    }
    const std::string list = Exchange(m_blocks, kList).second->text;
    EXPECT_EQ(Element(list, "serverAddress"), kExpresswayELan1);
    EXPECT_EQ(Element(list, "clientAddress"), kNatAddress);
    const std::string object = Exchange(m_blocks, Target()).second->text;
    EXPECT_EQ(Element(object, "username"), "turnuser");
    EXPECT_EQ(object.find("<password>"), std::string::npos) << "the API never returns the password";
}

TEST_F(ApiRecord, StatusShowsReachableMappedAddressAndARoundTrip) {
    const Block* status = Exchange(m_blocks, Target("/status")).second;
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(Element(status->text, "status"), "success");
    EXPECT_EQ(Element(status->text, "reachable"), "true");
    EXPECT_EQ(Element(status->text, "mappedAddress"), kCms);
    EXPECT_EQ(Element(status->text, "address"), kExpresswayELan1);
    EXPECT_EQ(Element(status->text, "portNumber"), "3478");
    const std::string rtt = Element(status->text, "roundTripTimeMs");
    ASSERT_TRUE(std::regex_match(rtt, std::regex(R"(\d+)"))) << rtt;
    EXPECT_GT(std::stoi(rtt), 0) << "the probe's round trip takes no time on the simulated links";
}

// Issue 11: the reference's administrator addresses the API by name
// (https://admin.cms.octavio.local:445) from a workstation and checks its certificate;
// the name is resolved by the inside DNS server and the TLS handshake names it (SNI).
TEST_F(ApiRecord, TheAdministratorUsesTheApisNameAndChecksItsCertificate) {
    std::string sessions;
    for (const auto& b : m_blocks)
        if (b.kind.rfind("session: ", 0) == 0)
            sessions += b.kind + "\n";
    EXPECT_NE(sessions.find("admin-pc opens https://admin.cms.octavio.local:445 as \"admin\", "
                            "checking the server certificate"),
              std::string::npos)
        << sessions;
    EXPECT_NE(sessions.find("admin.cms.octavio.local resolved to 172.16.85.180"), std::string::npos)
        << sessions;
    EXPECT_EQ(sessions.find("not verified"), std::string::npos) << sessions;
    EXPECT_EQ(sessions.find("certificate problem"), std::string::npos) << sessions;
    for (const auto& b : m_blocks) {
        if (b.kind.rfind("request ", 0) == 0) {
            EXPECT_NE(b.text.find("\r\nHost: admin.cms.octavio.local:445\r\n"), std::string::npos)
                << b.text;
        }
    }

    const std::string pcap = Pcap("internal");
    const auto dns =
        TsharkFields(pcap, "dns.flags.response==1 && dns.qry.name==admin.cms.octavio.local",
                     {"ip.dst", "dns.a"});
    ASSERT_FALSE(dns.empty()) << "no DNS answer for admin.cms.octavio.local on internal.pcap";
    EXPECT_EQ(dns.front(), std::string(kAdminPc) + "|" + kCms);
    const auto hello =
        TsharkFields(pcap, "tls.handshake.type==1 && tcp.dstport==445",
                     {"ip.src", "tls.handshake.extensions_server_name"}, Decrypting(KeyLog()));
    ASSERT_FALSE(hello.empty()) << "no ClientHello to port 445 on internal.pcap";
    for (const auto& row : hello)
        EXPECT_EQ(row, std::string(kAdminPc) + "|admin.cms.octavio.local");
}

// The product's answers begin with the XML declaration (the reference's screenshots show
// `<?xml version="1.0"?>` as line 1 of every answer).
TEST_F(ApiRecord, EveryAnswerBeginsWithTheXmlDeclaration) {
    int answers = 0;
    for (const auto& b : m_blocks) {
        if (b.kind.rfind("response ", 0) != 0)
            continue;
        ++answers;
        const auto body = b.text.find("\r\n\r\n");
        ASSERT_NE(body, std::string::npos) << b.text;
        EXPECT_EQ(b.text.compare(body + 4, 21, "<?xml version=\"1.0\"?>"), 0) << b.text;
    }
    EXPECT_EQ(answers, 3);
}

// The decrypted API traffic on internal.pcap: frame time, source, request URI, answer code,
// Basic credentials, body (hex).
std::vector<std::vector<std::string>> ApiFrames(const std::string& pcap, const std::string& keys) {
    std::vector<std::vector<std::string>> out;
    for (const auto& line :
         TsharkFields(pcap, std::string("http && tcp.port==445 && ip.addr==") + kCms,
                      {"frame.time_epoch", "ip.src", "http.request.uri", "http.response.code",
                       "http.authbasic", "http.file_data"},
                      Decrypting(keys)))
        out.push_back(SplitFields(line));
    return out;
}

TEST_F(ApiRecord, TheCaptureShowsTheSameRequestsAndAnswers) {
    const auto frames = ApiFrames(Pcap("internal"), KeyLog());
    std::vector<std::string> uris;
    std::string status_body_on_wire;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        ASSERT_EQ(f.size(), 6u);
        if (f[2].empty())
            continue;
        uris.push_back(f[2]);
        EXPECT_NE(f[1], kCms) << "the administrator's requests come from another host";
        EXPECT_EQ(f[4], "admin:Adm1nCms!") << "Basic credentials of the scenario's API user";
        if (f[2] == Target("/status") && i + 1 < frames.size()) {
            EXPECT_EQ(frames[i + 1][3], "200");
            status_body_on_wire = frames[i + 1][5];
        }
    }
    EXPECT_EQ(uris, (std::vector<std::string>{kList, Target(), Target("/status")}));
    const Block* recorded = Exchange(m_blocks, Target("/status")).second;
    ASSERT_NE(recorded, nullptr);
    ASSERT_FALSE(status_body_on_wire.empty()) << "no decrypted answer to GET .../status";
    // http.file_data is the body as text in this tshark version, hex in others.
    std::string body = status_body_on_wire;
    if (body.find('<') == std::string::npos)
        body = HexText(body);
    EXPECT_NE(recorded->text.find(body), std::string::npos)
        << "the record's answer is not what the capture shows:\n"
        << body;
}

// The internal segment's one-way link delay in ns as the run builds it: the scenario's
// delay_ms for the network, or the network builder's default of 50 us.
std::int64_t InternalLinkDelayNs() {
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    const auto scenario = nlohmann::json::parse(in, nullptr, false);
    if (!scenario.is_discarded())
        for (const auto& n : scenario.value("networks", nlohmann::json::array()))
            if (n.value("name", "") == "internal" && n.contains("delay_ms"))
                return std::llround(n["delay_ms"].get<double>() * 1e6);
    return 50000;
}

TEST_F(ApiRecord, RoundTripIsTheProbeExchangeSeenOnTheInternalSegment) {
    const std::string pcap = Pcap("internal");
    // When the administrator asked for the status.
    std::int64_t asked = 0;
    for (const auto& f : ApiFrames(pcap, KeyLog()))
        if (f.size() == 6 && f[2] == Target("/status"))
            asked = EpochNanos(f[0]);
    ASSERT_GT(asked, 0) << "GET .../status not found in internal.pcap";

    // The Call Bridge's probe: Binding requests from the CMS to the TURN server and the
    // answers. The round trip shown is the last one answered before the question.
    struct Frame {
        std::int64_t t;
        bool request;
        std::string id;
        std::int64_t len;
    };
    std::vector<Frame> probe;
    for (const auto& line : TsharkFields(
             pcap, std::string("stun.type==0x0001 || stun.type==0x0101"),
             {"frame.time_epoch", "ip.src", "ip.dst", "stun.type", "stun.id", "frame.len"})) {
        const auto f = SplitFields(line);
        ASSERT_EQ(f.size(), 6u) << line;
        const bool request = f[3] == "0x0001";
        if ((request && f[1] == kCms && f[2] == kExpresswayELan1) ||
            (!request && f[1] == kExpresswayELan1 && f[2] == kCms))
            probe.push_back({EpochNanos(f[0]), request, f[4], std::stoll(f[5])});
    }
    std::size_t answer = probe.size();
    for (std::size_t i = 0; i < probe.size(); ++i)
        if (!probe[i].request && probe[i].t < asked)
            answer = i;
    ASSERT_LT(answer, probe.size()) << "no probe answered before the API was asked";
    // Its first transmission: the earliest request of that transaction since the previous
    // answer (retransmissions repeat the request; the probe times from the first).
    std::size_t first = answer;
    for (std::size_t i = answer; i-- > 0;) {
        if (!probe[i].request)
            break;
        if (probe[i].id == probe[answer].id)
            first = i;
    }
    ASSERT_LT(first, answer) << "the answer's request is not in internal.pcap";

    // The capture is taken on the segment, not at the CMS: the request reaches the tap one
    // link delay after its transmission (plus its own transmission time at 1 Gbps), the
    // answer reaches the tap and the CMS at the same moment.
    const std::int64_t at_cms =
        probe[answer].t - probe[first].t + InternalLinkDelayNs() + probe[first].len * 8;
    const std::int64_t expected_ms = at_cms / 1000000; // the probe truncates to whole ms

    const Block* status = Exchange(m_blocks, Target("/status")).second;
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(Element(status->text, "roundTripTimeMs"), std::to_string(expected_ms))
        << "probe request at " << probe[first].t << " ns, answer at " << probe[answer].t
        << " ns (epoch) on internal.pcap; round trip at the CMS " << at_cms << " ns";
}

} // namespace
} // namespace cmslab::jointest
