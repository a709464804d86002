// The capture reader: link types, byte orders, frame numbers as Wireshark counts them,
// damaged files, and 100,000 generated inputs that must never crash it.
#include "common/rng.h"
#include "diagnosis/pcap_reader.h"
#include "diagnosis/stun_scan.h"
#include "folder_builder.h"
#include "stun/constants.h"
#include "support/pcap_writer.h"

#include <gtest/gtest.h>

namespace cmslab::diagnosis {
namespace {

void Le32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void Be32(Bytes& b, std::uint32_t v) {
    for (int i = 3; i >= 0; --i)
        b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// An Ethernet capture as ns-3's CSMA devices write it: 14-byte header, the IPv4 packet,
// padding to 60 bytes and a 4-byte FCS.
Bytes EthernetPcap(const std::vector<Bytes>& ip_packets, bool big_endian = false) {
    Bytes f;
    auto put32 = [&](std::uint32_t v) { big_endian ? Be32(f, v) : Le32(f, v); };
    put32(0xa1b2c3d4);
    put32(0x00040002); // version 2.4 (minor, major as two 16-bit fields)
    if (big_endian) {
        f.resize(f.size() - 4);
        f.insert(f.end(), {0, 2, 0, 4});
    } else {
        f.resize(f.size() - 4);
        f.insert(f.end(), {2, 0, 4, 0});
    }
    put32(0);
    put32(0);
    put32(65535);
    put32(1);
    std::uint32_t t = 0;
    // An ARP frame first: not IPv4, but frame 1 all the same.
    std::vector<Bytes> frames;
    Bytes arp(14, 0xff);
    arp[12] = 0x08;
    arp[13] = 0x06;
    arp.resize(64, 0);
    frames.push_back(arp);
    for (const Bytes& ip : ip_packets) {
        Bytes frame(12, 0x02);
        frame.push_back(0x08);
        frame.push_back(0x00);
        frame.insert(frame.end(), ip.begin(), ip.end());
        if (frame.size() < 60)
            frame.resize(60, 0);
        frame.insert(frame.end(), {0xde, 0xad, 0xbe, 0xef});
        frames.push_back(frame);
    }
    for (const Bytes& frame : frames) {
        put32(1000 + t++);
        put32(5);
        put32(static_cast<std::uint32_t>(frame.size()));
        put32(static_cast<std::uint32_t>(frame.size()));
        f.insert(f.end(), frame.begin(), frame.end());
    }
    return f;
}

std::vector<Bytes> TurnExchange() {
    return {
        test::StunDatagram("198.51.100.20:50000", "203.0.113.7:3478", {0, 0, false, "", "", 1}),
        test::StunDatagram("203.0.113.7:3478", "198.51.100.20:50000", {3, 401, false, "", "r", 1}),
        test::StunDatagram("198.51.100.20:50000", "203.0.113.7:3478", {0, 0, true, "u", "r", 2}),
        test::StunDatagram("203.0.113.7:3478", "198.51.100.20:50000", {3, 431, false, "", "", 2})};
}

TEST(PcapReader, EthernetWithFcsNumbersFramesFromOne) {
    for (bool big_endian : {false, true}) {
        auto parsed = ParsePcap(EthernetPcap(TurnExchange(), big_endian));
        ASSERT_TRUE(parsed.Ok()) << parsed.Message();
        ASSERT_EQ(parsed->packets.size(), 5u);
        EXPECT_EQ(parsed->packets[0].number, 1u);
        EXPECT_EQ(parsed->packets[0].transport, Transport::Other); // ARP
        EXPECT_EQ(parsed->packets[1].transport, Transport::Udp);
        EXPECT_EQ(parsed->packets[1].src.ToString(), "198.51.100.20:50000");
        EXPECT_EQ(parsed->packets[1].dst.ToString(), "203.0.113.7:3478");
        EXPECT_EQ(parsed->packets[4].ts_sec, 1004);
        EXPECT_TRUE(parsed->truncated.empty());
        auto stun = FindStun(*parsed);
        ASSERT_EQ(stun.size(), 4u);
        EXPECT_EQ(stun[3].number, 5u);
        EXPECT_EQ(stun[3].error_code, 431);
        EXPECT_EQ(stun[3].error_reason, "Integrity Check Failure");
        EXPECT_TRUE(stun[2].has_integrity);
        EXPECT_EQ(stun[2].username, "u");
        EXPECT_EQ(stun[1].transaction_id, stun[0].transaction_id);
        // The FCS and padding are not taken for payload: the datagram decodes exactly.
        EXPECT_EQ(stun[1].Describe(), "Allocate Error Response 401 Unauthorized realm: r");
    }
}

TEST(PcapReader, RawIpv4AndTcpSegments) {
    testkit::PcapWriter pcap;
    testkit::TcpFlow flow(pcap, 0xC6336414, 50001, 0xCB007107, 3478);
    flow.Handshake();
    auto udp = TurnExchange();
    // TURN over TCP: the STUN message is the segment's payload (IP header stripped from the
    // helper's datagram: 20 bytes of IPv4, 8 of UDP).
    flow.ClientSends(ByteView(udp[0]).Sub(28));
    flow.Close();
    auto parsed = ParsePcap(pcap.File());
    ASSERT_TRUE(parsed.Ok()) << parsed.Message();
    EXPECT_EQ(parsed->link_type, 101u);
    auto stun = FindStun(*parsed);
    ASSERT_EQ(stun.size(), 1u);
    EXPECT_EQ(stun[0].transport, Transport::Tcp);
    EXPECT_EQ(stun[0].number, 4u); // SYN, SYN-ACK, ACK, data
    EXPECT_EQ(stun[0].dst.port, 3478);
}

TEST(PcapReader, TruncatedFileKeepsThePacketsBefore) {
    Bytes file = EthernetPcap(TurnExchange());
    file.resize(file.size() - 10);
    auto parsed = ParsePcap(file);
    ASSERT_TRUE(parsed.Ok());
    EXPECT_EQ(parsed->packets.size(), 4u);
    EXPECT_NE(parsed->truncated.find("packet 5"), std::string::npos);
}

TEST(PcapReader, RefusesWhatIsNotClassicPcap) {
    EXPECT_FALSE(ParsePcap(Bytes{1, 2, 3}).Ok());
    Bytes pcapng = {0x0a, 0x0d, 0x0d, 0x0a};
    pcapng.resize(64, 0);
    auto ng = ParsePcap(pcapng);
    ASSERT_FALSE(ng.Ok());
    EXPECT_NE(ng.Message().find("pcapng"), std::string::npos);
    Bytes other = EthernetPcap({});
    other[20] = 9; // PPP
    EXPECT_FALSE(ParsePcap(other).Ok());
    EXPECT_FALSE(ReadPcapFile("/nonexistent/x.pcap").Ok());
}

TEST(PcapReader, OversizedRecordLengthStopsReading) {
    Bytes file = EthernetPcap(TurnExchange());
    // The third record's caplen (after the header and two records).
    std::size_t offset = 24;
    for (int i = 0; i < 2; ++i) {
        const std::uint32_t caplen = file[offset + 8] | file[offset + 9] << 8 |
                                     file[offset + 10] << 16 |
                                     std::uint32_t(file[offset + 11]) << 24;
        offset += 16 + caplen;
    }
    file[offset + 11] = 0x7f;
    auto parsed = ParsePcap(file);
    ASSERT_TRUE(parsed.Ok());
    EXPECT_EQ(parsed->packets.size(), 2u);
    EXPECT_FALSE(parsed->truncated.empty());
}

// 100,000 inputs: random buffers behind a valid header, truncations and single-byte
// mutations of a valid capture, and oversized lengths. Each must return; FindStun runs
// on whatever was read.
TEST(PcapReaderFuzz, HundredThousandGeneratedInputs) {
    Rng rng = Rng(20261125).Fork("diagnosis-pcap");
    const Bytes valid = EthernetPcap(TurnExchange());
    const Bytes valid_be = EthernetPcap(TurnExchange(), true);
    std::size_t parsed_ok = 0, stun_found = 0;
    for (int i = 0; i < 100000; ++i) {
        Bytes input;
        switch (i % 5) {
        case 0: { // random bytes behind a valid file header
            input.assign(valid.begin(), valid.begin() + 24);
            Bytes tail(rng.Uniform(0, 300));
            rng.Fill(tail.data(), tail.size());
            input.insert(input.end(), tail.begin(), tail.end());
            break;
        }
        case 1: // truncation
            input.assign(valid.begin(), valid.begin() + rng.Uniform(0, valid.size()));
            break;
        case 2: { // one byte changed
            input = (i % 2) ? valid : valid_be;
            input[rng.Uniform(0, input.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
            break;
        }
        case 3: { // an oversized length field somewhere
            input = valid;
            const std::size_t at = rng.Uniform(0, input.size() - 4);
            for (int k = 0; k < 4; ++k)
                input[at + k] = 0xff;
            break;
        }
        default: { // pure noise, sometimes with a pcap magic
            input.resize(rng.Uniform(0, 200));
            rng.Fill(input.data(), input.size());
            if (input.size() >= 4 && rng.Uniform(0, 1))
                input[0] = 0xd4, input[1] = 0xc3, input[2] = 0xb2, input[3] = 0xa1;
            break;
        }
        }
        auto parsed = ParsePcap(input);
        if (!parsed)
            continue;
        ++parsed_ok;
        for (const auto& p : parsed->packets)
            ASSERT_LE(p.payload.size(), input.size());
        stun_found += FindStun(*parsed).size();
    }
    // The generator reached the decoders, not just the header check.
    EXPECT_GT(parsed_ok, 50000u);
    EXPECT_GT(stun_found, 10000u);
}

} // namespace
} // namespace cmslab::diagnosis
