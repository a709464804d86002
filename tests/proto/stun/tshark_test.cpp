// tshark as an outside judge of the encoder: our messages, written into a pcap, must be
// dissected as STUN with the fields we meant, no expert warnings and good fingerprints.
#include "stun/channel_data.h"
#include "stun/integrity.h"
#include "stun/message.h"
#include "support/pcap_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::stun;
using namespace cmslab::testkit;

namespace {

// What tshark says when it dislikes a frame (the other test shows this filter can match).
const std::string kComplaints = "_ws.expert.severity >= warning || stun.att.crc32.bad";

class TsharkJudge : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(ProgramExists("tshark"))
            << "tshark is not installed (Debian package tshark; tools/setup installs it)";
        ASSERT_FALSE(m_dir.Path().empty());
    }

    // CMSLAB_KEEP_TMP=1 keeps the capture for a person to open.
    TempDir m_dir{"cmslab-stun-tshark"};
    std::string m_pcap = m_dir.File("stun.pcap");
};

} // namespace

TEST_F(TsharkJudge, DissectsOurTurnExchangeWithTheRightFields) {
    const Endpoint client{*IpAddress::Parse("198.51.100.10"), 50000};
    const Endpoint server{*IpAddress::Parse("203.0.113.1"), 3478};
    const Endpoint relayed{*IpAddress::Parse("203.0.113.99"), 24001};
    const Endpoint peer{*IpAddress::Parse("192.0.2.50"), 40000};
    Rng rng(1);
    const Bytes key = LongTermKey("alice", "example.org", "secret");
    EncodeOptions signed_fp;
    signed_fp.integrity_key = key;
    signed_fp.fingerprint = true;
    EncodeOptions fp_only;
    fp_only.fingerprint = true;
    {
        PcapWriter pcap;
        // 1: Allocate without credentials.
        Message a1 = Message::Make(Class::Request, method::kAllocate, rng);
        a1.AddRequestedTransport(kProtocolUdp);
        a1.AddSoftware("cmslab");
        pcap.Add(Ipv4Udp(client, server, a1.Encode(fp_only)));
        // 2: 401 challenge.
        Message e401 = a1.MakeResponse(Class::ErrorResponse);
        e401.AddErrorCode(401);
        e401.AddRealm("example.org");
        e401.AddNonce("3b1f9c2e5a7d4f60");
        pcap.Add(Ipv4Udp(server, client, e401.Encode(fp_only)));
        // 3: Allocate with credentials, MESSAGE-INTEGRITY and FINGERPRINT.
        Message a2 = Message::Make(Class::Request, method::kAllocate, rng);
        a2.AddRequestedTransport(kProtocolUdp);
        a2.AddLifetime(600);
        a2.AddUsername("alice");
        a2.AddRealm("example.org");
        a2.AddNonce("3b1f9c2e5a7d4f60");
        pcap.Add(Ipv4Udp(client, server, a2.Encode(signed_fp)));
        // 4: success.
        Message ok = a2.MakeResponse(Class::SuccessResponse);
        ok.AddXorAddress(attr::kXorRelayedAddress, relayed);
        ok.AddXorAddress(attr::kXorMappedAddress, client);
        ok.AddLifetime(600);
        ok.AddSoftware("cmslab");
        pcap.Add(Ipv4Udp(server, client, ok.Encode(signed_fp)));
        // 5: ChannelBind request.
        Message cb = Message::Make(Class::Request, method::kChannelBind, rng);
        cb.AddChannelNumber(0x4001);
        cb.AddXorAddress(attr::kXorPeerAddress, peer);
        cb.AddUsername("alice");
        cb.AddRealm("example.org");
        cb.AddNonce("3b1f9c2e5a7d4f60");
        pcap.Add(Ipv4Udp(client, server, cb.Encode(signed_fp)));
        // 6: 431 as Expressway-E answers a wrong password.
        Message e431 = cb.MakeResponse(Class::ErrorResponse);
        e431.AddErrorCode(431);
        pcap.Add(Ipv4Udp(server, client, e431.Encode(fp_only)));
        // 7: Send indication; 8: ChannelData.
        Message send = Message::Make(Class::Indication, method::kSend, rng);
        send.AddXorAddress(attr::kXorPeerAddress, peer);
        send.AddData(Bytes{0xde, 0xad, 0xbe, 0xef, 0x01});
        pcap.Add(Ipv4Udp(client, server, send.Encode(fp_only)));
        pcap.Add(
            Ipv4Udp(client, server, EncodeChannelData(0x4001, Bytes{1, 2, 3, 4, 5, 6, 7}, false)));
        ASSERT_TRUE(pcap.WriteFile(m_pcap));
    }

    const std::string verbose = Tshark(m_pcap, {"-V"});
    ASSERT_NE(verbose.find("Session Traversal Utilities for NAT"), std::string::npos) << verbose;
    for (const char* expected :
         {"Message Type: 0x0003 (Allocate Request)", "[STUN Network Version: RFC-5389/8489 (3)]",
          "[CRC-32 Status: Good]", "XOR-RELAYED-ADDRESS: 203.0.113.99:24001",
          "Transport: UDP (0x11)", "TURN ChannelData Message", "Channel Number: 0x4001"})
        EXPECT_NE(verbose.find(expected), std::string::npos) << "missing: " << expected;

    const auto rows = TsharkFields(
        m_pcap, "frame",
        {"frame.number", "stun.type.class", "stun.type.method", "stun.att.error",
         "stun.att.error.reason", "stun.att.realm", "stun.att.nonce", "stun.att.username",
         "stun.att.transp", "stun.att.lifetime", "stun.att.ipv4", "stun.att.port",
         "stun.att.crc32.status", "stun.channel", "stun.att.channelnum", "stun.att.hmac"});
    ASSERT_EQ(rows.size(), 8u) << Tshark(m_pcap, {});
    auto field = [&](std::size_t frame, std::size_t column) {
        const auto cols = SplitFields(rows[frame - 1]);
        return column < cols.size() ? cols[column] : std::string();
    };
    // Columns: 1 class, 2 method, 3 error, 4 reason, 5 realm, 6 nonce, 7 username,
    // 8 transport, 9 lifetime, 10 ipv4, 11 port, 12 crc32 status (1 good, 0 bad), 13 channel,
    // 14 channelnum,
    // 15 hmac.
    EXPECT_EQ(field(1, 1), "0x0000"); // request
    EXPECT_EQ(field(1, 2), "0x0003"); // Allocate
    EXPECT_EQ(field(1, 8), "0x11");   // UDP
    EXPECT_EQ(field(2, 1), "0x0011"); // error response
    EXPECT_EQ(field(2, 3), "1");      // 4|01: the number part of the error code
    EXPECT_EQ(field(2, 4), "Unauthorized");
    EXPECT_EQ(field(2, 5), "example.org");
    EXPECT_EQ(field(2, 6), "3b1f9c2e5a7d4f60");
    EXPECT_EQ(field(3, 7), "alice");
    EXPECT_EQ(field(3, 9), "600");
    EXPECT_FALSE(field(3, 15).empty());
    EXPECT_EQ(field(4, 1), "0x0010"); // success response
    EXPECT_EQ(field(4, 10), "203.0.113.99,198.51.100.10");
    EXPECT_EQ(field(4, 11), "24001,50000");
    EXPECT_EQ(field(5, 2), "0x0009"); // ChannelBind
    EXPECT_EQ(field(5, 14), "0x4001");
    EXPECT_EQ(field(6, 3), "31");
    EXPECT_EQ(field(6, 4), "Integrity Check Failure");
    EXPECT_EQ(field(7, 2), "0x0006"); // Send indication
    EXPECT_EQ(field(7, 10), "192.0.2.50");
    EXPECT_EQ(field(8, 13), "0x4001");
    for (std::size_t f = 1; f <= 7; ++f)
        EXPECT_EQ(field(f, 12), "1") << "frame " << f << ": FINGERPRINT not good";

    // Checksums verified; nothing at warning level or worse, no bad FINGERPRINT.
    EXPECT_EQ(TsharkFields(m_pcap, kComplaints, {"frame.number"}), std::vector<std::string>{})
        << TsharkWarnings(m_pcap);
    EXPECT_EQ(TsharkFields(m_pcap, "stun", {"frame.number"}).size(), 8u);
}

TEST_F(TsharkJudge, NoticesABrokenFingerprint) {
    // The judge must be able to say no: a message whose FINGERPRINT we corrupt is flagged.
    Rng rng(2);
    Message m = Message::Make(Class::Request, method::kBinding, rng);
    EncodeOptions fp_only;
    fp_only.fingerprint = true;
    Bytes wire = m.Encode(fp_only);
    wire.back() ^= 0x01;
    PcapWriter pcap;
    pcap.Add(Ipv4Udp(Endpoint{IpAddress::V4(10, 0, 0, 1), 5000},
                     Endpoint{IpAddress::V4(10, 0, 0, 2), 3478}, wire));
    ASSERT_TRUE(pcap.WriteFile(m_pcap));
    const std::vector<std::string> first_frame{"1"};
    EXPECT_EQ(TsharkFields(m_pcap, "stun.att.crc32.bad", {"frame.number"}), first_frame);
    EXPECT_EQ(TsharkFields(m_pcap, kComplaints, {"frame.number"}), first_frame);
    EXPECT_EQ(TsharkFields(m_pcap, "frame", {"stun.att.crc32.status"}),
              std::vector<std::string>{"0"}); // bad
}
