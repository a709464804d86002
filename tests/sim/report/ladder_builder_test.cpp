// The ladder builder on crafted folders (tests/sim/diagnosis's FolderBuilder and the
// test pcap writer): what the reference run never shows. A SYN retransmitted through the
// NAT and never answered is three red arrows, each holding both address pairs; a TLS
// record split over two segments is read where it ends; a fatal alert is red; columns
// follow the guest outwards whatever the boxes are called.
#include "folder_builder.h"

#include "ladder/deployment_map.h"
#include "ladder/ladder.h"
#include "rtp/rtp_packet.h"
#include "stun/message.h"
#include "support/pcap_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace cmslab::report_tests {
namespace {

constexpr std::uint32_t kGuest = 0xC6336410;   // 198.51.100.16
constexpr std::uint32_t kOutside = 0xCB00713D; // 203.0.113.61, the NAT's outside address
constexpr std::uint32_t kInside = 0x0A00003D;  // 10.0.0.61

const char* const kDot = R"(graph G {
"node:zz-edge"[shape=octagon, label="zz-edge\n(nat_firewall)\nout 203.0.113.1\nin 10.0.0.1"];
"node:proxy"[shape=ellipse, label="proxy\n(expressway_e)\neth0 10.0.0.61"];
"node:laptop"[shape=ellipse, label="laptop\n(browser)\neth0 198.51.100.16"];
"node:zz-edge"--"net:street" [label="out 203.0.113.1"];
"node:zz-edge"--"net:inside" [label="in 10.0.0.1"];
"node:proxy"--"net:inside" [label="eth0 10.0.0.61"];
"node:laptop"--"net:street" [label="eth0 198.51.100.16"];
"node:zz-edge"--"node:proxy" [style=dashed, label="static NAT 203.0.113.61 <-> 10.0.0.61"];
}
)";

// What the static NAT does to a packet from the street: a new destination address, both
// checksums again, everything else (the IP identification too) kept.
Bytes Translate(Bytes ip, std::uint32_t dst) {
    for (int i = 0; i < 4; ++i)
        ip[16 + i] = static_cast<std::uint8_t>(dst >> (24 - 8 * i));
    ip[10] = ip[11] = 0;
    const std::uint16_t header = testkit::InternetChecksum(ByteView(ip.data(), 20));
    ip[10] = static_cast<std::uint8_t>(header >> 8);
    ip[11] = static_cast<std::uint8_t>(header);
    const std::size_t l4 = ip.size() - 20;
    ip[20 + 16] = ip[20 + 17] = 0; // the TCP checksum, over a pseudo header with the addresses
    std::uint32_t pseudo = 6 + static_cast<std::uint32_t>(l4);
    for (int i = 12; i < 20; i += 2)
        pseudo += std::uint32_t(ip[i]) << 8 | ip[i + 1];
    const std::uint16_t tcp = testkit::InternetChecksum(ByteView(ip.data() + 20, l4), pseudo);
    ip[20 + 16] = static_cast<std::uint8_t>(tcp >> 8);
    ip[20 + 17] = static_cast<std::uint8_t>(tcp);
    return ip;
}

std::string Folder(diagnosis::test::FolderBuilder& folder) {
    const std::string dir = folder.Write();
    std::ofstream(dir + "/topology.dot") << kDot;
    return dir;
}

TEST(DeploymentMap, ColumnsGoOutwardFromTheGuest) {
    auto map = ladder::DeploymentMap::Parse(kDot);
    ASSERT_TRUE(map) << map.Message();
    ASSERT_EQ(map->Boxes().size(), 3u);
    EXPECT_EQ(map->Boxes()[0].name, "laptop");
    EXPECT_EQ(map->Boxes()[1].name, "zz-edge");
    EXPECT_EQ(map->Boxes()[2].name, "proxy");
    const std::string* nat_box = map->BoxOf(*IpAddress::Parse("203.0.113.61"));
    ASSERT_NE(nat_box, nullptr);
    EXPECT_EQ(*nat_box, "zz-edge");
    EXPECT_FALSE(ladder::DeploymentMap::Parse("graph G {\n}\n"));
}

TEST(LadderBuilder, AnUnansweredRetransmittedSynThroughTheNatIsRed) {
    testkit::PcapWriter street(1495274400), inside(1495274400);
    for (int i = 0; i < 3; ++i) {
        const Bytes syn = testkit::Ipv4Tcp(kGuest, 49153, kOutside, 443, 77, 0, testkit::kSyn, {});
        street.Add(syn);
        inside.Add(Translate(syn, kInside));
    }
    diagnosis::test::FolderBuilder folder;
    folder.Summary()["start_time"] = "2017-05-20T10:00:00Z";
    folder.Pcap("street", street.File()).Pcap("inside", inside.File());
    auto built = ladder::BuildLadder(Folder(folder));
    ASSERT_TRUE(built) << built.Message();
    ASSERT_EQ(built->arrows.size(), 3u) << ladder::ToJson(*built).dump(2);
    for (const ladder::Arrow& a : built->arrows) {
        EXPECT_EQ(a.from, "laptop");
        EXPECT_EQ(a.to, "proxy");
        EXPECT_TRUE(a.error) << a.label;
        EXPECT_EQ(a.label, "TCP SYN (sent 3 times, never answered)");
        EXPECT_EQ(a.seen.size(), 2u);
        EXPECT_EQ(a.address_pairs,
                  (std::vector<std::string>{"198.51.100.16:49153 > 203.0.113.61:443",
                                            "198.51.100.16:49153 > 10.0.0.61:443"}));
    }
}

TEST(LadderBuilder, ATlsRecordSplitOverSegmentsAndAFatalAlert) {
    testkit::PcapWriter street(1495274400);
    testkit::TcpFlow flow(street, kGuest, 49160, kOutside, 443);
    flow.Handshake();
    // A Client Hello record of 2,000 bytes: two segments of 1,460 and 540.
    Bytes hello = {22, 3, 1, 0x07, 0xcb, 1, 0, 0x07, 0xc7};
    hello.resize(5 + 1995, 0);
    flow.ClientSends(hello);
    flow.ServerSends(Bytes{21, 3, 3, 0, 2, 2, 40}); // fatal handshake_failure
    diagnosis::test::FolderBuilder folder;
    folder.Summary()["start_time"] = "2017-05-20T10:00:00Z";
    folder.Pcap("street", street.File());
    auto built = ladder::BuildLadder(Folder(folder));
    ASSERT_TRUE(built) << built.Message();
    std::vector<std::string> labels;
    for (const ladder::Arrow& a : built->arrows)
        labels.push_back(a.label);
    EXPECT_EQ(labels, (std::vector<std::string>{"TCP SYN", "TCP SYN, ACK", "TLS Client Hello",
                                                "TLS Alert fatal handshake_failure (40)"}));
    ASSERT_EQ(built->arrows.size(), 4u);
    // Read where the record ends: the second data segment (after SYN, SYN-ACK, ACK, the
    // first segment and its ACK).
    EXPECT_EQ(built->arrows[2].seen.front().frame, 6u);
    EXPECT_FALSE(built->arrows[2].error);
    EXPECT_TRUE(built->arrows[3].error);
    EXPECT_EQ(built->arrows[3].from, "zz-edge"); // the NAT's address: seen only outside
    EXPECT_EQ(built->arrows[3].to, "laptop");
}

Bytes Rtp(std::uint32_t ssrc, std::uint16_t sequence) {
    rtp::RtpPacket p;
    p.ssrc = ssrc;
    p.sequence = sequence;
    p.payload = Bytes(160, 0xd5);
    return *rtp::EncodeRtp(p);
}

// The ladder reads a long call without keeping it: of each RTP stream the first packet
// and the last are drawn, the first counting the ones between; a stream of two keeps
// both, one of one keeps it. Interleaved streams fold apart.
TEST(LadderBuilder, EachRtpStreamIsItsFirstAndLastPacketWithTheCountBetween) {
    testkit::PcapWriter street(1495274400);
    const std::map<std::uint32_t, int> streams = {{1, 3000}, {2, 3000}, {3, 2}, {4, 1}};
    for (int i = 0; i < 3000; ++i)
        for (const auto& [ssrc, packets] : streams)
            if (i < packets)
                street.Add(testkit::Ipv4Udp(kGuest, 50000, kOutside, 40000,
                                            Rtp(ssrc, static_cast<std::uint16_t>(100 + i))));
    diagnosis::test::FolderBuilder folder;
    folder.Summary()["start_time"] = "2017-05-20T10:00:00Z";
    folder.Pcap("street", street.File());
    auto built = ladder::BuildLadder(Folder(folder));
    ASSERT_TRUE(built) << built.Message();
    std::vector<std::pair<std::string, std::size_t>> got;
    for (const ladder::Arrow& a : built->arrows)
        got.emplace_back(a.label, a.folded);
    const std::vector<std::pair<std::string, std::size_t>> want = {
        {"RTP PT=0 SSRC=0x00000001 Seq=100", 2998}, {"RTP PT=0 SSRC=0x00000002 Seq=100", 2998},
        {"RTP PT=0 SSRC=0x00000003 Seq=100", 0},    {"RTP PT=0 SSRC=0x00000004 Seq=100", 0},
        {"RTP PT=0 SSRC=0x00000003 Seq=101", 0},    {"RTP PT=0 SSRC=0x00000001 Seq=3099", 0},
        {"RTP PT=0 SSRC=0x00000002 Seq=3099", 0}};
    EXPECT_EQ(got, want);
    // Frame numbers as Wireshark counts them: the last packet of stream 2 is the file's last.
    EXPECT_EQ(built->arrows.back().seen.front().frame, 6003u);

    ladder::Options every;
    every.media = true;
    auto all = ladder::BuildLadder(Folder(folder), every);
    ASSERT_TRUE(all) << all.Message();
    EXPECT_EQ(all->arrows.size(), 6003u);
}

// Whether a request was answered is known only at the end of its capture: an answer that
// comes seconds later (far past the half second in which sightings of one packet are
// grouped) still answers it; a request sent twice and never answered is red.
TEST(LadderBuilder, ARequestAnsweredSecondsLaterIsAnsweredOneNeverAnsweredIsRed) {
    testkit::PcapWriter street(1495274400);
    stun::TransactionId late{}, never{};
    late[0] = 1;
    never[0] = 2;
    const stun::Message request(stun::Class::Request, stun::method::kBinding, late);
    const stun::Message answer(stun::Class::SuccessResponse, stun::method::kBinding, late);
    const stun::Message lost(stun::Class::Request, stun::method::kBinding, never);
    street.Add(testkit::Ipv4Udp(kGuest, 50000, kOutside, 3478, request.Encode()));
    street.Add(testkit::Ipv4Udp(kGuest, 50000, kOutside, 3478, lost.Encode()));
    street.Wait(3000000);
    street.Add(testkit::Ipv4Udp(kGuest, 50000, kOutside, 3478, lost.Encode()));
    street.Wait(3000000);
    street.Add(testkit::Ipv4Udp(kOutside, 3478, kGuest, 50000, answer.Encode()));
    diagnosis::test::FolderBuilder folder;
    folder.Summary()["start_time"] = "2017-05-20T10:00:00Z";
    folder.Pcap("street", street.File());
    auto built = ladder::BuildLadder(Folder(folder));
    ASSERT_TRUE(built) << built.Message();
    std::vector<std::pair<std::string, bool>> got;
    for (const ladder::Arrow& a : built->arrows)
        got.emplace_back(a.label, a.error);
    const std::vector<std::pair<std::string, bool>> want = {
        {"STUN Binding Request", false},
        {"STUN Binding Request (sent 2 times, never answered)", true},
        {"STUN Binding Request (sent 2 times, never answered)", true},
        {"STUN Binding Success Response", false}};
    EXPECT_EQ(got, want);
}

} // namespace
} // namespace cmslab::report_tests
