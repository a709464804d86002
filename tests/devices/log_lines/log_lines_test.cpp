// Every kind of line the diagnosis reads: its parser reads back what its formatter wrote,
// also behind the box log's prefix, and refuses every other kind's line. The samples use
// no deployment's values and no literal wording: a changed wording passes, a formatter
// and parser that disagree do not.
#include "box_log.h"
#include "box_log_line.h"
#include "log_lines/browser_lines.h"
#include "log_lines/cms_lines.h"
#include "log_lines/dns_lines.h"
#include "log_lines/expressway_c_lines.h"
#include "log_lines/expressway_e_lines.h"
#include "log_lines/firewall_lines.h"
#include "log_lines/wording_override.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <stdexcept>

namespace cmslab::log_lines {
namespace {

struct Sample {
    Kind kind;
    std::string text;                            // what the formatter wrote
    std::function<bool(std::string_view)> reads; // the parser gives back the same fields
    std::function<bool(std::string_view)> takes; // the parser takes the line at all
};

template <class Line>
Sample Make(Kind kind, const Line& value, std::string (*format)(const Line&),
            std::optional<Line> (*parse)(std::string_view)) {
    Sample s{kind, format(value), nullptr, nullptr};
    s.reads = [value, parse](std::string_view text) {
        auto read = parse(text);
        return read && *read == value;
    };
    s.takes = [parse](std::string_view text) { return parse(text).has_value(); };
    return s;
}

FirewallDropLine Drop(FirewallPath path, std::string protocol, std::string source,
                      std::string destination) {
    FirewallDropLine d;
    d.path = path;
    d.protocol = std::move(protocol);
    d.source = std::move(source);
    d.destination = std::move(destination);
    return d;
}

std::vector<Sample> Samples() {
    return {
        Make(Kind::StageFailed, StageFailedLine{"tcp", "203.0.113.7:443 timed out (no SYN-ACK)"},
             StageFailed::Format, StageFailed::Parse),
        Make(Kind::TurnAllocate, TurnAllocateLine{"203.0.113.10:3478", "labuser"},
             TurnAllocate::Format, TurnAllocate::Parse),
        Make(Kind::NotCarriedOut, NotCarriedOutLine{"StartIce", "ICE, DTLS and media"},
             NotCarriedOut::Format, NotCarriedOut::Parse),
        Make(Kind::TurnUrlGivenUp,
             TurnUrlGivenUpLine{"203.0.113.10:3478/udp", "no answer after 5 s"},
             TurnUrlGivenUp::Format, TurnUrlGivenUp::Parse),
        Make(Kind::FirewallDroppedInbound,
             Drop(FirewallPath::Inbound, "TCP", "198.51.100.9:49152", "203.0.113.10:443"),
             FirewallDrop::Format, FirewallDrop::Parse),
        Make(Kind::FirewallDroppedOutbound,
             Drop(FirewallPath::Outbound, "ICMP echo request", "203.0.113.10", "198.51.100.9"),
             FirewallDrop::Format, FirewallDrop::Parse),
        Make(Kind::FirewallReflectionOff,
             Drop(FirewallPath::Hairpin, "UDP", "10.0.0.7:49155", "203.0.113.10:24010"),
             FirewallDrop::Format, FirewallDrop::Parse),
        Make(Kind::FirewallAccepted,
             FirewallAcceptLine{"UDP", "198.51.100.9:1", "203.0.113.10:3478", "rule 3", ""},
             FirewallAccept::Format, FirewallAccept::Parse),
        Make(Kind::FirewallAcceptedTo,
             FirewallAcceptLine{"TCP", "198.51.100.9:2", "203.0.113.10:443",
                                "rule 1 \"web (HTTPS)\"", "10.0.0.5"},
             FirewallAccept::Format, FirewallAccept::Parse),
        Make(Kind::DnsQuery,
             DnsQueryLine{"198.51.100.9#49153", "meet.example.net IN A", "UDP", "NXDOMAIN"},
             DnsQuery::Format, DnsQuery::Parse),
        Make(Kind::ListeningOnTcp, ListeningOnTcpLine{kWebProxyService, "10.0.0.5:443"},
             ListeningOnTcp::Format, ListeningOnTcp::Parse),
        Make(Kind::TurnServicesOff, TurnServicesOffLine{}, TurnServicesOff::Format,
             TurnServicesOff::Parse),
        Make(Kind::TurnRelays,
             TurnRelaysLine{"10.0.0.5", 24000, 29999, "203.0.113.10", "lab realm"},
             TurnRelays::Format, TurnRelays::Parse),
        Make(Kind::TurnAuthFailure,
             TurnAuthFailureLine{431, "Integrity Check Failure", "UDP", "198.51.100.9:49154",
                                 "10.0.0.5:3478", "labuser"},
             TurnAuthFailure::Format, TurnAuthFailure::Parse),
        Make(Kind::TurnAllocation,
             TurnAllocationLine{"labuser", "TCP", "198.51.100.9:49154", "10.0.0.5:3478",
                                "10.0.0.5:24377", "203.0.113.10:24377", 600},
             TurnAllocation::Format, TurnAllocation::Parse),
        Make(Kind::RequestRefused,
             RequestRefusedLine{"GET", "/join?x=1", "meet.example.net", "198.51.100.9:49153",
                                "no tunnel to the other side (yet)"},
             RequestRefused::Format, RequestRefused::Parse),
        Make(Kind::HostNotLearned, HostNotLearnedReason{"meet.example.net"}, HostNotLearned::Format,
             HostNotLearned::Parse),
        Make(Kind::TraversalFromPeer,
             TraversalFromPeerLine{TraversalAuthenticated::Format({"Lab Zone", "zoneuser"}),
                                   "10.0.0.6:49154"},
             TraversalFromPeer::Format, TraversalFromPeer::Parse),
        Make(Kind::TraversalChallenged, TraversalChallengedLine{"Lab Zone", "SERVICE", "LAB REALM"},
             TraversalChallenged::Format, TraversalChallenged::Parse),
        Make(Kind::TraversalAuthenticated, TraversalAuthenticatedLine{"Lab Zone", "zoneuser"},
             TraversalAuthenticated::Format, TraversalAuthenticated::Parse),
        Make(Kind::TraversalAuthRefused,
             TraversalAuthRefusedLine{"Lab Zone", TraversalWrongPassword::Format({"zoneuser"})},
             TraversalAuthRefused::Format, TraversalAuthRefused::Parse),
        Make(Kind::TraversalWrongPassword, TraversalWrongPasswordReason{"zoneuser"},
             TraversalWrongPassword::Format, TraversalWrongPassword::Parse),
        Make(Kind::CacheResolved,
             CacheResolvedLine{"meet.example.net", "The cache now holds 10.0.0.7"},
             CacheResolved::Format, CacheResolved::Parse),
        Make(Kind::WebBridgeProbed,
             WebBridgeProbedLine{"meet.example.net", "10.0.0.7:443", "TLSv1.3",
                                 "CN = web.example.local, O = Lab"},
             WebBridgeProbed::Format, WebBridgeProbed::Parse),
        Make(Kind::WebBridgeProbeFailed,
             WebBridgeProbeFailedLine{"meet.example.net", "10.0.0.7:443",
                                      "reset: connection reset by 10.0.0.7:443"},
             WebBridgeProbeFailed::Format, WebBridgeProbeFailed::Parse),
        Make(Kind::TraversalZoneFailed,
             TraversalZoneFailedLine{"Lab Zone", "connection closed: reset by peer"},
             TraversalZoneFailed::Format, TraversalZoneFailed::Parse),
        Make(Kind::WebBridgeNameResolutionFailed,
             WebBridgeNameResolutionFailedLine{2, "web.example.local"},
             WebBridgeNameResolutionFailed::Format, WebBridgeNameResolutionFailed::Parse),
        Make(Kind::WebBridgeTlsFailed, WebBridgeTlsFailedLine{1, "registration refused: no trust"},
             WebBridgeTlsFailed::Format, WebBridgeTlsFailed::Parse),
        Make(Kind::WebBridgeConnectFailed, WebBridgeConnectFailedLine{7},
             WebBridgeConnectFailed::Format, WebBridgeConnectFailed::Parse),
        Make(Kind::IceFailure,
             IceFailureLine{12, kIceFailureUnauthorized, "unauthorized - wrong account"},
             IceFailure::Format, IceFailure::Parse),
        Make(Kind::ParticipantLimitReached,
             ParticipantLimitReachedLine{"guest7@cms.example.local",
                                         "9f1c2a3b-0000-4000-8000-000000000001", "Team space", 15},
             ParticipantLimitReached::Format, ParticipantLimitReached::Parse),
        Make(Kind::TurnTcpFallback,
             TurnTcpFallbackLine{4, "192.0.2.8:3478", "no answer after 5 s", "192.0.2.8:443"},
             TurnTcpFallback::Format, TurnTcpFallback::Parse),
        Make(Kind::TurnAllocatedOverTcp,
             TurnAllocatedOverTcpLine{4, "198.51.100.4:24012", "192.0.2.8:443"},
             TurnAllocatedOverTcp::Format, TurnAllocatedOverTcp::Parse),
    };
}

TEST(LogLines, EveryKindHasASample) {
    std::set<Kind> covered;
    for (const Sample& s : Samples())
        covered.insert(s.kind);
    EXPECT_EQ(covered.size(), static_cast<std::size_t>(kKindCount));
}

TEST(LogLines, EachParserReadsBackWhatItsFormatterWrote) {
    for (const Sample& s : Samples())
        EXPECT_TRUE(s.reads(s.text)) << KindName(s.kind) << ": " << s.text;
}

TEST(LogLines, EachParserReadsTheTextBehindTheBoxLogPrefix) {
    Instant now{std::chrono::milliseconds(1123)};
    devices::BoxLog log("box", 1495274400, [&] { return now; });
    const auto samples = Samples();
    for (const Sample& s : samples)
        log.Write(ComponentOf(s.kind).empty() ? "part" : ComponentOf(s.kind), s.text);
    ASSERT_EQ(log.Lines().size(), samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        auto line = devices::ParseBoxLogLine(log.Lines()[i]);
        ASSERT_TRUE(line) << log.Lines()[i];
        EXPECT_EQ(line->timestamp, devices::BoxLog::Timestamp(1495274400, now));
        if (!ComponentOf(samples[i].kind).empty()) {
            EXPECT_EQ(line->component, ComponentOf(samples[i].kind));
        }
        EXPECT_TRUE(samples[i].reads(line->text)) << log.Lines()[i];
        // The whole line, prefix and all, is not the kind's text.
        EXPECT_FALSE(samples[i].reads(log.Lines()[i])) << log.Lines()[i];
    }
}

// One parser reads the three drop lines, another both accept lines.
int ParserOf(Kind kind) {
    switch (kind) {
    case Kind::FirewallDroppedInbound:
    case Kind::FirewallDroppedOutbound:
    case Kind::FirewallReflectionOff:
        return -1;
    case Kind::FirewallAccepted:
    case Kind::FirewallAcceptedTo:
        return -2;
    default:
        return static_cast<int>(kind);
    }
}

TEST(LogLines, EachParserRefusesTheOtherKindsLines) {
    const auto samples = Samples();
    for (const Sample& parser : samples)
        for (const Sample& line : samples) {
            if (ParserOf(parser.kind) == ParserOf(line.kind))
                continue;
            EXPECT_FALSE(parser.takes(line.text)) << KindName(parser.kind) << " took the "
                                                  << KindName(line.kind) << " line: " << line.text;
        }
}

TEST(LogLines, ParsersRefuseUnrelatedLines) {
    const char* unrelated[] = {"",
                               "screen: loading",
                               "resolving meet.example.net",
                               "tls: handshake done",
                               "Expressway-E lab starting",
                               "401 Unauthorized (challenge) to UDP 1.2.3.4:5 -> 6.7.8.9:3478"};
    for (const Sample& s : Samples())
        for (const char* text : unrelated)
            EXPECT_FALSE(s.takes(text)) << KindName(s.kind) << " took: " << text;
}

TEST(LogLines, ANumberThatDoesNotReadIsNotTheLine) {
    auto ice = IceFailure::Format({3, 2, "no answer"});
    ASSERT_TRUE(IceFailure::Parse(ice));
    auto with_word = IceFailure::Format({3, 2, "no answer"});
    with_word.replace(with_word.find('3'), 1, "x");
    EXPECT_FALSE(IceFailure::Parse(with_word)) << with_word;
}

TEST(LogLines, WordingTableIsWellFormed) {
    std::set<std::string_view> names;
    for (int i = 0; i < kKindCount; ++i) {
        const Kind kind = static_cast<Kind>(i);
        EXPECT_TRUE(names.insert(KindName(kind)).second) << KindName(kind);
        const auto segments = CompilePattern(WordingOf(kind));
        for (std::size_t s = 1; s < segments.size(); ++s)
            EXPECT_FALSE(segments[s].placeholder && segments[s - 1].placeholder)
                << KindName(kind) << ": two placeholders side by side";
    }
}

TEST(LogLines, AScopedWordingMovesFormatterAndParserTogether) {
    const TurnAllocateLine value{"203.0.113.10:3478", "labuser"};
    const std::string before = TurnAllocate::Format(value);
    {
        ScopedWording changed(Kind::TurnAllocate, "relay wanted from {server} for user {user}");
        const std::string after = TurnAllocate::Format(value);
        EXPECT_NE(after, before);
        EXPECT_EQ(TurnAllocate::Parse(after), value);
        EXPECT_FALSE(TurnAllocate::Parse(before));
    }
    EXPECT_EQ(TurnAllocate::Format(value), before);
    EXPECT_EQ(TurnAllocate::Parse(before), value);
}

TEST(LogLines, AScopedWordingKeepsThePlaceholders) {
    EXPECT_THROW(ScopedWording(Kind::TurnAllocate, "relay from {server}"), std::invalid_argument);
    EXPECT_THROW(ScopedWording(Kind::TurnAllocate, "relay from {server} as {name}"),
                 std::invalid_argument);
}

TEST(LogLines, BoxLogPrefixIsRequiredWhole) {
    for (const char* text : {"", "t browser: x", "2017-05-20 10:00:01.123 no component",
                             "2017-05-20 10:00:01 browser: x", "2017-5-20 10:00:01.123 browser: x",
                             "2017-05-20 10:00:01.123 two words: x"})
        EXPECT_FALSE(devices::ParseBoxLogLine(text)) << text;
    auto line = devices::ParseBoxLogLine("2017-05-20 10:00:01.123 turn: a: b");
    ASSERT_TRUE(line);
    EXPECT_EQ(line->component, "turn");
    EXPECT_EQ(line->text, "a: b");
    EXPECT_EQ(devices::FormatBoxLogLine(*line), "2017-05-20 10:00:01.123 turn: a: b");
}

TEST(LogLines, CommonNameOfASubject) {
    EXPECT_EQ(CommonName("CN = web.example.local, O = Lab"), "web.example.local");
    EXPECT_EQ(CommonName("O = Lab"), "");
}

TEST(LogLines, QueriedNameIsTheQuestionsFirstWord) {
    EXPECT_EQ(QueriedName(DnsQueryLine{"c", "meet.example.net IN A", "UDP", "NOERROR"}),
              "meet.example.net");
}

} // namespace
} // namespace cmslab::log_lines
