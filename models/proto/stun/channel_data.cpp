#include "stun/channel_data.h"

namespace cmslab::stun {

Bytes EncodeChannelData(std::uint16_t channel, ByteView data, bool pad) {
    const ByteView body = data.Sub(0, 0xFFFF);
    ByteWriter w(4 + body.size + 3);
    w.U16(channel);
    w.U16(static_cast<std::uint16_t>(body.size));
    w.Append(body);
    if (pad)
        w.Zeros((4 - body.size % 4) % 4);
    return w.Take();
}

Expected<ChannelDataView> ReadChannelData(ByteView bytes) {
    ByteReader r(bytes);
    std::uint16_t channel = 0, length = 0;
    ByteView data;
    if (!r.U16(channel) || !r.U16(length))
        return Error{"ChannelData shorter than its 4-byte header"};
    if (!IsValidChannel(channel))
        return Error{"ChannelData channel number outside 0x4000-0x4FFF"};
    if (!r.Take(length, data))
        return Error{"ChannelData length runs past the buffer"};
    return ChannelDataView{channel, data};
}

Expected<ChannelData> DecodeChannelData(ByteView bytes) {
    auto view = ReadChannelData(bytes);
    if (!view)
        return Error{view.Message()};
    return ChannelData{view->channel, view->data.ToBytes()};
}

} // namespace cmslab::stun
