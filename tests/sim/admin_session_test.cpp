// The admin_session block: what the loader refuses or warns about, the default session a
// scenario without one gets, and how `{id}` is filled from the answers.
#include "scenario_test_util.h"

#include "scenario/admin_session_plan.h"
#include "scenario/loader.h"

#include <gtest/gtest.h>

namespace cmslab::scenario {
namespace {

using nlohmann::json;
using test::HasError;
using test::HasWarning;
using test::LoadEdited;

TEST(AdminSessionScenario, TheReferenceSessionIsReadAsWritten) {
    auto r = test::LoadJson(test::ReferenceJson());
    ASSERT_TRUE(r.Ok()) << r.Report();
    ASSERT_TRUE(r.scenario->admin_session);
    const AdminSessionConfig& a = *r.scenario->admin_session;
    EXPECT_EQ(a.node, "admin-pc");
    EXPECT_EQ(a.url.host, "admin.cms.octavio.local");
    EXPECT_EQ(a.url.EffectivePort(), 445);
    EXPECT_EQ(a.trusted_cas, std::vector<std::string>{"lab-ca"});
    ASSERT_EQ(a.requests.size(), 3u);
    EXPECT_EQ(a.requests[2].path, "/api/v1/turnServers/{id}/status");
    EXPECT_EQ(a.requests[0].after_s, 1); // the schema's default
    EXPECT_EQ(a.requests[1].after_s, 2);
}

TEST(AdminSessionScenario, FormRowsKeepTheirOrderAndSplitAtTheFirstEquals) {
    auto r = LoadEdited("/admin_session/requests/0",
                        json{{"method", "POST"},
                             {"path", "/api/v1/turnServers"},
                             {"form", {"serverAddress=1.2.3.4", "password=a=b", "type=standard"}}});
    ASSERT_TRUE(r.Ok()) << r.Report();
    const auto& form = r.scenario->admin_session->requests[0].form;
    ASSERT_EQ(form.size(), 3u);
    EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"serverAddress", "1.2.3.4"}));
    EXPECT_EQ(form[1], (std::pair<std::string, std::string>{"password", "a=b"}));
    EXPECT_EQ(form[2].first, "type");
}

TEST(AdminSessionScenario, MistakesAreReportedWhereTheyAre) {
    auto r = LoadEdited("/admin_session/node", "edge-fw");
    EXPECT_TRUE(HasError(r, "/admin_session/node", "it forwards")) << r.Report();
    r = LoadEdited("/admin_session/node", "admin-p");
    EXPECT_TRUE(HasError(r, "/admin_session/node", "did you mean \"admin-pc\"")) << r.Report();
    r = LoadEdited("/admin_session/trusted_cas/0", "lab-cx");
    EXPECT_TRUE(HasError(r, "/admin_session/trusted_cas/0", "no authority or certificate"))
        << r.Report();
    r = LoadEdited("/admin_session/requests/0/form", json{"serverAddress"});
    EXPECT_TRUE(HasError(r, "/admin_session/requests/0/form/0", "name=value")) << r.Report();
    r = LoadEdited("/admin_session/requests/0/path", "api/v1/turnServers");
    EXPECT_TRUE(HasError(r, "/admin_session/requests/0/path", "starts with /")) << r.Report();
    r = LoadEdited("/admin_session/requests/0/method", "PATCH");
    EXPECT_TRUE(HasError(r, "/admin_session/requests/0/method")) << r.Report();
    r = LoadEdited("/admin_session/url", "ftp://admin.cms.octavio.local");
    EXPECT_TRUE(HasError(r, "/admin_session/url")) << r.Report();
    // A name needs a resolver: without dns_servers the workstation cannot look it up.
    r = LoadEdited("/nodes/8/dns_servers", json::array());
    EXPECT_TRUE(HasError(r, "/admin_session/url", "no dns_servers")) << r.Report();
}

TEST(AdminSessionScenario, WarnsOfWhatWillNotHappen) {
    auto r = LoadEdited("/admin_session/at", 500);
    EXPECT_TRUE(r.Ok()) << r.Report();
    EXPECT_TRUE(HasWarning(r, "/admin_session/at", "after the run ends")) << r.Report();
    r = LoadEdited("/admin_session/requests/0/path", "/api/v1/turnServers/{id}");
    EXPECT_TRUE(HasWarning(r, "/admin_session/requests/0/path", "{id} before any request"))
        << r.Report();
}

TEST(AdminSessionPlan, WithoutTheBlockTheDefaultReadsTheListObjectAndStatusByAddress) {
    json doc = test::ReferenceJson();
    doc.erase("admin_session");
    auto r = test::LoadJson(doc);
    ASSERT_TRUE(r.Ok()) << r.Report();
    auto plan = PlanAdminSession(*r.scenario);
    ASSERT_TRUE(plan) << plan.Message();
    EXPECT_EQ(plan->node, "ad-dns"); // the first host on the CMS's LAN, in file order
    EXPECT_EQ(plan->url.text, "https://172.16.85.180:445");
    EXPECT_EQ(plan->user, "admin");
    EXPECT_TRUE(plan->trusted_cas.empty());
    EXPECT_EQ(plan->at_s, 115);
    ASSERT_EQ(plan->requests.size(), 3u);
    EXPECT_EQ(plan->requests[1].path, "/api/v1/turnServers/{id}");
    EXPECT_EQ(plan->requests[1].after_s, 0);
}

TEST(AdminSessionPlan, NoCmsUserMeansNoDefaultSession) {
    json doc = test::ReferenceJson();
    doc.erase("admin_session");
    doc["nodes"][4]["config"]["web_admin"]["users"] = json::array();
    auto r = test::LoadJson(doc);
    ASSERT_TRUE(r.scenario);
    auto plan = PlanAdminSession(*r.scenario);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.Message().find("no CMS with a web admin user"), std::string::npos);
}

TEST(AdminObjectMemory, ACreatesLocationWinsOverLists) {
    AdminObjectMemory m;
    EXPECT_FALSE(m.Resolve("/api/v1/turnServers/{id}"));
    EXPECT_EQ(*m.Resolve("/api/v1/turnServers"), "/api/v1/turnServers");
    m.Learn("GET", 200, "",
            R"(<?xml version="1.0"?><turnServers total="2"><turnServer id="a1">)"
            R"(</turnServer><turnServer id="b2"></turnServer></turnServers>)");
    EXPECT_EQ(*m.Resolve("/api/v1/turnServers/{id}/status"), "/api/v1/turnServers/a1/status");
    m.Learn("POST", 200, "/api/v1/turnServers/c3", "");
    EXPECT_EQ(*m.Resolve("/x/{id}/{id}"), "/x/c3/c3");
    m.Learn("GET", 200, "", R"(<turnServers total="1"><turnServer id="a1"></turnServer>)");
    EXPECT_EQ(m.Known(), "c3");
}

TEST(AdminObjectMemory, FailedAnswersTeachNothing) {
    AdminObjectMemory m;
    m.Learn("POST", 400, "/api/v1/turnServers/zz", "<failureDetails/>");
    m.Learn("GET", 404, "", R"(<turnServer id="yy">)");
    m.Learn("GET", 200, "", R"(<turnServers total="0"></turnServers>)");
    m.Learn("GET", 200, "", R"(<turnServer id="">)");
    EXPECT_FALSE(m.Known());
}

} // namespace
} // namespace cmslab::scenario
