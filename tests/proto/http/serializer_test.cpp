#include "http/assembler.h"
#include "http/serializer.h"
#include "http/status.h"
#include "http_test_util.h"
#include "support/values.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::http;

namespace {

using cmslab::testkit::B;
using cmslab::testkit::Text;

} // namespace

TEST(HttpSerializer, RequestWithBodyGetsContentLengthAndParsesBack) {
    Request r;
    r.method = "POST";
    r.target = "/api/v1/coSpaces";
    r.headers.Add("Host", "admin.example.com:445");
    r.headers.Add("Content-Type", "application/x-www-form-urlencoded");
    r.body = B("name=Proxy+webRTC");
    const auto wire = Text(Serialize(r));
    EXPECT_EQ(wire, "POST /api/v1/coSpaces HTTP/1.1\r\n"
                    "Host: admin.example.com:445\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    "Content-Length: 17\r\n"
                    "\r\n"
                    "name=Proxy+webRTC");
    const auto ev = ParseWhole(MessageKind::Request, wire, false);
    ASSERT_EQ(ev.size(), 3u) << Describe(ev);
    RequestHead expected = r;
    expected.headers.Add("Content-Length", "17");
    EXPECT_EQ(As<RequestHead>(ev[0]), expected);
    EXPECT_EQ(As<Data>(ev[1]).data, r.body);
}

TEST(HttpSerializer, GetWithoutBodyHasNoContentLengthButEmptyPostHasZero) {
    Request get;
    get.method = "GET";
    get.target = "/";
    get.headers.Add("Host", "h");
    EXPECT_EQ(Text(Serialize(get)), "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    Request post = get;
    post.method = "POST";
    EXPECT_EQ(Text(Serialize(post)), "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpSerializer, ResponseFramingFollowsTheStatus) {
    Response ok;
    ok.body = B("hello");
    EXPECT_EQ(Text(Serialize(ok)), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    Response empty;
    empty.status = 404;
    EXPECT_EQ(Text(Serialize(empty)), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    for (int status : {101, 204, 304}) {
        Response r;
        r.status = status;
        r.body = B("dropped");
        const auto wire = Text(Serialize(r));
        EXPECT_EQ(wire.find("Content-Length"), std::string::npos) << status;
        EXPECT_EQ(wire.substr(wire.size() - 4), "\r\n\r\n") << status;
    }
    Response custom;
    custom.status = 200;
    custom.reason = "Fine";
    EXPECT_EQ(Text(SerializeHead(custom)), "HTTP/1.1 200 Fine\r\n\r\n");
}

TEST(HttpSerializer, ChunkedResponseRoundTripsWithTrailers) {
    ResponseHead head;
    head.headers.Add("Transfer-Encoding", "chunked");
    Bytes wire = SerializeHead(head);
    for (std::string_view piece :
         std::vector<std::string_view>{"first ", "", "x", " and a longer third piece"}) {
        const Bytes c = EncodeChunk(ByteView(piece));
        wire.insert(wire.end(), c.begin(), c.end());
    }
    const Bytes last = EncodeLastChunk(Headers{{"Server-Timing", "db;dur=53"}});
    wire.insert(wire.end(), last.begin(), last.end());
    EXPECT_NE(Text(wire).find("\r\n19\r\n and a longer third piece\r\n"), std::string::npos)
        << "chunk sizes are hexadecimal";
    const auto ev = ParseWhole(MessageKind::Response, Text(wire), false);
    ASSERT_EQ(ev.size(), 3u) << Describe(ev);
    EXPECT_EQ(Text(As<Data>(ev[1]).data), "first x and a longer third piece");
    EXPECT_EQ(As<EndOfMessage>(ev[2]).trailers.Get("server-timing"), "db;dur=53");

    Response whole;
    whole.headers.Add("Transfer-Encoding", "chunked");
    whole.body = B("abc");
    EXPECT_EQ(Text(Serialize(whole)),
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
}

TEST(HttpSerializer, ReasonPhrasesOfTheCommonCodes) {
    const std::vector<std::pair<int, std::string>> expected = {
        {200, "OK"},
        {101, "Switching Protocols"},
        {204, "No Content"},
        {301, "Moved Permanently"},
        {302, "Found"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {413, "Content Too Large"},
        {414, "URI Too Long"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
    };
    for (const auto& [code, phrase] : expected)
        EXPECT_EQ(ReasonPhrase(code), phrase) << code;
    EXPECT_EQ(ReasonPhrase(599), "Unknown");
}

TEST(HttpSerializer, ErrorResponseClosesAndExplains) {
    const auto r = ErrorResponse(400, "unknown host");
    const auto wire = Text(Serialize(r));
    EXPECT_EQ(wire.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << wire;
    EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
    EXPECT_NE(wire.find("\r\n\r\n400 Bad Request: unknown host\n"), std::string::npos) << wire;
    EXPECT_EQ(r.headers.Count("Content-Length"), 1u);
    const auto ev = ParseWhole(MessageKind::Response, wire, false);
    ASSERT_EQ(ev.size(), 3u) << Describe(ev);
}

TEST(HttpSerializer, HeadersSetReplacesAllAndKeepsPosition) {
    Headers h{{"A", "1"}, {"X", "2"}, {"b", "3"}, {"x", "4"}};
    h.Set("x", "5");
    EXPECT_EQ(h, (Headers{{"A", "1"}, {"x", "5"}, {"b", "3"}}));
    EXPECT_EQ(h.Remove("B"), 1u);
    EXPECT_FALSE(h.Has("b"));
    Headers conn{{"Connection", "keep-alive, Upgrade"}, {"connection", " TE ,,"}};
    EXPECT_EQ(conn.Tokens("CONNECTION"), (std::vector<std::string>{"keep-alive", "upgrade", "te"}));
    EXPECT_TRUE(conn.HasToken("connection", "UPGRADE"));
    EXPECT_FALSE(conn.HasToken("connection", "close"));
}

TEST(HttpAssembler, GathersWholeMessagesWithTrailers) {
    Response r;
    r.status = 200;
    r.headers.Add("Transfer-Encoding", "chunked");
    r.body = B("streamed body");
    r.trailers.Add("Checksum", "42");
    Response plain;
    plain.status = 404;
    plain.body = B("missing");
    Bytes wire = Serialize(r);
    const Bytes second = Serialize(plain);
    wire.insert(wire.end(), second.begin(), second.end());

    Parser p(MessageKind::Response);
    ResponseAssembler assembler;
    std::vector<Response> got;
    for (auto byte : wire) {
        for (const auto& e : p.Feed(ByteView(&byte, 1))) {
            if (auto m = assembler.Add(e))
                got.push_back(std::move(*m));
        }
    }
    ASSERT_EQ(got.size(), 2u);
    r.reason = "OK";
    EXPECT_EQ(static_cast<const ResponseHead&>(got[0]), static_cast<const ResponseHead&>(r));
    EXPECT_EQ(got[0].body, r.body);
    EXPECT_EQ(got[0].trailers, r.trailers);
    EXPECT_EQ(got[1].status, 404);
    EXPECT_EQ(Text(got[1].body), "missing");
    EXPECT_FALSE(assembler.InMessage());
}
