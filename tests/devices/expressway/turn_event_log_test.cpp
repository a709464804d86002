// Expressway-E's log line for each kind of TURN server event (issue 10: no event goes
// unrecorded). The lines the diagnosis reads must parse back with the log contract.
#include "turn_event_log.h"

#include "log_lines/expressway_e_lines.h"
#include "support/values.h"

#include <gtest/gtest.h>

namespace cmslab::expressway {
namespace {

namespace se = turn::server_event;
using testkit::Ip;

const turn::FiveTuple kTuple{turn::Transport::Udp, Endpoint{Ip("198.51.100.7"), 50000},
                             Endpoint{Ip("192.0.2.1"), 3478}};
const Endpoint kRelay{Ip("192.0.2.1"), 24001};
const Endpoint kAdvertised{Ip("203.0.113.1"), 24001};
const Endpoint kPeer{Ip("203.0.113.9"), 26000};
const std::string kWho = "UDP 198.51.100.7:50000 -> 192.0.2.1:3478";

std::string Line(const turn::ServerEvent& e) {
    return TurnEventLine(e).value_or("<none>");
}

TEST(TurnEventLine, Challenged) {
    EXPECT_EQ(Line(se::Challenged{kTuple, 0x0003}), "401 Unauthorized (challenge) to " + kWho);
}

TEST(TurnEventLine, StaleNonce) {
    EXPECT_EQ(Line(se::StaleNonce{kTuple, 0x0003, "alice"}), "438 Stale Nonce to " + kWho);
}

TEST(TurnEventLine, AuthFailureIsTheContractsLine) {
    const std::string line =
        Line(se::AuthFailure{kTuple, 0x0003, "alice", 431, "Integrity Check Failure"});
    const auto parsed = log_lines::TurnAuthFailure::Parse(line);
    ASSERT_TRUE(parsed) << line;
    EXPECT_EQ(parsed->code, 431);
    EXPECT_EQ(parsed->user, "alice");
    EXPECT_EQ(parsed->client, "198.51.100.7:50000");
}

TEST(TurnEventLine, RequestRejected) {
    EXPECT_EQ(Line(se::RequestRejected{kTuple, 0x0003, "alice", 486, "Allocation Quota Reached"}),
              "486 Allocation Quota Reached to " + kWho);
}

TEST(TurnEventLine, AllocationCreatedIsTheContractsLine) {
    const std::string line = Line(se::AllocationCreated{kTuple, "alice", kRelay, kAdvertised, 600});
    const auto parsed = log_lines::TurnAllocation::Parse(line);
    ASSERT_TRUE(parsed) << line;
    EXPECT_EQ(parsed->relay, "192.0.2.1:24001");
    EXPECT_EQ(parsed->advertised, "203.0.113.1:24001");
    EXPECT_EQ(parsed->lifetime, 600);
}

TEST(TurnEventLine, AllocationRefreshed) {
    EXPECT_EQ(Line(se::AllocationRefreshed{kTuple, "alice", kRelay, 600}),
              "allocation refreshed: 192.0.2.1:24001 (" + kWho + "), lifetime 600 s");
}

TEST(TurnEventLine, AllocationDeletedAndExpired) {
    EXPECT_EQ(Line(se::AllocationDeleted{kTuple, "alice", kRelay}),
              "allocation deleted: 192.0.2.1:24001 (" + kWho + ")");
    EXPECT_EQ(Line(se::AllocationExpired{kTuple, "alice", kRelay}),
              "allocation expired: 192.0.2.1:24001 (" + kWho + ")");
}

TEST(TurnEventLine, PermissionCreated) {
    EXPECT_EQ(Line(se::PermissionCreated{kTuple, "alice", kRelay, kPeer.address}),
              "permission for 203.0.113.9 on relay 192.0.2.1:24001 (" + kWho + ")");
}

TEST(TurnEventLine, ChannelBound) {
    EXPECT_EQ(Line(se::ChannelBound{kTuple, "alice", kRelay, kPeer, 0x4001}),
              "channel 0x4001 bound to 203.0.113.9:26000 on relay 192.0.2.1:24001 (" + kWho + ")");
}

TEST(TurnEventLine, StreamError) {
    const turn::FiveTuple tcp{turn::Transport::Tcp, kTuple.client, kTuple.server};
    EXPECT_EQ(Line(se::StreamError{tcp}), "TCP connection TCP 198.51.100.7:50000 -> "
                                          "192.0.2.1:3478 closed: not a stream of STUN messages");
}

// The relay sockets are the driver's business; the allocation lines say what happened.
TEST(TurnEventLine, RelaySocketsAreNoLine) {
    EXPECT_FALSE(TurnEventLine(se::RelayOpened{kRelay}));
    EXPECT_FALSE(TurnEventLine(se::RelayClosed{kRelay}));
}

} // namespace
} // namespace cmslab::expressway
