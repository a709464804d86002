// tshark judges our RTP and RTCP encoders: a UDP capture decoded as RTP (-d
// udp.port==N,rtp) shows our sequence numbers, payload types and SSRCs, with no expert
// finding at warning level or above.
#include "rtp/rtcp.h"
#include "rtp/rtp_packet.h"
#include "support/pcap_writer.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::rtp;
using namespace cmslab::testkit;

TEST(RtpTshark, StreamDecodesAsRtpWithoutWarnings) {
    TempDir dir;
    ASSERT_FALSE(dir.Path().empty());
    PcapWriter pcap;
    const std::uint32_t a = 0xC0000201, b = 0xC0000202;
    std::vector<std::string> expected;
    for (int i = 0; i < 5; ++i) {
        RtpPacket p;
        p.payload_type = i < 3 ? 111 : 96;
        p.marker = i == 3;
        p.sequence = static_cast<std::uint16_t>(65534 + i); // wraps
        p.timestamp = 960u * static_cast<std::uint32_t>(i);
        p.ssrc = i < 3 ? 0x1234abcd : 0x0badf00d;
        if (i == 1)
            p.csrcs = {0x01020304};
        if (i == 2)
            p.extension = HeaderExtension{0xBEDE, {0x10, 0x55, 0, 0}};
        if (i == 4)
            p.padding = 4;
        p.payload = Bytes(60 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(i));
        const auto enc = EncodeRtp(p);
        ASSERT_TRUE(enc) << enc.Message();
        pcap.Add(Ipv4Udp(a, 40000, b, 24000, *enc));
        char line[64];
        std::snprintf(line, sizeof line, "%u|%u|0x%08x|%d", p.sequence, p.payload_type, p.ssrc,
                      p.marker ? 1 : 0);
        expected.emplace_back(line);
    }
    SenderReport sr;
    sr.ssrc = 0x1234abcd;
    sr.ntp_timestamp = 0xe0b5a5e100000000ULL;
    sr.packet_count = 3;
    sr.reports.push_back({0x0badf00d, 0, 0, 65536, 0, 0, 0});
    pcap.Add(Ipv4Udp(a, 40001, b, 24001, *EncodeSenderReport(sr)));
    const auto file = dir.File("rtp.pcap");
    ASSERT_TRUE(pcap.WriteFile(file));

    const std::vector<std::string> decode{"-d", "udp.port==24000,rtp", "-d",
                                          "udp.port==24001,rtcp"};
    EXPECT_EQ(
        TsharkFields(file, "rtp", {"rtp.seq", "rtp.p_type", "rtp.ssrc", "rtp.marker"}, decode),
        expected);
    EXPECT_EQ(TsharkFields(file, "rtcp", {"rtcp.pt", "rtcp.senderssrc", "rtcp.sender.packetcount"},
                           decode),
              (std::vector<std::string>{"200|0x1234abcd|3"}));
    EXPECT_EQ(TsharkWarnings(file, decode), "");
}
