// The NAT reads every datagram that crosses it: no input may crash it, and whatever it
// forwards must still be a datagram it can read.
#include "common/rng.h"
#include "datagram_builder.h"
#include "ipv4_datagram.h"
#include "nat_firewall_engine.h"

#include <gtest/gtest.h>

namespace cmslab::devices {
namespace {

TEST(NatFuzz, GeneratedDatagramsNeverCrashTheEngine) {
    NatFirewallConfig c;
    c.mappings.push_back({*IpAddress::Parse("192.168.245.61"), *IpAddress::Parse("10.88.246.156")});
    FirewallRule any_udp;
    any_udp.protocol = RuleProtocol::Udp;
    c.rules.push_back(any_udp);
    NatFirewallEngine nat(c);

    const std::vector<Bytes> seeds = {
        test::MakeUdp("172.16.84.124", 50000, "10.88.246.156", 3478, 40),
        test::MakeTcp("172.16.84.124", 49152, "10.88.246.156", 443, 0x02, 10),
        test::MakeIcmpEcho("10.88.246.210", "10.88.246.156", 0, 4),
        test::MakeIcmpError("10.88.246.210", "10.88.246.156", 3, 3,
                            test::MakeUdp("10.88.246.156", 40000, "10.88.246.210", 9)),
        test::Fragment(test::MakeUdp("192.168.245.61", 1, "10.88.246.156", 2, 64), 32).first,
        test::Fragment(test::MakeUdp("192.168.245.61", 1, "10.88.246.156", 2, 64), 32).second,
    };
    Rng rng(20170520);
    const NatPath paths[] = {NatPath::Inbound, NatPath::Outbound, NatPath::Hairpin};
    std::size_t forwarded = 0;
    for (int i = 0; i < 100000; ++i) {
        Bytes d;
        const auto kind = rng.Uniform(0, 3);
        if (kind == 0) {
            d.resize(rng.Uniform(0, 80));
            rng.Fill(d.data(), d.size());
            if (!d.empty() && rng.Uniform(0, 1))
                d[0] = static_cast<std::uint8_t>(0x40 | (d[0] & 0x0f));
        } else {
            d = seeds[rng.Uniform(0, seeds.size() - 1)];
            if (kind == 1) {
                d.resize(rng.Uniform(0, d.size()));
            } else if (kind == 2) {
                if (!d.empty())
                    d[rng.Uniform(0, d.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
            } else {
                // Lengths that claim more than there is, or an oversized header length.
                if (d.size() >= 4) {
                    d[2] = 0xff;
                    d[3] = static_cast<std::uint8_t>(rng.U32());
                }
                if (!d.empty() && rng.Uniform(0, 1))
                    d[0] = 0x4f;
            }
        }
        const NatPath path = paths[rng.Uniform(0, 2)];
        NatVerdict v = nat.Process(d, path);
        if (v.forward) {
            ++forwarded;
            ASSERT_TRUE(ParseIpv4(d).has_value());
        }
    }
    EXPECT_GT(forwarded, 0u);
}

} // namespace
} // namespace cmslab::devices
