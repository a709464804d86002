// Bad bytes never crash the sessions: generated inputs (100,000 each: mutated valid requests and
// responses, WebSocket frames after an upgrade, random buffers, random splits) go into
// HttpServerSession, HttpClientSession and WebSocketSession over an in-memory stream,
// with the simulator running their deferred work.
#include "http_client_session.h"
#include "http_server_session.h"
#include "sim_time.h"

#include "common/rng.h"
#include "http/ws_frame.h"

#include "ns3/simulator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cmslab::devices::net::test {
namespace {

// The far end is the test: it pushes bytes in and reads what was sent.
class MemoryStream : public ByteStream {
  public:
    struct Shared {
        DataHandler on_data;
        ClosedHandler on_closed;
        Bytes sent;
        bool closed = false;
    };
    explicit MemoryStream(std::shared_ptr<Shared> shared) : m_shared(std::move(shared)) {}
    void SetOnData(DataHandler h) override { m_shared->on_data = std::move(h); }
    void SetOnClosed(ClosedHandler h) override { m_shared->on_closed = std::move(h); }
    void Send(ByteView data) override {
        if (!m_shared->closed)
            m_shared->sent.insert(m_shared->sent.end(), data.begin(), data.end());
    }
    void Close() override { m_shared->closed = true; }
    void Abort() override { m_shared->closed = true; }
    bool IsOpen() const override { return !m_shared->closed; }
    Endpoint LocalEndpoint() const override { return {IpAddress::V4(10, 0, 0, 1), 80}; }
    Endpoint PeerEndpoint() const override { return {IpAddress::V4(10, 0, 0, 2), 40000}; }
    std::size_t Queued() const override { return 0; }
    ~MemoryStream() override {
        m_shared->on_data = nullptr;
        m_shared->on_closed = nullptr;
    }

  private:
    std::shared_ptr<Shared> m_shared;
};

// Pushes bytes to whoever currently reads the stream (the handler may change as the
// stream is handed over), in pieces.
void Push(const std::shared_ptr<MemoryStream::Shared>& shared, const Bytes& input, Rng& rng) {
    std::size_t pos = 0;
    while (pos < input.size()) {
        const std::size_t n = std::min<std::size_t>(input.size() - pos, 1 + rng.Uniform(0, 300));
        Bytes piece(input.begin() + static_cast<std::ptrdiff_t>(pos),
                    input.begin() + static_cast<std::ptrdiff_t>(pos + n));
        pos += n;
        if (shared->on_data) {
            auto handler = shared->on_data;
            handler(piece);
        }
        ns3::Simulator::Run(); // deferred deliveries, answers on timers
    }
    if (rng.Uniform(0, 1) == 1 && shared->on_closed) {
        auto handler = shared->on_closed;
        handler(CloseInfo{CloseReason::Normal, ""});
        ns3::Simulator::Run();
    }
}

Bytes Mutate(Bytes input, Rng& rng) {
    switch (rng.Uniform(0, 4)) {
    case 0: // one byte changed
        if (!input.empty())
            input[rng.Uniform(0, input.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
        break;
    case 1: // cut short
        input.resize(rng.Uniform(0, input.size()));
        break;
    case 2: { // random garbage
        input.resize(rng.Uniform(0, 400));
        rng.Fill(input.data(), input.size());
        break;
    }
    case 3: { // a run of random bytes inserted
        Bytes noise(rng.Uniform(1, 40));
        rng.Fill(noise.data(), noise.size());
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(rng.Uniform(0, input.size())),
                     noise.begin(), noise.end());
        break;
    }
    default: // untouched
        break;
    }
    return input;
}

Bytes Text(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

Bytes ClientFrames(Rng& rng) {
    Bytes out;
    for (int i = 0; i < 3; ++i) {
        ws::Frame f;
        f.opcode = rng.Uniform(0, 3) == 0 ? ws::Opcode::Ping : ws::Opcode::Text;
        f.masked = true;
        rng.Fill(f.mask_key.data(), 4);
        f.payload = Text("message " + std::to_string(i));
        Bytes e = ws::EncodeFrame(f);
        out.insert(out.end(), e.begin(), e.end());
    }
    return out;
}

class SessionFuzz : public ::testing::Test {
  protected:
    void TearDown() override { ns3::Simulator::Destroy(); }
};

TEST_F(SessionFuzz, ServerSessionSurvivesGeneratedRequests) {
    Rng rng(2024);
    const std::vector<Bytes> seeds = {
        Text("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"),
        Text("POST /api/v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"),
        Text("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
             "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        Text("HEAD / HTTP/1.0\r\n\r\n"),
        Text("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
    };
    const int kInputs = 100000;
    std::uint64_t answered = 0, messages = 0;
    for (int i = 0; i < kInputs; ++i) {
        Bytes input = seeds[rng.Uniform(0, seeds.size() - 1)];
        if (input.size() > 100 && input[5] == 'w') { // the upgrade: frames follow
            Bytes frames = ClientFrames(rng);
            input.insert(input.end(), frames.begin(), frames.end());
        }
        input = Mutate(std::move(input), rng);
        auto shared = std::make_shared<MemoryStream::Shared>();
        std::vector<std::unique_ptr<WebSocketSession>> sockets;
        std::vector<HttpResponder> later;
        Timer timer;
        auto session = std::make_unique<HttpServerSession>(
            std::make_unique<MemoryStream>(shared),
            [&](http::Request request, HttpResponder responder) {
                if (responder.IsUpgradeRequest()) {
                    if (auto ws = responder.AcceptWebSocket()) {
                        WebSocketSession* raw = ws.get();
                        ws->SetOnMessage([&messages, raw](const WebSocketMessage& m) {
                            ++messages;
                            raw->Send(m.text);
                        });
                        sockets.push_back(std::move(ws));
                    }
                    return;
                }
                http::Response r;
                r.status = 200;
                r.body = request.body;
                if (request.target.size() % 2 == 0) {
                    responder.Respond(r);
                    ++answered;
                } else {
                    later.push_back(responder);
                    timer.ScheduleIn(std::chrono::milliseconds(1), [&later, &answered, r](Instant) {
                        for (auto& l : later)
                            answered += l.Respond(r) ? 1 : 0;
                    });
                }
            });
        Push(shared, input, rng);
        if (rng.Uniform(0, 3) == 0)
            session.reset(); // the owner goes first sometimes
        sockets.clear();
    }
    EXPECT_GT(answered, 1000u) << "valid requests were answered";
    EXPECT_GT(messages, 100u) << "WebSocket messages got through";
}

TEST_F(SessionFuzz, ClientSessionSurvivesGeneratedResponses) {
    Rng rng(77);
    const std::vector<Bytes> seeds = {
        Text("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 204 No Content\r\n\r\n"),
        Text("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n0\r\n\r\n"),
        Text("HTTP/1.0 200 OK\r\n\r\nuntil the end"),
        Text("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi"),
    };
    const int kInputs = 100000;
    std::uint64_t responses = 0;
    for (int i = 0; i < kInputs; ++i) {
        Bytes input = Mutate(seeds[rng.Uniform(0, seeds.size() - 1)], rng);
        auto shared = std::make_shared<MemoryStream::Shared>();
        auto client = std::make_unique<HttpClientSession>(std::make_unique<MemoryStream>(shared),
                                                          rng.Fork(std::to_string(i)));
        std::unique_ptr<WebSocketSession> ws;
        http::Request get;
        get.method = rng.Uniform(0, 4) == 0 ? "HEAD" : "GET";
        get.target = "/";
        get.headers.Add("Host", "a");
        client->Send(get, [&](Expected<http::Response> r) { responses += r ? 1 : 0; });
        client->Send(get, [&](Expected<http::Response> r) { responses += r ? 1 : 0; });
        client->UpgradeToWebSocket("a", "/ws", "", {}, [&](WebSocketUpgradeResult r) {
            ws = std::move(r.session);
            if (ws)
                ws->SetOnMessage([](const WebSocketMessage&) {});
        });
        Push(shared, input, rng);
        if (rng.Uniform(0, 1) == 0)
            client.reset();
        ws.reset();
    }
    EXPECT_GT(responses, 1000u);
}

} // namespace
} // namespace cmslab::devices::net::test
