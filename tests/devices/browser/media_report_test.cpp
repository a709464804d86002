// The guest's browser's reaction to each kind of media session event (issue 10): the
// line in its log and what the script then shows (stage verdicts, media lost, screen).
#include "browser/media_report.h"

#include "script_driver.h"

#include <gtest/gtest.h>

namespace cmslab::browser::test {
namespace {

using outcome::Screen;
using outcome::Stage;
using outcome::StageStatus;

struct Reaction {
    std::vector<std::string> log;
    GuestScript script{ReferenceConfig()};
    Instant t{};

    explicit Reaction(Until until) { t = RunJoin(script, until); }
    void Report(const media::Event& e) {
        ReportMediaEvent(e, t += 1ms, script, [this](const std::string& l) { log.push_back(l); });
    }
    StageStatus Status(Stage stage) const { return script.Stages().Get(stage).status; }
    const std::string& Detail(Stage stage) const { return script.Stages().Get(stage).detail; }
};

const Endpoint kMeeting{Ip("10.88.246.156"), 24002};

TEST(MediaReport, TurnChallengedIsLogged) {
    Reaction r(Until::Joined);
    r.Report(media::TurnChallenged{"example"});
    EXPECT_EQ(r.log, (std::vector<std::string>{"TURN 401 challenge, realm example"}));
}

TEST(MediaReport, TurnAllocatedDecidesTheTurnStage) {
    Reaction r(Until::Joined);
    r.Report(media::TurnAllocated{Endpoint{Ip("10.88.246.156"), 24000},
                                  Endpoint{Ip("172.16.84.124"), 50000}});
    EXPECT_EQ(r.Status(Stage::Turn), StageStatus::Ok);
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::RelayReady);
}

TEST(MediaReport, TurnFailedFailsTheTurnStage) {
    Reaction r(Until::Joined);
    r.Report(media::TurnFailed{431, "Integrity Check Failure"});
    EXPECT_EQ(r.Status(Stage::Turn), StageStatus::Failed);
    EXPECT_NE(r.Detail(Stage::Turn).find("431 Integrity Check Failure"), std::string::npos);
}

TEST(MediaReport, RefreshIsLogged) {
    Reaction r(Until::End);
    r.Report(media::TurnRefreshed{600});
    EXPECT_EQ(r.log, (std::vector<std::string>{"TURN refresh ok: lifetime 600 s"}));
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::InCall);
}

TEST(MediaReport, RefreshFailureLosesTheMedia) {
    Reaction r(Until::End);
    r.Report(media::TurnRefreshFailed{437, "Allocation Mismatch"});
    EXPECT_EQ(r.log, (std::vector<std::string>{
                         "TURN refresh failed: 437 Allocation Mismatch; the relay is gone"}));
    EXPECT_EQ(r.Status(Stage::Media), StageStatus::Failed);
    EXPECT_NE(r.Detail(Stage::Media).find("media lost: TURN refresh failed"), std::string::npos);
    EXPECT_EQ(r.script.View().screen, Screen::ConnectingTimeout);
    EXPECT_TRUE(r.script.Done());
}

TEST(MediaReport, PermissionIsLogged) {
    Reaction r(Until::Relay);
    r.Report(media::TurnPermissionCreated{kMeeting.address});
    EXPECT_EQ(r.log, (std::vector<std::string>{"TURN permission ok: 10.88.246.156"}));
}

TEST(MediaReport, PermissionFailureForAnotherPeerKeepsTheCall) {
    Reaction r(Until::End);
    r.Report(media::TurnPermissionFailed{Ip("192.0.2.9"), 403, "Forbidden", false});
    EXPECT_EQ(r.log,
              (std::vector<std::string>{"TURN permission for 192.0.2.9 failed: 403 Forbidden"}));
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::InCall);
}

TEST(MediaReport, PermissionFailureForTheMeetingLosesTheMedia) {
    Reaction r(Until::End);
    r.Report(media::TurnPermissionFailed{kMeeting.address, 0, "timeout", true});
    EXPECT_EQ(r.log, (std::vector<std::string>{
                         "TURN permission for 10.88.246.156 failed: no answer (timeout)"}));
    EXPECT_EQ(r.Status(Stage::Media), StageStatus::Failed);
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::Ended);
}

TEST(MediaReport, ChannelBoundIsLogged) {
    Reaction r(Until::Ice);
    r.Report(media::TurnChannelBound{kMeeting, 0x4000});
    EXPECT_EQ(r.log,
              (std::vector<std::string>{"TURN channel 0x4000 bound to 10.88.246.156:24002"}));
}

TEST(MediaReport, ChannelBindFailureKeepsTheCallOnSendIndications) {
    Reaction r(Until::End);
    r.Report(media::TurnChannelBindFailed{kMeeting, 0x4000, 400, "Bad Request"});
    EXPECT_EQ(r.log, (std::vector<std::string>{
                         "TURN channel 0x4000 to 10.88.246.156:24002 failed: 400 Bad Request; "
                         "media stays in Send indications"}));
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::InCall);
}

TEST(MediaReport, IceConnectedDecidesTheIceStage) {
    Reaction r(Until::Relay);
    r.Report(media::IceConnected{Endpoint{Ip("10.88.246.156"), 24000}, kMeeting});
    EXPECT_EQ(r.log, (std::vector<std::string>{
                         "ICE: selected pair 10.88.246.156:24000 <-> 10.88.246.156:24002"}));
    EXPECT_EQ(r.Status(Stage::Ice), StageStatus::Ok);
}

TEST(MediaReport, IceFailedFailsTheIceStage) {
    Reaction r(Until::Relay);
    r.Report(media::IceFailed{"all pairs failed"});
    EXPECT_EQ(r.log, (std::vector<std::string>{"ICE: failed: all pairs failed"}));
    EXPECT_EQ(r.Status(Stage::Ice), StageStatus::Failed);
}

TEST(MediaReport, IceRoleChangeIsLogged) {
    Reaction r(Until::Relay);
    r.Report(media::IceRoleChanged{false, "487 Role Conflict"});
    EXPECT_EQ(r.log,
              (std::vector<std::string>{"ICE: role conflict, now controlled (487 Role Conflict)"}));
}

TEST(MediaReport, ConsentLostEndsTheCall) {
    Reaction r(Until::End);
    r.Report(media::ConsentLost{"no answer to consent checks for 30 s"});
    EXPECT_EQ(r.log, (std::vector<std::string>{
                         "ICE: consent lost: no answer to consent checks for 30 s"}));
    EXPECT_EQ(r.Status(Stage::Media), StageStatus::Failed);
    EXPECT_TRUE(r.script.Done());
}

TEST(MediaReport, DtlsConnectedStartsTheMedia) {
    Reaction r(Until::Ice);
    r.Report(media::DtlsConnected{"DTLSv1.2", "SRTP_AES128_CM_SHA1_80"});
    EXPECT_EQ(r.log, (std::vector<std::string>{
                         "DTLS: DTLSv1.2 established, SRTP SRTP_AES128_CM_SHA1_80"}));
    EXPECT_EQ(r.Status(Stage::Dtls), StageStatus::Ok);
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::Sending);
}

TEST(MediaReport, DtlsFailedFailsTheDtlsStage) {
    Reaction r(Until::Ice);
    r.Report(media::DtlsFailed{"fingerprint mismatch"});
    EXPECT_EQ(r.log, (std::vector<std::string>{"DTLS: failed: fingerprint mismatch"}));
    EXPECT_EQ(r.Status(Stage::Dtls), StageStatus::Failed);
}

TEST(MediaReport, RtpIsCountedBothWays) {
    Reaction r(Until::Dtls);
    r.Report(media::RtpSent{182});
    r.Report(media::RtpReceived{190});
    EXPECT_TRUE(r.log.empty());
    EXPECT_EQ(r.script.Media().sent.bytes, 182u);
    EXPECT_EQ(r.script.Media().received.bytes, 190u);
    EXPECT_EQ(r.script.GetMediaPhase(), GuestScript::MediaPhase::InCall);
}

} // namespace
} // namespace cmslab::browser::test
