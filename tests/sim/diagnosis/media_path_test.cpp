// Following RTP packets across captures: FindRtp finds a stream however it is carried
// (bare, in ChannelData over UDP or framed on TCP, in a TURN indication's DATA), and
// TraceStreams charges each segment with the packets it dropped and the jitter it added,
// in the order the stream crosses the segments whatever order the files come in.
#include "diagnosis/media_path.h"
#include "diagnosis/rtp_scan.h"

#include "rtp/rtp_packet.h"
#include "stun/channel_data.h"
#include "stun/constants.h"
#include "stun/message.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace cmslab::diagnosis {
namespace {

Bytes RtpBytes(std::uint32_t ssrc, std::uint16_t seq, std::uint8_t pt = 0) {
    rtp::RtpPacket p;
    p.payload_type = pt;
    p.sequence = seq;
    p.ssrc = ssrc;
    p.payload = Bytes(20, 0xAB);
    return *rtp::EncodeRtp(p);
}

PcapPacket Carrying(Transport transport, Bytes payload, std::size_t number) {
    PcapPacket p;
    p.number = number;
    p.transport = transport;
    p.payload = std::move(payload);
    return p;
}

TEST(RtpScan, FindsTheStreamBareInChannelDataFramedOnTcpAndInIndications) {
    PcapFile capture;
    capture.packets.push_back(Carrying(Transport::Udp, RtpBytes(7, 1), 1));
    capture.packets.push_back(Carrying(
        Transport::Udp, stun::EncodeChannelData(0x4001, ByteView(RtpBytes(7, 2)), false), 2));
    Bytes two = stun::EncodeChannelData(0x4001, ByteView(RtpBytes(7, 3)), true);
    const Bytes second = stun::EncodeChannelData(0x4001, ByteView(RtpBytes(7, 4)), true);
    two.insert(two.end(), second.begin(), second.end());
    capture.packets.push_back(Carrying(Transport::Tcp, two, 3));
    stun::Message send(stun::Class::Indication, stun::method::kSend, stun::TransactionId{});
    send.AddData(ByteView(RtpBytes(7, 5)));
    capture.packets.push_back(Carrying(Transport::Udp, send.Encode(), 4));
    // RTCP (a sender report's packet type 200 in the second byte) is not the stream.
    Bytes rtcp = RtpBytes(7, 6);
    rtcp[1] = 200;
    capture.packets.push_back(Carrying(Transport::Udp, rtcp, 5));
    // A request is not media even if its DATA looked like it.
    stun::Message request(stun::Class::Request, stun::method::kSend, stun::TransactionId{});
    request.AddData(ByteView(RtpBytes(7, 7)));
    capture.packets.push_back(Carrying(Transport::Udp, request.Encode(), 6));

    const auto found = FindRtp(capture);
    ASSERT_EQ(found.size(), 5u);
    for (std::size_t i = 0; i < found.size(); ++i) {
        EXPECT_EQ(found[i].ssrc, 7u);
        EXPECT_EQ(found[i].sequence, i + 1);
    }
    EXPECT_EQ(found[3].number, 3u); // the second frame of the TCP segment
    EXPECT_EQ(found[4].number, 4u);
}

// A stream of `count` packets from `first`, 20 ms apart, seen `delay_us` after it was sent,
// with the sequence numbers in `dropped` missing.
std::vector<RtpSighting> Stream(std::uint16_t first, int count, std::int64_t delay_us,
                                const std::set<int>& dropped = {}, std::int64_t jitter_us = 0) {
    std::vector<RtpSighting> out;
    for (int i = 0; i < count; ++i) {
        if (dropped.count(i))
            continue;
        RtpSighting s;
        s.number = std::size_t(i + 1);
        s.ssrc = 0x1234;
        s.sequence = std::uint16_t(first + i);
        s.time_us = i * 20000 + delay_us + (i % 2 ? jitter_us : 0);
        out.push_back(s);
    }
    return out;
}

TEST(MediaPath, ChargesTheLossToTheSegmentItHappensOnWhateverTheFileOrder) {
    // Sequence numbers wrap in the middle of the call (65500 + 100 > 65535).
    const std::vector<CaptureRtp> captures = {
        {"pcap/guest.pcap", Stream(65500, 100, 12000, {10, 40, 41})},
        {"pcap/internal.pcap", Stream(65500, 100, 0)},
        {"pcap/public.pcap", Stream(65500, 100, 9000, {10, 40, 41})},
        {"pcap/dmz.pcap", Stream(65500, 100, 1000)},
    };
    const auto streams = TraceStreams(captures);
    ASSERT_EQ(streams.size(), 1u);
    const auto& hops = streams[0].hops;
    ASSERT_EQ(hops.size(), 4u);
    EXPECT_EQ(SegmentOf(hops[0].file), "internal");
    EXPECT_EQ(SegmentOf(hops[1].file), "dmz");
    EXPECT_EQ(SegmentOf(hops[2].file), "public");
    EXPECT_EQ(SegmentOf(hops[3].file), "guest");
    EXPECT_EQ(hops[0].lost, 0u);
    EXPECT_EQ(hops[1].lost, 0u);
    EXPECT_EQ(hops[2].lost, 3u);
    EXPECT_EQ(hops[2].offered, 100u);
    EXPECT_EQ(hops[2].first_lost_frame, 11u); // frame of packet 10 in the DMZ capture
    EXPECT_EQ(hops[2].first_lost_sequence, std::uint16_t(65510));
    EXPECT_EQ(hops[3].lost, 0u); // what public lost is not lost again on guest
    EXPECT_NEAR(hops[2].mean_transit_ms, 8.0, 1e-9);
    EXPECT_NEAR(hops[2].jitter_ms, 0.0, 1e-9);
}

TEST(MediaPath, PacketsStillOnTheirWayWhenTheRunEndsAreNotLost) {
    // The last five packets of the DMZ capture never reach the public one because the
    // capture stopped: they come after the last packet the public capture saw.
    auto downstream = Stream(100, 50, 150000);
    downstream.resize(45);
    const auto streams =
        TraceStreams({{"pcap/dmz.pcap", Stream(100, 50, 0)}, {"pcap/public.pcap", downstream}});
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].hops[1].lost, 0u);
    EXPECT_EQ(streams[0].hops[1].offered, 45u);
}

TEST(MediaPath, AGapInTheFirstCaptureIsChargedToTheFirstSegmentAndJitterToItsOwnHop) {
    const auto streams = TraceStreams(
        {{"pcap/a.pcap", Stream(1, 60, 0, {5})}, {"pcap/b.pcap", Stream(1, 60, 30000, {5}, 8000)}});
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].hops[0].lost, 1u);
    EXPECT_EQ(streams[0].hops[0].first_lost_sequence, 6);
    EXPECT_EQ(streams[0].hops[1].lost, 0u);
    // Transit alternates 30 and 38 ms: each difference is 8 ms, and RFC 3550's running
    // estimate converges towards it.
    EXPECT_GT(streams[0].hops[1].jitter_ms, 7.0);
    EXPECT_LT(streams[0].hops[1].jitter_ms, 8.0);
}

// Each packet seen twice on one capture, 1 ms apart (out to a NAT and back), and then on
// the next segment: the packets seen only once there were lost on the second crossing.
TEST(MediaPath, ALossOnASegmentsSecondCrossingIsChargedToThatSegment) {
    auto twice = Stream(1, 100, 0);
    for (const RtpSighting& s : Stream(1, 100, 1000, {30, 31, 70})) {
        twice.push_back(s);
        twice.back().number += 1000;
    }
    std::stable_sort(twice.begin(), twice.end(), [](const RtpSighting& a, const RtpSighting& b) {
        return a.time_us < b.time_us;
    });
    const auto streams = TraceStreams(
        {{"pcap/public.pcap", Stream(1, 100, 5000, {30, 31, 70})}, {"pcap/dmz.pcap", twice}});
    ASSERT_EQ(streams.size(), 1u);
    const auto& hops = streams[0].hops;
    ASSERT_EQ(hops.size(), 3u);
    EXPECT_EQ(SegmentOf(hops[0].file), "dmz");
    EXPECT_EQ(hops[0].crossing, 1u);
    EXPECT_EQ(SegmentOf(hops[1].file), "dmz");
    EXPECT_EQ(hops[1].crossing, 2u);
    EXPECT_EQ(hops[1].lost, 3u);
    EXPECT_EQ(hops[1].first_lost_frame, 31u); // packet 30's first sighting
    EXPECT_EQ(hops[1].first_lost_sequence, 31);
    EXPECT_NEAR(hops[1].mean_transit_ms, 1.0, 1e-9);
    EXPECT_EQ(SegmentOf(hops[2].file), "public");
    EXPECT_EQ(hops[2].lost, 0u); // what the DMZ lost is not lost again on public
    EXPECT_NEAR(hops[2].mean_transit_ms, 4.0, 1e-9);
}

// TCP resends a segment of framed ChannelData now and then: a few packets seen twice on a
// capture are not a second crossing that lost all the others.
TEST(MediaPath, AFewPacketsSeenTwiceAreNotASecondCrossing) {
    auto with_resent = Stream(1, 200, 0);
    for (const RtpSighting& s : Stream(1, 30, 300000)) {
        with_resent.push_back(s);
        with_resent.back().number += 1000;
    }
    std::stable_sort(
        with_resent.begin(), with_resent.end(),
        [](const RtpSighting& a, const RtpSighting& b) { return a.time_us < b.time_us; });
    const auto streams = TraceStreams(
        {{"pcap/guest.pcap", with_resent}, {"pcap/public.pcap", Stream(1, 200, 2000)}});
    ASSERT_EQ(streams.size(), 1u);
    ASSERT_EQ(streams[0].hops.size(), 2u);
    EXPECT_EQ(streams[0].hops[1].lost, 0u);
    EXPECT_EQ(streams[0].hops[1].offered, 200u);
}

// An hour of a stream across two segments: the tracer settles each packet once the captures
// are well past it, so what it holds is some seconds of the call, whatever its length, and
// the figures are those of the whole hour.
TEST(MediaPath, TheTracerHoldsSecondsOfTheCallNotTheCall) {
    MediaPathTracer tracer({"pcap/dmz.pcap", "pcap/public.pcap"});
    const int packets = 3600 * 50;
    std::size_t most = 0;
    for (int i = 0; i < packets; ++i) {
        RtpSighting s;
        s.ssrc = 0x1234;
        s.sequence = std::uint16_t(i);
        s.number = std::size_t(i + 1);
        s.time_us = std::int64_t(i) * 20000;
        tracer.Add(0, s);
        if (i % 100 != 99) { // the public segment loses one in a hundred
            s.time_us += 3000;
            tracer.Add(1, s);
        }
        most = std::max(most, tracer.Pending());
    }
    const std::size_t settle_packets = std::size_t(MediaPathTracer::kSettleUs / 20000);
    EXPECT_LE(most, settle_packets + 2);
    const auto streams = tracer.Finish();
    EXPECT_EQ(tracer.Pending(), 0u);
    ASSERT_EQ(streams.size(), 1u);
    ASSERT_EQ(streams[0].hops.size(), 2u);
    EXPECT_EQ(streams[0].hops[0].offered, std::size_t(packets));        // wrapped twice, extended
    EXPECT_EQ(streams[0].hops[1].lost, std::size_t(packets / 100 - 1)); // the last: on its way
    EXPECT_NEAR(streams[0].hops[1].mean_transit_ms, 3.0, 1e-9);
}

TEST(MediaPath, AFewStrayPacketsAreNotAStream) {
    EXPECT_TRUE(TraceStreams({{"pcap/a.pcap", Stream(1, 5, 0)}}).empty());
}

} // namespace
} // namespace cmslab::diagnosis
