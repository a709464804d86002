// The acceptance of the guest join (reference deployment, section 6 of the reference
// document) is judged from what `cmslab run` leaves behind, as a person would judge it:
// tshark on the captures with the run's key log, the logs and the summary. These helpers
// run the built program and give the judge's common options.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cmslab::testkit {
class TempDir;
}

namespace cmslab::jointest {

// `timeout <s> <build>/cmslab run [--seed N] --out <out_dir>` (the default scenario,
// scenarios/reference.json); true when it exited 0, otherwise a gtest failure with its
// output.
bool RunCmslab(const std::string& out_dir, std::optional<std::uint64_t> seed = std::nullopt);

// A run of scenarios/reference.json changed by `edit` (and named `name`), in its own temp
// folder: what a test of one change to the reference needs.
struct EditedRun {
    std::shared_ptr<testkit::TempDir> dir;
    std::string output;                                   // the run's stdout and stderr
    nlohmann::json summary;                               // summary.json; null when the run failed
    std::string Out(const std::string& rel) const;        // <dir>/out/<rel>
    nlohmann::json Stage(const std::string& stage) const; // summary.json stages.<stage>
};
EditedRun RunEditedReference(const std::string& name,
                             const std::function<void(nlohmann::json& scenario)>& edit);

// The results of one run, shared by the cases of a suite (one run per suite).
class JoinRun : public ::testing::Test {
  protected:
    static void SetUpTestSuite();
    static void TearDownTestSuite();
    void SetUp() override;

    static const std::string& Dir();
    static std::string Pcap(const std::string& network); // <dir>/pcap/<network>.pcap
    static std::string KeyLog();                         // <dir>/sslkeys.log
    static nlohmann::json Summary();                     // summary.json ({} if unreadable)
};

// `-o tls.keylog_file:<key log>` (and the decode-as of extra HTTPS ports) for tshark.
std::vector<std::string> Decrypting(const std::string& key_log);
// The payload heuristics that make tshark look inside TURN ChannelData and Send/Data
// indications for DTLS and RTP (both off by default in Wireshark 4.0).
std::vector<std::string> TurnPayloadDecoding();

// One tshark field line ("a|b|c") split on '|'; a field with several occurrences keeps
// them comma-separated, SplitList splits those.
std::vector<std::string> SplitFields(const std::string& line);
std::vector<std::string> SplitList(const std::string& field);
// "47455420" -> "GET ".
std::string HexText(const std::string& hex);
// frame.time_epoch ("1495274401.003153000") in nanoseconds.
std::int64_t EpochNanos(const std::string& text);

// The reference deployment's addresses, as the issue names them.
inline constexpr const char* kGuestPc = "172.16.84.124";
inline constexpr const char* kNatAddress = "10.88.246.156";
inline constexpr const char* kCms = "172.16.85.180";
inline constexpr const char* kExpresswayC = "172.16.85.167";
inline constexpr const char* kExpresswayELan1 = "172.16.85.168";
inline constexpr const char* kWebBridgeHost = "cmsweb.octavio.com";
inline constexpr const char* kAdminPc = "172.16.85.50";

} // namespace cmslab::jointest
