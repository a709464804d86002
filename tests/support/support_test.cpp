// The helpers' own promises: checksums that verify, deadlines that hold, children that
// are gone after the test, folders that are cleaned up. The interop tests lean on these.
#include "support/fuzz_input.h"
#include "support/hex.h"
#include "support/loopback.h"
#include "support/pcap_writer.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace cmslab;
using namespace cmslab::testkit;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

bool ProcessGone(pid_t pid) {
    return kill(pid, 0) != 0 && errno == ESRCH;
}

} // namespace

TEST(Pcap, ChecksumMatchesRfc1071Example) {
    // RFC 1071 section 3: the sum of these words is 0xddf2; the checksum is its complement.
    const Bytes words{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(InternetChecksum(words), 0x220d);
}

TEST(Pcap, UdpPacketVerifiesWithPseudoHeader) {
    const Endpoint from{IpAddress::V4(192, 0, 2, 1), 5000}, to{IpAddress::V4(192, 0, 2, 2), 53};
    const Bytes packet = Ipv4Udp(from, to, Bytes{1, 2, 3}); // odd length on purpose
    ASSERT_EQ(packet.size(), 20u + 8u + 3u);
    EXPECT_EQ(InternetChecksum(ByteView(packet).Sub(0, 20)), 0); // header verifies
    ByteWriter pseudo;
    pseudo.Append(ByteView(packet).Sub(12, 8)); // source and destination
    pseudo.U16(17);
    pseudo.U16(11);
    pseudo.Append(ByteView(packet).Sub(20));
    EXPECT_EQ(InternetChecksum(pseudo.Buffer()), 0);
}

TEST(Pcap, TcpFlowSequenceNumbersFollowTheData) {
    PcapWriter pcap(1000);
    TcpFlow flow(pcap, 0xC0000201, 40000, 0xC0000202, 80);
    flow.Handshake();
    flow.ClientSends(Bytes(3000, 0x41)); // three segments of at most 1460, each ACKed
    flow.Close();
    // 24-byte file header; 16-byte record headers; 20-byte IPv4 and TCP headers.
    const Bytes& file = pcap.File();
    std::vector<ByteView> packets;
    for (std::size_t at = 24; at + 16 <= file.size();) {
        const std::size_t len = file[at + 8] | file[at + 9] << 8;
        packets.push_back(ByteView(file).Sub(at + 16, len));
        at += 16 + len;
    }
    ASSERT_EQ(packets.size(), 3u + 6u + 3u);
    auto seq = [&](std::size_t i) {
        ByteReader r(packets[i].Sub(24, 4));
        std::uint32_t v = 0;
        r.U32(v);
        return v;
    };
    EXPECT_EQ(seq(3), 1001u);              // first data segment after the SYN
    EXPECT_EQ(seq(5), 1001u + 1460u);      // second
    EXPECT_EQ(seq(9), 1001u + 3000u);      // the client's FIN
    EXPECT_EQ(packets[7].size, 40u + 80u); // the last segment carries the remainder
}

TEST(Process, SeparatesOrMergesOutputAndGivesTheExitCode) {
    const std::vector<std::string> argv{"sh", "-c", "echo out; echo err >&2; exit 3"};
    auto r = RunProcess(argv, 10s);
    EXPECT_TRUE(r.started);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    r = RunProcess(argv, 10s, BackgroundProcess::Output::Merged);
    EXPECT_EQ(r.out, "out\nerr\n");
    EXPECT_EQ(r.err, "");
}

TEST(Process, KillsAtTheDeadline) {
    const auto start = Clock::now();
    const auto r = RunProcess({"sleep", "30"}, 300ms);
    EXPECT_TRUE(r.started);
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_LT(Clock::now() - start, 5s);
}

TEST(Process, MissingProgramDoesNotStart) {
    EXPECT_FALSE(ProgramExists("cmslab-no-such-program"));
    EXPECT_TRUE(ProgramExists("sh"));
    const auto r = RunProcess({"cmslab-no-such-program"});
    EXPECT_FALSE(r.started);
    EXPECT_NE(r.err.find("cmslab-no-such-program"), std::string::npos);
}

TEST(Process, BackgroundProcessIsKilledOnDestruction) {
    pid_t pid = -1;
    {
        BackgroundProcess p;
        ASSERT_TRUE(p.Start({"sh", "-c", "echo ready; exec sleep 30"}));
        pid = p.Pid();
        EXPECT_TRUE(p.WaitFor("ready", 10s)) << p.Out();
        EXPECT_EQ(p.Wait(100ms), -1); // still running: killed at the timeout
        EXPECT_TRUE(p.TimedOut());
        EXPECT_TRUE(ProcessGone(pid));
        ASSERT_TRUE(p.Start({"sleep", "30"}));
        pid = p.Pid();
    }
    EXPECT_TRUE(ProcessGone(pid));
}

TEST(Process, LogsToAFile) {
    TempDir dir("cmslab-testkit");
    BackgroundProcess p;
    ASSERT_TRUE(
        p.StartLoggingTo({"sh", "-c", "echo to-log; echo to-log-err >&2"}, dir.File("log.txt")));
    EXPECT_EQ(p.Wait(10s), 0);
    EXPECT_EQ(ReadFile(dir.File("log.txt")), "to-log\nto-log-err\n");
}

TEST(TempFolder, IsPrivateAndRemoved) {
    std::string path;
    {
        TempDir a("cmslab-testkit"), b("cmslab-testkit");
        ASSERT_FALSE(a.Path().empty());
        EXPECT_NE(a.Path(), b.Path());
        path = a.Path();
        EXPECT_EQ(ReadFile(a.Write("x.txt", "hello")), "hello");
    }
    if (std::getenv("CMSLAB_KEEP_TMP") == nullptr) {
        EXPECT_FALSE(std::filesystem::exists(path));
    }
}

TEST(Loopback, FreePortTakesUdpAndTcp) {
    const std::uint16_t port = FreeLoopbackPort();
    ASSERT_NE(port, 0);
    std::uint16_t bound = 0;
    const int udp = BindLoopback(SOCK_DGRAM, port, bound);
    EXPECT_GE(udp, 0);
    EXPECT_EQ(bound, port);
    const int tcp = BindLoopback(SOCK_STREAM, port, bound);
    EXPECT_GE(tcp, 0);
    close(udp);
    close(tcp);
}

TEST(Loopback, SendAllGivesUpAtTheDeadline) {
    std::uint16_t port = 0;
    const int listener = ListenLoopback(port);
    ASSERT_GE(listener, 0);
    const int client = ConnectLoopback(port);
    ASSERT_GE(client, 0);
    const int server = AcceptBefore(listener, In(5s));
    ASSERT_GE(server, 0);
    EXPECT_TRUE(SendAll(client, Bytes(1000, 1), In(5s)));
    // Nobody reads: far more than the socket buffers hold must fail, not hang.
    const auto start = Clock::now();
    EXPECT_FALSE(SendAll(client, Bytes(64 << 20, 1), In(300ms)));
    EXPECT_LT(Clock::now() - start, 5s);
    EXPECT_EQ(AcceptBefore(listener, In(50ms)), -1); // no second connection came
    close(server);
    close(client);
    close(listener);
}

TEST(Tshark, SplitFieldsKeepsEveryColumn) {
    EXPECT_EQ(SplitFields("a||c|"), (std::vector<std::string>{"a", "", "c", ""}));
    EXPECT_EQ(SplitFields("|b"), (std::vector<std::string>{"", "b"}));
    EXPECT_EQ(SplitFields(""), (std::vector<std::string>{""}));
    EXPECT_EQ(SplitFields("x\ty|z", '\t'), (std::vector<std::string>{"x", "y|z"}));
}

TEST(FuzzInput, RandomBytesFollowTheSeed) {
    Rng a(7), b(7), c(8);
    const Bytes first = RandomBytes(a, 33);
    EXPECT_EQ(first.size(), 33u);
    EXPECT_EQ(first, RandomBytes(b, 33));
    EXPECT_NE(first, RandomBytes(c, 33));
    EXPECT_NE(first, RandomBytes(a, 33)) << "the next draw goes on from the last";
    EXPECT_TRUE(RandomBytes(a, 0).empty());
}

TEST(Hex, ReadsBytesAndFailsTheTestOnOtherText) {
    EXPECT_EQ(Hex("00ff10Ab"), (Bytes{0x00, 0xff, 0x10, 0xab}));
    EXPECT_TRUE(Hex("").empty());
    EXPECT_NONFATAL_FAILURE(Hex("0g"), "0g");
    EXPECT_NONFATAL_FAILURE(Hex("abc"), "abc");
}
