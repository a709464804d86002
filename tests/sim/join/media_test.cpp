// Issue 4, check 3: the media legs through the relays. On the guest's leg (public.pcap,
// guest <-> Expressway-E 3478) and on the CMS's leg (internal.pcap, CMS <-> Expressway-E
// LAN1 3478), TURN ChannelData or Send/Data indications carry the DTLS handshake and then
// RTP (SRTP: the RTP header stays readable) both ways.
//
// Wireshark 4.0 looks inside TURN payloads for DTLS and RTP only with the heuristics
// dtls_stun and rtp_stun enabled (TurnPayloadDecoding); the first suite holds the judge to
// that on hand-made packets, so a failure below is about the run, not the options.
#include "join_run.h"

#include "support/pcap_writer.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

namespace cmslab::jointest {
namespace {

using testkit::TsharkFields;

// TURN's ways of carrying a peer's datagram: ChannelData, Send and Data indications.
const std::string kTurnCarried = "(stun.channel || stun.type==0x0016 || stun.type==0x0017)";

std::size_t Count(const std::string& pcap, const std::string& filter,
                  const std::vector<std::string>& extra = TurnPayloadDecoding()) {
    return TsharkFields(pcap, filter, {"frame.number"}, extra).size();
}

Bytes ChannelData(std::uint16_t channel, const Bytes& payload) {
    ByteWriter w;
    w.U16(channel);
    w.U16(static_cast<std::uint16_t>(payload.size()));
    w.Append(payload);
    while (w.Size() % 4)
        w.U8(0);
    return w.Take();
}

Bytes SendIndication(const Bytes& payload) {
    ByteWriter attrs;
    attrs.U16(0x0012); // XOR-PEER-ADDRESS 192.0.2.9:5000
    attrs.U16(8);
    attrs.U8(0);
    attrs.U8(1);
    attrs.U16(5000 ^ 0x2112);
    attrs.U32(0xC0000209 ^ 0x2112A442);
    attrs.U16(0x0013); // DATA
    attrs.U16(static_cast<std::uint16_t>(payload.size()));
    attrs.Append(payload);
    while (attrs.Size() % 4)
        attrs.U8(0);
    const Bytes body = attrs.Take();
    ByteWriter w;
    w.U16(0x0016);
    w.U16(static_cast<std::uint16_t>(body.size()));
    w.U32(0x2112A442);
    for (int i = 0; i < 12; ++i)
        w.U8(0x11);
    w.Append(body);
    return w.Take();
}

Bytes DtlsClientHello() {
    ByteWriter hello; // DTLS 1.2 ClientHello body: version, random, empty session and cookie
    hello.U16(0xFEFD);
    for (int i = 0; i < 32; ++i)
        hello.U8(0x42);
    hello.U8(0);
    hello.U8(0);
    hello.U16(2);
    hello.U16(0xC02B);
    hello.U8(1);
    hello.U8(0);
    const Bytes body = hello.Take();
    ByteWriter hs;
    hs.U8(1);
    hs.U8(0);
    hs.U16(static_cast<std::uint16_t>(body.size())); // length (24 bits)
    hs.U16(0);                                       // message_seq
    hs.U8(0);
    hs.U16(0); // fragment_offset
    hs.U8(0);
    hs.U16(static_cast<std::uint16_t>(body.size())); // fragment_length
    hs.Append(body);
    const Bytes handshake = hs.Take();
    ByteWriter record;
    record.U8(22);
    record.U16(0xFEFD);
    record.U16(0); // epoch
    for (int i = 0; i < 6; ++i)
        record.U8(0); // sequence number
    record.U16(static_cast<std::uint16_t>(handshake.size()));
    record.Append(handshake);
    return record.Take();
}

Bytes Rtp() {
    ByteWriter w;
    w.U8(0x80);
    w.U8(111);
    w.U16(1);
    w.U32(160);
    w.U32(0x12345678);
    for (int i = 0; i < 40; ++i)
        w.U8(0xAA);
    return w.Take();
}

TEST(TurnPayloadJudge, HeuristicsFindDtlsAndRtpInChannelDataAndSendIndications) {
    testkit::TempDir dir("cmslab-join-judge");
    testkit::PcapWriter pcap;
    const Endpoint client{IpAddress::V4(0xC0000201), 50000};
    const Endpoint server{IpAddress::V4(0xC0000202), 3478};
    pcap.Add(testkit::Ipv4Udp(client, server, ChannelData(0x4000, DtlsClientHello())));
    pcap.Add(testkit::Ipv4Udp(client, server, ChannelData(0x4000, Rtp())));
    pcap.Add(testkit::Ipv4Udp(client, server, SendIndication(Rtp())));
    pcap.Add(testkit::Ipv4Udp(client, server, SendIndication(DtlsClientHello())));
    const std::string file = dir.File("turn.pcap");
    ASSERT_TRUE(pcap.WriteFile(file));

    EXPECT_EQ(Count(file, kTurnCarried + " && dtls.handshake.type==1"), 2u);
    EXPECT_EQ(Count(file, kTurnCarried + " && rtp.ssrc==0x12345678"), 2u);
    // Without the heuristics the same payloads are plain data: the options matter.
    EXPECT_EQ(Count(file, "dtls || rtp", {}), 0u);
    EXPECT_TRUE(testkit::TsharkWarnings(file, TurnPayloadDecoding()).empty());
}

class Media : public JoinRun {};

void ExpectDtlsThenRtp(const std::string& pcap, const std::string& endpoint,
                       const std::string& turn_server) {
    const std::string leg = "ip.addr==" + endpoint + " && ip.addr==" + turn_server +
                            " && udp.port==3478 && " + kTurnCarried;
    const std::string from = " && ip.src==" + endpoint;
    const std::string to = " && ip.dst==" + endpoint;
    EXPECT_GT(Count(pcap, leg + " && dtls.handshake.type==1"), 0u)
        << "no DTLS ClientHello inside TURN between " << endpoint << " and " << turn_server;
    EXPECT_GT(Count(pcap, leg + " && dtls.handshake.type==2"), 0u)
        << "no DTLS ServerHello inside TURN between " << endpoint << " and " << turn_server;
    EXPECT_GT(Count(pcap, leg + " && rtp" + from), 0u)
        << "no RTP inside TURN from " << endpoint << " to " << turn_server;
    EXPECT_GT(Count(pcap, leg + " && rtp" + to), 0u)
        << "no RTP inside TURN from " << turn_server << " to " << endpoint;
}

TEST_F(Media, GuestLegCarriesDtlsAndRtpThroughTheRelay) {
    ExpectDtlsThenRtp(Pcap("public"), kGuestPc, kNatAddress);
}

TEST_F(Media, CmsLegCarriesDtlsAndRtpThroughTheRelay) {
    ExpectDtlsThenRtp(Pcap("internal"), kCms, kExpresswayELan1);
}

TEST_F(Media, SummaryShowsIceDtlsAndMediaOk) {
    const auto summary = Summary();
    for (const char* stage : {"ice", "dtls", "media"})
        EXPECT_EQ(summary["stages"][stage].value("status", ""), "ok")
            << stage << ": " << summary["stages"][stage].dump();
}

} // namespace
} // namespace cmslab::jointest
