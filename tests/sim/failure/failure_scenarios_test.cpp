// The failure cases of the reference deployment (scenarios/<case>.json, each the reference
// with one configuration mistake), run with the built `cmslab` and judged as a person
// troubleshooting them would: the guest's screen and the stages in summary.json, each
// box's log and status page, and the captures read by tshark with the run's key log.
// Nothing here knows how a symptom is produced: if one is missing, the model is wrong.
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cmslab::failure_cases {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testkit::ReadFile;
using testkit::SplitFields;
using testkit::SplitLines;

const char* const kFailureCases[] = {"bad-request", "unsecure-connection", "untrusted-certificate",
                                     "no-media", "no-join-button"};

std::string Binary() {
    return std::string(CMSLAB_BINARY_DIR) + "/cmslab";
}
std::string ScenarioPath(const std::string& name) {
    return std::string(CMSLAB_SOURCE_DIR) + "/scenarios/" + name + ".json";
}

bool Contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::string Trim(std::string s) {
    while (!s.empty() && s.front() == ' ')
        s.erase(s.begin());
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
        s.pop_back();
    return s;
}

// Seconds since midnight of a box log line ("2017-05-20 10:00:31.063 ..."); nullopt when
// the line does not start with a time.
std::optional<double> LineTime(const std::string& line) {
    if (line.size() < 23 || line[10] != ' ' || line[13] != ':' || line[16] != ':')
        return std::nullopt;
    try {
        return std::stoi(line.substr(11, 2)) * 3600.0 + std::stoi(line.substr(14, 2)) * 60.0 +
               std::stod(line.substr(17, 6));
    } catch (...) {
        return std::nullopt;
    }
}

// The first line of `log` holding `needle`.
std::optional<std::string> FindLine(const std::string& log, const std::string& needle) {
    for (const auto& line : SplitLines(log))
        if (Contains(line, needle))
            return line;
    return std::nullopt;
}

// One `cmslab run` of a scenario into a private folder, and what it wrote.
class CaseRun {
  public:
    explicit CaseRun(const std::string& name) : m_name(name), m_dir("cmslab-failure-" + name) {
        m_out = m_dir.File("out");
        // Bounded twice: `timeout` ends a hung simulation, the deadline a hung `timeout`.
        m_result = testkit::RunProcess(
            {"timeout", "120", Binary(), "run", ScenarioPath(name), "--out", m_out},
            std::chrono::seconds(150));
        std::ifstream in(m_out + "/summary.json");
        if (in)
            m_summary = json::parse(in, nullptr, false);
    }

    // Use as ASSERT_TRUE(run.Usable()) << run.Why();
    bool Usable() const {
        return m_result.started && !m_result.timed_out && m_result.exit_code == 0 &&
               m_summary.is_object() && m_summary.contains("stages") &&
               m_summary.contains("guest_view");
    }
    std::string Why() const {
        std::ostringstream s;
        s << "cmslab run " << ScenarioPath(m_name) << " (" << Binary() << "): started "
          << m_result.started << ", timed out " << m_result.timed_out << ", exit "
          << m_result.exit_code << "\n"
          << m_result.err << "\nsummary.json: "
          << (m_summary.is_discarded() ? "missing or not JSON" : m_summary.dump().substr(0, 400));
        return s.str();
    }

    const json& Summary() const { return m_summary; }
    const json& Stage(const std::string& stage) const { return m_summary["stages"][stage]; }
    std::string StageStatus(const std::string& stage) const {
        return Stage(stage).value("status", "");
    }
    std::string StageDetail(const std::string& stage) const {
        return Stage(stage).value("detail", "");
    }
    const json& GuestView() const { return m_summary["guest_view"]; }
    std::vector<std::string> Buttons() const {
        return GuestView().value("buttons", std::vector<std::string>{});
    }

    std::string Log(const std::string& node) const {
        return ReadFile(m_out + "/logs/" + node + ".log");
    }
    json Status(const std::string& node) const {
        std::ifstream in(m_out + "/status/" + node + ".json");
        return in ? json::parse(in, nullptr, false) : json();
    }
    std::string Pcap(const std::string& segment) const {
        return m_out + "/pcap/" + segment + ".pcap";
    }
    std::vector<std::string> Pcaps() const {
        std::vector<std::string> files;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(m_out + "/pcap", ec))
            if (e.path().extension() == ".pcap")
                files.push_back(e.path().string());
        std::sort(files.begin(), files.end());
        return files;
    }
    // tshark -Y filter -T fields with the run's key log, so TLS records are decrypted as in
    // Wireshark with the key log set in its preferences. One vector of fields per frame.
    std::vector<std::vector<std::string>> Fields(const std::string& segment,
                                                 const std::string& filter,
                                                 const std::vector<std::string>& fields) const {
        std::vector<std::vector<std::string>> rows;
        for (const auto& line : testkit::TsharkFields(Pcap(segment), filter, fields, KeyLogArgs()))
            rows.push_back(SplitFields(line));
        return rows;
    }
    std::vector<std::string> KeyLogArgs() const {
        return {"-o", "tls.keylog_file:" + m_out + "/sslkeys.log"};
    }

  private:
    std::string m_name;
    testkit::TempDir m_dir;
    std::string m_out;
    testkit::ProcessResult m_result;
    json m_summary;
};

// The SAN names of the scenario's certificate issued under `cert_name`.
std::vector<std::string> ScenarioSans(const std::string& scenario, const std::string& cert_name) {
    std::ifstream in(ScenarioPath(scenario));
    const json s = json::parse(in, nullptr, false);
    if (s.is_discarded())
        return {};
    for (const auto& c : s["certificates"]["issued"])
        if (c.value("name", "") == cert_name)
            return c.value("subject_alt_names", std::vector<std::string>{});
    return {};
}

// "... the SAN list the server sent: a, b, c; ..." -> {a, b, c}.
std::vector<std::string> SanListIn(const std::string& detail) {
    const std::string marker = "SAN list the server sent: ";
    const auto at = detail.find(marker);
    if (at == std::string::npos)
        return {};
    auto list = detail.substr(at + marker.size());
    list = list.substr(0, list.find(';'));
    std::vector<std::string> names;
    for (const auto& n : SplitFields(list, ','))
        names.push_back(Trim(n));
    return names;
}

// ------------------------------------------------------------------------------------------
// Every case

class EveryFailureCase : public ::testing::TestWithParam<const char*> {};

TEST_P(EveryFailureCase, Validates) {
    const auto path = ScenarioPath(GetParam());
    const auto r = testkit::RunProcess({"timeout", "60", Binary(), "validate", path},
                                       std::chrono::seconds(90));
    ASSERT_TRUE(r.started) << Binary() << " did not start";
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, path + ": valid")) << r.out;
    // Warnings only (keys the lab does not simulate, as in the reference).
    for (const auto& line : SplitLines(r.err))
        EXPECT_TRUE(Contains(line, ": warning: ")) << line;
}

TEST_P(EveryFailureCase, HasItsOwnNameAndADescriptionOfTheMistake) {
    std::ifstream in(ScenarioPath(GetParam()));
    const json s = json::parse(in, nullptr, false);
    ASSERT_FALSE(s.is_discarded());
    EXPECT_EQ(s.value("name", ""), GetParam());
    EXPECT_GT(s.value("description", "").size(), 80u) << "a trainer reads what is wrong here";
    ASSERT_TRUE(s.contains("expect"));
    EXPECT_TRUE(s["expect"].contains("guest_view"));
    EXPECT_TRUE(s["expect"].contains("stages"));
    EXPECT_TRUE(s["expect"].contains("log_lines"));
}

// Each case is the reference deployment with its one mistake, and nothing else: the
// JSON Patch from reference.json touches only the setting the case is about (besides the
// case's name, description and expect block). Fails when the reference moves on and a
// case was not brought along.
TEST(FailureCase, DiffersFromTheReferenceOnlyByItsMistake) {
    const std::pair<const char*, const char*> mistakes[] = {
        {"bad-request", "/nodes/5/config/meeting_server/guest_account_client_uris"},
        {"unsecure-connection", "/certificates/issued/0/subject_alt_names"},
        {"untrusted-certificate", "/certificates/issued/0/issuer"},
        {"no-media", "/nodes/4/config/turn_servers/0/password"},
        {"no-join-button", "/nodes/4/config/web_bridge/guest_account_client_uri"},
    };
    const auto load = [](const std::string& name) {
        std::ifstream in(ScenarioPath(name));
        json s = json::parse(in, nullptr, false);
        if (s.is_object())
            for (const char* key : {"name", "description", "expect"})
                s.erase(key);
        return s;
    };
    const json reference = load("reference");
    ASSERT_TRUE(reference.is_object());
    for (const auto& [name, setting] : mistakes) {
        const json scenario = load(name);
        ASSERT_TRUE(scenario.is_object()) << name;
        const json patch = json::diff(reference, scenario);
        EXPECT_FALSE(patch.empty()) << name << " is the reference itself";
        for (const auto& op : patch)
            EXPECT_EQ(op.value("path", "").rfind(setting, 0), 0u)
                << name << " differs from the reference beyond " << setting << ": " << op;
    }
}

// What the scenario's expect block says (the format `cmslab check` reads) is what the run
// shows, so the file tells a trainer the truth.
TEST_P(EveryFailureCase, RunShowsWhatItsExpectBlockSays) {
    std::ifstream in(ScenarioPath(GetParam()));
    const json expect = json::parse(in, nullptr, false).value("expect", json::object());
    const CaseRun run(GetParam());
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.GuestView().value("screen", ""), expect.value("guest_view", ""));
    const json stages = expect.value("stages", json::object());
    for (auto it = stages.begin(); it != stages.end(); ++it)
        EXPECT_EQ(run.StageStatus(it.key()), it.value().get<std::string>())
            << it.key() << ": " << run.StageDetail(it.key());
    const json log_lines = expect.value("log_lines", json::array());
    for (const auto& line : log_lines) {
        const auto node = line.value("node", "");
        if (line.contains("contains")) {
            EXPECT_TRUE(Contains(run.Log(node), line.value("contains", "")))
                << "logs/" << node << ".log lacks: " << line.value("contains", "");
        }
        if (line.contains("absent")) {
            EXPECT_FALSE(Contains(run.Log(node), line.value("absent", "")))
                << "logs/" << node << ".log shows: " << line.value("absent", "");
        }
    }
    const json statuses = expect.value("status", json::array());
    for (const auto& s : statuses) {
        const auto node = s.value("node", "");
        const json status = run.Status(node);
        const json::json_pointer pointer(s.value("pointer", ""));
        ASSERT_TRUE(status.contains(pointer)) << "status/" << node << ".json lacks " << pointer;
        EXPECT_EQ(status.at(pointer), s["equals"]) << "status/" << node << ".json " << pointer;
    }
}

// A failure case must fail by its mechanism, not by a broken capture. tshark reads every
// segment with checksum validation and the key log; nothing may reach warning level.
// What the failures put on the wire (a TLS alert, a STUN error response, an HTTP 400, a
// connection closed early) are well-formed protocol messages that tshark decodes without
// an expert warning, so no finding is allowed. Notes below warning level (the TCP close
// sequence, a SYN without MSS) are not findings.
TEST_P(EveryFailureCase, CapturesHaveNoExpertWarnings) {
    const CaseRun run(GetParam());
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto pcaps = run.Pcaps();
    ASSERT_EQ(pcaps.size(), 4u) << "one capture per network segment";
    for (const auto& pcap : pcaps) {
        const auto findings = testkit::TsharkFields(
            pcap, "_ws.expert.severity >= warning",
            {"frame.number", "_ws.col.Protocol", "_ws.expert.message"}, run.KeyLogArgs());
        EXPECT_TRUE(findings.empty()) << pcap << ":\n" << ::testing::PrintToString(findings);
    }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, EveryFailureCase, ::testing::ValuesIn(kFailureCases),
                         [](const auto& info) {
                             std::string n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

// ------------------------------------------------------------------------------------------
// Bad Request: Expressway-C's Guest account client URI is the internal URL.

TEST(BadRequest, GuestSeesBadRequest) {
    const CaseRun run("bad-request");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.GuestView().value("screen", ""), "bad_request");
    EXPECT_EQ(run.GuestView().value("title", ""), "Bad Request");
    EXPECT_EQ(run.GuestView().value("url", ""), "https://cmsweb.octavio.com");
    // The page itself comes over a good TLS connection: the certificate is fine.
    EXPECT_EQ(run.StageStatus("certificate"), "ok");
    EXPECT_EQ(run.StageStatus("http"), "failed");
    EXPECT_TRUE(Contains(run.StageDetail("http"), "400 Bad Request")) << run.StageDetail("http");
    EXPECT_EQ(run.StageStatus("web_bridge"), "not_reached");
}

TEST(BadRequest, DecryptedPublicCaptureShows400ForTheExternalHost) {
    const CaseRun run("bad-request");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto requests = run.Fields("public", "http.request", {"frame.number", "http.host"});
    const auto responses =
        run.Fields("public", "http.response", {"http.request_in", "http.response.code", "ip.src"});
    ASSERT_FALSE(requests.empty()) << "no HTTP request decrypted in the public capture";
    ASSERT_FALSE(responses.empty()) << "no HTTP response decrypted in the public capture";
    bool seen = false;
    for (const auto& resp : responses) {
        ASSERT_EQ(resp.size(), 3u);
        EXPECT_EQ(resp[1], "400") << "only 400s: Expressway-E proxies nothing";
        EXPECT_EQ(resp[2], "10.88.246.156");
        for (const auto& req : requests)
            if (req.size() == 2 && req[0] == resp[0] && req[1] == "cmsweb.octavio.com")
                seen = true;
    }
    EXPECT_TRUE(seen) << "no 400 answering a request with Host cmsweb.octavio.com";
}

TEST(BadRequest, ExpresswayCReportsTheInternalUrlResolvedSuccessfully) {
    const CaseRun run("bad-request");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const std::string success = "Success: address cmsweb.cms.octavio.local resolved "
                                "successfully. The local cache has the following changes: "
                                "Inserted: 172.16.85.180";
    EXPECT_TRUE(Contains(run.Log("vcsc"), success)) << run.Log("vcsc");
    const json cache = run.Status("vcsc")["expressway_c"]["meeting_server_web_proxy"]["cache"];
    ASSERT_TRUE(cache.is_array() && cache.size() == 1u) << cache;
    EXPECT_EQ(cache[0].value("guest_account_client_uri", ""), "cmsweb.cms.octavio.local");
    EXPECT_EQ(cache[0].value("result", ""), success);
    // Expressway-E learned only the internal name, and says why it refused the guest.
    EXPECT_TRUE(Contains(run.Log("vcse"), "web bridge URLs from Expressway-C: "
                                          "cmsweb.cms.octavio.local"));
    EXPECT_TRUE(Contains(run.Log("vcse"), "Host 'cmsweb.octavio.com' is not a web bridge URL "
                                          "learned from Expressway-C; answered 400 Bad Request"))
        << run.Log("vcse");
}

// ------------------------------------------------------------------------------------------
// Unsecure connection / untrusted certificate: the Expressway-E certificate.

// The browser's alerts on the public segment, as (source, level, description) rows.
std::vector<std::vector<std::string>> Alerts(const CaseRun& run) {
    return run.Fields("public", "tls.alert_message",
                      {"ip.src", "ip.dst", "tls.alert_message.level", "tls.alert_message.desc"});
}

TEST(UnsecureConnection, CertificateStageFailsWithHostnameMismatch) {
    const CaseRun run("unsecure-connection");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.StageStatus("certificate"), "failed");
    EXPECT_TRUE(Contains(run.StageDetail("certificate"), "hostname mismatch"))
        << run.StageDetail("certificate");
    EXPECT_EQ(run.StageStatus("http"), "not_reached");
    EXPECT_EQ(run.GuestView().value("screen", ""), "certificate_warning");
    EXPECT_EQ(run.GuestView().value("security", ""), "Not secure");
    EXPECT_EQ(run.GuestView().value("error_code", ""), "NET::ERR_CERT_COMMON_NAME_INVALID");
}

TEST(UnsecureConnection, SummaryListsTheSanNamesTheServerSent) {
    const CaseRun run("unsecure-connection");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto in_summary = SanListIn(run.StageDetail("certificate"));
    ASSERT_FALSE(in_summary.empty())
        << "the certificate stage does not list the SAN names the server sent: "
        << run.StageDetail("certificate");
    EXPECT_EQ(in_summary, ScenarioSans("unsecure-connection", "vcse-server"));
    EXPECT_EQ(std::count(in_summary.begin(), in_summary.end(), "cmsweb.octavio.com"), 0);
    // The same names as in the Certificate message on the wire (decrypted TLS 1.3).
    const auto certs = run.Fields("public", "tls.handshake.type == 11 && ip.src == 10.88.246.156",
                                  {"x509ce.dNSName"});
    ASSERT_EQ(certs.size(), 1u) << "one Certificate message from Expressway-E";
    EXPECT_EQ(SplitFields(certs[0][0], ','), in_summary);
}

TEST(UnsecureConnection, CaptureShowsTheBrowsersBadCertificateAlert) {
    const CaseRun run("unsecure-connection");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto alerts = Alerts(run);
    ASSERT_EQ(alerts.size(), 1u) << ::testing::PrintToString(alerts);
    // Fatal (2) bad_certificate (42), from the guest to the public address.
    EXPECT_EQ(alerts[0], (std::vector<std::string>{"172.16.84.124", "10.88.246.156", "2", "42"}));
    EXPECT_TRUE(run.Fields("public", "http", {"frame.number"}).empty())
        << "no HTTP crosses a rejected connection";
}

TEST(UntrustedCertificate, CertificateStageFailsWithAnUntrustedIssuer) {
    const CaseRun run("untrusted-certificate");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.StageStatus("certificate"), "failed");
    const auto detail = run.StageDetail("certificate");
    EXPECT_TRUE(Contains(detail, "self-signed certificate")) << detail;
    // Every name is on it: only the issuer is wrong.
    EXPECT_FALSE(Contains(detail, "hostname mismatch")) << detail;
    EXPECT_EQ(SanListIn(detail), ScenarioSans("untrusted-certificate", "vcse-server")) << detail;
    EXPECT_EQ(run.StageStatus("http"), "not_reached");
    EXPECT_EQ(run.GuestView().value("screen", ""), "certificate_warning");
    EXPECT_EQ(run.GuestView().value("security", ""), "Not secure");
    EXPECT_EQ(run.GuestView().value("error_code", ""), "NET::ERR_CERT_AUTHORITY_INVALID");
}

TEST(UntrustedCertificate, CaptureShowsTheSelfSignedCertificateAndTheUnknownCaAlert) {
    const CaseRun run("untrusted-certificate");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto alerts = Alerts(run);
    ASSERT_EQ(alerts.size(), 1u) << ::testing::PrintToString(alerts);
    // Fatal (2) unknown_ca (48).
    EXPECT_EQ(alerts[0], (std::vector<std::string>{"172.16.84.124", "10.88.246.156", "2", "48"}));
    // One certificate whose issuer is its subject (the lab's names are UTF8Strings: the
    // issuer's attributes come first, then the subject's).
    const auto certs = run.Fields("public", "tls.handshake.type == 11 && ip.src == 10.88.246.156",
                                  {"tls.handshake.certificate_length", "x509sat.uTF8String"});
    ASSERT_EQ(certs.size(), 1u);
    EXPECT_EQ(SplitFields(certs[0][0], ',').size(), 1u) << "a single self-signed certificate";
    EXPECT_EQ(SplitFields(certs[0][1], ','),
              (std::vector<std::string>{"vcse.octavio.com", "vcse.octavio.com"}))
        << "issuer and subject of the served certificate";
}

TEST(UntrustedCertificate, ExpresswayCRefusesItOnTheTraversalZoneToo) {
    const CaseRun run("untrusted-certificate");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_TRUE(Contains(run.Log("vcsc"), "certificate of the peer refused: 18 self-signed "
                                          "certificate"))
        << run.Log("vcsc");
    EXPECT_NE(run.Status("vcsc")["expressway_c"]["traversal_zone"].value("state", ""), "Active");
}

// ------------------------------------------------------------------------------------------
// No media: the CMS turnServers password is not the Expressway-E local user's.

TEST(NoMedia, CaptureShows431IntegrityCheckFailureAfterThe401Challenge) {
    const CaseRun run("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    // STUN on the public segment, in frame order.
    const auto stun =
        run.Fields("public", "stun",
                   {"frame.number", "ip.src", "ip.dst", "stun.type", "stun.att.error.class",
                    "stun.att.error", "stun.att.error.reason", "stun.att.username"});
    int challenge = -1, authenticated = -1, refusal = -1;
    for (std::size_t i = 0; i < stun.size(); ++i) {
        const auto& f = stun[i];
        ASSERT_EQ(f.size(), 8u);
        const bool from_e = f[1] == "10.88.246.156" && f[2] == "172.16.84.124";
        if (from_e && f[4] == "4" && f[5] == "1" && challenge < 0)
            challenge = static_cast<int>(i);
        if (f[1] == "172.16.84.124" && f[3] == "0x0003" && f[7] == "turnuser" && challenge >= 0 &&
            authenticated < 0)
            authenticated = static_cast<int>(i);
        if (from_e && f[3] == "0x0113" && f[4] == "4" && f[5] == "31") {
            EXPECT_EQ(f[6], "Integrity Check Failure");
            if (refusal < 0)
                refusal = static_cast<int>(i);
        }
    }
    ASSERT_GE(challenge, 0) << "no 401 challenge:\n" << ::testing::PrintToString(stun);
    ASSERT_GE(authenticated, 0) << "no Allocate with USERNAME turnuser after the challenge";
    ASSERT_GE(refusal, 0) << "no Allocate Error Response 431 from 10.88.246.156:\n"
                          << ::testing::PrintToString(stun);
    EXPECT_LT(challenge, authenticated);
    EXPECT_LT(authenticated, refusal);
    EXPECT_EQ(run.StageStatus("turn"), "failed");
    EXPECT_TRUE(Contains(run.StageDetail("turn"), "431 Integrity Check Failure"))
        << run.StageDetail("turn");
}

TEST(NoMedia, The431SendsBackUserNonceAndRealmAsInTheSourceCapture) {
    // The source capture: "Allocate Error Response user: turnuser with nonce realm:
    // turnuser UDP error-code: 431 (*Unknown error code*) Integrity Check Failure".
    const CaseRun run("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto refusals = run.Fields(
        "public", "stun.type == 0x0113 && stun.att.error == 31 && ip.src == 10.88.246.156",
        {"stun.att.username", "stun.att.realm", "stun.att.nonce", "_ws.col.Info"});
    ASSERT_FALSE(refusals.empty()) << "no 431 from 10.88.246.156";
    for (const auto& f : refusals) {
        ASSERT_EQ(f.size(), 4u);
        EXPECT_EQ(f[0], "turnuser");
        EXPECT_FALSE(f[1].empty()) << "no REALM";
        EXPECT_FALSE(f[2].empty()) << "no NONCE";
        EXPECT_TRUE(
            Contains(f[3], "user: turnuser with nonce realm: " + f[1] + " UDP error-code: 431"))
            << f[3];
    }
}

TEST(NoMedia, StatusPagesAtTheMomentTheTurnStageFailed) {
    const CaseRun run("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const json moments = run.Summary().value("status_moments", json());
    ASSERT_TRUE(moments.is_array() && moments.size() == 1u) << run.Summary().dump(2);
    EXPECT_EQ(moments[0].value("moment", ""), "turn failed"); // and no "media flowing"
    const double failed_at_s = run.Stage("turn").value("t_ms", -1000.0) / 1000;
    EXPECT_NEAR(moments[0].value("at_s", -1.0), failed_at_s, 0.15);
    std::string vcse;
    for (const auto& f : moments[0]["files"]) {
        const std::string rel = f.get<std::string>(); // status/<node>@<second>.json
        if (rel.rfind("status/vcse@", 0) == 0)
            vcse = rel.substr(7, rel.size() - 7 - 5);
    }
    ASSERT_FALSE(vcse.empty()) << moments.dump(2);
    // Expressway-E's TURN page at that moment: the refused Allocate, no relay.
    const json turn = run.Status(vcse)["expressway_e"]["turn"];
    EXPECT_GE(turn["counters"].value("integrity_failures", 0), 1) << turn.dump(2);
    EXPECT_EQ(turn.value("active_relays", -1), 0) << turn.dump(2);
}

TEST(NoMedia, NoMediaFlows) {
    const CaseRun run("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_NE(run.StageStatus("media"), "ok");
    EXPECT_EQ(run.Summary()["media"]["sent"].value("packets", -1), 0);
    EXPECT_EQ(run.Summary()["media"]["received"].value("packets", -1), 0);
    // No relay was allocated: nothing to or from the relay ports, no TURN Send or Data
    // indication, no ChannelData, no DTLS or RTP. (`in {..}`: with `>= && <=` on
    // udp.port, the source and destination ports could each satisfy one side.)
    EXPECT_TRUE(run.Fields("public",
                           "udp.port in {24000..29999} || stun.type == 0x0016 || "
                           "stun.type == 0x0017 || stun.channel || dtls || rtp || rtcp",
                           {"frame.number", "_ws.col.Info"})
                    .empty());
    const json turn = run.Status("vcse")["expressway_e"]["turn"];
    EXPECT_EQ(turn.value("active_relays", -1), 0) << turn;
    EXPECT_EQ(turn["counters"].value("allocations_created", -1), 0) << turn;
    EXPECT_GE(turn["counters"].value("integrity_failures", 0), 2)
        << "the Call Bridge's and the browser's Allocate both refused: " << turn;
}

TEST(NoMedia, GuestIsBackAtTheJoinPageAbout30sAfterJoining) {
    const CaseRun run("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.StageStatus("guest_login"), "ok");
    EXPECT_EQ(run.GuestView().value("screen", ""), "connecting_timeout");
    const auto buttons = run.Buttons();
    EXPECT_NE(std::find(buttons.begin(), buttons.end(), "Join call"), buttons.end())
        << "back at the join page";
    const auto guest = run.Log("guest-pc");
    const auto joined = FindLine(guest, "screen: connecting ");
    const auto back = FindLine(guest, "screen: connecting_timeout");
    ASSERT_TRUE(joined && back) << guest;
    const double waited = *LineTime(*back) - *LineTime(*joined);
    EXPECT_GE(waited, 29.0) << *joined << "\n" << *back;
    EXPECT_LE(waited, 32.0) << *joined << "\n" << *back;
    // The CMS sees the guest's join begin (its client logging in with its session) and the
    // participant go as far apart; the participant itself joins the space only when the
    // call is allocated, the join's steps (about 4.6 s) later.
    const auto cms = run.Log("cms");
    const auto in = FindLine(cms, "successful login request from");
    const auto out = FindLine(cms, "left space");
    ASSERT_TRUE(in && out) << cms;
    EXPECT_NEAR(*LineTime(*out) - *LineTime(*in), 30.0, 2.0);
}

TEST(NoMedia, CmsLogsIceFailure4) {
    const CaseRun run("no-media");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto cms = run.Log("cms");
    EXPECT_TRUE(Contains(cms, "ICE failure 4 (unauthorized - check credentials)")) << cms;
    // Told apart from a call whose checks merely failed (ICE failure 3).
    EXPECT_FALSE(Contains(cms, "ICE failure 3")) << cms;
}

// ------------------------------------------------------------------------------------------
// No Join call button: the CMS Guest account client URI names a port nobody listens on.

// The host of the CMS Guest account client URI, as the scenario gives it.
std::string C2wHost() {
    std::ifstream in(ScenarioPath("no-join-button"));
    const json s = json::parse(in, nullptr, false);
    for (const auto& n : s["nodes"])
        if (n.value("role", "") == "cms") {
            auto uri = n["config"]["web_bridge"].value("guest_account_client_uri", "");
            uri = uri.substr(uri.find("://") + 3);
            return uri.substr(0, uri.find_first_of(":/"));
        }
    return "";
}

TEST(NoJoinButton, PageHasNoJoinCall) {
    const CaseRun run("no-join-button");
    ASSERT_TRUE(run.Usable()) << run.Why();
    EXPECT_EQ(run.StageStatus("http"), "ok");
    EXPECT_EQ(run.StageStatus("web_bridge"), "failed");
    EXPECT_EQ(run.StageStatus("guest_login"), "not_reached");
    EXPECT_EQ(run.GuestView().value("screen", ""), "no_join_button");
    const auto buttons = run.Buttons();
    EXPECT_EQ(std::find(buttons.begin(), buttons.end(), "Join call"), buttons.end());
    EXPECT_NE(std::find(buttons.begin(), buttons.end(), "Sign in"), buttons.end());
    // The page on the wire (decrypted) is served, without the button.
    const auto pages = run.Fields(
        "public", "http.response.code == 200 && http.content_type contains \"text/html\"",
        {"http.file_data"});
    ASSERT_EQ(pages.size(), 1u) << "the page in the public capture";
    EXPECT_TRUE(Contains(pages[0][0], "Sign in")) << pages[0][0];
    EXPECT_FALSE(Contains(pages[0][0], "Join call")) << pages[0][0];
}

TEST(NoJoinButton, CmsRaisesTheConnectFailureFaultAndAlarm) {
    const CaseRun run("no-join-button");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const auto host = C2wHost();
    ASSERT_EQ(host, "cmsweb.cms.octavio.local");
    const json cms = run.Status("cms")["cms"];
    const auto faults = cms.value("faults", std::vector<std::string>{});
    EXPECT_EQ(faults, (std::vector<std::string>{"Web bridge connection to \"" + host +
                                                "\" failed (connect failure)"}));
    const auto alarms = cms.value("alarms", std::vector<std::string>{});
    EXPECT_NE(std::find(alarms.begin(), alarms.end(), "guestAccountConnectionFailure"),
              alarms.end())
        << cms;
    EXPECT_EQ(cms["web_bridge"].value("join_call_offered", true), false);
    // The name resolved: it is a connect failure, not a DNS failure.
    EXPECT_FALSE(Contains(run.Log("cms"), "name resolution for")) << run.Log("cms");
    // The first attempt is link 3: the deployment's CMS has been up a while (`counters`).
    EXPECT_TRUE(Contains(run.Log("cms"),
                         "failed to establish connection to web bridge link 3 (unknown error)"))
        << run.Log("cms");
    EXPECT_TRUE(Contains(run.Log("ad-dns"), "query: " + host + " IN A (UDP) -> NOERROR"))
        << run.Log("ad-dns");
}

// The product's Fault conditions line, as in the source document, in the CMS log as well
// as on its status page.
TEST(NoJoinButton, CmsLogHoldsTheConnectFailure) {
    const CaseRun run("no-join-button");
    ASSERT_TRUE(run.Usable()) << run.Why();
    const std::string fault =
        "Web bridge connection to \"" + C2wHost() + "\" failed (connect failure)";
    EXPECT_TRUE(Contains(run.Log("cms"), fault))
        << "logs/cms.log lacks the fault line `" << fault
        << "`: the CMS model (models/devices/cms, CmsApp / CallBridgeLink) raises it on its "
           "status page (status/cms.json faults) but does not write it to the box log when "
           "the fault is raised.\n"
        << run.Log("cms");
}

} // namespace
} // namespace cmslab::failure_cases
