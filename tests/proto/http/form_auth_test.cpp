#include "http/base64.h"
#include "http/basic_auth.h"
#include "http/form.h"
#include "http/host.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::http;

TEST(HttpForm, EncodesAsBrowsersDo) {
    // What a browser sends for these fields (WHATWG urlencoded, '~' aside).
    EXPECT_EQ(FormEncode({{"name", "Jöhn Doe"}, {"passcode", "1+2=3&4"}, {"empty", ""}}),
              "name=J%C3%B6hn+Doe&passcode=1%2B2%3D3%264&empty=");
    EXPECT_EQ(PercentEncode("a b/c?d", false), "a%20b%2Fc%3Fd");
    EXPECT_EQ(PercentEncode("-._~", true), "-._~");
}

TEST(HttpForm, DecodesPlusPercentAndOddPieces) {
    const auto f = FormDecode("a=1&b=two+words&c=%E2%82%AC&&d&e=x%3Dy=z&a=again");
    ASSERT_TRUE(f) << f.Message();
    const FormFields expected = {{"a", "1"}, {"b", "two words"}, {"c", "€"},
                                 {"d", ""},  {"e", "x=y=z"},     {"a", "again"}};
    EXPECT_EQ(*f, expected);
    EXPECT_EQ(FormValue(*f, "a"), "1");
    EXPECT_EQ(FormValue(*f, "zz"), std::nullopt);
    EXPECT_FALSE(FormDecode("a=%G1"));
    EXPECT_FALSE(FormDecode("a=%4"));
    EXPECT_FALSE(FormDecode("a=%"));
    EXPECT_EQ(*PercentDecode("a+b%2b", false), "a+b+");
}

TEST(HttpForm, RoundTripsEveryByte) {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += static_cast<char>(i);
    const auto back = FormDecode(FormEncode({{all, all}}));
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].first, all);
    EXPECT_EQ((*back)[0].second, all);
}

TEST(HttpForm, QueryStrings) {
    const auto t = SplitTarget("/meeting/join?id=100101&name=Guest+One");
    EXPECT_EQ(t.path, "/meeting/join");
    EXPECT_TRUE(t.has_query);
    const auto q = ParseQuery("/meeting/join?id=100101&name=Guest+One");
    ASSERT_TRUE(q);
    EXPECT_EQ(FormValue(*q, "name"), "Guest One");
    EXPECT_FALSE(SplitTarget("/plain").has_query);
    EXPECT_TRUE(SplitTarget("/empty?").has_query);
}

TEST(HttpBase64, Rfc4648Vectors) {
    const std::vector<std::pair<std::string, std::string>> v = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, enc] : v) {
        EXPECT_EQ(Base64Encode(ByteView(plain)), enc);
        const auto d = Base64Decode(enc);
        ASSERT_TRUE(d) << enc;
        EXPECT_EQ(std::string(d->begin(), d->end()), plain);
    }
    for (const char* bad :
         {"Zg", "Zg=", "Z===", "Zh==", "Zm9=", "Zm 9v", "Zm9v\n", "=Zm9", "Zg==Zg=="})
        EXPECT_FALSE(Base64Decode(bad)) << bad;
}

TEST(HttpBasicAuth, Rfc7617Example) {
    const auto header = EncodeBasicAuth("Aladdin", "open sesame");
    ASSERT_TRUE(header);
    EXPECT_EQ(*header, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    const auto creds = DecodeBasicAuth("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    ASSERT_TRUE(creds) << creds.Message();
    EXPECT_EQ(creds->user, "Aladdin");
    EXPECT_EQ(creds->password, "open sesame");
    // Scheme in any case, extra spaces, a password with colons.
    const auto odd =
        DecodeBasicAuth("bAsIc   " + Base64Encode(ByteView(std::string_view("admin:a:b:c"))));
    ASSERT_TRUE(odd) << odd.Message();
    EXPECT_EQ(*odd, (BasicCredentials{"admin", "a:b:c"}));
    // RFC 7617 2.1's UTF-8 example: user "test", password "123£".
    EXPECT_EQ(*EncodeBasicAuth("test", "123\xC2\xA3"), "Basic dGVzdDoxMjPCow==");
}

TEST(HttpBasicAuth, RefusesWhatItCannotCarryOrRead) {
    EXPECT_FALSE(EncodeBasicAuth("user:name", "x"));
    EXPECT_FALSE(DecodeBasicAuth("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    EXPECT_FALSE(DecodeBasicAuth("Basic"));
    EXPECT_FALSE(DecodeBasicAuth("Basic !!!!"));
    EXPECT_FALSE(DecodeBasicAuth("Basic " + Base64Encode(ByteView(std::string_view("nocolon")))));
}

TEST(HttpBasicAuth, Challenges) {
    EXPECT_EQ(BasicChallenge("WallyWorld"), "Basic realm=\"WallyWorld\"");
    EXPECT_EQ(BasicChallenge("foo", true), "Basic realm=\"foo\", charset=\"UTF-8\"");
    EXPECT_EQ(BasicChallenge("say \"hi\"\\"), "Basic realm=\"say \\\"hi\\\"\\\\\"");
    EXPECT_EQ(BuildChallenge("Digest", {{"realm", "r"}, {"nonce", "n"}}),
              "Digest realm=\"r\", nonce=\"n\"");
}

TEST(HttpHost, SplitsHostAndPort) {
    auto h = ParseHost("cmsweb.example.com");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->host, "cmsweb.example.com");
    EXPECT_FALSE(h->port);
    h = ParseHost("CMSweb.Example.com:8443");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->host, "CMSweb.Example.com");
    EXPECT_EQ(h->port, 8443);
    h = ParseHost("[2001:db8::1]:443");
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->ipv6_literal);
    EXPECT_EQ(h->host, "2001:db8::1");
    EXPECT_EQ(h->ToString(), "[2001:db8::1]:443");
    h = ParseHost("192.0.2.7:");
    ASSERT_TRUE(h);
    EXPECT_FALSE(h->port);
    for (const char* bad : {"", ":443", "a b", "host:99999", "host:8x", "[::1", "[::1]x",
                            "[192.0.2.1]", "[zz::]", "a:1:2", "a/b", "host:123456"})
        EXPECT_FALSE(ParseHost(bad)) << bad;
}

TEST(HttpHost, MatchesAConfiguredName) {
    EXPECT_TRUE(HostMatches("CMSWEB.example.COM", "cmsweb.example.com", 443));
    EXPECT_TRUE(HostMatches("cmsweb.example.com:443", "cmsweb.example.com", 443));
    EXPECT_TRUE(HostMatches("cmsweb.example.com.", "cmsweb.example.com", 443));
    EXPECT_FALSE(HostMatches("cmsweb.example.com:8443", "cmsweb.example.com", 443));
    EXPECT_FALSE(HostMatches("cmsweb.internal.example", "cmsweb.example.com", 443));
    EXPECT_FALSE(HostMatches("cmsweb.example.com.evil", "cmsweb.example.com", 443));
    EXPECT_TRUE(HostMatches("[2001:DB8:0::1]", "2001:db8::1", 443));
    EXPECT_TRUE(HostMatches("[2001:db8::1]:443", "[2001:db8::1]", 443));
    EXPECT_FALSE(HostMatches("junk:port", "junk", 443));
}
