// Issue 4, check 1: the guest's page request, decrypted with the run's key log, on each leg
// it crosses: the public side (guest -> Expressway-E's NAT address), the tunnel from
// Expressway-E to Expressway-C, and Expressway-C's own HTTPS to the CMS web bridge.
//
// Where each leg is captured in the reference topology: the guest's connection is on
// public.pcap (and, translated to 192.168.245.61, on dmz.pcap); Expressway-E's LAN1 sits on
// the internal LAN, so both the tunnel (LAN1 <-> Expressway-C) and the web bridge leg are on
// internal.pcap.
#include "join_run.h"

#include "support/tshark.h"

#include <gtest/gtest.h>

#include <fstream>

namespace cmslab::jointest {
namespace {

using testkit::TsharkFields;

class WebJoin : public JoinRun {};

struct HttpFrame {
    std::string src, dst, method, uri, host, code;
};

std::vector<HttpFrame> HttpFrames(const std::string& pcap, const std::string& key_log,
                                  const std::string& filter = "http") {
    std::vector<HttpFrame> out;
    for (const auto& line : TsharkFields(pcap, filter,
                                         {"ip.src", "ip.dst", "http.request.method",
                                          "http.request.uri", "http.host", "http.response.code"},
                                         Decrypting(key_log))) {
        const auto f = SplitFields(line);
        if (f.size() == 6)
            out.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
    }
    return out;
}

// The first GET / to the web bridge host and the first answer after it in the other
// direction; "" when missing.
std::string AnswerToPageGet(const std::vector<HttpFrame>& frames, const std::string& client,
                            const std::string& server) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        if (f.src != client || f.dst != server || f.method != "GET" || f.uri != "/" ||
            f.host != kWebBridgeHost)
            continue;
        for (std::size_t j = i + 1; j < frames.size(); ++j)
            if (frames[j].src == server && frames[j].dst == client && !frames[j].code.empty())
                return frames[j].code;
        return "no answer";
    }
    return "";
}

TEST_F(WebJoin, PublicSideShowsTheGuestsGetWithItsHostAndThe200) {
    const auto frames = HttpFrames(Pcap("public"), KeyLog());
    ASSERT_FALSE(frames.empty()) << "tshark decrypts no HTTP on public.pcap with sslkeys.log";
    EXPECT_EQ(AnswerToPageGet(frames, kGuestPc, kNatAddress), "200")
        << "expected GET / with Host: " << kWebBridgeHost << " from " << kGuestPc << " to "
        << kNatAddress << ":443, answered 200";
}

TEST_F(WebJoin, DmzShowsTheSameExchangeAfterTheStaticNat) {
    const auto frames = HttpFrames(Pcap("dmz"), KeyLog());
    EXPECT_EQ(AnswerToPageGet(frames, kGuestPc, "192.168.245.61"), "200");
}

TEST_F(WebJoin, TunnelFromExpresswayEToExpresswayCCarriesTheRequestAndThe200) {
    // The traversal link is TLS the key log opens; what runs inside (the lab's framing of
    // the product's SSH tunnel) has no Wireshark dissector, so tshark shows the decrypted
    // bytes as data: the HTTP request and answer are readable in them.
    // tshark hands only a connection's first decrypted records to its data dissector unless
    // told the port (decode-as tls.port); the ports are those Expressway-C connected to.
    auto extra = Decrypting(KeyLog());
    const std::string c_to_e =
        std::string("ip.src==") + kExpresswayC + " && ip.dst==" + kExpresswayELan1;
    for (const auto& port :
         TsharkFields(Pcap("internal"), c_to_e + " && tcp.flags.syn==1 && tcp.flags.ack==0",
                      {"tcp.dstport"}))
        extra.insert(extra.end(), {"-d", "tls.port==" + port + ",data"});
    const std::string filter = std::string("ip.addr==") + kExpresswayC +
                               " && ip.addr==" + kExpresswayELan1 + " && tls && data";
    std::string to_c, to_e;
    for (const auto& line :
         TsharkFields(Pcap("internal"), filter, {"ip.src", "data.data"}, extra)) {
        const auto f = SplitFields(line);
        ASSERT_EQ(f.size(), 2u) << line;
        for (const auto& hex : SplitList(f[1]))
            (f[0] == kExpresswayELan1 ? to_c : to_e) += HexText(hex);
    }
    ASSERT_FALSE(to_c.empty()) << "nothing decrypted between Expressway-E and Expressway-C";
    EXPECT_NE(to_c.find(std::string("GET / HTTP/1.1\r\nHost: ") + kWebBridgeHost + "\r\n"),
              std::string::npos)
        << "the guest's GET is not in the tunnel towards Expressway-C";
    EXPECT_NE(to_e.find("HTTP/1.1 200 OK\r\n"), std::string::npos)
        << "the web bridge's 200 is not in the tunnel back to Expressway-E";
}

TEST_F(WebJoin, ExpresswayCFetchesThePageFromTheWebBridgeOn443) {
    const auto frames = HttpFrames(Pcap("internal"), KeyLog(), "http && tcp.port==443");
    ASSERT_FALSE(frames.empty()) << "tshark decrypts no HTTP on internal.pcap port 443";
    EXPECT_EQ(AnswerToPageGet(frames, kExpresswayC, kCms), "200")
        << "expected Expressway-C's GET / (Host: " << kWebBridgeHost << ") to the web bridge "
        << kCms << ":443 answered 200";
}

TEST_F(WebJoin, WithoutTheKeyLogNoHttpIsVisible) {
    // The judge itself: what the tests above read is there only because of the key log.
    EXPECT_TRUE(TsharkFields(Pcap("public"), "http", {"frame.number"}).empty());
}

// The guest's screens in the order of the reference's screenshots (section 6, step 4): the
// Meeting page, Enter Call ID, the space's page asking the name, then the meeting with
// its participants.
TEST_F(WebJoin, GuestScreensFollowTheProductsPages) {
    std::ifstream in(Dir() + "/logs/guest-pc.log");
    std::vector<std::string> screens;
    for (std::string line; std::getline(in, line);) {
        const auto at = line.find(" browser: screen: ");
        if (at != std::string::npos)
            screens.push_back(line.substr(at + 18));
    }
    EXPECT_EQ(screens, (std::vector<std::string>{
                           "loading",
                           "join_page \"Meeting\" Join call, Sign in",
                           "enter_call_id \"Enter Call ID\" Call ID, Passcode (If required); "
                           "Continue \xC2\xBB",
                           "enter_name \"Proxy webRTC\" Your name; Join call; Or sign in and join",
                           "connecting \"Proxy webRTC\" Connecting",
                           "in_call \"Proxy webRTC\" Participants: Guest",
                       }));
}

} // namespace
} // namespace cmslab::jointest
