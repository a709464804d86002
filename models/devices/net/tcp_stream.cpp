#include "tcp_stream.h"

#include "held_delivery.h"
#include "ns3_endpoint.h"
#include "sim_lifetime.h"
#include "sim_time.h"
#include "tcp_connection_index.h"
#include "tcp_internals.h"

#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket-base.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <set>

namespace cmslab::devices::net {

namespace {

using detail::TcpInternals;

// Streams whose owner let go while bytes were still queued: they live on until the
// queue is handed to TCP (as a kernel keeps a closed socket's data).
std::set<std::shared_ptr<TcpStream::Impl>>& Lingering() {
    static std::set<std::shared_ptr<TcpStream::Impl>> lingering;
    return lingering;
}

void Silence(const ns3::Ptr<ns3::Socket>& socket) {
    socket->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                               ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    socket->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                              ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
}

// ns-3's ConnCount: the SYNs (first one included) sent before the connect timeout with
// doubling intervals. ns-3 gives up on its own one interval after the last, later than
// the application does, and without sending a RST.
std::uint32_t SynCount(Duration first, Duration timeout) {
    if (first <= Duration{0})
        return 1;
    std::uint32_t syns = 1;
    Duration next_syn_at = first;
    while (next_syn_at < timeout && syns < 20) {
        next_syn_at += first * (1LL << syns);
        ++syns;
    }
    return syns;
}

} // namespace

struct TcpStream::Impl : std::enable_shared_from_this<TcpStream::Impl> {
    ns3::Ptr<ns3::Socket> socket;
    std::uint64_t simulation = 0;
    State state = State::Connecting;
    bool established = false;     // the handshake completed
    bool close_requested = false; // FIN once the queue is empty
    bool socket_done = false;     // FIN or RST handed to ns-3, or the socket failed
    bool detached = false;        // the owner let go
    bool rst_seen = false;
    Bytes queue;
    std::size_t queue_head = 0;
    // The owner's data and close handlers; BytesReceived() is what it handed over.
    detail::HeldDelivery delivery;
    Endpoint local;
    Endpoint peer;
    std::uint64_t sent = 0;
    std::function<void()> on_connected;
    Timer connect_timer;

    ~Impl() {
        if (socket && detail::SimulationAlive(simulation)) {
            detail::UnindexTcpConnection(socket);
            Silence(socket);
        }
    }

    bool Alive() const { return socket && detail::SimulationAlive(simulation); }

    void Install() {
        std::weak_ptr<Impl> weak = shared_from_this();
        socket->SetConnectCallback(
            [weak](ns3::Ptr<ns3::Socket>) {
                if (auto self = weak.lock())
                    self->Connected();
            },
            [weak](ns3::Ptr<ns3::Socket>) {
                if (auto self = weak.lock())
                    self->ConnectFailed();
            });
        socket->SetRecvCallback([weak](ns3::Ptr<ns3::Socket>) {
            if (auto self = weak.lock())
                self->Read();
        });
        socket->SetSendCallback([weak](ns3::Ptr<ns3::Socket>, std::uint32_t) {
            if (auto self = weak.lock())
                self->Flush();
        });
        socket->SetCloseCallbacks(
            [weak](ns3::Ptr<ns3::Socket>) {
                if (auto self = weak.lock())
                    self->PeerClosed();
            },
            [weak](ns3::Ptr<ns3::Socket>) {
                if (auto self = weak.lock())
                    self->Failed();
            });
        socket->TraceConnectWithoutContext(
            "Rx", ns3::Callback<void, ns3::Ptr<const ns3::Packet>, const ns3::TcpHeader&,
                                ns3::Ptr<const ns3::TcpSocketBase>>(
                      [weak](ns3::Ptr<const ns3::Packet>, const ns3::TcpHeader& header,
                             ns3::Ptr<const ns3::TcpSocketBase>) {
                          auto self = weak.lock();
                          if (!self || !(header.GetFlags() & ns3::TcpHeader::RST))
                              return;
                          self->rst_seen = true;
                          // Acted on once ns-3 has finished with this segment.
                          if (!self->established)
                              Defer(weak, [weak] {
                                  if (auto s = weak.lock())
                                      s->Refused();
                              });
                      }));
    }

    void UpdateEndpoints() {
        ns3::Address address;
        if (socket->GetSockName(address) == 0)
            local = detail::FromNs3Address(address);
        if (socket->GetPeerName(address) == 0)
            peer = detail::FromNs3Address(address);
    }

    void Connected() {
        auto self = shared_from_this();
        if (established || state == State::Closed)
            return;
        connect_timer.Cancel();
        established = true;
        if (state == State::Connecting)
            state = State::Open;
        UpdateEndpoints();
        detail::IndexTcpConnection(socket);
        Flush();
        if (on_connected && !detached) {
            auto handler = std::move(on_connected);
            on_connected = nullptr;
            handler();
        }
    }

    void ConnectFailed() {
        auto self = shared_from_this();
        if (state == State::Closed && socket_done)
            return;
        connect_timer.Cancel();
        state = State::Closed;
        socket_done = true;
        ClearQueue();
        MaybeRelease();
        if (rst_seen)
            Report({CloseReason::Refused, "connection refused by " + peer.ToString()});
        else
            Report({CloseReason::Timeout, "no answer from " + peer.ToString()});
    }

    void Refused() {
        auto self = shared_from_this();
        if (established || state == State::Closed || !Alive())
            return;
        connect_timer.Cancel();
        Silence(socket);
        if (auto tcp = ns3::DynamicCast<ns3::TcpSocketBase>(socket))
            TcpInternals::Teardown(*tcp);
        state = State::Closed;
        socket_done = true;
        ClearQueue();
        MaybeRelease();
        Report({CloseReason::Refused, "connection refused by " + peer.ToString()});
    }

    void ConnectTimedOut() {
        auto self = shared_from_this();
        if (established || state == State::Closed)
            return;
        // Give up quietly, as an application's connect timeout does: ns-3 sends its
        // last retransmissions and stops; the socket is not reset.
        Silence(socket);
        state = State::Closed;
        socket_done = true;
        ClearQueue();
        MaybeRelease();
        Report({CloseReason::Timeout, "no answer from " + peer.ToString()});
    }

    void Read() {
        if (!Alive())
            return;
        auto self = shared_from_this();
        while (socket) {
            ns3::Ptr<ns3::Packet> packet = socket->Recv();
            if (!packet || packet->GetSize() == 0)
                break;
            Bytes data(packet->GetSize());
            packet->CopyData(data.data(), packet->GetSize());
            if (detached)
                continue; // nobody wants it; read so that the window stays open
            delivery.Deliver(data);
            if (!Alive())
                return;
        }
    }

    void Flush() {
        if (!Alive() || !established || socket_done)
            return;
        auto self = shared_from_this();
        while (queue_head < queue.size()) {
            const std::uint32_t available = socket->GetTxAvailable();
            if (available == 0)
                break;
            const std::uint32_t n = static_cast<std::uint32_t>(
                std::min<std::size_t>({available, queue.size() - queue_head, 1u << 16}));
            const int written = socket->Send(queue.data() + queue_head, n, 0);
            if (written <= 0)
                break;
            queue_head += static_cast<std::size_t>(written);
            sent += static_cast<std::uint64_t>(written);
        }
        if (queue_head == queue.size()) {
            queue.clear();
            queue_head = 0;
        } else if (queue_head > (1u << 20) && queue_head * 2 > queue.size()) {
            queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(queue_head));
            queue_head = 0;
        }
        if (close_requested && queue.empty() && !socket_done) {
            socket_done = true;
            socket->Close();
            MaybeRelease();
        }
    }

    void PeerClosed() {
        auto self = shared_from_this();
        Read(); // ns-3 may report the FIN with bytes still unread
        if (!Alive())
            return;
        if (rst_seen) {
            // ns-3 reports a RST on an established connection as a normal close.
            Failed();
            return;
        }
        const bool report = state == State::Open || state == State::Connecting;
        state = State::Closed;
        close_requested = true;
        Flush(); // our answer to the FIN goes out after what is queued
        if (report)
            Report({CloseReason::Normal, ""});
    }

    void Failed() {
        auto self = shared_from_this();
        if (!established) {
            ConnectFailed();
            return;
        }
        Read();
        if (!Alive())
            return;
        const bool report = state != State::Closed || !socket_done;
        if (!socket_done)
            Silence(socket);
        state = State::Closed;
        socket_done = true;
        ClearQueue();
        MaybeRelease();
        if (report)
            Report({CloseReason::Reset, rst_seen ? "connection reset by " + peer.ToString()
                                                 : "connection to " + peer.ToString() + " lost"});
    }

    void ClearQueue() {
        queue.clear();
        queue_head = 0;
    }

    void Report(CloseInfo info) {
        if (detached)
            return;
        delivery.Report(std::move(info));
    }

    void DeliverHeld() {
        auto self = shared_from_this();
        // Detaching clears the delivery: nothing more reaches the former owner.
        delivery.DeliverHeldData();
        delivery.DeliverPendingClose();
    }

    void ScheduleDelivery() {
        if (!Alive())
            return;
        std::weak_ptr<Impl> weak = shared_from_this();
        Defer(weak, [weak] {
            if (auto self = weak.lock())
                self->DeliverHeld();
        });
    }

    void Close() {
        if (state == State::Closed || close_requested) {
            close_requested = true;
            return;
        }
        state = State::Closing;
        close_requested = true;
        if (!established)
            return; // the FIN follows the queue once connected
        Flush();
    }

    void Abort() {
        on_connected = nullptr;
        delivery.Clear();
        ClearQueue();
        connect_timer.Cancel();
        const bool was_done = socket_done;
        state = State::Closed;
        socket_done = true;
        if (!Alive() || was_done)
            return;
        Silence(socket);
        if (!established) {
            socket->Close(); // in SYN_SENT ns-3 answers with a RST
        } else if (auto tcp = ns3::DynamicCast<ns3::TcpSocketBase>(socket)) {
            TcpInternals::SendReset(*tcp);
        } else {
            socket->Close();
        }
    }

    void Detach() {
        on_connected = nullptr;
        delivery.Clear();
        detached = true;
        if (!Alive())
            return;
        if (state == State::Open || state == State::Connecting)
            Close();
        if (!socket_done)
            Lingering().insert(shared_from_this());
        static std::uint64_t hooked = 0;
        if (hooked != simulation) {
            hooked = simulation;
            detail::AtSimulationEnd([] {
                auto lingering = std::move(Lingering());
                Lingering().clear();
            });
        }
    }

    void MaybeRelease() {
        if (detached && socket_done)
            Lingering().erase(shared_from_this());
    }
};

TcpStream::TcpStream(std::shared_ptr<Impl> impl) : m_impl(std::move(impl)) {}

TcpStream::~TcpStream() {
    m_impl->Detach();
}

std::unique_ptr<TcpStream> TcpStream::Connect(ns3::Ptr<ns3::Node> node, const Endpoint& to,
                                              const TcpConnectOptions& options) {
    auto impl = std::make_shared<Impl>();
    impl->simulation = detail::CurrentSimulation();
    impl->peer = to;
    impl->socket = ns3::Socket::CreateSocket(node, ns3::TcpSocketFactory::GetTypeId());
    impl->socket->SetAttribute("ConnTimeout", ns3::TimeValue(ToNs3Time(options.syn_retransmit)));
    impl->socket->SetAttribute(
        "ConnCount", ns3::UintegerValue(SynCount(options.syn_retransmit, options.connect_timeout)));
    impl->Install();
    std::unique_ptr<TcpStream> stream(new TcpStream(impl));

    int bound = 0;
    if (options.local_address || options.local_port != 0) {
        const IpAddress address = options.local_address.value_or(IpAddress{});
        bound = impl->socket->Bind(detail::ToNs3Address(Endpoint{address, options.local_port}));
    } else {
        bound = impl->socket->Bind();
    }
    std::string failure;
    if (bound != 0) {
        failure =
            "cannot bind " +
            Endpoint{options.local_address.value_or(IpAddress{}), options.local_port}.ToString();
    } else if (impl->socket->Connect(detail::ToNs3Address(to)) != 0) {
        failure = "no route to " + to.ToString();
    }
    if (!failure.empty()) {
        impl->state = State::Closed;
        impl->socket_done = true;
        Silence(impl->socket);
        impl->socket->Close();
        std::weak_ptr<Impl> weak = impl;
        Defer(weak, [weak, failure] {
            if (auto self = weak.lock())
                self->Report({CloseReason::Unreachable, failure});
        });
        return stream;
    }
    impl->UpdateEndpoints();
    impl->peer = to;
    std::weak_ptr<Impl> weak = impl;
    impl->connect_timer.ScheduleIn(options.connect_timeout, [weak](Instant) {
        if (auto self = weak.lock())
            self->ConnectTimedOut();
    });
    return stream;
}

std::unique_ptr<TcpStream> TcpStream::Adopt(ns3::Ptr<ns3::Socket> socket) {
    auto impl = std::make_shared<Impl>();
    impl->simulation = detail::CurrentSimulation();
    impl->socket = std::move(socket);
    impl->established = true;
    impl->state = State::Open;
    impl->UpdateEndpoints();
    detail::IndexTcpConnection(impl->socket);
    impl->Install();
    // Bytes that came with or right after the handshake's last ACK were notified before
    // these callbacks existed.
    std::weak_ptr<Impl> weak = impl;
    Defer(weak, [weak] {
        if (auto self = weak.lock()) {
            self->Read();
            self->Flush();
        }
    });
    return std::unique_ptr<TcpStream>(new TcpStream(impl));
}

void TcpStream::SetOnConnected(std::function<void()> handler) {
    m_impl->on_connected = std::move(handler);
}

void TcpStream::SetOnData(DataHandler handler) {
    if (m_impl->delivery.SetOnData(std::move(handler)))
        m_impl->ScheduleDelivery();
}

void TcpStream::SetOnClosed(ClosedHandler handler) {
    if (m_impl->delivery.SetOnClosed(std::move(handler)))
        m_impl->ScheduleDelivery();
}

void TcpStream::Send(ByteView data) {
    Impl& impl = *m_impl;
    if (impl.close_requested || impl.state == State::Closed || data.empty())
        return;
    impl.queue.insert(impl.queue.end(), data.begin(), data.end());
    impl.Flush();
}

void TcpStream::Close() {
    m_impl->Close();
}

void TcpStream::Abort() {
    m_impl->Abort();
}

bool TcpStream::IsOpen() const {
    return m_impl->state == State::Open;
}

Endpoint TcpStream::LocalEndpoint() const {
    return m_impl->local;
}

Endpoint TcpStream::PeerEndpoint() const {
    return m_impl->peer;
}

std::size_t TcpStream::Queued() const {
    return m_impl->queue.size() - m_impl->queue_head;
}

TcpStream::State TcpStream::GetState() const {
    return m_impl->state;
}

std::uint64_t TcpStream::BytesSent() const {
    return m_impl->sent;
}

std::uint64_t TcpStream::BytesReceived() const {
    return m_impl->delivery.Delivered();
}

} // namespace cmslab::devices::net
