// TURN ChannelData (RFC 8656 12.4) and the TCP stream framer that cuts STUN messages and
// ChannelData out of a byte stream (RFC 8656 12.5).
// Properties: an accepted frame re-encodes to the bytes it was read from; the framer cuts
// the same frames whatever the split of the stream.
#include "fuzz_support.h"
#include "stun/channel_data.h"
#include "stun/stream_framer.h"

#include <optional>
#include <vector>

using namespace cmslab;

namespace {

std::vector<stun::StreamFramer::Frame> CutStream(ByteView stream, std::size_t piece, bool& failed) {
    stun::StreamFramer framer;
    std::vector<stun::StreamFramer::Frame> frames;
    for (std::size_t at = 0; at < stream.size; at += piece) {
        framer.Push(stream.Sub(at, piece));
        while (auto f = framer.Next())
            frames.push_back(std::move(*f));
    }
    failed = framer.Failed();
    return frames;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Chunks in(data, size);
    const std::size_t piece = 1 + in.U8() % 16;
    const ByteView rest = in.Rest();

    if (auto cd = stun::DecodeChannelData(rest)) {
        FUZZ_CHECK(stun::IsValidChannel(cd->channel), "accepted a channel outside the range");
        const Bytes udp = stun::EncodeChannelData(cd->channel, cd->data, false);
        FUZZ_CHECK(udp == rest.Sub(0, 4 + cd->data.size()).ToBytes(),
                   "ChannelData round trip changed bytes");
        const Bytes tcp = stun::EncodeChannelData(cd->channel, cd->data, true);
        FUZZ_CHECK(tcp.size() % 4 == 0, "padded ChannelData not a multiple of 4");
        auto back = stun::DecodeChannelData(tcp);
        FUZZ_CHECK(back && back->data == cd->data, "padded ChannelData does not decode back");
    }

    bool failed_whole = false, failed_pieces = false;
    const auto whole = CutStream(rest, rest.size ? rest.size : 1, failed_whole);
    const auto pieces = CutStream(rest, piece, failed_pieces);
    FUZZ_CHECK(failed_whole == failed_pieces, "framing failure depends on the split");
    FUZZ_CHECK(whole.size() == pieces.size(), "frame count depends on the split");
    for (std::size_t i = 0; i < whole.size(); ++i)
        FUZZ_CHECK(whole[i].kind == pieces[i].kind && whole[i].bytes == pieces[i].bytes,
                   "frame " + std::to_string(i) + " depends on the split");
    return 0;
}
