// RTP packets (RFC 3550 5.1) and RTCP sender reports (6.4.1), by the first byte's choice.
// RTP: the encoder writes padding octets as zeros, so an accepted packet re-encodes to
// its own bytes with the padding (all but the count octet) zeroed. RTCP: a decoded SR
// re-encodes to a packet that decodes to the same report, and to the first packet's own
// bytes when that packet has no padding and nothing after its report blocks.
#include "fuzz_support.h"
#include "rtp/receiver_stats.h"
#include "rtp/rtcp.h"
#include "rtp/rtp_packet.h"

using namespace cmslab;

namespace {

void CheckRtp(ByteView input) {
    (void)rtp::IsRtcp(input);
    auto packet = rtp::DecodeRtp(input);
    if (!packet)
        return;
    FUZZ_CHECK(packet->payload_type <= 127 && packet->csrcs.size() <= 15, "field out of range");
    auto encoded = rtp::EncodeRtp(*packet);
    FUZZ_CHECK(encoded.Ok(), "a decoded RTP packet does not encode: " + encoded.Message());
    Bytes expected = input.ToBytes();
    for (std::size_t i = 0; i + 1 < packet->padding; ++i)
        expected[expected.size() - packet->padding + i] = 0;
    FUZZ_CHECK(*encoded == expected,
               "RTP round trip changed bytes: " + fuzz::Hex(input) + " -> " + fuzz::Hex(*encoded));
}

void CheckRtcp(ByteView input) {
    auto sr = rtp::DecodeSenderReport(input);
    if (!sr)
        return;
    auto encoded = rtp::EncodeSenderReport(*sr);
    FUZZ_CHECK(encoded.Ok(), "a decoded SR does not encode: " + encoded.Message());
    auto again = rtp::DecodeSenderReport(*encoded);
    FUZZ_CHECK(again.Ok() && *again == *sr, "SR round trip changed the report");
    const std::size_t first_packet = (std::size_t(input[2]) << 8 | input[3]) * 4 + 4;
    const bool padded = (input[0] & 0x20) != 0;
    if (!padded && first_packet == encoded->size())
        FUZZ_CHECK(*encoded == input.Sub(0, first_packet).ToBytes(), "SR round trip changed bytes");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Chunks in(data, size);
    const std::uint8_t mode = in.U8();
    const ByteView input = in.Rest();
    if (mode & 1)
        CheckRtcp(input);
    else
        CheckRtp(input);
    return 0;
}
