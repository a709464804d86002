#include "join_run.h"

#include "support/process.h"
#include "support/temp_dir.h"

#include <cctype>
#include <fstream>
#include <sstream>

namespace cmslab::jointest {

namespace {

std::unique_ptr<testkit::TempDir> g_dir;
bool g_ran = false;

} // namespace

std::string EditedRun::Out(const std::string& rel) const {
    return dir->File("out/" + rel);
}

nlohmann::json EditedRun::Stage(const std::string& stage) const {
    if (!summary.is_object() || !summary.contains("stages"))
        return nlohmann::json::object();
    return summary["stages"].value(stage, nlohmann::json::object());
}

EditedRun RunEditedReference(const std::string& name,
                             const std::function<void(nlohmann::json& scenario)>& edit) {
    EditedRun run;
    run.dir = std::make_shared<testkit::TempDir>("cmslab-" + name);
    std::ifstream in(std::string(CMSLAB_SOURCE_DIR) + "/scenarios/reference.json");
    nlohmann::json scenario = nlohmann::json::parse(in, nullptr, false);
    if (scenario.is_discarded()) {
        run.output = "scenarios/reference.json does not parse";
        return run;
    }
    scenario["name"] = name;
    edit(scenario);
    const std::string path = run.dir->Write("scenario.json", scenario.dump(1));
    const auto r =
        testkit::RunProcess({"timeout", "120", std::string(CMSLAB_BINARY_DIR) + "/cmslab", "run",
                             path, "--out", run.dir->File("out")},
                            std::chrono::seconds(150));
    run.output = r.out + r.err;
    std::ifstream summary(run.dir->File("out/summary.json"));
    if (r.exit_code == 0 && summary)
        run.summary = nlohmann::json::parse(summary, nullptr, false);
    return run;
}

bool RunCmslab(const std::string& out_dir, std::optional<std::uint64_t> seed) {
    if (!testkit::ProgramExists("timeout")) {
        ADD_FAILURE() << "timeout (coreutils) is missing";
        return false;
    }
    std::vector<std::string> argv{"timeout", "120", std::string(CMSLAB_BINARY_DIR) + "/cmslab",
                                  "run"};
    if (seed) {
        argv.push_back("--seed");
        argv.push_back(std::to_string(*seed));
    }
    argv.push_back("--out");
    argv.push_back(out_dir);
    const auto r = testkit::RunProcess(argv, std::chrono::seconds(150));
    EXPECT_TRUE(r.started) << r.err;
    EXPECT_FALSE(r.timed_out) << "cmslab run did not end";
    EXPECT_EQ(r.exit_code, 0) << "cmslab run failed:\n" << r.out << r.err;
    return r.started && !r.timed_out && r.exit_code == 0;
}

void JoinRun::SetUpTestSuite() {
    g_dir = std::make_unique<testkit::TempDir>("cmslab-join");
    g_ran = !g_dir->Path().empty() && RunCmslab(g_dir->File("run"));
}

void JoinRun::TearDownTestSuite() {
    g_dir.reset();
    g_ran = false;
}

void JoinRun::SetUp() {
    ASSERT_TRUE(g_ran) << "cmslab run of the reference scenario failed (see above)";
    if (!testkit::ProgramExists("tshark"))
        FAIL() << "tshark is not installed (Debian package tshark; tools/setup installs it)";
}

const std::string& JoinRun::Dir() {
    static std::string dir;
    dir = g_dir ? g_dir->File("run") : "";
    return dir;
}

std::string JoinRun::Pcap(const std::string& network) {
    return Dir() + "/pcap/" + network + ".pcap";
}

std::string JoinRun::KeyLog() {
    return Dir() + "/sslkeys.log";
}

nlohmann::json JoinRun::Summary() {
    std::ifstream in(Dir() + "/summary.json");
    auto j = nlohmann::json::parse(in, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

std::vector<std::string> Decrypting(const std::string& key_log) {
    // 445 is SMB to Wireshark; the CMS serves its web admin and API there over TLS.
    return {"-o", "tls.keylog_file:" + key_log, "-d", "tcp.port==445,tls"};
}

std::vector<std::string> TurnPayloadDecoding() {
    return {"--enable-heuristic", "rtp_stun", "--enable-heuristic", "dtls_stun"};
}

std::vector<std::string> SplitFields(const std::string& line) {
    std::vector<std::string> out;
    std::string::size_type start = 0;
    for (;;) {
        const auto bar = line.find('|', start);
        out.push_back(line.substr(start, bar - start));
        if (bar == std::string::npos)
            return out;
        start = bar + 1;
    }
}

std::vector<std::string> SplitList(const std::string& field) {
    std::vector<std::string> out;
    if (field.empty())
        return out;
    std::istringstream in(field);
    for (std::string item; std::getline(in, item, ',');)
        out.push_back(item);
    return out;
}

std::string HexText(const std::string& hex) {
    std::string digits;
    for (char c : hex)
        if (std::isxdigit(static_cast<unsigned char>(c)))
            digits += c;
    std::string out;
    for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
        out += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
    return out;
}

std::int64_t EpochNanos(const std::string& text) {
    const auto dot = text.find('.');
    std::int64_t seconds = std::stoll(text.substr(0, dot));
    std::string fraction = dot == std::string::npos ? "" : text.substr(dot + 1);
    fraction.resize(9, '0');
    return seconds * 1000000000LL + std::stoll(fraction);
}

} // namespace cmslab::jointest
