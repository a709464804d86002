// tshark judges what our serializer and WebSocket encoder put on the wire: a pcap of a
// TCP connection to port 80 carrying our bytes must dissect as the intended HTTP and
// WebSocket messages, with no expert finding at warning level or above.
#include "common/rng.h"
#include "http/serializer.h"
#include "http/ws_connection.h"
#include "http/ws_handshake.h"
#include "support/pcap_writer.h"
#include "support/temp_dir.h"
#include "support/tshark.h"
#include "support/values.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::http;
using namespace cmslab::testkit;

namespace {

constexpr std::uint32_t kClient = 0xC000020A; // 192.0.2.10
constexpr std::uint32_t kServer = 0xC0000214; // 192.0.2.20

using cmslab::testkit::B;

} // namespace

TEST(HttpTshark, RequestsAndResponsesDissectWithoutWarnings) {
    TempDir dir;
    ASSERT_FALSE(dir.Path().empty());
    PcapWriter pcap;
    TcpFlow flow(pcap, kClient, 50000, kServer, 80);
    flow.Handshake();

    Request get;
    get.method = "GET";
    get.target = "/meeting/join?id=1";
    get.headers.Add("Host", "cmsweb.example.com");
    get.headers.Add("User-Agent", "cmslab");
    flow.ClientSends(Serialize(get));
    Response page;
    page.headers.Add("Content-Type", "text/html");
    page.body = B(std::string(3000, 'x')); // spans three segments
    flow.ServerSends(Serialize(page));

    Request post;
    post.method = "POST";
    post.target = "/api/v1/coSpaces";
    post.headers.Add("Host", "admin.example.com");
    post.headers.Add("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    post.headers.Add("Content-Type", "application/x-www-form-urlencoded");
    post.body = B("name=Proxy+webRTC");
    flow.ClientSends(Serialize(post));
    Response chunked;
    chunked.headers.Add("Transfer-Encoding", "chunked");
    chunked.body = B("<coSpace id=\"1\"/>");
    flow.ServerSends(Serialize(chunked));

    Request bad_host = get;
    bad_host.headers.Set("Host", "cmsweb.internal.example");
    flow.ClientSends(Serialize(bad_host));
    flow.ServerSends(Serialize(ErrorResponse(400, "unknown host")));
    flow.Close();
    const auto file = dir.File("http.pcap");
    ASSERT_TRUE(pcap.WriteFile(file));

    const auto lines = TsharkFields(
        file, "http",
        {"http.request.method", "http.host", "http.response.code", "http.authorization"});
    const std::vector<std::string> expected = {
        "GET|cmsweb.example.com||",
        "||200|",
        "POST|admin.example.com||Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "||200|",
        "GET|cmsweb.internal.example||",
        "||400|",
    };
    EXPECT_EQ(lines, expected);
    const auto body = TsharkFields(file, "http.transfer_encoding", {"http.file_data"});
    ASSERT_EQ(body.size(), 1u);
    EXPECT_NE(body[0].find("coSpace"), std::string::npos)
        << "chunked body reassembled: " << body[0];
    EXPECT_EQ(TsharkWarnings(file), "");
}

TEST(HttpTshark, WebSocketExchangeDissectsWithoutWarnings) {
    TempDir dir;
    ASSERT_FALSE(dir.Path().empty());
    PcapWriter pcap;
    TcpFlow flow(pcap, kClient, 50001, kServer, 80);
    flow.Handshake();

    Rng rng(2024);
    const auto hs =
        ws::BuildClientHandshake(rng, "cmsweb.example.com", "/ws", "http://cmsweb.example.com");
    flow.ClientSends(Serialize(hs.request));
    const auto answer = ws::AnswerHandshake(hs.request);
    ASSERT_TRUE(answer.accepted) << answer.error;
    flow.ServerSends(Serialize(answer.response));

    auto client = ws::Connection::Client(rng.Fork("ws"));
    auto server = ws::Connection::Server();
    flow.ClientSends(client.SendText("{\"type\":\"join\"}"));
    flow.ServerSends(server.SendText("{\"type\":\"joined\"}"));
    flow.ClientSends(client.SendPing(ByteView(std::string_view("hb"))));
    flow.ServerSends(server.SendPong(ByteView(std::string_view("hb"))));
    flow.ServerSends(server.SendBinary(Bytes(300, 0x42)));
    flow.ClientSends(client.SendClose(ws::close_code::kNormal, "bye"));
    flow.ServerSends(server.SendClose(ws::close_code::kNormal));
    flow.Close();
    const auto file = dir.File("ws.pcap");
    ASSERT_TRUE(pcap.WriteFile(file));

    const auto http_lines =
        TsharkFields(file, "http", {"http.request.method", "http.response.code"});
    EXPECT_EQ(http_lines, (std::vector<std::string>{"GET|", "|101"}));
    const auto lines =
        TsharkFields(file, "websocket",
                     {"websocket.opcode", "websocket.mask", "websocket.payload_length",
                      "websocket.payload.text", "websocket.payload.close.status_code"});
    const std::vector<std::string> expected = {
        "1|1|15|{\"type\":\"join\"}|",
        "1|0|17|{\"type\":\"joined\"}|",
        "9|1|2||",
        "10|0|2||",
        "2|0|126||",
        "8|1|5||1000",
        "8|0|2||1000",
    };
    EXPECT_EQ(lines, expected);
    EXPECT_EQ(TsharkWarnings(file), "");
}
