// What a segment's capture keeps (sim/network/capture_policy) and how it is written
// (capture_file): media frames cut after the RTP header with their real length recorded,
// everything else whole; judged by Wireshark (tshark: the cut frames dissect to the RTP
// sequence number, no expert warning, frame.len above frame.cap_len) and by the lab's
// own reader (snapped frames, RTP still found).
#include "capture_file.h"
#include "capture_policy.h"

#include "diagnosis/pcap_reader.h"
#include "diagnosis/rtp_scan.h"
#include "rtp/rtp_packet.h"
#include "stun/channel_data.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

namespace cmslab::network {
namespace {

using testkit::SplitFields;
using testkit::TsharkFields;

// An Ethernet frame (with a 4-byte FCS) carrying IPv4/UDP 192.0.2.1:4000 -> 192.0.2.2:5000
// (or `protocol` other than UDP), the IP header checksum right, UDP's checksum 0 (none).
Bytes Frame(const Bytes& payload, std::uint8_t protocol = 17, std::uint16_t fragment = 0) {
    Bytes f = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00};
    const std::size_t total = 20 + 8 + payload.size();
    Bytes ip = {0x45,
                0,
                std::uint8_t(total >> 8),
                std::uint8_t(total),
                0,
                1,
                std::uint8_t(fragment >> 8),
                std::uint8_t(fragment),
                64,
                protocol,
                0,
                0,
                192,
                0,
                2,
                1,
                192,
                0,
                2,
                2};
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < ip.size(); i += 2)
        sum += std::uint32_t(ip[i]) << 8 | ip[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = std::uint8_t(~sum >> 8);
    ip[11] = std::uint8_t(~sum);
    f.insert(f.end(), ip.begin(), ip.end());
    const std::size_t udp_length = 8 + payload.size();
    f.insert(f.end(), {0x0f, 0xa0, 0x13, 0x88, std::uint8_t(udp_length >> 8),
                       std::uint8_t(udp_length), 0, 0});
    f.insert(f.end(), payload.begin(), payload.end());
    if (f.size() < 60)
        f.resize(60, 0);
    f.insert(f.end(), {0xde, 0xad, 0xbe, 0xef});
    return f;
}

Bytes Rtp(std::uint16_t seq, std::size_t csrcs = 0) {
    rtp::RtpPacket p;
    p.sequence = seq;
    p.ssrc = 0x11223344;
    p.payload_type = 0;
    p.csrcs.assign(csrcs, 7);
    p.payload = Bytes(160, 0x55);
    return *rtp::EncodeRtp(p);
}

constexpr std::size_t kHeaders = 14 + 20 + 8;

TEST(CapturePolicy, MediaHeadersCutsRtpAfterItsHeaderAndKeepsTheRest) {
    const Bytes bare = Frame(Rtp(1));
    EXPECT_EQ(BytesToKeep(CaptureMode::MediaHeaders, ByteView(bare)), kHeaders + 12);
    EXPECT_EQ(BytesToKeep(CaptureMode::Full, ByteView(bare)), bare.size());
    EXPECT_EQ(BytesToKeep(CaptureMode::Off, ByteView(bare)), 0u);
    const Bytes with_csrcs = Frame(Rtp(1, 2));
    EXPECT_EQ(BytesToKeep(CaptureMode::MediaHeaders, ByteView(with_csrcs)), kHeaders + 12 + 8);
    const Bytes channel = Frame(stun::EncodeChannelData(0x4000, ByteView(Rtp(2)), false));
    EXPECT_EQ(BytesToKeep(CaptureMode::MediaHeaders, ByteView(channel)), kHeaders + 4 + 12);
    // RTCP (packet type 200), a ChannelData carrying DTLS, TCP and a later fragment: whole.
    Bytes rtcp = Rtp(3);
    rtcp[1] = 200;
    Bytes dtls(40, 0);
    dtls[0] = 22;
    for (const Bytes& whole :
         {Frame(rtcp), Frame(stun::EncodeChannelData(0x4000, ByteView(dtls), false)),
          Frame(Rtp(4), 6), Frame(Rtp(5), 17, 0x0010)})
        EXPECT_EQ(BytesToKeep(CaptureMode::MediaHeaders, ByteView(whole)), whole.size());
    // Too short to be read: whole, never past the frame.
    const Bytes stub = {0x02, 0x00};
    EXPECT_EQ(BytesToKeep(CaptureMode::MediaHeaders, ByteView(stub)), stub.size());
}

TEST(CaptureFile, CutFramesAreReadByWiresharkAndByTheLabsReader) {
    testkit::TempDir dir("capture-file");
    const std::string path = dir.File("media.pcap");
    {
        auto file = CaptureFile::Create(path);
        ASSERT_TRUE(file.Ok()) << file.Message();
        std::int64_t t = 1495274400LL * 1000000;
        for (std::uint16_t seq = 100; seq < 110; ++seq) {
            const Bytes frame = Frame(stun::EncodeChannelData(0x4001, ByteView(Rtp(seq)), false));
            (*file)->Write(t += 20000, ByteView(frame),
                           BytesToKeep(CaptureMode::MediaHeaders, ByteView(frame)));
        }
        ASSERT_FALSE((*file)->Failed());
    }
    // Wireshark: a ChannelData on port 5000 is not decoded as TURN unless asked.
    const std::vector<std::string> decode = {"-d", "udp.port==5000,stun", "-o",
                                             "rtp.heuristic_rtp:TRUE"};
    const auto rows = TsharkFields(path, "rtp", {"rtp.seq", "frame.len", "frame.cap_len"}, decode);
    ASSERT_EQ(rows.size(), 10u);
    const auto first = SplitFields(rows[0]);
    EXPECT_EQ(first[0], "100");
    EXPECT_EQ(
        first[1],
        std::to_string(Frame(stun::EncodeChannelData(0x4001, ByteView(Rtp(100)), false)).size()));
    EXPECT_EQ(first[2], std::to_string(kHeaders + 4 + 12));
    EXPECT_TRUE(testkit::TsharkWarnings(path, decode).empty());

    auto reader = diagnosis::PcapReader::OpenFile(path);
    ASSERT_TRUE(reader.Ok()) << reader.Message();
    std::vector<diagnosis::RtpSighting> found;
    std::size_t packets = 0;
    while (auto p = reader->Next()) {
        ++packets;
        EXPECT_TRUE(p->snapped);
        EXPECT_EQ(p->transport, diagnosis::Transport::Udp);
        diagnosis::CollectRtp(*p, found);
    }
    EXPECT_EQ(packets, 10u);
    EXPECT_TRUE(reader->Truncated().empty());
    ASSERT_EQ(found.size(), 10u);
    EXPECT_EQ(found[9].sequence, 109);
    EXPECT_EQ(found[9].ssrc, 0x11223344u);
}

} // namespace
} // namespace cmslab::network
