// tshark as an outside judge: SRTP keeps the RTP header readable, so a capture of our
// SRTP decoded as RTP must show the sequence numbers, SSRC and payload type we sent,
// with a payload that is not the clear one.
#include "pcap_writer.h"
#include "rtp/rtp_packet.h"
#include "srtp/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

using namespace cmslab;

namespace {

std::string RunCommand(const std::string& command) {
    std::string out;
    std::FILE* p = ::popen(("timeout 60 " + command).c_str(), "r");
    if (!p)
        return out;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    ::pclose(p);
    return out;
}

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

} // namespace

TEST(SrtpTshark, SrtpDecodesAsRtpWithClearHeaderAndHiddenPayload) {
    ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0)
        << "tshark is not installed (Debian package tshark; tools/setup installs it)";
    char tmpl[] = "/tmp/cmslab-srtp-tshark-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    const std::string pcap = dir + "/srtp.pcap";

    srtp::MasterKey master{Bytes(16, 0x2B), Bytes(14, 0x7E)};
    auto protector = std::move(*srtp::Protector::Create(master));
    const Endpoint from{*IpAddress::Parse("198.51.100.10"), 24010};
    const Endpoint to{*IpAddress::Parse("203.0.113.5"), 24020};
    std::vector<Bytes> clear_payloads;
    {
        srtp::test::PcapWriter writer(pcap);
        ASSERT_TRUE(writer.Ok());
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
            writer.AddUdp(from, to, *srtp);
        }
    }
    const std::string tshark = "env HOME='" + dir + "' tshark -n -r '" + pcap +
                               "' -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE "
                               "-d udp.port==24020,rtp ";
    const auto rows =
        Lines(RunCommand(tshark + "-T fields -E separator=/t -e rtp.version -e rtp.seq "
                                  "-e rtp.ssrc -e rtp.p_type -e rtp.marker -e rtp.payload "
                                  "2>/dev/null"));
    ASSERT_EQ(rows.size(), 4u) << RunCommand(tshark + "2>&1");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::vector<std::string> cols;
        std::istringstream in(rows[i]);
        for (std::string c; std::getline(in, c, '\t');)
            cols.push_back(c);
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
    EXPECT_EQ(RunCommand(tshark + "-Y '_ws.expert.severity >= warning' 2>/dev/null"), "");
    if (!std::getenv("CMSLAB_KEEP_TMP"))
        std::system(("rm -rf '" + dir + "'").c_str());
}
