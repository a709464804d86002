// Issue 4, check 2: the TURN relays, read from the captures. The guest's first Allocate
// (no credentials) gets the normal 401 challenge with REALM and NONCE; the Allocate that
// answers it succeeds with a relay on the static NAT address in the media port range.
// The CMS does the same at Expressway-E's LAN1 with the API credentials.
#include "join_run.h"

#include "support/temp_dir.h"
#include "support/tshark.h"

#include <gtest/gtest.h>

#include <map>

namespace cmslab::jointest {
namespace {

constexpr const char* kAllocateRequest = "0x0003";
constexpr const char* kAllocateSuccess = "0x0103";
constexpr const char* kAllocateError = "0x0113";
constexpr const char* kXorRelayedAddress = "0x0016";

struct StunFrame {
    std::string src, dst, dport, type, id, error_class, error_number, realm, nonce, username, hmac;
    std::vector<std::string> attribute_types, addresses, ports; // addresses/ports: de-XORed
};

std::vector<StunFrame> StunFrames(const std::string& pcap) {
    std::vector<StunFrame> out;
    for (const auto& line : testkit::TsharkFields(
             pcap, "stun && !stun.channel",
             {"ip.src", "ip.dst", "udp.dstport", "stun.type", "stun.id", "stun.att.error.class",
              "stun.att.error", "stun.att.realm", "stun.att.nonce", "stun.att.username",
              "stun.att.hmac", "stun.att.type", "stun.att.ipv4", "stun.att.port"})) {
        const auto f = SplitFields(line);
        if (f.size() != 14)
            continue;
        out.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10],
                       SplitList(f[11]), SplitList(f[12]), SplitList(f[13])});
    }
    return out;
}

// tshark gives the address attributes' values in attribute order; the relayed one is
// the address of the XOR-RELAYED-ADDRESS attribute.
std::pair<std::string, int> RelayedAddress(const StunFrame& f) {
    std::size_t address_index = 0;
    for (const auto& type : f.attribute_types) {
        const bool has_address = type == "0x0001" || type == "0x0016" || type == "0x0020" ||
                                 type == "0x0012" || type == "0x8020";
        if (type == kXorRelayedAddress && address_index < f.addresses.size() &&
            address_index < f.ports.size())
            return {f.addresses[address_index], std::stoi(f.ports[address_index])};
        if (has_address)
            ++address_index;
    }
    return {"", 0};
}

void ExpectChallengeThenRelay(const std::vector<StunFrame>& frames, const std::string& client,
                              const std::string& server, const std::string& relay_address) {
    std::map<std::string, const StunFrame*> requests; // by transaction id
    const StunFrame* first_request = nullptr;
    const StunFrame* challenge = nullptr;
    const StunFrame* success = nullptr;
    for (const auto& f : frames) {
        if (f.type == kAllocateRequest && f.src == client && f.dst == server) {
            requests[f.id] = &f;
            if (!first_request)
                first_request = &f;
        } else if (f.src == server && f.dst == client) {
            if (f.type == kAllocateError && first_request && f.id == first_request->id &&
                !challenge)
                challenge = &f;
            if (f.type == kAllocateSuccess && !success)
                success = &f;
        }
    }
    ASSERT_NE(first_request, nullptr) << "no Allocate from " << client << " to " << server;
    EXPECT_EQ(first_request->dport, "3478");
    EXPECT_TRUE(first_request->username.empty() && first_request->hmac.empty())
        << "the first Allocate should carry no credentials";
    ASSERT_NE(challenge, nullptr) << "the first Allocate was not answered with an error";
    EXPECT_EQ(challenge->error_class + "|" + challenge->error_number, "4|1")
        << "the challenge should be 401 Unauthorized";
    EXPECT_FALSE(challenge->realm.empty()) << "401 without REALM";
    EXPECT_FALSE(challenge->nonce.empty()) << "401 without NONCE";

    ASSERT_NE(success, nullptr) << "no Allocate success for " << client;
    ASSERT_TRUE(requests.count(success->id)) << "the success answers no request of ours";
    const StunFrame& authenticated = *requests[success->id];
    EXPECT_EQ(authenticated.realm, challenge->realm);
    EXPECT_EQ(authenticated.nonce, challenge->nonce);
    EXPECT_FALSE(authenticated.username.empty()) << "the second Allocate lacks USERNAME";
    EXPECT_FALSE(authenticated.hmac.empty()) << "the second Allocate lacks MESSAGE-INTEGRITY";

    const auto [address, port] = RelayedAddress(*success);
    EXPECT_EQ(address, relay_address) << "XOR-RELAYED-ADDRESS";
    EXPECT_GE(port, 24000) << "relay port below the media port range";
    EXPECT_LE(port, 29999) << "relay port above the media port range";
}

class TurnAllocation : public JoinRun {};

TEST_F(TurnAllocation, GuestIsChallengedThenRelayedOnTheNatAddress) {
    ExpectChallengeThenRelay(StunFrames(Pcap("public")), kGuestPc, kNatAddress, kNatAddress);
}

TEST_F(TurnAllocation, CmsIsChallengedThenRelayedAtExpresswayELan1) {
    // Relays are allocated on the external NIC and advertised on the NAT address, whichever
    // NIC the request came in on.
    ExpectChallengeThenRelay(StunFrames(Pcap("internal")), kCms, kExpresswayELan1, kNatAddress);
}

// Each permission and channel the TURN server granted on the wire is a line in its log,
// and a line in the log of the side that asked (issue 10: no event is dropped).
TEST_F(TurnAllocation, PermissionsAndChannelsAreLoggedOnBothSides) {
    std::size_t permissions_on_wire = 0;
    std::size_t channels_on_wire = 0;
    for (const char* network : {"public", "internal"})
        for (const auto& f : StunFrames(Pcap(network))) {
            permissions_on_wire += f.type == "0x0108"; // CreatePermission success
            channels_on_wire += f.type == "0x0109";    // ChannelBind success
        }
    auto count = [](const std::string& log, const std::string& part) {
        std::size_t n = 0;
        for (std::size_t at = log.find(part); at != std::string::npos; at = log.find(part, at + 1))
            ++n;
        return n;
    };
    const std::string vcse = testkit::ReadFile(Dir() + "/logs/vcse.log");
    const std::string cms = testkit::ReadFile(Dir() + "/logs/cms.log");
    const std::string guest = testkit::ReadFile(Dir() + "/logs/guest-pc.log");
    EXPECT_EQ(permissions_on_wire, 2u);
    EXPECT_EQ(channels_on_wire, 2u);
    EXPECT_EQ(count(vcse, " turn: permission for " + std::string(kNatAddress) + " on relay "),
              permissions_on_wire)
        << vcse;
    EXPECT_EQ(count(vcse, " turn: channel 0x4000 bound to " + std::string(kNatAddress) + ":"),
              channels_on_wire);
    // The reference's CMS numbers this call 6 (its `counters`).
    EXPECT_EQ(count(cms, " Info: call 6: TURN permission created for " + std::string(kNatAddress)),
              1u)
        << cms;
    EXPECT_EQ(count(cms, " Info: call 6: TURN channel 0x4000 bound to "), 1u);
    EXPECT_EQ(count(guest, " browser: TURN permission ok: " + std::string(kNatAddress)), 1u)
        << guest;
    EXPECT_EQ(count(guest, " browser: TURN channel 0x4000 bound to "), 1u);
}

} // namespace
} // namespace cmslab::jointest
