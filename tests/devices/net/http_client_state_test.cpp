// The client side of an HTTP connection moves through one table of states (issue 10):
// every legal step, and the steps that are refused and counted.
#include "http_client_state.h"

#include <gtest/gtest.h>

namespace cmslab::devices::net {
namespace {

using S = HttpClientState;
using T = HttpClientStep;

TEST(HttpClientState, KeepAliveThenTheLastResponse) {
    HttpClientStateMachine m;
    EXPECT_TRUE(m.TakesRequests());
    EXPECT_TRUE(m.Move(T::LastResponse));
    EXPECT_EQ(m.Get(), S::Draining);
    EXPECT_FALSE(m.TakesRequests());
    EXPECT_TRUE(m.Reading()) << "the last response's body may still be arriving";
    EXPECT_TRUE(m.Move(T::End));
    EXPECT_TRUE(m.Over());
    EXPECT_EQ(m.Refused(), 0u);
}

TEST(HttpClientState, ASwitchIsTakenOnce) {
    HttpClientStateMachine m;
    EXPECT_TRUE(m.Move(T::Switch));
    EXPECT_FALSE(m.Reading()) << "what follows a 101 is another protocol";
    EXPECT_TRUE(m.Move(T::HandOver));
    EXPECT_FALSE(m.Move(T::HandOver));
    EXPECT_FALSE(m.Move(T::End)) << "the stream is someone else's now";
    EXPECT_EQ(m.Refused(), 2u);
    EXPECT_TRUE(m.Move(T::Detach));
}

TEST(HttpClientState, OwnerCloseThenTheStreamEnds) {
    HttpClientStateMachine m;
    EXPECT_TRUE(m.Move(T::LocalClose));
    EXPECT_EQ(m.Get(), S::Closing);
    EXPECT_FALSE(m.Move(T::Switch)) << "a 101 after Close changes nothing";
    EXPECT_FALSE(m.Move(T::LocalClose));
    EXPECT_TRUE(m.Move(T::End));
    EXPECT_EQ(m.Get(), S::Finished);
    EXPECT_EQ(m.Refused(), 2u);
}

TEST(HttpClientState, NothingMovesAFinishedConnectionButItsOwnerLeaving) {
    for (S over : {S::Finished, S::HandedOver}) {
        for (T step : {T::LastResponse, T::Switch, T::HandOver, T::LocalClose, T::End})
            EXPECT_FALSE(NextHttpClientState(over, step))
                << HttpClientStateName(over) << " then step " << static_cast<int>(step);
        EXPECT_EQ(NextHttpClientState(over, T::Detach), S::Detached);
    }
    EXPECT_FALSE(NextHttpClientState(S::Detached, T::Detach));
    EXPECT_FALSE(NextHttpClientState(S::Draining, T::Switch));
    EXPECT_STREQ(HttpClientStateName(S::HandedOver), "handed_over");
}

} // namespace
} // namespace cmslab::devices::net
