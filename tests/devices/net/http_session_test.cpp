// HTTP and WebSocket sessions over plain TCP on the reference network (cms and vcsc on
// the internal segment): pipelining with answers given out of order, HEAD, a request the
// parser refuses, non-persistent connections, declined and raw upgrades, pings, binary
// messages, and failures reaching the client's handlers.
#include "devnet_fixture.h"
#include "http_client_session.h"
#include "http_server_session.h"
#include "sim_time.h"
#include "tcp_listener.h"
#include "tcp_stream.h"

#include "http/serializer.h"

#include "ns3/node.h"

#include <map>

namespace cmslab::devices::net::test {
namespace {

http::Request Get(const std::string& target, const std::string& method = "GET") {
    http::Request r;
    r.method = method;
    r.target = target;
    r.headers.Add("Host", "cmsweb.cms.octavio.local");
    return r;
}

http::Response Text(int status, const std::string& text) {
    http::Response r;
    r.status = status;
    r.headers.Add("Content-Type", "text/plain");
    r.body.assign(text.begin(), text.end());
    return r;
}

std::string BodyOf(const http::Response& r) {
    return std::string(r.body.begin(), r.body.end());
}

// A plain HTTP server on the CMS (port 8080) whose handler the test supplies; sessions
// live until their connection ends.
class Server {
  public:
    Server(ns3::Ptr<ns3::Node> node, HttpServerSession::RequestHandler handler)
        : m_handler(std::move(handler)) {
        auto listener =
            TcpListener::Listen(node, AnyAddress(8080), [this](std::unique_ptr<TcpStream> tcp) {
                const int id = m_next++;
                auto session = std::make_unique<HttpServerSession>(std::move(tcp), m_handler);
                session->SetOnClosed([this, id](const CloseInfo& info) {
                    closes.push_back(info);
                    m_sessions.erase(id);
                });
                m_sessions[id] = std::move(session);
            });
        EXPECT_TRUE(listener);
        m_listener = std::move(*listener);
    }
    std::vector<CloseInfo> closes;
    // The sessions still open (or handed over), in the order they were accepted.
    std::vector<const HttpServerSession*> Sessions() const {
        std::vector<const HttpServerSession*> out;
        for (const auto& [id, session] : m_sessions)
            out.push_back(session.get());
        return out;
    }

  private:
    HttpServerSession::RequestHandler m_handler;
    std::unique_ptr<TcpListener> m_listener;
    int m_next = 0;
    std::map<int, std::unique_ptr<HttpServerSession>> m_sessions;
};

using HttpSessionTest = DevnetTest;

TEST_F(HttpSessionTest, PipelinedAnswersGoOutInRequestOrder) {
    std::vector<std::string> seen;
    std::vector<HttpResponder> held;
    Timer later;
    Server server(Node("cms"), [&](http::Request request, HttpResponder responder) {
        seen.push_back(request.target);
        held.push_back(responder);
        if (held.size() < 3)
            return;
        // Answer the third first, then the first, then the second, each a little later.
        later.ScheduleIn(std::chrono::milliseconds(1), [&](Instant) {
            EXPECT_TRUE(held[2].Respond(Text(200, "three")));
            EXPECT_FALSE(held[2].Respond(Text(500, "again"))) << "answered once";
            later.ScheduleIn(std::chrono::milliseconds(1), [&](Instant) {
                held[0].Respond(Text(200, "one"));
                later.ScheduleIn(std::chrono::milliseconds(1),
                                 [&](Instant) { held[1].Respond(Text(404, "two")); });
            });
        });
    });
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    std::vector<std::string> got;
    for (const char* target : {"/1", "/2", "/3"}) {
        client.Send(Get(target), [&got](Expected<http::Response> r) {
            ASSERT_TRUE(r) << r.Message();
            got.push_back(std::to_string(r->status) + " " + BodyOf(*r));
        });
    }
    EXPECT_EQ(client.Outstanding(), 3u);
    m_world->RunFor(2);
    EXPECT_EQ(seen, (std::vector<std::string>{"/1", "/2", "/3"}))
        << "all three read before any answer";
    EXPECT_EQ(got, (std::vector<std::string>{"200 one", "404 two", "200 three"}));
    EXPECT_EQ(client.Outstanding(), 0u);
    EXPECT_TRUE(client.IsOpen());
    EXPECT_EQ(client.ResponsesReceived(), 3u);
}

TEST_F(HttpSessionTest, HeadGetsTheLengthWithoutTheBody) {
    Server server(Node("cms"), [&](http::Request, HttpResponder responder) {
        responder.Respond(Text(200, std::string(3000, 'x')));
    });
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    std::optional<http::Response> head, get;
    client.Send(Get("/", "HEAD"), [&](Expected<http::Response> r) { head = *r; });
    client.Send(Get("/"), [&](Expected<http::Response> r) { get = *r; });
    m_world->RunFor(2);
    ASSERT_TRUE(head && get);
    EXPECT_EQ(head->headers.Get("Content-Length"), std::string("3000"));
    EXPECT_TRUE(head->body.empty());
    EXPECT_EQ(get->body.size(), 3000u) << "the GET after the HEAD is framed right";
}

TEST_F(HttpSessionTest, MalformedRequestIsAnsweredWith400AndTheConnectionCloses) {
    int handled = 0;
    Server server(Node("cms"), [&](http::Request, HttpResponder responder) {
        ++handled;
        responder.Respond(Text(200, "ok"));
    });
    auto raw = TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080));
    std::string answer;
    std::optional<CloseInfo> closed;
    raw->SetOnData([&](const Bytes& d) { answer.append(d.begin(), d.end()); });
    raw->SetOnClosed([&](const CloseInfo& info) { closed = info; });
    // A valid request, then one without a Host (HTTP/1.1 requires it).
    raw->Send(std::string_view("GET /a HTTP/1.1\r\nHost: cms\r\n\r\nGET /b HTTP/1.1\r\n\r\n"));
    m_world->RunFor(2);
    EXPECT_EQ(handled, 1);
    EXPECT_EQ(answer.find("HTTP/1.1 200 OK\r\n"), 0u) << answer;
    EXPECT_NE(answer.find("HTTP/1.1 400 Bad Request\r\n"), std::string::npos) << answer;
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->reason, CloseReason::Normal);
    ASSERT_EQ(server.closes.size(), 1u);
    EXPECT_EQ(server.closes[0].reason, CloseReason::ProtocolError);
    EXPECT_EQ(server.closes[0].detail.rfind("400 ", 0), 0u) << server.closes[0].detail;
}

TEST_F(HttpSessionTest, ConnectionCloseEndsTheConnectionAfterTheAnswer) {
    Server server(Node("cms"), [&](http::Request request, HttpResponder responder) {
        http::Response r = Text(200, "bye");
        if (request.target == "/last")
            r.headers.Add("Connection", "close");
        responder.Respond(r);
    });
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    std::vector<std::string> got;
    std::optional<CloseInfo> closed;
    client.SetOnClosed([&](const CloseInfo& info) { closed = info; });
    client.Send(Get("/last"), [&](Expected<http::Response> r) {
        got.push_back(r ? BodyOf(*r) : "error: " + r.Message());
        EXPECT_FALSE(client.IsOpen()) << "the answer said close";
        EXPECT_EQ(client.State(), HttpClientState::Draining);
        client.Send(Get("/after"), [&](Expected<http::Response> r2) {
            got.push_back(r2 ? BodyOf(*r2) : "error: " + r2.Message());
        });
    });
    m_world->RunFor(2);
    EXPECT_EQ(got,
              (std::vector<std::string>{"bye", "error: the connection takes no more requests"}));
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->reason, CloseReason::Normal);
    EXPECT_EQ(client.State(), HttpClientState::Finished);
    EXPECT_EQ(client.OutOfStateEvents(), 0u) << "a refused request is not an event";
    ASSERT_EQ(server.closes.size(), 1u);
    EXPECT_EQ(server.closes[0].reason, CloseReason::Local);
}

TEST_F(HttpSessionTest, FailuresReachEveryOutstandingRequest) {
    // Nothing listens on 8080: the requests' handlers learn why.
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    std::vector<std::string> errors;
    std::optional<CloseInfo> closed;
    client.SetOnClosed([&](const CloseInfo& info) { closed = info; });
    for (int i = 0; i < 2; ++i)
        client.Send(Get("/"), [&](Expected<http::Response> r) {
            errors.push_back(r ? "response" : r.Message());
        });
    m_world->RunFor(2);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0], "no response: refused: connection refused by 172.16.85.180:8080");
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->reason, CloseReason::Refused);
}

TEST_F(HttpSessionTest, DeclinedUpgradeKeepsHttpGoing) {
    Server server(Node("cms"), [&](http::Request request, HttpResponder responder) {
        if (responder.IsUpgradeRequest()) {
            responder.Respond(Text(403, "no websockets for you"));
            return;
        }
        responder.Respond(Text(200, "page " + request.target));
    });
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    std::optional<WebSocketUpgradeResult> upgrade;
    std::string after;
    client.UpgradeToWebSocket("cms", "/ws", "", {}, [&](WebSocketUpgradeResult r) {
        upgrade = std::move(r);
        client.Send(Get("/next"), [&](Expected<http::Response> resp) {
            after = resp ? BodyOf(*resp) : resp.Message();
        });
    });
    m_world->RunFor(2);
    ASSERT_TRUE(upgrade);
    EXPECT_EQ(upgrade->session, nullptr);
    EXPECT_EQ(upgrade->response.status, 403);
    EXPECT_FALSE(upgrade->error.empty());
    EXPECT_EQ(after, "page /next");
    // Declined: the server reads requests again, the client still sends them.
    ASSERT_EQ(server.Sessions().size(), 1u);
    EXPECT_EQ(server.Sessions()[0]->State(), HttpServerState::Reading);
    EXPECT_EQ(server.Sessions()[0]->OutOfStateEvents(), 0u);
    EXPECT_EQ(client.State(), HttpClientState::Open);
}

TEST_F(HttpSessionTest, RawProtocolSwitchHandsOverTheStreamWithWhatFollowed) {
    std::unique_ptr<ByteStream> tunnel;
    Bytes leftover;
    std::string relayed;
    Server server(Node("cms"), [&](http::Request, HttpResponder responder) {
        ASSERT_TRUE(responder.IsUpgradeRequest());
        http::Response r;
        r.status = 101;
        r.headers.Add("Upgrade", "x-tunnel");
        r.headers.Add("Connection", "Upgrade");
        UpgradedStream up = responder.SwitchProtocols(r);
        ASSERT_TRUE(up.stream);
        leftover = up.leftover;
        tunnel = std::move(up.stream);
        tunnel->SetOnData([&](const Bytes& d) {
            relayed.append(d.begin(), d.end());
            tunnel->Send(d); // echo the new protocol's bytes
        });
    });
    // The client writes the upgrade and its first tunnel bytes at once.
    auto raw = TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080));
    std::string back;
    raw->SetOnData([&](const Bytes& d) { back.append(d.begin(), d.end()); });
    raw->Send(std::string_view(
        "GET /t HTTP/1.1\r\nHost: cms\r\nUpgrade: x-tunnel\r\nConnection: Upgrade\r\n\r\nfirst"));
    Timer later;
    later.ScheduleIn(std::chrono::milliseconds(50),
                     [&](Instant) { raw->Send(std::string_view("second")); });
    m_world->RunFor(2);
    EXPECT_EQ(std::string(leftover.begin(), leftover.end()), "first");
    EXPECT_EQ(relayed, "second");
    EXPECT_EQ(back.find("HTTP/1.1 101 Switching Protocols\r\n"), 0u) << back;
    ASSERT_EQ(server.Sessions().size(), 1u);
    EXPECT_EQ(server.Sessions()[0]->State(), HttpServerState::HandedOver);
    EXPECT_FALSE(server.Sessions()[0]->IsOpen());
    EXPECT_EQ(back.substr(back.size() - 6), "second");
}

TEST_F(HttpSessionTest, ClientTakesTheStreamAfterA101) {
    std::unique_ptr<ByteStream> server_tunnel;
    Server server(Node("cms"), [&](http::Request, HttpResponder responder) {
        http::Response r;
        r.status = 101;
        r.headers.Add("Upgrade", "x-tunnel");
        r.headers.Add("Connection", "Upgrade");
        UpgradedStream up = responder.SwitchProtocols(r);
        up.stream->Send(std::string_view("greeting"));
        server_tunnel = std::move(up.stream);
    });
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    http::Request req = Get("/t");
    req.headers.Add("Upgrade", "x-tunnel");
    req.headers.Add("Connection", "Upgrade");
    std::string got;
    UpgradedStream taken;
    client.Send(req, [&](Expected<http::Response> r) {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 101);
        taken = client.TakeUpgradedStream();
        ASSERT_TRUE(taken.stream);
        got.append(taken.leftover.begin(), taken.leftover.end());
        taken.stream->SetOnData([&](const Bytes& d) { got.append(d.begin(), d.end()); });
    });
    m_world->RunFor(2);
    EXPECT_EQ(got, "greeting");
    EXPECT_EQ(client.Stream(), nullptr);
    EXPECT_EQ(client.State(), HttpClientState::HandedOver);
    EXPECT_FALSE(client.TakeUpgradedStream().stream) << "taken once";
}

TEST_F(HttpSessionTest, WebSocketPingBinaryAndServerClose) {
    std::unique_ptr<WebSocketSession> server_ws;
    std::vector<std::string> server_got;
    std::optional<WebSocketClosed> server_closed;
    Server server(Node("cms"), [&](http::Request, HttpResponder responder) {
        server_ws = responder.AcceptWebSocket({"cms-v1"});
        ASSERT_TRUE(server_ws);
        server_ws->SetOnMessage([&](const WebSocketMessage& m) {
            server_got.push_back(m.binary ? "binary " + std::to_string(m.data.size()) : m.text);
            if (m.binary)
                server_ws->Close(4000, "done here");
        });
        server_ws->SetOnClosed([&](const WebSocketClosed& c) { server_closed = c; });
    });
    HttpClientSession client(TcpStream::Connect(Node("vcsc"), Ep("172.16.85.180", 8080)),
                             m_world->ForkRng("c"));
    std::unique_ptr<WebSocketSession> ws;
    std::string protocol_header;
    int pongs = 0;
    std::optional<WebSocketClosed> closed;
    client.UpgradeToWebSocket(
        "cms", "/ws", "https://cms", {"cms-v0", "cms-v1"}, [&](WebSocketUpgradeResult r) {
            ASSERT_TRUE(r.session) << r.error;
            protocol_header = r.response.headers.Get("Sec-WebSocket-Protocol").value_or("");
            ws = std::move(r.session);
            ws->SetOnPong([&](const Bytes& payload) {
                ++pongs;
                EXPECT_EQ(std::string(payload.begin(), payload.end()), "are you there");
                ws->SendBinary(Bytes(70000, 0xab)); // a 64-bit length frame
            });
            ws->SetOnClosed([&](const WebSocketClosed& c) { closed = c; });
            ws->Send("hello");
            ws->Ping(std::string_view("are you there"));
        });
    m_world->RunFor(2);
    EXPECT_EQ(protocol_header, "cms-v1");
    EXPECT_EQ(pongs, 1);
    EXPECT_EQ(server_got, (std::vector<std::string>{"hello", "binary 70000"}));
    ASSERT_TRUE(closed);
    EXPECT_TRUE(closed->clean);
    EXPECT_EQ(closed->code, 4000);
    EXPECT_EQ(closed->reason, "done here");
    ASSERT_TRUE(server_closed);
    EXPECT_TRUE(server_closed->clean);
    EXPECT_EQ(server_closed->code, 4000) << "the client echoed the status";
    ASSERT_TRUE(ws);
    EXPECT_FALSE(ws->Send("too late"));
}

} // namespace
} // namespace cmslab::devices::net::test
