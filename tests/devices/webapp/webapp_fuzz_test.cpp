// Generated inputs for every decoder of the web app: random buffers, truncations,
// single-byte mutations of valid messages. Each must come back as a value or an error.
#include "common/rng.h"
#include "webapp/guest_join.h"
#include "webapp/ice_servers.h"
#include "webapp/meeting_page.h"
#include "webapp/signaling.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::webapp;

namespace {

constexpr int kInputs = 100000;

std::vector<std::string> ValidSignaling() {
    JoinedMessage joined;
    joined.space_name = "Space";
    joined.space_id = "2aa16ccc-87d1-424d-9d3d-3d007f23243a";
    joined.participant_id = "p";
    joined.participants = {{"p", "Guest"}};
    joined.ice_servers = {TurnIceServer("192.0.2.1", 3478, "u", "p")};
    CandidateMessage c;
    c.foundation = "f1";
    c.address = "192.0.2.1";
    c.port = 5000;
    c.priority = 100;
    c.related_address = "10.0.0.1";
    c.related_port = 6000;
    DtlsMessage d;
    d.fingerprint = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33";
    return {EncodeSignaling(joined),
            EncodeSignaling(c),
            EncodeSignaling(d),
            EncodeSignaling(JoinMessage{"session", "name"}),
            EncodeSignaling(IceParametersMessage{"ufrg", "0123456789012345678901"}),
            EncodeSignaling(ErrorMessage{"badMessage", "why"}),
            EncodeSignaling(ParticipantsMessage{{{"a", "b"}}})};
}

const std::string kAlphabet = "{}[]\":,0123456789.-+eE truefalsnl\\u\x00\xff\x80";

std::string Generate(Rng& rng, const std::vector<std::string>& valid) {
    const auto kind = rng.Uniform(0, 9);
    const std::string& base = valid[rng.Uniform(0, valid.size() - 1)];
    std::string s;
    if (kind == 0) {
        s.resize(rng.Uniform(0, 200));
        for (auto& c : s)
            c = static_cast<char>(rng.Uniform(0, 255));
    } else if (kind == 1) {
        s.resize(rng.Uniform(0, 200));
        for (auto& c : s)
            c = kAlphabet[rng.Uniform(0, kAlphabet.size() - 1)];
    } else if (kind == 2) {
        s = base.substr(0, rng.Uniform(0, base.size()));
    } else if (kind == 3) { // a huge number or nesting where a value belongs
        s = base;
        const auto pos = rng.Uniform(0, s.size() - 1);
        s.insert(pos, rng.Uniform(0, 1) ? std::string(40, '9') : std::string(40, '['));
    } else {
        s = base;
        const auto n = rng.Uniform(1, 3);
        for (std::uint64_t i = 0; i < n; ++i) {
            const auto pos = rng.Uniform(0, s.size() - 1);
            s[pos] = rng.Uniform(0, 1) ? kAlphabet[rng.Uniform(0, kAlphabet.size() - 1)]
                                       : static_cast<char>(rng.Uniform(0, 255));
        }
    }
    return s;
}

} // namespace

TEST(WebappFuzz, SignalingDecoder) {
    Rng rng(0x5167);
    const auto valid = ValidSignaling();
    int accepted = 0;
    for (int i = 0; i < kInputs; ++i) {
        const auto input = Generate(rng, valid);
        const auto result = DecodeSignaling(input);
        if (result) {
            ++accepted;
            // Whatever is accepted encodes and decodes to the same kind.
            const auto again = DecodeSignaling(EncodeSignaling(*result));
            ASSERT_TRUE(again) << input;
            EXPECT_EQ(again->index(), result->index());
        }
    }
    EXPECT_GT(accepted, 0); // mutations that keep a message valid exist
}

TEST(WebappFuzz, JoinFormsAnswersAndUrls) {
    Rng rng(0x7011);
    JoinAnswer ok;
    ok.space_name = "S";
    ok.call_id = "1";
    ok.guest_jid = "g@d";
    ok.session = "s";
    ok.signaling_url = SignalingTarget("s");
    const std::vector<std::string> forms = {EncodeForm(GuestLoginRequest{"100101", "12", "Guest"}),
                                            "callId=1&passcode=%41+b&displayName=x"};
    const std::vector<std::string> answers = {
        EncodeJoinAnswer(ok), EncodeJoinAnswer(JoinRefused(JoinError::PasscodeRequired))};
    const std::vector<std::string> urls = {"turn:10.0.0.1:3478?transport=udp", "turns:[::1]:5349",
                                           "turn:host.example"};
    for (int i = 0; i < kInputs / 4; ++i) {
        const auto form = Generate(rng, forms);
        (void)DecodeCallLookupRequest(form);
        (void)DecodeGuestLoginRequest(form);
        (void)SessionFromTarget("/api/guest/signaling?" + form);
        const auto answer = DecodeJoinAnswer(Generate(rng, answers));
        if (answer)
            (void)EncodeJoinAnswer(*answer);
        (void)ParseTurnUrl(Generate(rng, urls));
        (void)ReadMeetingPage(Generate(rng, {RenderMeetingPage({true, true, true})}));
    }
}
