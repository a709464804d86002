// report.html in a real browser: Debian's headless Chromium renders the page of the
// reference and of each failure scenario with networking disabled (a proxy that answers
// nothing, names that resolve nowhere). The screenshot must not be blank, the DOM must
// have one ladder column per box and one arrow per arrow the ladder builder chose, the
// failing arrow red, every evidence link must land on an element of the page, and
// Chromium's network log must show no request from the page.
#include "png_pixels.h"
#include "report_run.h"

#include "support/process.h"
#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

namespace cmslab::report_tests {
namespace {

using nlohmann::json;

std::size_t Count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find(needle, at)) != std::string::npos; at += needle.size())
        ++n;
    return n;
}

// One bounded headless Chromium run on a local file, in a private profile.
testkit::ProcessResult Chromium(const std::string& page, const std::vector<std::string>& extra) {
    testkit::TempDir profile("cmslab-chromium");
    std::vector<std::string> argv = {
        // `timeout` ends a hung browser (and -k kills it if it ignores SIGTERM); RunProcess's
        // deadline kills `timeout` by its pid if even that hangs.
        "timeout", "-k", "5", "90", testkit::FindProgram("chromium"), "--headless=new",
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.Path(),
        // Networking disabled: every request the page made would fail.
        "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back("file://" + page);
    return testkit::RunProcess(argv, std::chrono::seconds(110));
}

// Why Chromium cannot be used here, or "" when it renders a page. Asked only after a
// render failed, so that a page that breaks Chromium fails its test rather than skips it.
std::string ChromiumUnusable() {
    if (testkit::FindProgram("chromium").empty())
        return "chromium is not installed (tools/setup installs Debian's chromium)";
    testkit::TempDir dir("cmslab-chromium-probe");
    const std::string page = dir.Write("probe.html", "<!DOCTYPE html><p id=\"probe\">probe</p>");
    auto r = Chromium(page, {"--dump-dom"});
    if (r.exit_code != 0 || r.out.find("id=\"probe\"") == std::string::npos)
        return "chromium does not start headless here (exit " + std::to_string(r.exit_code) +
               "): " + r.err.substr(0, 400);
    return "";
}

// One render: the DOM (--dump-dom), a screenshot and Chromium's NetLog at once.
struct Render {
    testkit::ProcessResult result;
    std::string skip; // why Chromium cannot run here; the test skips
};
Render RenderPage(const std::string& page, const std::string& shot, const std::string& netlog,
                  const std::string& window) {
    Render r;
    if (testkit::FindProgram("chromium").empty()) {
        r.skip = "chromium is not installed (tools/setup installs Debian's chromium)";
        return r;
    }
    r.result = Chromium(page, {"--dump-dom", "--screenshot=" + shot, "--window-size=" + window,
                               "--hide-scrollbars", "--log-net-log=" + netlog});
    if (r.result.exit_code != 0)
        r.skip = ChromiumUnusable();
    return r;
}

// The URLs the page itself asked the network for, from Chromium's NetLog: requests whose
// network isolation key is the page's file:// origin (Chromium's own update and account
// requests carry other keys).
std::vector<std::string> PageRequests(const std::string& netlog_path) {
    std::vector<std::string> urls;
    std::ifstream in(netlog_path);
    json log = json::parse(in, nullptr, false);
    if (!log.is_object() || !log.contains("events"))
        return {"(no readable NetLog at " + netlog_path + ")"};
    for (const json& e : log["events"]) {
        const json& p = e.value("params", json::object());
        const std::string key = p.value("network_isolation_key", "");
        const std::string url = p.value("url", "");
        if (key.rfind("file://", 0) == 0 && !url.empty() && url.rfind("file:", 0) != 0)
            urls.push_back(url);
    }
    return urls;
}

struct PageCase {
    const char* scenario;
    const char* red; // the failing arrow's label, "" for a healthy run
};

void PrintTo(const PageCase& c, std::ostream* os) {
    *os << c.scenario;
}
class ReportPage : public ::testing::TestWithParam<PageCase> {};

TEST_P(ReportPage, RendersOfflineWithTheLaddersArrowsAndLinks) {
    const PageCase c = GetParam();
    ScenarioRun run(c.scenario, {"--quiet"});
    ASSERT_EQ(run.Result().exit_code, 0) << run.Result().err;
    const json ladder = run.LadderJson();
    ASSERT_TRUE(ladder.is_object());
    const std::string page = run.Out() + "/report.html";
    testkit::TempDir dir("cmslab-report-shot");
    const std::string shot = dir.File(std::string(c.scenario) + ".png");
    const std::string netlog = dir.File("netlog.json");
    const Render render = RenderPage(page, shot, netlog, "1400,2600");
    if (!render.skip.empty())
        GTEST_SKIP() << render.skip;
    ASSERT_EQ(render.result.exit_code, 0) << render.result.err;

    // The DOM as Chromium built it.
    const std::string& html = render.result.out;
    EXPECT_EQ(Count(html, "class=\"ladder-column\""), ladder["columns"].size());
    EXPECT_EQ(Count(html, "<g class=\"arrow"), ladder["arrows"].size());
    EXPECT_GT(ladder["arrows"].size(), 20u);

    // The failing arrow: red in the page, and an error in the builder's ladder.
    std::set<std::string> red_ids; // the failing arrows, for the diagnosis' links
    if (*c.red) {
        bool red = false;
        std::regex error_group("<g class=\"arrow error\" id=\"(a[0-9]+)\"[^]*?</g>");
        for (auto it = std::sregex_iterator(html.begin(), html.end(), error_group);
             it != std::sregex_iterator(); ++it) {
            const std::string group = it->str();
            if (group.find(c.red) != std::string::npos &&
                group.find("stroke=\"#d00000\"") != std::string::npos) {
                red = true;
                red_ids.insert((*it)[1]);
            }
        }
        EXPECT_TRUE(red) << "no red arrow with '" << c.red << "'";
        bool in_ladder = false;
        for (const json& a : ladder["arrows"])
            in_ladder = in_ladder || (a["error"].get<bool>() && a["label"].get<std::string>().find(
                                                                    c.red) != std::string::npos);
        EXPECT_TRUE(in_ladder);
    }
    // As many red arrows as the builder marked errors, and none on a healthy join but
    // the ICMP port unreachable of packets that reach closed ports after the call.
    std::size_t errors = 0;
    for (const json& a : ladder["arrows"])
        if (a["error"].get<bool>()) {
            ++errors;
            if (!*c.red) {
                EXPECT_EQ(a["kind"], "icmp") << a.dump();
            }
        }
    EXPECT_EQ(Count(html, "class=\"arrow error\""), errors);

    // Every evidence link lands on an element; cited log lines are highlighted.
    std::regex evidence("class=\"evidence\" href=\"#([^\"]+)\"");
    std::size_t links = 0;
    bool points_at_red = false;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), evidence);
         it != std::sregex_iterator(); ++it) {
        ++links;
        const std::string id = (*it)[1];
        points_at_red = points_at_red || red_ids.count(id) != 0;
        EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos)
            << "#" << id << " is not on the page";
        if (id.rfind("log-", 0) == 0) {
            EXPECT_NE(html.find("class=\"line cited\" id=\"" + id + "\""), std::string::npos) << id;
        }
    }
    EXPECT_GT(links, 0u) << "the diagnosis cites nothing on the page";
    // The diagnosis points at the failing arrow.
    if (*c.red) {
        EXPECT_TRUE(points_at_red) << "no evidence link to the red arrow with '" << c.red << "'";
    }

    // The picture: not blank, and no request left the page with networking disabled.
    const Pixels pixels = DecodePng(testkit::ReadFile(shot));
    ASSERT_EQ(pixels.error, "");
    EXPECT_EQ(pixels.width, 1400u);
    EXPECT_GT(InkShare(pixels), 0.02) << "the screenshot is blank";
    EXPECT_EQ(PageRequests(netlog), std::vector<std::string>{});
    // CMSLAB_REPORT_SCREENSHOTS=DIR keeps the screenshots (the README's picture).
    if (const char* keep = std::getenv("CMSLAB_REPORT_SCREENSHOTS"))
        std::filesystem::copy_file(shot, std::string(keep) + "/report-" + c.scenario + ".png",
                                   std::filesystem::copy_options::overwrite_existing);
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ReportPage,
                         ::testing::Values(PageCase{"reference", ""},
                                           PageCase{"bad-request", "400 Bad Request"},
                                           PageCase{"unsecure-connection", "bad_certificate"},
                                           PageCase{"untrusted-certificate", "unknown_ca"},
                                           PageCase{"no-media", "431"},
                                           PageCase{"no-join-button", ""}),
                         [](const auto& info) {
                             std::string name = info.param.scenario;
                             for (char& ch : name)
                                 if (ch == '-')
                                     ch = '_';
                             return name;
                         });

// The checks above can fail: a blank page that fetches an image is caught by both the
// ink check and the NetLog check.
TEST(ReportPageChecks, CatchAFetchAndABlankPage) {
    testkit::TempDir dir("cmslab-report-control");
    const std::string page =
        dir.Write("fetching.html", "<!DOCTYPE html><body><img style=\"display:none\" "
                                   "src=\"http://cmslab.invalid/x.png\"></body>");
    const std::string shot = dir.File("blank.png");
    const std::string netlog = dir.File("netlog.json");
    const Render render = RenderPage(page, shot, netlog, "400,300");
    if (!render.skip.empty())
        GTEST_SKIP() << render.skip;
    ASSERT_EQ(render.result.exit_code, 0) << render.result.err;
    EXPECT_EQ(PageRequests(netlog), std::vector<std::string>{"http://cmslab.invalid/x.png"});
    const Pixels pixels = DecodePng(testkit::ReadFile(shot));
    ASSERT_EQ(pixels.error, "");
    EXPECT_LT(InkShare(pixels), 0.001);
}

} // namespace
} // namespace cmslab::report_tests
