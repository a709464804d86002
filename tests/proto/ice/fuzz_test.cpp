// Generated input into the agent's input path and the candidate decoder: random
// datagrams, truncations and single-byte mutations of real checks and answers (signed
// with the right password, so that mutations reach past the integrity check),
// oversized lengths. Nothing may crash or hang, and the agent's tables stay bounded.
#include "ice/agent.h"
#include "ice/candidate.h"
#include "stun/integrity.h"
#include "support/fuzz_input.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::ice;
using cmslab::testkit::RandomBytes;

namespace {

const Endpoint kLocal{*IpAddress::Parse("192.0.2.10"), 5000};
const Endpoint kRemote{*IpAddress::Parse("198.51.100.20"), 6000};

} // namespace

TEST(IceFuzz, AgentInputSurvivesGeneratedDatagrams) {
    Rng rng = Rng(8445).Fork("ice-fuzz");
    AgentConfig config;
    config.role = Role::Controlled;
    config.max_remote_candidates = 16;
    config.max_pairs = 20;
    Agent agent(config, Rng(1));
    const Credentials local = agent.LocalCredentials();
    const Credentials remote{"Rmte", "RemotePasswordRemotePass"};
    agent.SetRemoteCredentials(remote);
    agent.AddLocalCandidate(MakeHostCandidate(kLocal), Instant{});
    agent.AddRemoteCandidate(MakeHostCandidate(kRemote), Instant{});
    agent.Start(Instant{});

    // Seeds: valid checks to the agent, and answers to the agent's own checks.
    std::vector<Bytes> seeds;
    for (int i = 0; i < 16; ++i) {
        CheckRequest c;
        c.local_ufrag = remote.ufrag;
        c.remote_ufrag = local.ufrag;
        c.remote_pwd = local.pwd;
        c.priority = static_cast<std::uint32_t>(rng.U32() | 1);
        c.role = i % 3 ? Role::Controlling : Role::Controlled;
        c.tie_breaker = rng.U64();
        c.use_candidate = i % 2;
        stun::TransactionId id;
        rng.Fill(id.data(), id.size());
        seeds.push_back(EncodeCheck(c, id));
    }
    Instant now{};
    auto refresh_answers = [&] {
        while (auto t = agent.PollTransmit()) {
            auto m = stun::Message::Decode(t->data);
            if (!m.Ok() || !m->IsRequest())
                continue;
            const Bytes ok = EncodeCheckSuccess(*m, t->local, remote.pwd);
            seeds.push_back(ok);
            seeds.push_back(EncodeCheckError(*m, 487, remote.pwd));
            seeds.push_back(EncodeCheckError(*m, 401, std::nullopt));
            if (seeds.size() > 64)
                seeds.erase(seeds.begin() + 16, seeds.begin() + 19);
        }
    };

    const int kRounds = 100000;
    for (int round = 0; round < kRounds; ++round) {
        Bytes input;
        switch (rng.Uniform(0, 6)) {
        case 6: { // a well-framed check with attributes left out or the wrong key
            stun::Message m =
                stun::Message::Make(stun::Class::Request, stun::method::kBinding, rng);
            if (rng.Uniform(0, 3))
                m.AddUsername(rng.Uniform(0, 3) ? local.ufrag + ":" + remote.ufrag : "x:y");
            if (rng.Uniform(0, 3))
                m.AddPriority(rng.U32());
            if (rng.Uniform(0, 3))
                m.AddIceControlling(rng.U64());
            if (rng.Uniform(0, 3))
                m.AddIceControlled(rng.U64());
            stun::EncodeOptions o;
            if (rng.Uniform(0, 3))
                o.integrity_key = stun::ShortTermKey(rng.Uniform(0, 1) ? local.pwd : remote.pwd);
            o.fingerprint = true;
            input = m.Encode(o);
            break;
        }
        case 0:
            input = RandomBytes(rng, rng.Uniform(0, 200));
            break;
        case 1: { // STUN-looking header with a random length
            input = RandomBytes(rng, rng.Uniform(20, 120));
            input[0] = static_cast<std::uint8_t>(rng.Uniform(0, 3));
            input[4] = 0x21;
            input[5] = 0x12;
            input[6] = 0xA4;
            input[7] = 0x42;
            break;
        }
        case 2: { // truncation
            const Bytes& s = seeds[rng.Uniform(0, seeds.size() - 1)];
            input.assign(s.begin(), s.begin() + static_cast<long>(rng.Uniform(0, s.size())));
            break;
        }
        case 3: { // one byte changed
            input = seeds[rng.Uniform(0, seeds.size() - 1)];
            input[rng.Uniform(0, input.size() - 1)] ^=
                static_cast<std::uint8_t>(rng.Uniform(1, 255));
            break;
        }
        case 4: { // an oversized attribute length inside a valid message
            input = seeds[rng.Uniform(0, seeds.size() - 1)];
            if (input.size() > 24) {
                input[22] = 0xFF;
                input[23] = static_cast<std::uint8_t>(rng.U32());
            }
            break;
        }
        default: // valid, from a varying source (peer-reflexive learning)
            input = seeds[rng.Uniform(0, seeds.size() - 1)];
            break;
        }
        Endpoint from = kRemote;
        if (rng.Uniform(0, 7) == 0)
            from.port = static_cast<std::uint16_t>(rng.Uniform(1, 65535));
        agent.HandleInput(rng.Uniform(0, 15) ? kLocal : from, from, input, now);
        if (round % 50 == 0) {
            now += std::chrono::milliseconds(rng.Uniform(0, 60));
            agent.HandleTimeout(now);
        }
        refresh_answers();
        while (agent.PollEvent()) {
        }
        if (round % 100 == 0) {
            ASSERT_LE(agent.RemoteCandidates().size(), 16u);
            ASSERT_LE(agent.Pairs().size(), 20u);
        }
    }
    // The generated input did reach the interesting places.
    const AgentCounters& c = agent.Counters();
    EXPECT_GT(c.checks_received, 1000u);
    EXPECT_GT(c.answered_401 + c.answered_400, 1000u);
    EXPECT_GT(c.dropped, 1000u);
}

TEST(IceFuzz, CandidateDecoderSurvivesGeneratedText) {
    Rng rng = Rng(8839).Fork("candidate-fuzz");
    const std::vector<std::string> seeds = {
        "candidate:1 1 udp 16777215 10.0.0.1 24001 typ relay raddr 192.0.2.1 rport 5000",
        "candidate:842163049 1 udp 1677729535 198.51.100.10 50000 typ srflx raddr 0.0.0.0 "
        "rport 0 generation 0 ufrag sXyz network-cost 999",
        "a=candidate:3 1 UDP 2122260223 2001:db8::5 61665 typ host\r\n",
    };
    const std::string alphabet = "candidte:0123456789 .:abcdefrsxyzuphotlyp\r\n\t-+/=";
    std::size_t accepted = 0;
    for (int round = 0; round < 100000; ++round) {
        std::string text;
        switch (rng.Uniform(0, 3)) {
        case 0:
            for (std::size_t i = rng.Uniform(0, 120); i > 0; --i)
                text.push_back(alphabet[rng.Uniform(0, alphabet.size() - 1)]);
            break;
        case 1:
            text = seeds[rng.Uniform(0, seeds.size() - 1)];
            text.resize(rng.Uniform(0, text.size()));
            break;
        case 2:
            text = seeds[rng.Uniform(0, seeds.size() - 1)];
            text[rng.Uniform(0, text.size() - 1)] = static_cast<char>(rng.Uniform(0, 255));
            break;
        default:
            text = "candidate:" + std::string(rng.Uniform(0, 40), '9') + " 1 udp " +
                   std::string(rng.Uniform(1, 30), '9') + " 10.0.0.1 " +
                   std::string(rng.Uniform(1, 12), '9') + " typ host";
            break;
        }
        auto c = DecodeCandidate(text);
        if (c.Ok()) {
            ++accepted;
            // Whatever decodes re-encodes to something that decodes to the same value.
            auto again = DecodeCandidate(EncodeCandidate(*c));
            ASSERT_TRUE(again.Ok()) << text;
            ASSERT_EQ(*again, *c) << text;
        }
    }
    EXPECT_GT(accepted, 1000u);
}
