// The owner's handlers of a byte stream and what waits for them: bytes that came while no
// data handler was set (and any that come behind them), and the end of the stream,
// reported once and only after every byte before it. TcpStream and TlsStream keep the
// delivery rules of ByteStream with it; when a stream may deliver (alive, not detached,
// not closed by its owner) stays theirs to judge.
#pragma once

#include "byte_stream.h"

#include <cstdint>
#include <optional>

namespace cmslab::devices::net::detail {

class HeldDelivery {
  public:
    // True when something held now waits for the new handler: the stream then schedules
    // DeliverHeld() from an event, never from inside the setter.
    bool SetOnData(ByteStream::DataHandler handler);
    bool SetOnClosed(ByteStream::ClosedHandler handler);

    // Hands `data` to the data handler, or holds it while no handler is set or older
    // bytes wait.
    void Deliver(const Bytes& data);
    // Reports the end to the close handler, or keeps it until the held bytes are
    // delivered and a close handler is set. The handler runs once.
    void Report(CloseInfo info);
    // Hands over the held bytes while a data handler is set (a handler may unset it).
    void DeliverHeldData();
    // Reports the kept end once nothing is held and a close handler is set.
    void DeliverPendingClose();
    // Forgets the handlers and whatever waits for them.
    void Clear();

    // Bytes handed to the data handler so far.
    std::uint64_t Delivered() const { return m_delivered; }

  private:
    void Hand(const Bytes& data);

    ByteStream::DataHandler m_on_data;
    ByteStream::ClosedHandler m_on_closed;
    Bytes m_held;
    std::optional<CloseInfo> m_pending_close;
    std::uint64_t m_delivered = 0;
};

} // namespace cmslab::devices::net::detail
