// The c2w link with scripted DNS, TCP and TLS results: the fault, log lines and alarm
// of each failure kind, retries, recovery.
#include "cms/call_bridge_link.h"

#include "cms_test_support.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::cms;
using namespace cmslab::cms::fixtures;
using namespace std::chrono_literals;

namespace {

const Expected<std::vector<IpAddress>> kResolved{
    std::vector<IpAddress>{IpAddress::V4(172, 16, 85, 180)}};
const Expected<std::vector<IpAddress>> kNxDomain{Error{"NXDOMAIN"}};

} // namespace

TEST(CallBridgeLink, DnsFailure) {
    Lines log;
    CallBridgeLink link("https://cmsweb.cms.octavio.local", log.Sink());
    auto step = link.Start(0s);
    EXPECT_EQ(step.action, LinkStep::Do::Resolve);
    EXPECT_EQ(step.host, "cmsweb.cms.octavio.local");
    step = link.OnResolved(1s, kNxDomain);
    EXPECT_EQ(step.action, LinkStep::Do::Nothing);
    ASSERT_TRUE(step.timer);
    EXPECT_EQ(*step.timer, 11s);
    EXPECT_FALSE(link.Up());
    EXPECT_EQ(link.Fault(),
              "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (DNS failure)");
    EXPECT_EQ(link.Alarms(), std::vector<std::string>{"guestAccountConnectionFailure"});
    EXPECT_EQ(log.text,
              (std::vector<std::string>{
                  "web bridge link 1: name resolution for \"cmsweb.cms.octavio.local\" failed",
                  "failed to establish connection to web bridge link 1 (unknown error)",
                  "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (DNS failure)"}));
    // The retry is the next link, and fails the same way: the fault is not logged again.
    step = link.OnTimer(11s);
    EXPECT_EQ(step.action, LinkStep::Do::Resolve);
    link.OnResolved(12s, Expected<std::vector<IpAddress>>{std::vector<IpAddress>{}});
    EXPECT_EQ(log.text.back(),
              "failed to establish connection to web bridge link 2 (unknown error)");
}

TEST(CallBridgeLink, ConnectFailureThenRecovery) {
    Lines log;
    CallBridgeLink link("https://cmsweb.cms.octavio.local:8443", log.Sink(), 30s);
    link.Start(0s);
    auto step = link.OnResolved(0s, kResolved);
    EXPECT_EQ(step.action, LinkStep::Do::Connect);
    EXPECT_EQ(step.endpoint.ToString(), "172.16.85.180:8443");
    step = link.OnConnected(1s, false);
    EXPECT_EQ(*step.timer, 31s);
    EXPECT_EQ(link.Fault(),
              "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (connect failure)");
    EXPECT_EQ(log.text, (std::vector<std::string>{
                            "failed to establish connection to web bridge link 1 (unknown error)",
                            "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (connect "
                            "failure)"}));
    // A stale timer or result changes nothing.
    EXPECT_EQ(link.OnConnected(2s, true).action, LinkStep::Do::Nothing);

    link.OnTimer(31s);
    link.OnResolved(31s, kResolved);
    EXPECT_EQ(link.OnConnected(32s, true).action, LinkStep::Do::StartTls);
    link.OnTlsDone(32s, true);
    EXPECT_TRUE(link.Up());
    EXPECT_EQ(link.LinkNumber(), 2u);
    EXPECT_TRUE(link.Fault().empty());
    EXPECT_TRUE(link.Alarms().empty());

    // Losing the connection raises the fault again and schedules a retry.
    step = link.OnClosed(40s);
    EXPECT_FALSE(link.Up());
    EXPECT_EQ(*step.timer, 70s);
    EXPECT_FALSE(link.Fault().empty());
}

TEST(CallBridgeLink, TlsRefusalIsAConnectFailure) {
    Lines log;
    CallBridgeLink link("https://cmsweb.cms.octavio.local", log.Sink());
    link.Start(0s);
    link.OnResolved(0s, kResolved);
    link.OnConnected(0s, true);
    const auto step = link.OnTlsDone(0s, false, "peer sent alert unknown_ca");
    EXPECT_EQ(step.action, LinkStep::Do::Close);
    EXPECT_TRUE(step.timer);
    EXPECT_EQ(link.Fault(),
              "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (connect failure)");
    ASSERT_GE(log.text.size(), 2u);
    EXPECT_EQ(log.text[log.text.size() - 2],
              "failed to establish connection to web bridge link 1 (unknown error)");
    EXPECT_EQ(log.text.back(),
              "Web bridge connection to \"cmsweb.cms.octavio.local\" failed (connect failure)");
}

TEST(CallBridgeLink, AddressUriSkipsDnsAndBadUriIsUnusable) {
    CallBridgeLink link("https://172.16.85.180", nullptr);
    const auto step = link.Start(0s);
    EXPECT_EQ(step.action, LinkStep::Do::Connect);
    EXPECT_EQ(step.endpoint.ToString(), "172.16.85.180:443");

    CallBridgeLink bad("cmsweb.example", nullptr);
    EXPECT_EQ(bad.Start(0s).action, LinkStep::Do::Nothing);
    EXPECT_EQ(bad.GetState(), CallBridgeLink::State::Unusable);
    EXPECT_FALSE(bad.Fault().empty());
    EXPECT_FALSE(bad.Alarms().empty());
}

TEST(CallBridgeLink, ParseHttpsUri) {
    EXPECT_EQ(ParseHttpsUri("HTTPS://a.example/x")->host, "a.example");
    EXPECT_EQ(ParseHttpsUri("https://[2001:db8::1]:444")->port, 444);
    EXPECT_EQ(ParseHttpsUri("https://[2001:db8::1]:444")->host, "2001:db8::1");
    for (const char* bad : {"http://a", "https://", "https://a:", "https://a:0", "https://a:99999",
                            "https://a:1x", "https://[::1"})
        EXPECT_FALSE(ParseHttpsUri(bad)) << bad;
}

// --- the TURN probe ---------------------------------------------------------------

#include "cms/turn_probe.h"
#include "stun/constants.h"
#include "stun/message.h"

TEST(TurnProbe, MeasuresRoundTripAndMappedAddress) {
    const Endpoint server{IpAddress::V4(172, 16, 85, 168), 3478};
    TurnProbe probe(server, Rng(5));
    const auto request_bytes = probe.Start(1000ms);
    const auto request = stun::Message::Decode(request_bytes);
    ASSERT_TRUE(request);
    EXPECT_EQ(request->Method(), stun::method::kBinding);
    EXPECT_TRUE(request->IsRequest());
    EXPECT_EQ(*probe.NextTimer(), 1500ms);

    // A stranger's answer is ignored.
    auto stray = stun::Message(stun::Class::SuccessResponse, stun::method::kBinding, {});
    EXPECT_FALSE(probe.OnDatagram(1010ms, stray.Encode()));
    EXPECT_FALSE(probe.OnDatagram(1010ms, ByteView("garbage")));

    auto response = request->MakeResponse(stun::Class::SuccessResponse);
    response.AddXorAddress(stun::attr::kXorMappedAddress,
                           Endpoint{IpAddress::V4(172, 16, 85, 180), 41574});
    EXPECT_TRUE(probe.OnDatagram(1052ms, response.Encode()));
    EXPECT_TRUE(probe.Done());
    const auto status = probe.Status();
    EXPECT_EQ(status.state, TurnProbeStatus::State::Success);
    EXPECT_TRUE(status.reachable);
    EXPECT_EQ(status.round_trip_ms, 52);
    EXPECT_EQ(status.address, "172.16.85.168");
    EXPECT_EQ(status.port, 3478);
    EXPECT_EQ(status.mapped_address, "172.16.85.180");
    EXPECT_EQ(status.mapped_port, 41574);
}

TEST(TurnProbe, RetransmitsThenGivesUp) {
    TurnProbe probe(Endpoint{IpAddress::V4(192, 0, 2, 1), 3478}, Rng(5));
    const auto first = probe.Start(0ms);
    std::vector<Instant> sends{0ms};
    while (!probe.Done()) {
        const auto at = *probe.NextTimer();
        const auto again = probe.OnTimer(at);
        if (!again.empty()) {
            EXPECT_EQ(again, first);
            sends.push_back(at);
        }
        ASSERT_LT(at, 60s);
    }
    EXPECT_EQ(sends, (std::vector<Instant>{0ms, 500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms}));
    EXPECT_EQ(probe.Status().state, TurnProbeStatus::State::Failure);
    EXPECT_FALSE(probe.Status().reachable);
    EXPECT_FALSE(probe.NextTimer());
}
