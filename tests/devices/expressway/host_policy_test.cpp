// Expressway-E's Host policy: only web bridge URLs learned from Expressway-C are proxied.
#include "host_policy.h"

#include "http/parser.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::expressway;

namespace {

http::RequestHead Get(const std::vector<std::string>& hosts) {
    http::RequestHead r;
    r.method = "GET";
    r.target = "/";
    for (const std::string& h : hosts)
        r.headers.Add("Host", h);
    return r;
}

} // namespace

TEST(HostPolicy, ParsesWebBridgeUrlsAsExpresswayCSendsThem) {
    EXPECT_EQ(ParseWebBridgeUrl("cmsweb.octavio.com").host, "cmsweb.octavio.com");
    EXPECT_EQ(ParseWebBridgeUrl("cmsweb.octavio.com").port, 0);
    EXPECT_EQ(ParseWebBridgeUrl("https://CMSweb.Octavio.com/").host, "cmsweb.octavio.com");
    EXPECT_EQ(ParseWebBridgeUrl("https://cmsweb.octavio.com").port, 443);
    EXPECT_EQ(ParseWebBridgeUrl("https://cmsweb.octavio.com:8443/x?y").port, 8443);
    EXPECT_EQ(ParseWebBridgeUrl("cmsweb.octavio.com.").host, "cmsweb.octavio.com");
    EXPECT_TRUE(ParseWebBridgeUrl("ftp://x.example").host.empty());
    EXPECT_TRUE(ParseWebBridgeUrl("https://user@x.example").host.empty());
    EXPECT_TRUE(ParseWebBridgeUrl("").host.empty());
    EXPECT_TRUE(ParseWebBridgeUrl("bad host").host.empty());
}

TEST(HostPolicy, AcceptsLearnedNamesWithoutCaseAndWithTheDefaultPort) {
    HostPolicy p(443);
    EXPECT_TRUE(p.SetWebBridges({"cmsweb.octavio.com", "https://join.example.org"}).empty());
    for (const char* host : {"cmsweb.octavio.com", "CMSWEB.OCTAVIO.COM", "cmsweb.octavio.com:443",
                             "cmsweb.octavio.com.", "Join.Example.org:443"}) {
        HostDecision d = p.Check(Get({host}));
        EXPECT_TRUE(d.accepted) << host << ": " << d.reason;
    }
    EXPECT_EQ(p.Check(Get({"JOIN.example.org"})).web_bridge, "join.example.org");
}

TEST(HostPolicy, RefusesEverythingElse) {
    HostPolicy p(443);
    p.SetWebBridges({"cmsweb.cms.octavio.local"}); // the internal URL: the Bad Request case
    for (const char* host : {"cmsweb.octavio.com", "cmsweb.cms.octavio.local:8443", "10.88.246.156",
                             "vcse.octavio.com", "", "bad host"}) {
        HostDecision d = p.Check(Get({host}));
        EXPECT_FALSE(d.accepted) << host;
        EXPECT_FALSE(d.reason.empty());
    }
    EXPECT_FALSE(p.Check(Get({})).accepted);
    EXPECT_FALSE(p.Check(Get({"cmsweb.cms.octavio.local", "cmsweb.cms.octavio.local"})).accepted);
    EXPECT_TRUE(p.Check(Get({"cmsweb.cms.octavio.local"})).accepted);
}

TEST(HostPolicy, NothingLearnedNothingProxied) {
    HostPolicy p(443);
    EXPECT_FALSE(p.Check(Get({"cmsweb.octavio.com"})).accepted);
    p.SetWebBridges({"cmsweb.octavio.com"});
    p.SetWebBridges({});
    EXPECT_FALSE(p.Check(Get({"cmsweb.octavio.com"})).accepted) << "a new list replaces the old";
}

TEST(HostPolicy, AUrlOnAnotherPortIsNotServedHere) {
    HostPolicy p(443);
    p.SetWebBridges({"https://cmsweb.octavio.com:8443"});
    EXPECT_FALSE(p.Check(Get({"cmsweb.octavio.com"})).accepted);
    EXPECT_FALSE(p.Check(Get({"cmsweb.octavio.com:8443"})).accepted);
}

TEST(HostPolicy, BadRequestIsAWholeHttpResponse) {
    const Bytes bytes = HostPolicy::BadRequestBytes();
    const std::string text(bytes.begin(), bytes.end());
    EXPECT_EQ(text.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << text;
    EXPECT_NE(text.find("Connection: close\r\n"), std::string::npos);
    http::Parser parser(http::MessageKind::Response);
    auto events = parser.Feed(bytes);
    ASSERT_GE(events.size(), 2u);
    auto* head = std::get_if<http::ResponseHead>(&events.front());
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->status, 400);
    EXPECT_TRUE(std::holds_alternative<http::EndOfMessage>(events.back()));
    EXPECT_NE(text.find("Bad Request</h1>"), std::string::npos);
}
