// What the web app's server side reads from a browser: the signaling messages on the
// WebSocket (JSON), the guest join forms, the join answer the page reads back, and a
// TURN URL from an iceServers list; by the first byte's choice.
// Properties: no exception escapes (nlohmann::json throws on bad input; the decoders
// must not let that out); a decoded message encodes to text that decodes and encodes to
// the same text again (round trip up to JSON formatting).
#include "fuzz_support.h"
#include "webapp/guest_join.h"
#include "webapp/ice_candidates.h"
#include "webapp/ice_servers.h"
#include "webapp/json_guard.h"
#include "webapp/signaling.h"

using namespace cmslab;
using namespace cmslab::webapp;

namespace {

void CheckSignaling(std::string_view text) {
    auto m = DecodeSignaling(text);
    if (!m)
        return;
    (void)SignalingTypeName(*m);
    if (const auto* c = std::get_if<CandidateMessage>(&*m))
        (void)ToIceCandidate(*c);
    const std::string encoded = EncodeSignaling(*m);
    auto again = DecodeSignaling(encoded);
    FUZZ_CHECK(again.Ok(), "re-encoded signaling refused: " + again.Message() + "\n" + encoded);
    FUZZ_CHECK(EncodeSignaling(*again) == encoded, "signaling round trip changed: " + encoded);
}

void CheckForms(std::string_view text) {
    if (auto r = DecodeCallLookupRequest(text)) {
        auto again = DecodeCallLookupRequest(EncodeForm(*r));
        FUZZ_CHECK(again.Ok() && EncodeForm(*again) == EncodeForm(*r),
                   "call lookup form round trip");
    }
    if (auto r = DecodeGuestLoginRequest(text)) {
        auto again = DecodeGuestLoginRequest(EncodeForm(*r));
        FUZZ_CHECK(again.Ok() && EncodeForm(*again) == EncodeForm(*r),
                   "guest login form round trip");
    }
}

void CheckJoinAnswer(std::string_view text) {
    auto a = DecodeJoinAnswer(text);
    if (!a)
        return;
    const std::string encoded = EncodeJoinAnswer(*a);
    auto again = DecodeJoinAnswer(encoded);
    FUZZ_CHECK(again.Ok() && EncodeJoinAnswer(*again) == encoded,
               "join answer round trip: " + encoded);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Chunks in(data, size);
    const std::uint8_t mode = in.U8();
    const std::string text = in.Rest().ToString();
    fuzz::NoThrow("web app decoder", [&] {
        switch (mode % 5) {
        case 0:
            CheckSignaling(text);
            break;
        case 1:
            CheckForms(text);
            break;
        case 2:
            CheckJoinAnswer(text);
            break;
        case 3:
            (void)ParseTurnUrl(text);
            (void)SessionFromTarget(text);
            break;
        default:
            if (auto j = ParseJson(text)) {
                (void)StringField(*j, "type");
                (void)IntField(*j, "id");
                (void)BoolField(*j, "ok");
            }
            break;
        }
    });
    return 0;
}
