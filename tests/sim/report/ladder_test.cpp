// `cmslab ladder` on folders written by `cmslab run`: the reference's join reads in time
// order from the DNS answer to the first RTP, with the NAT translation on the arrows
// that cross it, and the frame numbers the ladder names are the ones tshark (the outside
// judge) finds for the same messages. Each failure case has its failing arrow marked.
#include "report_run.h"

#include "support/tshark.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>

namespace cmslab::report_tests {
namespace {

using nlohmann::json;

class ReferenceLadder : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        s_run = new ScenarioRun("reference");
        auto r = testkit::RunProcess({Binary(), "ladder", s_run->Out()}, std::chrono::seconds(60));
        s_text = new std::string(r.out);
        s_exit = r.exit_code;
    }
    static void TearDownTestSuite() {
        delete s_run;
        delete s_text;
    }
    // The index of the first line at or after `from` that holds every needle.
    static std::optional<std::size_t> Line(const std::vector<std::string>& needles,
                                           std::size_t from = 0) {
        const auto lines = testkit::SplitLines(*s_text);
        for (std::size_t i = from; i < lines.size(); ++i) {
            bool all = true;
            for (const auto& n : needles)
                all = all && Contains(lines[i], n);
            if (all)
                return i;
        }
        return std::nullopt;
    }
    static std::string LineText(std::size_t i) { return testkit::SplitLines(*s_text)[i]; }

    static ScenarioRun* s_run;
    static std::string* s_text;
    static int s_exit;
};
ScenarioRun* ReferenceLadder::s_run = nullptr;
std::string* ReferenceLadder::s_text = nullptr;
int ReferenceLadder::s_exit = -1;

TEST_F(ReferenceLadder, TheJoinReadsInTimeOrderWithTheNatOnTheArrowsThatCrossIt) {
    ASSERT_EQ(s_run->Result().exit_code, 0) << s_run->Result().err;
    ASSERT_EQ(s_exit, 0);
    // Each step of the guest's join after the one before it.
    const std::vector<std::vector<std::string>> steps = {
        {"DNS answer cmsweb.octavio.com A 10.88.246.156", "guest#"},
        {"TLS Client Hello", "guest#",
         "NAT: 172.16.84.124:49153 > 10.88.246.156:443 => "
         "172.16.84.124:49153 > 192.168.245.61:443"},
        {"TLS Server Hello, Certificate", "guest#",
         "NAT: 192.168.245.61:443 > 172.16.84.124:49153 => "
         "10.88.246.156:443 > 172.16.84.124:49153"},
        {"TLS Change Cipher Spec, Encrypted Handshake Message", "guest#"},
        {"HTTP GET / Host: cmsweb.octavio.com", "logs/vcse.log:"},
        {"TURN Allocate Error Response 401 Unauthorized (challenge)", "guest#", "NAT: "},
        {"TURN Allocate Success Response", "guest#", "NAT: "},
        {"ICE check Binding Request USE-CANDIDATE", "guest#", "NAT: "},
        {"DTLS Client Hello", "guest#"},
        {"DTLS Change Cipher Spec, Encrypted Handshake Message", "guest#"},
        {"RTP PT=", "guest#", "NAT: "},
    };
    std::size_t at = 0;
    for (const auto& step : steps) {
        auto line = Line(step, at);
        ASSERT_TRUE(line) << "no line with '" << step.front() << "' after line " << at << ":\n"
                          << *s_text;
        at = *line + 1;
    }
    // RTP is folded: the rest of the stream is counted, not drawn.
    EXPECT_TRUE(Contains(*s_text, "more RTP packets of this stream"));
    // A healthy join: nothing red until the call ends (the media stage's end, when the
    // guest hangs up). Then the last relayed packets meet ports already closed, and the
    // hosts answer with ICMP port unreachable: real, and red as every ICMP unreachable.
    std::ifstream summary_file(s_run->Out() + "/summary.json");
    const json summary = json::parse(summary_file, nullptr, false);
    ASSERT_TRUE(summary.is_object());
    const double hang_up_s = summary["stages"]["media"]["t_ms"].get<double>() / 1000;
    for (const auto& line : testkit::SplitLines(*s_text))
        if (line.rfind("!", 0) == 0) {
            EXPECT_TRUE(Contains(line, "ICMP Destination unreachable (port unreachable)")) << line;
            EXPECT_GT(std::stod(line.substr(1, 10)), hang_up_s) << line;
        }
}

// The frames the ladder names are the ones tshark shows with the same message.
TEST_F(ReferenceLadder, FrameNumbersAreTheOnesTsharkFinds) {
    ASSERT_EQ(s_exit, 0);
    const std::string guest = s_run->Out() + "/pcap/guest.pcap";
    struct Case {
        std::string ladder;
        std::string filter;
    };
    const std::vector<Case> cases = {
        {"DNS answer cmsweb.octavio.com",
         "dns.flags.response == 1 && dns.qry.name == \"cmsweb.octavio.com\""},
        {"TURN Allocate Error Response 401", "stun.att.error.class == 4 && stun.att.error == 1"},
        {"TURN Allocate Success Response", "stun.type == 0x0103"},
        {"TLS Client Hello", "tls.handshake.type == 1"},
    };
    for (const Case& c : cases) {
        auto line = Line({c.ladder, "guest#"});
        ASSERT_TRUE(line) << c.ladder;
        const std::string text = LineText(*line);
        const std::size_t at = text.find("guest#") + 6;
        const std::string frame = text.substr(at, text.find_first_not_of("0123456789", at) - at);
        const std::string found =
            testkit::Tshark(guest, {"-Y", c.filter, "-T", "fields", "-e", "frame.number"});
        const auto frames = testkit::SplitLines(found);
        ASSERT_FALSE(frames.empty()) << c.filter;
        EXPECT_EQ(frames.front(), frame) << c.ladder << ": " << text;
    }
    // The USE-CANDIDATE check the guest sent, inside a TURN Send indication: Wireshark
    // shows the DATA as bytes, a Binding Request (0x0001) holding attribute 0x0025.
    auto nominated = Line({"USE-CANDIDATE", "guest#"});
    ASSERT_TRUE(nominated);
    const auto use = testkit::SplitLines(testkit::Tshark(
        guest,
        {"-Y", "stun.type == 0x0016 && data.data[0:2] == 00:01 && data.data contains 00:25:00:00",
         "-T", "fields", "-e", "frame.number"}));
    ASSERT_FALSE(use.empty());
    EXPECT_TRUE(Contains(LineText(*nominated), "guest#" + use.front() + " "))
        << LineText(*nominated) << "\ntshark: " << use.front();
}

TEST_F(ReferenceLadder, SvgAndMediaAndJsonAgree) {
    ASSERT_EQ(s_exit, 0);
    const json ladder = s_run->LadderJson();
    ASSERT_TRUE(ladder.is_object());
    // One text line per arrow below the header, besides fold lines and notes.
    std::size_t arrows = 0;
    for (const auto& line : testkit::SplitLines(*s_text))
        if (line.size() > 12 && (line[0] == ' ' || line[0] == '!') && Contains(line, "["))
            ++arrows;
    EXPECT_EQ(arrows, ladder["arrows"].size());
    EXPECT_EQ(ladder["columns"].size(), 9u); // the reference's nine nodes
    testkit::TempDir dir("cmslab-ladder-svg");
    const std::string svg = dir.File("ladder.svg");
    auto r = testkit::RunProcess({Binary(), "ladder", s_run->Out(), "--svg", svg});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string picture = testkit::ReadFile(svg);
    // Well-formed XML, as an SVG viewer needs it (Python's parser as the judge).
    auto xml = testkit::RunProcess(
        {"python3", "-c", "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])", svg});
    EXPECT_EQ(xml.exit_code, 0) << xml.err;
    std::size_t groups = 0;
    for (std::size_t at = 0; (at = picture.find("<g class=\"arrow", at)) != std::string::npos; ++at)
        ++groups;
    EXPECT_EQ(groups, ladder["arrows"].size());
    auto media = testkit::RunProcess({Binary(), "ladder", s_run->Out(), "--media", "--json"});
    ASSERT_EQ(media.exit_code, 0);
    // Every RTP packet of the 10 s call, both ways, on each hop: far more arrows.
    EXPECT_GT(json::parse(media.out)["arrows"].size(), ladder["arrows"].size() + 1000);
}

TEST(LadderCommand, RefusesWhatItCannotRead) {
    auto help = testkit::RunProcess({Binary(), "ladder", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_TRUE(Contains(help.out, "usage: cmslab ladder RESULT_DIR"));
    auto none = testkit::RunProcess({Binary(), "ladder"});
    EXPECT_EQ(none.exit_code, 2);
    testkit::TempDir empty("cmslab-ladder-empty");
    auto bad = testkit::RunProcess({Binary(), "ladder", empty.Path()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(Contains(bad.err, "cmslab ladder: ")) << bad.err;
}

// Each failure case: the arrow of the fault is red (a line starting with '!').
struct FailingArrow {
    const char* scenario;
    const char* label;
};
void PrintTo(const FailingArrow& c, std::ostream* os) {
    *os << c.scenario;
}
class FailureLadder : public ::testing::TestWithParam<FailingArrow> {};

TEST_P(FailureLadder, TheFailingArrowIsMarked) {
    ScenarioRun run(GetParam().scenario);
    ASSERT_EQ(run.Result().exit_code, 0) << run.Result().err;
    auto r = testkit::RunProcess({Binary(), "ladder", run.Out()}, std::chrono::seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    bool marked = false;
    for (const auto& line : testkit::SplitLines(r.out))
        marked = marked || (line.rfind("!", 0) == 0 && Contains(line, GetParam().label));
    EXPECT_TRUE(marked) << r.out;
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, FailureLadder,
    ::testing::Values(FailingArrow{"bad-request", "HTTP/1.1 400 Bad Request"},
                      FailingArrow{"unsecure-connection", "TLS Alert fatal bad_certificate (42)"},
                      FailingArrow{"untrusted-certificate", "TLS Alert fatal unknown_ca (48)"},
                      FailingArrow{"no-media", "431 Integrity Check Failure"}),
    [](const auto& info) {
        std::string name = info.param.scenario;
        for (char& c : name)
            if (c == '-')
                c = '_';
        return name;
    });

} // namespace
} // namespace cmslab::report_tests
