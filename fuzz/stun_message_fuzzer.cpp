// STUN messages (RFC 8489): decode, and for every accepted message the round trip.
// Encode writes the attributes Decode kept, with zero padding, so for an input whose
// attributes fill the whole message (nothing dropped after MESSAGE-INTEGRITY or
// FINGERPRINT) the bytes come back unchanged except the padding, which is zeroed.
#include "fuzz_support.h"
#include "stun/message.h"

using namespace cmslab;

namespace {

std::size_t Padded(std::size_t n) {
    return (n + 3) / 4 * 4;
}

void CheckSameMessage(const stun::Message& a, const stun::Message& b) {
    FUZZ_CHECK(a.MessageClass() == b.MessageClass() && a.Method() == b.Method() && a.Id() == b.Id(),
               "header changed in the round trip");
    FUZZ_CHECK(a.Attributes().size() == b.Attributes().size(), "attribute count changed");
    for (std::size_t i = 0; i < a.Attributes().size(); ++i) {
        FUZZ_CHECK(a.Attributes()[i].type == b.Attributes()[i].type &&
                       a.Attributes()[i].value == b.Attributes()[i].value,
                   "attribute " + std::to_string(i) + " changed");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto decoded = stun::Message::Decode(input);
    if (!decoded)
        return 0;
    const stun::Message& m = *decoded;
    // The typed readers and checks a server runs on every request: none may misbehave.
    (void)m.ValidateKnownAttributes();
    (void)m.UnknownComprehensionRequired();
    (void)m.GetXorAddress(stun::attr::kXorMappedAddress);
    (void)m.GetErrorCode();
    (void)m.GetUnknownAttributes();

    const Bytes encoded = m.Encode();
    auto again = stun::Message::Decode(encoded);
    FUZZ_CHECK(again.Ok(), "re-encoded message refused: " + again.Message());
    CheckSameMessage(m, *again);
    FUZZ_CHECK(again->Encode() == encoded, "encode is not a fixed point");

    std::size_t used = 20;
    for (const auto& a : m.Attributes())
        used += 4 + Padded(a.value.size());
    if (used == size) {
        Bytes expected(input.begin(), input.end());
        for (const auto& a : m.Attributes()) {
            for (std::size_t i = a.offset + 4 + a.value.size();
                 i < a.offset + 4 + Padded(a.value.size()); ++i)
                expected[i] = 0;
        }
        FUZZ_CHECK(encoded == expected,
                   "round trip changed bytes: " + fuzz::Hex(input) + " -> " + fuzz::Hex(encoded));
    }
    return 0;
}
