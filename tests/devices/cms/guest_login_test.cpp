// Guest login and call logic: the CMS log lines of reference section 6 in order,
// refusals per access mode, the web bridge's page and form answers, signaling; the
// login's steps in simulated time and the counters from the box's state.
#include "cms/call_bridge.h"
#include "cms/web_bridge.h"
#include "http/ws_handshake.h"
#include "webapp/meeting_page.h"
#include "webapp/paths.h"

#include "cms_test_support.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <regex>

using namespace cmslab;
using namespace cmslab::cms;
using namespace cmslab::cms::fixtures;

namespace {

WebBridgeSettings Settings(GuestAccessMode mode = GuestAccessMode::Secure) {
    WebBridgeSettings s;
    s.guest_account_client_uri = "https://cmsweb.cms.octavio.local";
    s.guest_account_jid_domain = "cms.octavio.local";
    s.guest_access_via_id_and_passcode = mode;
    return s;
}

std::vector<SpaceSettings> Spaces() {
    return {{"Proxy webRTC", "proxywebrtc", "100101", ""}, {"Board", "board", "200202", "4321"}};
}

http::Request Post(const std::string& path, const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.target = path;
    r.headers.Add("Host", "cmsweb.octavio.com");
    r.body.assign(body.begin(), body.end());
    return r;
}

// The answers come through callbacks; without a scheduler every step runs at once, so
// they have come when the call returns.
webapp::JoinAnswer Login(CallBridge& cb, std::uint64_t link, const webapp::GuestLoginRequest& r) {
    std::optional<webapp::JoinAnswer> out;
    cb.GuestLogin(link, r, [&](webapp::JoinAnswer a) { out = std::move(a); });
    EXPECT_TRUE(out.has_value());
    return out.value_or(webapp::JoinAnswer{});
}

Expected<webapp::JoinedMessage> JoinNow(CallBridge& cb, const std::string& token) {
    std::optional<Expected<webapp::JoinedMessage>> out;
    cb.Join(token, [&](Expected<webapp::JoinedMessage> j) { out = std::move(j); });
    if (!out)
        return Error{"no answer yet"};
    return std::move(*out);
}

http::Response HandleNow(WebBridge& wb, const http::Request& request) {
    std::optional<http::Response> out;
    wb.Handle(request, [&](http::Response r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out.value_or(http::Response{});
}

// A simulated clock for the steps: each scheduled step runs at its time, steps due at
// the same time in the order they were scheduled.
struct StepClock {
    Instant now{};
    std::multimap<Instant, std::function<void()>> queue;
    StepScheduler Scheduler() {
        return [this](Duration delay, std::function<void()> step) {
            queue.emplace(now + delay, std::move(step));
        };
    }
    void Run() {
        while (!queue.empty()) {
            auto next = queue.begin();
            now = next->first;
            auto step = std::move(next->second);
            queue.erase(next);
            step();
        }
    }
};

} // namespace

TEST(CallBridge, GuestLoginAndJoinLogTheProductsLinesInOrder) {
    Lines log;
    CallBridge cb(Settings(), Spaces(), Rng(3), log.Sink());
    const auto answer = Login(cb, 3, {"100101", "", "Guest"});
    ASSERT_TRUE(answer.Ok()) << answer.message;
    EXPECT_EQ(answer.space_name, "Proxy webRTC");
    const std::string jid = answer.guest_jid;
    EXPECT_TRUE(std::regex_match(jid, std::regex("guest[1-9][0-9]{9}@cms\\.octavio\\.local")))
        << jid;
    auto joined = JoinNow(cb, answer.session);
    ASSERT_TRUE(joined) << joined.Message();
    cb.StartDtls(answer.session);
    cb.Leave(answer.session, "\"Web client\" conference participation");
    const std::string space_id = cb.Spaces()[0].id;
    const std::vector<std::string> expected = {
        "web bridge link 3: new guest login request 1 received",
        "guest login request 1: passcode resolution scheduled",
        "guest login request 1: resolution in progress",
        "guest login request 1: credential storage scheduled (queue length: 1)",
        "created guest account with user ID \"" + jid + "\"",
        "guest login request 1: credential storage executed",
        "guest login request 1: credential storage in progress",
        "guest login request 1: successfully stored credentials",
        "web bridge link 3: guest login request 1: response written",
        "successful login request from " + jid,
        "instantiating user \"" + jid + "\"",
        "new session created for user \"" + jid + "\"",
        "call 1: allocated for " + jid + " \"Web client\" conference participation",
        "call 1: setting up combined RTP session for DTLS (combined media and control)",
        "participant \"" + jid + "\" joined space " + space_id + " (Proxy webRTC)",
        "call 1: starting DTLS combined media negotiation (as initiator)",
        "participant \"" + jid + "\" left space " + space_id + " (Proxy webRTC)",
        "call 1: tearing down (\"Web client\" conference participation)",
        "destroying guest account with user ID \"" + jid + "\"",
    };
    EXPECT_EQ(log.text, expected);
    EXPECT_EQ(joined->space_name, "Proxy webRTC");
    EXPECT_EQ(joined->space_id, space_id);
    ASSERT_EQ(joined->participants.size(), 1u);
    EXPECT_EQ(joined->participants[0].display_name, "Guest");
    EXPECT_EQ(cb.Session(answer.session), nullptr);
}

TEST(CallBridge, CountersNumberRequestsAndCalls) {
    Lines log;
    CallBridge cb(Settings(), Spaces(), Rng(3), log.Sink());
    const auto a = Login(cb, 2, {"100101", "", "A"});
    const auto b = Login(cb, 2, {"200202", "4321", "B"});
    ASSERT_TRUE(a.Ok());
    ASSERT_TRUE(b.Ok());
    EXPECT_NE(a.guest_jid, b.guest_jid);
    EXPECT_NE(a.session, b.session);
    ASSERT_TRUE(JoinNow(cb, b.session));
    ASSERT_TRUE(JoinNow(cb, a.session));
    EXPECT_FALSE(JoinNow(cb, a.session)); // once only
    EXPECT_FALSE(JoinNow(cb, "nope"));
    const auto count = [&](const std::string& needle) {
        return std::count_if(log.text.begin(), log.text.end(), [&](const std::string& l) {
            return l.find(needle) != std::string::npos;
        });
    };
    EXPECT_EQ(count("new guest login request 2 received"), 1);
    EXPECT_EQ(count("call 1: allocated for " + b.guest_jid), 1);
    EXPECT_EQ(count("call 2: allocated for " + a.guest_jid), 1);
    // Same seed, same guest names.
    Lines again;
    CallBridge cb2(Settings(), Spaces(), Rng(3), again.Sink());
    EXPECT_EQ(Login(cb2, 2, {"100101", "", "A"}).guest_jid, a.guest_jid);
}

TEST(CallBridge, WrongPasscodeIsRefusedAndNoAccountIsMade) {
    for (auto mode : {GuestAccessMode::Secure, GuestAccessMode::Legacy}) {
        Lines log;
        CallBridge cb(Settings(mode), Spaces(), Rng(1), log.Sink());
        const auto wrong = Login(cb, 1, {"200202", "1111", "X"});
        EXPECT_EQ(wrong.error, webapp::JoinError::CallNotRecognized);
        const std::vector<std::string> expected = {
            "web bridge link 1: new guest login request 1 received",
            "guest login request 1: passcode resolution scheduled",
            "guest login request 1: resolution in progress",
            "guest login request 1: passcode resolution failed",
            "web bridge link 1: guest login request 1: response written",
        };
        EXPECT_EQ(log.text, expected);
        EXPECT_EQ(Login(cb, 1, {"999999", "", "X"}).error, webapp::JoinError::CallNotRecognized);
        EXPECT_EQ(cb.LookupCall({"200202", "1111"}).error, webapp::JoinError::CallNotRecognized);
        EXPECT_TRUE(cb.LookupCall({"200202", "4321"}).Ok());
        EXPECT_EQ(cb.LookupCall({"100101", ""}).space_name, "Proxy webRTC");
    }
    // Only the legacy mode asks for the passcode separately.
    CallBridge secure(Settings(GuestAccessMode::Secure), Spaces(), Rng(1), nullptr);
    EXPECT_EQ(secure.LookupCall({"200202", ""}).error, webapp::JoinError::CallNotRecognized);
    CallBridge legacy(Settings(GuestAccessMode::Legacy), Spaces(), Rng(1), nullptr);
    EXPECT_EQ(legacy.LookupCall({"200202", ""}).error, webapp::JoinError::PasscodeRequired);
}

TEST(CallBridge, IceFailureLine) {
    Lines log;
    CallBridge cb(Settings(), Spaces(), Rng(1), log.Sink());
    const auto a = Login(cb, 1, {"100101", "", "A"});
    ASSERT_TRUE(JoinNow(cb, a.session));
    cb.IceFailure(a.session, 4, "unauthorized - check credentials");
    EXPECT_EQ(log.text.back(), "call 1: ICE failure 4 (unauthorized - check credentials)");
}

TEST(CallBridge, DtlsFailureLineAfterTheStart) {
    Lines log;
    CallBridge cb(Settings(), Spaces(), Rng(1), log.Sink());
    const auto a = Login(cb, 1, {"100101", "", "A"});
    ASSERT_TRUE(JoinNow(cb, a.session));
    cb.StartDtls(a.session);
    cb.DtlsFailure(a.session, "alert sent: fatal bad_certificate");
    ASSERT_GE(log.text.size(), 2u);
    EXPECT_EQ(log.text[log.text.size() - 2],
              "call 1: starting DTLS combined media negotiation (as initiator)");
    EXPECT_EQ(log.text.back(),
              "call 1: DTLS combined media negotiation failed (alert sent: fatal bad_certificate)");
    // Nothing for a session without a call.
    const std::size_t lines = log.text.size();
    cb.DtlsFailure("no-such-session", "x");
    EXPECT_EQ(log.text.size(), lines);
}

TEST(CallBridge, StepsTakeTheirTimeAndTheAnswersWaitForThem) {
    StepClock clock;
    std::vector<std::pair<Instant, std::string>> lines;
    LogSink sink = [&](std::string_view, const std::string& text) {
        lines.emplace_back(clock.now, text);
    };
    LoginStepTimes steps;
    steps.passcode_resolution = std::chrono::milliseconds(2);
    steps.credential_storage = std::chrono::milliseconds(3);
    steps.response = std::chrono::milliseconds(20);
    steps.user_instantiation = std::chrono::milliseconds(700);
    steps.session_creation = std::chrono::milliseconds(4);
    steps.call_allocation = std::chrono::milliseconds(3000);
    // A box up for a while: request 21 and call 6 next, as in the reference log.
    CallBridge cb(Settings(), Spaces(), Rng(3), sink, BoxCounters{3, 21, 6}, steps);
    cb.SetScheduler(clock.Scheduler());

    std::optional<webapp::JoinAnswer> answer;
    std::optional<Instant> answered;
    cb.GuestLogin(3, {"100101", "", "Guest"}, [&](webapp::JoinAnswer a) {
        answer = std::move(a);
        answered = clock.now;
    });
    EXPECT_FALSE(answer) << "answered before the steps were done";
    EXPECT_EQ(lines.size(), 3u); // received, scheduled, in progress: at once
    clock.Run();
    ASSERT_TRUE(answer && answer->Ok());
    EXPECT_EQ(*answered, std::chrono::milliseconds(25));

    clock.now += std::chrono::milliseconds(70); // the client comes back with its session
    std::optional<Expected<webapp::JoinedMessage>> joined;
    cb.Join(answer->session, [&](Expected<webapp::JoinedMessage> j) { joined = std::move(j); });
    EXPECT_FALSE(joined);
    // Joining again while the steps run is refused at once.
    std::optional<Expected<webapp::JoinedMessage>> again;
    cb.Join(answer->session, [&](Expected<webapp::JoinedMessage> j) { again = std::move(j); });
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
    clock.Run();
    ASSERT_TRUE(joined && *joined);

    const std::string jid = answer->guest_jid;
    using std::chrono::milliseconds;
    const std::vector<std::pair<Instant, std::string>> expected = {
        {milliseconds(0), "web bridge link 3: new guest login request 21 received"},
        {milliseconds(0), "guest login request 21: passcode resolution scheduled"},
        {milliseconds(0), "guest login request 21: resolution in progress"},
        {milliseconds(2), "guest login request 21: credential storage scheduled (queue length: 1)"},
        {milliseconds(2), "created guest account with user ID \"" + jid + "\""},
        {milliseconds(2), "guest login request 21: credential storage executed"},
        {milliseconds(2), "guest login request 21: credential storage in progress"},
        {milliseconds(5), "guest login request 21: successfully stored credentials"},
        {milliseconds(25), "web bridge link 3: guest login request 21: response written"},
        {milliseconds(95), "successful login request from " + jid},
        {milliseconds(795), "instantiating user \"" + jid + "\""},
        {milliseconds(799), "new session created for user \"" + jid + "\""},
        {milliseconds(3799),
         "call 6: allocated for " + jid + " \"Web client\" conference participation"},
        {milliseconds(3799),
         "call 6: setting up combined RTP session for DTLS (combined media and control)"},
    };
    ASSERT_GE(lines.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(lines[i], expected[i]) << i;
}

TEST(CallBridge, TwoLoginsAtOnceQueueTheirCredentialStorage) {
    StepClock clock;
    Lines log;
    CallBridge cb(Settings(), Spaces(), Rng(3), log.Sink());
    cb.SetScheduler(clock.Scheduler());
    int answers = 0;
    cb.GuestLogin(1, {"100101", "", "A"}, [&](webapp::JoinAnswer) { ++answers; });
    cb.GuestLogin(1, {"100101", "", "B"}, [&](webapp::JoinAnswer) { ++answers; });
    clock.Run();
    EXPECT_EQ(answers, 2);
    EXPECT_NE(std::find(log.text.begin(), log.text.end(),
                        "guest login request 2: credential storage scheduled (queue length: 2)"),
              log.text.end());
}

TEST(CallBridge, LeavingWhileTheJoinRunsEndsIt) {
    StepClock clock;
    CallBridge cb(Settings(), Spaces(), Rng(3), nullptr);
    cb.SetScheduler(clock.Scheduler());
    std::optional<webapp::JoinAnswer> answer;
    cb.GuestLogin(1, {"100101", "", "A"}, [&](webapp::JoinAnswer a) { answer = std::move(a); });
    clock.Run();
    ASSERT_TRUE(answer && answer->Ok());
    std::optional<Expected<webapp::JoinedMessage>> joined;
    cb.Join(answer->session, [&](Expected<webapp::JoinedMessage> j) { joined = std::move(j); });
    cb.Leave(answer->session, "\"Web client\" conference participation");
    clock.Run();
    ASSERT_TRUE(joined);
    EXPECT_FALSE(*joined);
    EXPECT_TRUE(cb.Participants(0).empty());
}

TEST(WebBridge, PageOffersJoinCallOnlyWhileTheLinkIsUp) {
    CallBridge cb(Settings(), Spaces(), Rng(1), nullptr);
    WebBridge wb(Settings(), cb, nullptr);
    http::Request get;
    get.method = "GET";
    get.target = "/";
    auto page = webapp::ReadMeetingPage(Body(HandleNow(wb, get)));
    EXPECT_EQ(page.title, "Meeting");
    EXPECT_FALSE(page.join_call);
    EXPECT_TRUE(page.sign_in);
    const auto refused =
        HandleNow(wb, Post(webapp::kGuestLoginPath, "callId=100101&displayName=G"));
    EXPECT_EQ(refused.status, 503);
    EXPECT_EQ(webapp::DecodeJoinAnswer(Body(refused))->error,
              webapp::JoinError::WebBridgeUnavailable);
    wb.SetLink(true, 3);
    page = webapp::ReadMeetingPage(Body(HandleNow(wb, get)));
    EXPECT_TRUE(page.join_call);
    EXPECT_EQ(HandleNow(wb, Post("/nowhere", "")).status, 404);
}

TEST(WebBridge, JoinFormSignalingAndLeave) {
    Lines log;
    CallBridge cb(Settings(), Spaces(), Rng(1), log.Sink());
    WebBridge wb(Settings(), cb, [] {
        return std::vector<webapp::IceServer>{
            webapp::TurnIceServer("10.88.246.156", 3478, "turnuser", "cisco")};
    });
    std::vector<std::string> media;
    wb.OnMedia([&](const std::string&, const webapp::SignalingMessage& m) {
        media.push_back(webapp::SignalingTypeName(m));
    });
    std::vector<WebBridge::SignalingResult> later;
    wb.OnLater(
        [&](const std::string&, const WebBridge::SignalingResult& r) { later.push_back(r); });
    wb.SetLink(true, 3);
    const auto lookup = HandleNow(wb, Post(webapp::kCallLookupPath, "callId=100101&passcode="));
    EXPECT_EQ(lookup.status, 200);
    EXPECT_EQ(webapp::DecodeJoinAnswer(Body(lookup))->space_name, "Proxy webRTC");
    EXPECT_EQ(HandleNow(wb, Post(webapp::kCallLookupPath, "callId=1")).status, 403);
    EXPECT_EQ(HandleNow(wb, Post(webapp::kCallLookupPath, "bogus")).status, 400);

    const auto login =
        HandleNow(wb, Post(webapp::kGuestLoginPath, "callId=100101&passcode=&displayName=Guest"));
    ASSERT_EQ(login.status, 200) << Body(login);
    const auto answer = *webapp::DecodeJoinAnswer(Body(login));
    EXPECT_EQ(log.text.front(), "web bridge link 3: new guest login request 1 received");

    Rng rng(9);
    auto hs = ws::BuildClientHandshake(rng, "cmsweb.octavio.com", answer.signaling_url, "",
                                       {webapp::kSignalingProtocol});
    const auto upgrade = wb.HandleUpgrade(hs.request);
    ASSERT_TRUE(upgrade.session.has_value());
    EXPECT_EQ(upgrade.response.status, 101);
    EXPECT_EQ(*upgrade.session, answer.session);
    auto stranger = ws::BuildClientHandshake(rng, "h", webapp::SignalingTarget("nope"));
    EXPECT_EQ(wb.HandleUpgrade(stranger.request).response.status, 404);

    // Media before join is out of order.
    auto early =
        wb.OnSignaling(answer.session, webapp::EncodeSignaling(webapp::EndOfCandidatesMessage{}));
    ASSERT_EQ(early.messages.size(), 1u);
    EXPECT_NE(early.messages[0].text.find("unexpectedMessage"), std::string::npos);

    // The joined answer comes when the Call Bridge's steps are done (here at once).
    const auto at_once = wb.OnSignaling(
        answer.session, webapp::EncodeSignaling(webapp::JoinMessage{answer.session, "Guest"}));
    EXPECT_TRUE(at_once.messages.empty());
    ASSERT_EQ(later.size(), 1u);
    const auto& joined = later[0];
    ASSERT_EQ(joined.messages.size(), 1u);
    const auto decoded = webapp::DecodeSignaling(joined.messages[0].text);
    ASSERT_TRUE(decoded);
    const auto& j = std::get<webapp::JoinedMessage>(*decoded);
    EXPECT_EQ(j.space_name, "Proxy webRTC");
    ASSERT_EQ(j.ice_servers.size(), 1u);
    EXPECT_EQ(j.ice_servers[0].urls[0], "turn:10.88.246.156:3478?transport=udp");
    EXPECT_EQ(j.ice_servers[0].username, "turnuser");

    auto bad = wb.OnSignaling(answer.session, "{not json");
    ASSERT_EQ(bad.messages.size(), 1u);
    EXPECT_NE(bad.messages[0].text.find("badMessage"), std::string::npos);
    EXPECT_FALSE(bad.close);

    wb.OnSignaling(answer.session, webapp::EncodeSignaling(webapp::IceParametersMessage{
                                       "abcd", "0123456789abcdefghijkl"}));
    wb.OnSignaling(answer.session, webapp::EncodeSignaling(webapp::EndOfCandidatesMessage{}));
    EXPECT_EQ(media, (std::vector<std::string>{"ice-parameters", "end-of-candidates"}));

    const auto leave =
        wb.OnSignaling(answer.session, webapp::EncodeSignaling(webapp::LeaveMessage{"hang up"}));
    EXPECT_TRUE(leave.close);
    EXPECT_NE(leave.messages[0].text.find("bye"), std::string::npos);
    EXPECT_NE(log.text.back().find("destroying guest account with user ID"), std::string::npos);
    // After the session ended, its channel is told so.
    EXPECT_TRUE(wb.OnSignaling(answer.session, "{\"type\":\"leave\"}").close);
}

TEST(WebBridgeFuzz, GeneratedSignalingNeverCrashes) {
    CallBridge cb(Settings(), Spaces(), Rng(1), nullptr);
    WebBridge wb(Settings(), cb, nullptr);
    wb.SetLink(true, 1);
    const auto answer = *webapp::DecodeJoinAnswer(
        Body(HandleNow(wb, Post(webapp::kGuestLoginPath, "callId=100101&displayName=G"))));
    const std::vector<std::string> valid = {
        webapp::EncodeSignaling(webapp::JoinMessage{answer.session, "G"}),
        webapp::EncodeSignaling(webapp::IceParametersMessage{"abcd", "0123456789abcdefghijkl"}),
        webapp::EncodeSignaling(webapp::LeaveMessage{"x"})};
    Rng rng(44);
    // The decoder itself gets its 100,000 inputs in the webapp tests; this checks the
    // bridge's handling of whatever decodes.
    for (int i = 0; i < 20000; ++i) {
        std::string s = valid[rng.Uniform(0, valid.size() - 1)];
        const auto n = rng.Uniform(0, 3);
        for (std::uint64_t k = 0; k < n; ++k)
            s[rng.Uniform(0, s.size() - 1)] = static_cast<char>(rng.Uniform(0, 255));
        const auto r = wb.OnSignaling(answer.session, s);
        for (const auto& m : r.messages)
            ASSERT_TRUE(webapp::DecodeSignaling(m.text)) << m.text;
    }
}
