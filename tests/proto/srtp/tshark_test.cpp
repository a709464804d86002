// tshark as an outside judge: SRTP keeps the RTP header readable, so a capture of our
// SRTP decoded as RTP must show the sequence numbers, SSRC and payload type we sent,
// with a payload that is not the clear one.
#include "rtp/rtp_packet.h"
#include "srtp/session.h"
#include "support/pcap_writer.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace cmslab;
using namespace cmslab::testkit;

TEST(SrtpTshark, SrtpDecodesAsRtpWithClearHeaderAndHiddenPayload) {
    TempDir dir("cmslab-srtp-tshark");
    ASSERT_FALSE(dir.Path().empty());
    const std::string pcap = dir.File("srtp.pcap");

    srtp::MasterKey master{Bytes(16, 0x2B), Bytes(14, 0x7E)};
    auto protector = std::move(*srtp::Protector::Create(master));
    const Endpoint from{*IpAddress::Parse("198.51.100.10"), 24010};
    const Endpoint to{*IpAddress::Parse("203.0.113.5"), 24020};
    std::vector<Bytes> clear_payloads;
    PcapWriter writer;
    for (std::uint16_t i = 0; i < 4; ++i) {
        rtp::RtpPacket p;
        p.payload_type = 111;
        p.marker = i == 0;
        p.sequence = static_cast<std::uint16_t>(65534 + i); // crosses the wrap
        p.timestamp = 48000u + 960u * i;
        p.ssrc = 0x5EC0DE01;
        p.payload = Bytes(80, static_cast<std::uint8_t>(0x41 + i));
        clear_payloads.push_back(p.payload);
        auto srtp = protector.ProtectRtp(*rtp::EncodeRtp(p));
        ASSERT_TRUE(srtp.Ok());
        writer.Add(Ipv4Udp(from, to, *srtp));
    }
    ASSERT_TRUE(writer.WriteFile(pcap));
    const std::vector<std::string> decode{"-d", "udp.port==24020,rtp"};
    const auto rows = TsharkFields(
        pcap, "rtp",
        {"rtp.version", "rtp.seq", "rtp.ssrc", "rtp.p_type", "rtp.marker", "rtp.payload"}, decode);
    ASSERT_EQ(rows.size(), 4u) << Tshark(pcap, decode);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto cols = SplitFields(rows[i]);
        ASSERT_EQ(cols.size(), 6u) << rows[i];
        EXPECT_EQ(cols[0], "2");
        EXPECT_EQ(cols[1], std::to_string((65534 + i) % 65536));
        EXPECT_EQ(cols[2], "0x5ec0de01");
        EXPECT_EQ(cols[3], "111");
        EXPECT_EQ(cols[4], i == 0 ? "1" : "0");
        // The payload field runs to the end (ciphertext and the 10-byte tag): 90 bytes,
        // and not the clear payload.
        std::string hex = cols[5];
        hex.erase(std::remove(hex.begin(), hex.end(), ':'), hex.end());
        EXPECT_EQ(hex.size(), 2u * 90);
        EXPECT_EQ(hex.find(ToHex(clear_payloads[i])), std::string::npos);
    }
    EXPECT_EQ(TsharkWarnings(pcap, decode), "");
}
