// Issue 4, check 4: Wireshark finds nothing wrong in any capture of the run. IP, TCP and
// UDP checksums are validated (testkit::Tshark always turns that on), TLS is decrypted with
// the run's key log and TURN payloads are dissected, so errors inside them count too.
#include "join_run.h"

#include "support/tshark.h"

#include <gtest/gtest.h>

namespace cmslab::jointest {
namespace {

class Captures : public JoinRun, public ::testing::WithParamInterface<const char*> {};

std::vector<std::string> JudgeOptions(const std::string& key_log) {
    auto args = Decrypting(key_log);
    for (const auto& a : TurnPayloadDecoding())
        args.push_back(a);
    return args;
}

TEST_P(Captures, HaveNoExpertErrorWithChecksumsValidated) {
    const std::string pcap = Pcap(GetParam());
    const auto extra = JudgeOptions(KeyLog());
    // Something to judge: an empty capture has no errors either.
    ASSERT_GT(testkit::TsharkFields(pcap, "ip", {"frame.number"}, extra).size(), 0u);

    const auto errors =
        testkit::TsharkFields(pcap, "_ws.expert.severity >= error",
                              {"frame.number", "_ws.col.Protocol", "_ws.expert.message"}, extra);
    std::string listed;
    for (const auto& e : errors)
        listed += "  " + e + "\n";
    EXPECT_TRUE(errors.empty()) << GetParam() << ".pcap: frames with expert errors "
                                << "(frame|protocol|message):\n"
                                << listed;

    // The same verdict from tshark's expert summary.
    auto args = extra;
    args.insert(args.end(), {"-q", "-z", "expert,error"});
    const std::string summary = testkit::Tshark(pcap, args);
    EXPECT_EQ(summary.find("Errors ("), std::string::npos) << summary;
}

TEST_P(Captures, ChecksumsAreCheckedAndGood) {
    const std::string pcap = Pcap(GetParam());
    // With validation on, tshark marks each checksum (Wireshark's status values: 0 bad,
    // 1 good, 2 unverified: the UDP header quoted inside an ICMP error cannot be verified,
    // its datagram is cut short). Every frame's own IP header is good, no checksum is bad.
    EXPECT_GT(testkit::TsharkFields(pcap, "ip.checksum.status==1", {"frame.number"}).size(), 0u);
    EXPECT_TRUE(
        testkit::TsharkFields(pcap, "ip && !(ip.checksum.status==1)", {"frame.number"}).empty());
    EXPECT_TRUE(testkit::TsharkFields(pcap,
                                      "ip.checksum.status==0 || tcp.checksum.status==0 || "
                                      "udp.checksum.status==0",
                                      {"frame.number"})
                    .empty());
}

INSTANTIATE_TEST_SUITE_P(FourSegments, Captures,
                         ::testing::Values("guest", "public", "dmz", "internal"),
                         [](const auto& info) { return std::string(info.param); });

} // namespace
} // namespace cmslab::jointest
