// WebSocket frames (RFC 6455 5.2), decoded as a server and as a client receive them.
// The decoder refuses non-minimal lengths, so an accepted frame has exactly one encoding:
// EncodeFrame(decoded) must give back the bytes it was decoded from. The stream decoder
// must cut the same frames (or fail the same way) whatever the split.
#include "fuzz_support.h"
#include "http/ws_frame.h"

#include <vector>

using namespace cmslab;
using namespace cmslab::ws;

namespace {

constexpr std::uint64_t kMaxPayload = 4096;

std::vector<FrameDecodeResult> CutFrames(ByteView stream, Role role, std::size_t piece) {
    FrameDecoder decoder(role, kMaxPayload);
    std::vector<FrameDecodeResult> out;
    for (std::size_t at = 0; at < stream.size; at += piece) {
        decoder.Receive(stream.Sub(at, piece));
        for (;;) {
            FrameDecodeResult r = decoder.Next();
            if (r.status == FrameDecodeResult::Status::Incomplete)
                break;
            const bool invalid = r.status == FrameDecodeResult::Status::Invalid;
            out.push_back(std::move(r));
            if (invalid)
                return out;
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Chunks in(data, size);
    const std::uint8_t choice = in.U8();
    const Role role = (choice & 1) ? Role::Client : Role::Server;
    const std::size_t piece = 1 + (choice >> 1) % 16;
    const ByteView input = in.Rest();

    const FrameDecodeResult r = DecodeFrame(input, role, kMaxPayload);
    if (r.status == FrameDecodeResult::Status::Complete) {
        FUZZ_CHECK(r.consumed <= input.size, "consumed more than given");
        FUZZ_CHECK(r.frame.masked == (role == Role::Server), "mask rule not enforced");
        FUZZ_CHECK(r.frame.payload.size() <= kMaxPayload, "payload over the limit accepted");
        FUZZ_CHECK(!IsControl(r.frame.opcode) || (r.frame.fin && r.frame.payload.size() <= 125),
                   "fragmented or long control frame accepted");
        const Bytes encoded = EncodeFrame(r.frame);
        FUZZ_CHECK(encoded == input.Sub(0, r.consumed).ToBytes(),
                   "frame round trip changed bytes: " + fuzz::Hex(input.Sub(0, r.consumed)) +
                       " -> " + fuzz::Hex(encoded));
    } else if (r.status == FrameDecodeResult::Status::Invalid) {
        FUZZ_CHECK(IsValidWireCloseCode(r.close_code),
                   "invalid frame closes with code " + std::to_string(r.close_code));
    }

    const auto whole = CutFrames(input, role, input.size ? input.size : 1);
    const auto pieces = CutFrames(input, role, piece);
    FUZZ_CHECK(whole.size() == pieces.size(), "frame count depends on the split");
    for (std::size_t i = 0; i < whole.size(); ++i) {
        FUZZ_CHECK(whole[i].status == pieces[i].status && whole[i].frame == pieces[i].frame &&
                       whole[i].consumed == pieces[i].consumed &&
                       whole[i].close_code == pieces[i].close_code,
                   "frame " + std::to_string(i) + " depends on the split");
    }
    return 0;
}
