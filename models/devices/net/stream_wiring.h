// How a layer reads the byte stream under it (TLS over TCP; HTTP and WebSocket over
// either): through a weak pointer, so that a stream that outlives its reader reports to
// nobody, and a reader is kept alive only while its own method runs.
#pragma once

#include "byte_stream.h"

#include <functional>
#include <memory>

namespace cmslab::devices::net::detail {

template <typename Reader>
void ReadFrom(ByteStream& stream, const std::shared_ptr<Reader>& reader,
              void (Reader::*on_data)(const Bytes&), void (Reader::*on_closed)(const CloseInfo&)) {
    std::weak_ptr<Reader> weak = reader;
    stream.SetOnData([weak, on_data](const Bytes& data) {
        if (auto self = weak.lock())
            std::invoke(on_data, *self, data);
    });
    stream.SetOnClosed([weak, on_closed](const CloseInfo& info) {
        if (auto self = weak.lock())
            std::invoke(on_closed, *self, info);
    });
}

// Takes a reader's handlers off `stream`: before the stream is handed to another layer,
// or when the reader goes away first.
inline void StopReading(ByteStream& stream) {
    stream.SetOnData(nullptr);
    stream.SetOnClosed(nullptr);
}

} // namespace cmslab::devices::net::detail
