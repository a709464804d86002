// The web app protocol: page, join form, answers, TURN URLs, signaling round trips and
// refusals of malformed messages.
#include "webapp/guest_join.h"
#include "webapp/ice_servers.h"
#include "webapp/json_guard.h"
#include "webapp/meeting_page.h"
#include "webapp/paths.h"
#include "webapp/signaling.h"
#include "webapp/www_files.h"

#include "support/temp_dir.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::webapp;

TEST(MeetingPage, OffersJoinCallOnlyWhenAsked) {
    const auto up = ReadMeetingPage(RenderMeetingPage({true, true, true}));
    EXPECT_EQ(up.title, "Meeting");
    EXPECT_TRUE(up.join_call);
    EXPECT_TRUE(up.sign_in);
    EXPECT_TRUE(up.passcode_field);

    const std::string down_html = RenderMeetingPage({false, true, true});
    const auto down = ReadMeetingPage(down_html);
    EXPECT_EQ(down.title, "Meeting");
    EXPECT_FALSE(down.join_call);
    EXPECT_EQ(down_html.find("Join call"), std::string::npos);
    EXPECT_TRUE(down.sign_in);

    const auto no_sign_in = ReadMeetingPage(RenderMeetingPage({true, false, false}));
    EXPECT_TRUE(no_sign_in.join_call);
    EXPECT_FALSE(no_sign_in.sign_in);
    EXPECT_FALSE(no_sign_in.passcode_field);
}

TEST(MeetingPage, OtherPagesHaveNoButtons) {
    const auto page = ReadMeetingPage("<html><title>Bad Request</title>Join call</html>");
    EXPECT_EQ(page.title, "Bad Request");
    EXPECT_FALSE(page.join_call);
    EXPECT_FALSE(page.sign_in);
    EXPECT_EQ(ReadMeetingPage("").title, "");
}

TEST(GuestJoin, FormsRoundTrip) {
    const auto body = EncodeForm(CallLookupRequest{"100101", "1234"});
    EXPECT_EQ(body, "callId=100101&passcode=1234");
    const auto lookup = DecodeCallLookupRequest(body);
    ASSERT_TRUE(lookup) << lookup.Message();
    EXPECT_EQ(lookup->call_id, "100101");
    EXPECT_EQ(lookup->passcode, "1234");

    const auto login_body = EncodeForm(GuestLoginRequest{"100101", "", "Ana María"});
    const auto login = DecodeGuestLoginRequest(login_body);
    ASSERT_TRUE(login) << login.Message();
    EXPECT_EQ(login->display_name, "Ana María");
    EXPECT_EQ(login->passcode, "");
}

TEST(GuestJoin, FormsRefuseBadInput) {
    EXPECT_FALSE(DecodeCallLookupRequest("passcode=1"));
    EXPECT_FALSE(DecodeCallLookupRequest("callId=12a4"));
    EXPECT_FALSE(DecodeCallLookupRequest("callId=%zz"));
    EXPECT_FALSE(DecodeCallLookupRequest("callId=" + std::string(65, '1')));
    EXPECT_FALSE(DecodeGuestLoginRequest("callId=1&passcode="));
    EXPECT_FALSE(DecodeGuestLoginRequest("callId=1&displayName=a%0Ab"));
    // People type call IDs with spaces.
    const auto spaced = DecodeCallLookupRequest("callId=100+101");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->call_id, "100101");
    // Spaces only are no call ID (found by fuzz_signaling: it was accepted as "", which
    // encodes to a form that is refused).
    const auto blank = DecodeCallLookupRequest("callId=+");
    ASSERT_FALSE(blank);
    EXPECT_EQ(blank.Message(), "missing field callId");
    const auto blank_passcode = DecodeCallLookupRequest("callId=1&passcode=%20%20");
    ASSERT_TRUE(blank_passcode) << blank_passcode.Message();
    EXPECT_EQ(blank_passcode->passcode, "");
}

// The fuzzer's input as it found it (fuzz_inputs/; its first byte chose the forms):
// decoded, encoded and decoded again, a call lookup form gives the same form.
TEST(GuestJoin, FuzzInputBlankCallIdRoundTrips) {
    const std::string file =
        testkit::ReadFile(std::string(CMSLAB_SOURCE_DIR) +
                          "/tests/devices/webapp/fuzz_inputs/signaling-blank-call-id.bin");
    ASSERT_GT(file.size(), 1u);
    const std::string body = file.substr(1);
    const auto first = DecodeCallLookupRequest(body);
    if (first) {
        const auto again = DecodeCallLookupRequest(EncodeForm(*first));
        ASSERT_TRUE(again) << again.Message();
        EXPECT_EQ(EncodeForm(*again), EncodeForm(*first));
    } else {
        EXPECT_EQ(first.Message(), "missing field callId");
    }
}

TEST(GuestJoin, AnswersRoundTrip) {
    JoinAnswer ok;
    ok.space_name = "Proxy webRTC";
    ok.call_id = "100101";
    ok.guest_jid = "guest1234567890@cms.example";
    ok.session = "abc";
    ok.signaling_url = SignalingTarget("abc");
    const auto back = DecodeJoinAnswer(EncodeJoinAnswer(ok));
    ASSERT_TRUE(back) << back.Message();
    EXPECT_TRUE(back->Ok());
    EXPECT_EQ(back->space_name, "Proxy webRTC");
    EXPECT_EQ(back->guest_jid, ok.guest_jid);
    EXPECT_EQ(back->signaling_url, "/api/guest/signaling?session=abc");

    const auto refused =
        DecodeJoinAnswer(EncodeJoinAnswer(JoinRefused(JoinError::CallNotRecognized)));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->error, JoinError::CallNotRecognized);
    EXPECT_EQ(refused->message, "Call ID or passcode not recognized");
    EXPECT_EQ(JoinErrorStatus(JoinError::CallNotRecognized), 403);
    EXPECT_EQ(JoinErrorStatus(JoinError::WebBridgeUnavailable), 503);

    EXPECT_FALSE(DecodeJoinAnswer("{}"));
    EXPECT_FALSE(DecodeJoinAnswer("{\"result\":\"ok\"}"));
    EXPECT_FALSE(DecodeJoinAnswer("{\"result\":\"error\",\"error\":\"none\"}"));
    EXPECT_FALSE(DecodeJoinAnswer("[1,2"));
}

TEST(GuestJoin, SessionFromTarget) {
    const auto s = SessionFromTarget(SignalingTarget("a b/c"));
    ASSERT_TRUE(s) << s.Message();
    EXPECT_EQ(*s, "a b/c");
    EXPECT_FALSE(SessionFromTarget("/other?session=x"));
    EXPECT_FALSE(SessionFromTarget("/api/guest/signaling"));
    EXPECT_FALSE(SessionFromTarget("/api/guest/signaling?session="));
}

TEST(IceServers, TurnUrlsFromClientAddress) {
    const auto s = TurnIceServer("10.88.246.156", 3478, "turnuser", "cisco");
    ASSERT_EQ(s.urls.size(), 2u);
    EXPECT_EQ(s.urls[0], "turn:10.88.246.156:3478?transport=udp");
    EXPECT_EQ(s.urls[1], "turn:10.88.246.156:3478?transport=tcp");
    EXPECT_EQ(s.username, "turnuser");
    EXPECT_EQ(s.credential, "cisco");
    EXPECT_EQ(TurnIceServer("2001:db8::1", 3478, "u", "p").urls[0],
              "turn:[2001:db8::1]:3478?transport=udp");
}

TEST(IceServers, ParseTurnUrl) {
    const auto u = ParseTurnUrl("turn:10.88.246.156:3478?transport=tcp");
    ASSERT_TRUE(u) << u.Message();
    EXPECT_EQ(u->host, "10.88.246.156");
    EXPECT_EQ(u->port, 3478);
    EXPECT_EQ(u->transport, "tcp");
    const auto named = ParseTurnUrl("turn:turn.example.com");
    ASSERT_TRUE(named);
    EXPECT_EQ(named->port, 3478);
    EXPECT_EQ(named->transport, "udp");
    const auto v6 = ParseTurnUrl("turns:[2001:db8::1]:443");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->secure);
    EXPECT_EQ(v6->host, "2001:db8::1");
    for (const char* bad :
         {"stun:1.2.3.4", "turn:", "turn:1.2.3.4:", "turn:1.2.3.4:0", "turn:1.2.3.4:65536",
          "turn:a b", "turn:[1.2.3.4]", "turn:1.2.3.4?transport=sctp", "turn:[::1"})
        EXPECT_FALSE(ParseTurnUrl(bad)) << bad;
}

namespace {

template <class T> T RoundTrip(const SignalingMessage& m) {
    const auto text = EncodeSignaling(m);
    auto back = DecodeSignaling(text);
    EXPECT_TRUE(back) << text << ": " << (back ? "" : back.Message());
    if (!back)
        return T{};
    EXPECT_TRUE(std::holds_alternative<T>(*back)) << text;
    return std::holds_alternative<T>(*back) ? std::get<T>(*back) : T{};
}

} // namespace

TEST(Signaling, JoinedCarriesSpaceParticipantsAndTurn) {
    JoinedMessage m;
    m.space_name = "Proxy webRTC";
    m.space_id = "2aa16ccc-87d1-424d-9d3d-3d007f23243a";
    m.participant_id = "p1";
    m.participants = {{"p1", "Guest"}};
    m.ice_servers = {TurnIceServer("10.88.246.156", 3478, "turnuser", "cisco")};
    const auto text = EncodeSignaling(m);
    EXPECT_NE(text.find("\"type\":\"joined\""), std::string::npos);
    const auto back = RoundTrip<JoinedMessage>(m);
    EXPECT_EQ(back.space_name, "Proxy webRTC");
    EXPECT_EQ(back.space_id, m.space_id);
    EXPECT_EQ(back.participants, m.participants);
    EXPECT_EQ(back.ice_servers, m.ice_servers);
}

TEST(Signaling, MediaParametersRoundTrip) {
    const auto ice =
        RoundTrip<IceParametersMessage>(IceParametersMessage{"abcd", "0123456789abcdefghij+/"});
    EXPECT_EQ(ice.ufrag, "abcd");
    EXPECT_EQ(ice.pwd, "0123456789abcdefghij+/");

    CandidateMessage c;
    c.foundation = "1";
    c.priority = 0xfffffffe;
    c.address = "10.88.246.156";
    c.port = 24002;
    c.type = ice::CandidateType::Relayed;
    c.related_address = "192.168.245.61";
    c.related_port = 24002;
    const auto cb = RoundTrip<CandidateMessage>(c);
    EXPECT_EQ(cb.priority, 0xfffffffeu);
    EXPECT_EQ(cb.type, ice::CandidateType::Relayed);
    EXPECT_EQ(cb.related_address, c.related_address);
    EXPECT_EQ(cb.related_port, c.related_port);

    DtlsMessage d;
    d.fingerprint = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:"
                    "CD:EF:01:23:45:67:89";
    d.setup = DtlsSetup::Active;
    const auto db = RoundTrip<DtlsMessage>(d);
    EXPECT_EQ(db.setup, DtlsSetup::Active);
    EXPECT_EQ(db.fingerprint, d.fingerprint);

    RoundTrip<EndOfCandidatesMessage>(EndOfCandidatesMessage{});
    EXPECT_EQ(RoundTrip<JoinMessage>(JoinMessage{"tok", "Guest"}).session, "tok");
    EXPECT_EQ(RoundTrip<LeaveMessage>(LeaveMessage{"hang up"}).reason, "hang up");
    EXPECT_EQ(RoundTrip<ByeMessage>(ByeMessage{"ice failure"}).reason, "ice failure");
    EXPECT_EQ(RoundTrip<ErrorMessage>(ErrorMessage{kErrorBadMessage, "x"}).code, "badMessage");
    EXPECT_EQ(RoundTrip<ParticipantsMessage>(ParticipantsMessage{{{"a", "A"}, {"b", "B"}}})
                  .participants.size(),
              2u);
}

TEST(Signaling, RefusesMalformedMessages) {
    for (const char* bad : {
             "",
             "null",
             "[]",
             "{}",
             "{\"type\":7}",
             "{\"type\":\"nope\"}",
             "{\"type\":\"join\"}",
             "{\"type\":\"join\",\"session\":\"\",\"displayName\":\"x\"}",
             "{\"type\":\"ice-parameters\",\"ufrag\":\"ab\",\"pwd\":\"0123456789abcdefghijkl\"}",
             "{\"type\":\"ice-parameters\",\"ufrag\":\"abcd\",\"pwd\":\"short\"}",
             "{\"type\":\"candidate\",\"foundation\":\"1\",\"component\":1,\"transport\":\"udp\","
             "\"priority\":1,\"address\":\"not-an-ip\",\"port\":1,\"candidateType\":\"host\"}",
             "{\"type\":\"candidate\",\"foundation\":\"1\",\"component\":1,\"transport\":\"udp\","
             "\"priority\":4294967296,\"address\":\"1.2.3.4\",\"port\":1,\"candidateType\":"
             "\"host\"}",
             "{\"type\":\"candidate\",\"foundation\":\"1\",\"component\":1,\"transport\":\"udp\","
             "\"priority\":1,\"address\":\"1.2.3.4\",\"port\":70000,\"candidateType\":\"host\"}",
             "{\"type\":\"candidate\",\"foundation\":\"1\",\"component\":1,\"transport\":\"udp\","
             "\"priority\":1.5,\"address\":\"1.2.3.4\",\"port\":1,\"candidateType\":\"host\"}",
             "{\"type\":\"dtls\",\"hashFunction\":\"sha-256\",\"fingerprint\":\"AB:CD\",\"setup\":"
             "\"active\"}",
             "{\"type\":\"joined\",\"spaceName\":\"s\",\"spaceId\":\"i\",\"participantId\":\"p\","
             "\"participants\":[],\"iceServers\":[{\"urls\":[\"http://x\"]}]}",
         }) {
        EXPECT_FALSE(DecodeSignaling(bad)) << bad;
    }
    EXPECT_FALSE(DecodeSignaling(std::string(100000, '[')));
    EXPECT_FALSE(DecodeSignaling(std::string(20, '[') + std::string(20, ']')));
    EXPECT_FALSE(ParseJson(std::string(kMaxJsonBytes + 1, ' ')));
}

// The page is www/index.html with its blocks kept or dropped: no marker is left, the forms
// post where the app's protocol says, and the stylesheet and script it names are served.
TEST(MeetingPage, IsTheEmbeddedWebApp) {
    const std::string html = RenderMeetingPage({true, true, true});
    EXPECT_EQ(html.find("<!--if:"), std::string::npos) << html;
    EXPECT_EQ(html.find("<!--end:"), std::string::npos) << html;
    const auto page = ReadMeetingPage(html);
    EXPECT_EQ(page.call_id_action, kCallLookupPath);
    EXPECT_EQ(page.name_action, kGuestLoginPath);
    EXPECT_NE(html.find("name=\"callId\""), std::string::npos);
    EXPECT_NE(html.find("name=\"displayName\""), std::string::npos);
    EXPECT_NE(html.find("Enter Call ID"), std::string::npos);
    EXPECT_NE(html.find("Or sign in and join"), std::string::npos);
    for (const char* path : {"/app.js", "/webrtc.js", "/app.css"}) {
        EXPECT_NE(html.find(std::string("\"") + path + "\""), std::string::npos) << path;
        const auto file = FindWwwFile(path);
        ASSERT_TRUE(file) << path;
        EXPECT_GT(file->body.size(), 100u) << path;
    }
    EXPECT_EQ(FindWwwFile("/app.js")->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(FindWwwFile("/app.css")->content_type, "text/css; charset=utf-8");
    EXPECT_FALSE(FindWwwFile("/nothing.js"));
    // The script speaks the lab's signaling subprotocol and posts the forms it finds.
    EXPECT_NE(FindWwwFile("/app.js")->body.find(kSignalingProtocol), std::string::npos);

    const std::string plain = RenderMeetingPage({true, false, false});
    EXPECT_EQ(plain.find("name=\"passcode\""), std::string::npos);
    EXPECT_EQ(plain.find("Or sign in and join"), std::string::npos);
    EXPECT_EQ(plain.find("id=\"sign-in\""), std::string::npos);
    EXPECT_EQ(ReadMeetingPage(plain).call_id_action, kCallLookupPath);
}
