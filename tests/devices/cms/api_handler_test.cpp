// The turnServers API: Basic auth, create/modify/list/object/status XML, errors.
#include "cms/api_handler.h"
#include "cms/uuid.h"
#include "http/basic_auth.h"
#include "http/form.h"

#include "cms_test_support.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::cms;
using namespace cmslab::cms::fixtures;

namespace {

http::Request Req(const std::string& method, const std::string& target,
                  const std::string& body = "", const std::string& user = "admin",
                  const std::string& password = "secret") {
    http::Request r;
    r.method = method;
    r.target = target;
    r.headers.Add("Host", "admin.cms.example:445");
    if (!user.empty())
        r.headers.Add("Authorization", *http::EncodeBasicAuth(user, password));
    if (!body.empty())
        r.headers.Add("Content-Type", "application/x-www-form-urlencoded");
    r.body.assign(body.begin(), body.end());
    return r;
}

const std::string kReferencePost = "serverAddress=172.16.85.168&clientAddress=10.88.246.156&"
                                   "username=turnuser&password=cisco&type=standard&"
                                   "tcpPortNumberOverride=3478";

class Api : public ::testing::Test {
  protected:
    ApiHandler api{{{"admin", "secret"}}, Rng(7)};

    std::string Create(const std::string& body = kReferencePost) {
        const auto r = api.Handle(Req("POST", "/api/v1/turnServers", body));
        EXPECT_EQ(r.status, 200) << XmlBody(r);
        const auto location = r.headers.Get("Location");
        EXPECT_TRUE(location.has_value());
        const std::string prefix = "/api/v1/turnServers/";
        EXPECT_EQ(location->substr(0, prefix.size()), prefix);
        return location->substr(prefix.size());
    }
};

} // namespace

TEST_F(Api, RefusesMissingOrWrongCredentials) {
    for (const auto& r : {Req("GET", "/api/v1/turnServers", "", ""),
                          Req("GET", "/api/v1/turnServers", "", "admin", "wrong"),
                          Req("GET", "/api/v1/turnServers", "", "root", "secret")}) {
        const auto answer = api.Handle(r);
        EXPECT_EQ(answer.status, 401);
        EXPECT_EQ(answer.headers.Get("WWW-Authenticate"), "Basic realm=\"CMS API\"");
    }
    auto garbled = Req("GET", "/api/v1/turnServers", "", "");
    garbled.headers.Add("Authorization", "Basic !!!");
    EXPECT_EQ(api.Handle(garbled).status, 401);
    // Nothing was created by an unauthenticated POST.
    auto post = Req("POST", "/api/v1/turnServers", kReferencePost, "admin", "nope");
    EXPECT_EQ(api.Handle(post).status, 401);
    EXPECT_TRUE(api.TurnServers().empty());
}

TEST_F(Api, CreateThenListAndObjectInTheProductsXml) {
    const auto id = Create();
    EXPECT_TRUE(IsUuid(id)) << id;
    // Same seed, same id.
    ApiHandler again{{{"admin", "secret"}}, Rng(7)};
    const auto r2 = again.Handle(Req("POST", "/api/v1/turnServers", kReferencePost));
    EXPECT_EQ(r2.headers.Get("Location"), "/api/v1/turnServers/" + id);

    const auto list = api.Handle(Req("GET", "/api/v1/turnServers"));
    EXPECT_EQ(list.status, 200);
    EXPECT_EQ(XmlBody(list), "<turnServers total=\"1\"><turnServer id=\"" + id +
                                 "\"><serverAddress>172.16.85.168</serverAddress><clientAddress>"
                                 "10.88.246.156</clientAddress></turnServer></turnServers>");
    const auto object = api.Handle(Req("GET", "/api/v1/turnServers/" + id));
    EXPECT_EQ(object.status, 200);
    EXPECT_EQ(XmlBody(object),
              "<turnServer id=\"" + id +
                  "\"><serverAddress>172.16.85.168</serverAddress><clientAddress>10.88.246.156"
                  "</clientAddress><numRegistrations>0</numRegistrations><username>turnuser"
                  "</username><type>standard</type><tcpPortNumberOverride>3478"
                  "</tcpPortNumberOverride></turnServer>");
    EXPECT_EQ(XmlBody(object).find("cisco"), std::string::npos); // the password stays inside
    EXPECT_EQ(api.FindTurnServer(id)->password, "cisco");
}

TEST_F(Api, ModifyWithPutOrPostOnTheObject) {
    const auto id = Create();
    std::vector<std::string> changed;
    api.OnChange([&](const std::string& which) { changed.push_back(which); });
    EXPECT_EQ(api.Handle(Req("PUT", "/api/v1/turnServers/" + id, "password=c1sco")).status, 200);
    EXPECT_EQ(api.FindTurnServer(id)->password, "c1sco");
    EXPECT_EQ(api.Handle(Req("POST", "/api/v1/turnServers/" + id, "username=other")).status, 200);
    EXPECT_EQ(api.FindTurnServer(id)->username, "other");
    EXPECT_EQ(api.FindTurnServer(id)->server_address, "172.16.85.168");
    EXPECT_EQ(changed, (std::vector<std::string>{id, id}));
    // A failed modification changes nothing.
    EXPECT_EQ(api.Handle(Req("PUT", "/api/v1/turnServers/" + id, "username=x&type=bogus")).status,
              400);
    EXPECT_EQ(api.FindTurnServer(id)->username, "other");
}

TEST_F(Api, StatusShowsTheProbe) {
    const auto id = Create();
    const auto pending = api.Handle(Req("GET", "/api/v1/turnServers/" + id + "/status"));
    EXPECT_EQ(XmlBody(pending), "<turnServer><status>pending</status><host><address>172.16.85.168"
                                "</address><portNumber>3478</portNumber></host></turnServer>");
    TurnProbeStatus s;
    s.state = TurnProbeStatus::State::Success;
    s.address = "172.16.85.168";
    s.port = 3478;
    s.reachable = true;
    s.round_trip_ms = 52;
    s.mapped_address = "172.16.85.180";
    s.mapped_port = 41574;
    api.SetProbeStatus(id, s);
    const auto ok = api.Handle(Req("GET", "/api/v1/turnServers/" + id + "/status"));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(XmlBody(ok), "<turnServer><status>success</status><host><address>172.16.85.168"
                           "</address><portNumber>3478</portNumber><reachable>true</reachable>"
                           "<roundTripTimeMs>52</roundTripTimeMs><mappedAddress>172.16.85.180"
                           "</mappedAddress><mappedPortNumber>41574</mappedPortNumber></host>"
                           "</turnServer>");
    s.state = TurnProbeStatus::State::Failure;
    s.reachable = false;
    api.SetProbeStatus(id, s);
    EXPECT_EQ(XmlBody(api.Handle(Req("GET", "/api/v1/turnServers/" + id + "/status"))),
              "<turnServer><status>failure</status><host><address>172.16.85.168</address>"
              "<portNumber>3478</portNumber><reachable>false</reachable></host></turnServer>");
    // A modification forgets the old measurement.
    api.Handle(Req("PUT", "/api/v1/turnServers/" + id, "password=x"));
    EXPECT_EQ(api.ProbeStatus(id), nullptr);
}

TEST_F(Api, ParameterErrors) {
    struct Case {
        std::string body;
        std::string xml;
    };
    for (const auto& c : std::vector<Case>{
             {"clientAddress=1.2.3.4",
              "<failureDetails><parameterError parameter=\"serverAddress\" "
              "error=\"missing\"/></failureDetails>"},
             {"serverAddress=1.2.3.4&type=turbo",
              "<failureDetails><parameterError parameter=\"type\" error=\"invalidValue\"/>"
              "</failureDetails>"},
             {"serverAddress=1.2.3.4&tcpPortNumberOverride=70000",
              "<failureDetails><parameterError parameter=\"tcpPortNumberOverride\" "
              "error=\"invalidValue\"/></failureDetails>"},
             {"serverAddress=a%20b", "<failureDetails><parameterError parameter=\"serverAddress\" "
                                     "error=\"invalidValue\"/></failureDetails>"},
             {"serverAddress=1.2.3.4&numRegistrations=-1",
              "<failureDetails><parameterError parameter=\"numRegistrations\" "
              "error=\"invalidValue\"/></failureDetails>"},
             {"serverAddress=1.2.3.4&colour=%3Cred%3E",
              "<failureDetails><parameterError parameter=\"colour\" error=\"unrecognised\"/>"
              "</failureDetails>"},
         }) {
        const auto r = api.Handle(Req("POST", "/api/v1/turnServers", c.body));
        EXPECT_EQ(r.status, 400) << c.body;
        EXPECT_EQ(XmlBody(r), c.xml) << c.body;
    }
    EXPECT_TRUE(api.TurnServers().empty());
}

TEST_F(Api, UnknownIdsPathsAndMethods) {
    const auto id = Create();
    const auto missing =
        api.Handle(Req("GET", "/api/v1/turnServers/00000000-0000-4000-8000-000000000000"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(XmlBody(missing), "<failureDetails><turnServerDoesNotExist/></failureDetails>");
    EXPECT_EQ(api.Handle(Req("PUT", "/api/v1/turnServers/nope", "password=x")).status, 404);
    EXPECT_EQ(api.Handle(Req("GET", "/api/v1/turnServers/" + id + "/other")).status, 404);
    EXPECT_EQ(api.Handle(Req("GET", "/api/v1/coSpaces")).status, 404);
    EXPECT_EQ(api.Handle(Req("DELETE", "/api/v1/turnServers")).status, 405);
    EXPECT_EQ(api.Handle(Req("DELETE", "/api/v1/turnServers/" + id)).status, 200);
    EXPECT_EQ(XmlBody(api.Handle(Req("GET", "/api/v1/turnServers"))),
              "<turnServers total=\"0\"></turnServers>");
}

TEST_F(Api, ValuesAreEscaped) {
    const auto id = Create("serverAddress=1.2.3.4&username=%3Ca%26b%3E");
    EXPECT_NE(XmlBody(api.Handle(Req("GET", "/api/v1/turnServers/" + id)))
                  .find("<username>&lt;a&amp;b&gt;</username>"),
              std::string::npos);
}

TEST(ApiFuzz, GeneratedRequestsNeverCrash) {
    ApiHandler api{{{"admin", "secret"}}, Rng(1)};
    Rng rng(0xa91);
    const std::vector<std::string> names = {
        "serverAddress", "clientAddress",         "username",         "password",
        "type",          "tcpPortNumberOverride", "numRegistrations", "x"};
    const std::string alphabet = "0123456789abc.:-%&=+/<>\"\xff";
    std::vector<std::string> ids;
    for (int i = 0; i < 100000; ++i) {
        std::string body;
        const auto n = rng.Uniform(0, 4);
        for (std::uint64_t k = 0; k < n; ++k) {
            body += names[rng.Uniform(0, names.size() - 1)] + "=";
            const auto len = rng.Uniform(0, 8);
            for (std::uint64_t c = 0; c < len; ++c)
                body += alphabet[rng.Uniform(0, alphabet.size() - 1)];
            body += "&";
        }
        std::string target = "/api/v1/turnServers";
        if (!ids.empty() && rng.Uniform(0, 1))
            target += "/" + ids[rng.Uniform(0, ids.size() - 1)] +
                      (rng.Uniform(0, 3) == 0 ? "/status" : "");
        else if (rng.Uniform(0, 9) == 0)
            target += "/" + body;
        static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
        const auto r = api.Handle(Req(kMethods[rng.Uniform(0, 4)], target, body));
        ASSERT_TRUE(r.status == 200 || r.status == 400 || r.status == 404 || r.status == 405)
            << r.status;
        if (const auto loc = r.headers.Get("Location"))
            ids.push_back(loc->substr(std::string("/api/v1/turnServers/").size()));
    }
    EXPECT_FALSE(ids.empty());
}
