// The server side of an HTTP connection moves through one table of states (issue 10).
#include "http_server_state.h"

#include <gtest/gtest.h>

namespace cmslab::devices::net {
namespace {

using SS = HttpServerState;
using ST = HttpServerStep;

TEST(HttpServerState, ADeclinedUpgradeGoesBackToReading) {
    HttpServerStateMachine m;
    EXPECT_TRUE(m.Move(ST::UpgradeHanded));
    EXPECT_FALSE(m.Reading()) << "nothing is read while the handler decides";
    EXPECT_TRUE(m.Move(ST::UpgradeDeclined));
    EXPECT_TRUE(m.Reading());
    EXPECT_EQ(m.Refused(), 0u);
}

TEST(HttpServerState, AnUpgradeThatIsAlsoTheLastRequest) {
    HttpServerStateMachine m;
    EXPECT_TRUE(m.Move(ST::FinalRequest));
    EXPECT_TRUE(m.Move(ST::UpgradeHanded));
    EXPECT_EQ(m.Get(), SS::LastUpgradeOpen);
    EXPECT_TRUE(m.Move(ST::UpgradeDeclined));
    EXPECT_EQ(m.Get(), SS::Draining) << "declined, and still the last request";
    EXPECT_TRUE(m.Move(ST::End));
    EXPECT_TRUE(m.Over());
}

TEST(HttpServerState, DeclinedWithCloseEndsAfterTheAnswer) {
    HttpServerStateMachine m;
    EXPECT_TRUE(m.Move(ST::UpgradeHanded));
    EXPECT_TRUE(m.Move(ST::FinalRequest));
    EXPECT_TRUE(m.Move(ST::UpgradeDeclined));
    EXPECT_EQ(m.Get(), SS::Draining);
}

TEST(HttpServerState, TheStreamGoesOnlyFromAnOpenUpgrade) {
    HttpServerStateMachine m;
    EXPECT_FALSE(m.Move(ST::HandOver)) << "no upgrade was asked for";
    EXPECT_FALSE(m.Move(ST::UpgradeDeclined));
    EXPECT_EQ(m.Refused(), 2u);
    EXPECT_TRUE(m.Move(ST::UpgradeHanded));
    EXPECT_TRUE(m.Move(ST::HandOver));
    EXPECT_FALSE(m.Move(ST::End)) << "the stream is the new protocol's";
    EXPECT_TRUE(m.Move(ST::Detach));
    EXPECT_FALSE(m.Move(ST::Detach));
}

TEST(HttpServerState, TheStreamMayCloseInAnyLiveState) {
    for (SS live : {SS::Reading, SS::Draining, SS::UpgradeOpen, SS::LastUpgradeOpen})
        EXPECT_EQ(NextHttpServerState(live, ST::End), SS::Finished) << HttpServerStateName(live);
    for (ST step :
         {ST::FinalRequest, ST::UpgradeHanded, ST::UpgradeDeclined, ST::HandOver, ST::End})
        EXPECT_FALSE(NextHttpServerState(SS::Finished, step));
}

} // namespace
} // namespace cmslab::devices::net
