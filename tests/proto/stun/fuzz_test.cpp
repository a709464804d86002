// Generated hostile input for every decoder of the package: random buffers, truncations,
// single-byte mutations of valid messages, oversized lengths and random attribute soup.
// The property: each returns (value or error) without crashing, and what it returns is
// consistent with its input.
#include "rfc5769_vectors.h"
#include "stun/channel_data.h"
#include "stun/demux.h"
#include "stun/integrity.h"
#include "stun/message.h"
#include "stun/stream_framer.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::stun;

namespace {

constexpr int kInputs = 100000;

std::vector<Bytes> Seeds() {
    std::vector<Bytes> seeds = {
        test::Hex(test::kSampleRequest), test::Hex(test::kSampleIpv4Response),
        test::Hex(test::kSampleIpv6Response), test::Hex(test::kLongTermRequest)};
    Rng rng(99);
    Message alloc = Message::Make(Class::ErrorResponse, method::kAllocate, rng);
    alloc.AddErrorCode(401);
    alloc.AddRealm("r");
    alloc.AddNonce("n0nce");
    alloc.AddXorAddress(attr::kXorRelayedAddress, Endpoint{*IpAddress::Parse("2001:db8::1"), 9});
    alloc.AddUnknownAttributes({1, 2, 3});
    EncodeOptions options;
    options.integrity_key = Bytes{1, 2, 3};
    options.integrity_sha256 = true;
    options.fingerprint = true;
    seeds.push_back(alloc.Encode(options));
    seeds.push_back(EncodeChannelData(0x4001, Bytes(21, 7), true));
    seeds.push_back(EncodeChannelData(0x4FFE, Bytes(3, 9), false));
    return seeds;
}

// One generated input; `kind` picks the recipe.
Bytes Generate(Rng& rng, const std::vector<Bytes>& seeds, int i) {
    const Bytes& seed = seeds[static_cast<std::size_t>(i) % seeds.size()];
    switch (i % 5) {
    case 0: { // random buffer, first byte biased to the STUN / ChannelData ranges
        Bytes b(rng.Uniform(0, 160));
        rng.Fill(b.data(), b.size());
        if (!b.empty() && rng.Uniform(0, 1))
            b[0] = static_cast<std::uint8_t>(rng.Uniform(0, 1) ? rng.Uniform(0, 3)
                                                               : rng.Uniform(0x40, 0x4F));
        return b;
    }
    case 1: // truncation
        return ByteView(seed).Sub(0, rng.Uniform(0, seed.size())).ToBytes();
    case 2: { // single-byte mutation
        Bytes b = seed;
        b[rng.Uniform(0, b.size() - 1)] = static_cast<std::uint8_t>(rng.U32());
        return b;
    }
    case 3: { // oversized length fields (message or an attribute)
        Bytes b = seed;
        const std::size_t at = rng.Uniform(0, 1) ? 2 : 4 * rng.Uniform(0, b.size() / 4) + 2;
        if (at + 1 < b.size()) {
            const std::uint16_t len = static_cast<std::uint16_t>(
                rng.Uniform(0, 1) ? 0xFFFF - rng.Uniform(0, 8) : rng.Uniform(0, 400));
            b[at] = static_cast<std::uint8_t>(len >> 8);
            b[at + 1] = static_cast<std::uint8_t>(len);
        }
        return b;
    }
    default: { // valid header, random attribute soup of the right total length
        const std::size_t body = 4 * rng.Uniform(0, 30);
        Bytes b = {static_cast<std::uint8_t>(rng.Uniform(0, 3)),
                   static_cast<std::uint8_t>(rng.U32()),
                   static_cast<std::uint8_t>(body >> 8),
                   static_cast<std::uint8_t>(body),
                   0x21,
                   0x12,
                   0xa4,
                   0x42};
        b.resize(20 + body);
        rng.Fill(b.data() + 8, 12 + body);
        // Often make the first attribute a known type with a plausible length.
        if (body >= 8 && rng.Uniform(0, 1)) {
            static const std::uint16_t kTypes[] = {
                attr::kXorMappedAddress,       attr::kErrorCode,
                attr::kMessageIntegrity,       attr::kFingerprint,
                attr::kUnknownAttributes,      attr::kLifetime,
                attr::kMessageIntegritySha256, attr::kChannelNumber,
                attr::kXorPeerAddress};
            const std::uint16_t t = kTypes[rng.Uniform(0, 8)];
            const std::uint16_t len = static_cast<std::uint16_t>(rng.Uniform(0, body - 4));
            b[20] = static_cast<std::uint8_t>(t >> 8);
            b[21] = static_cast<std::uint8_t>(t);
            b[22] = static_cast<std::uint8_t>(len >> 8);
            b[23] = static_cast<std::uint8_t>(len);
        }
        return b;
    }
    }
}

} // namespace

TEST(StunFuzz, MessageDecoderSurvivesGeneratedInput) {
    Rng rng = Rng(2024).Fork("stun-decoder");
    const auto seeds = Seeds();
    const Bytes key = {1, 2, 3};
    int decoded = 0;
    for (int i = 0; i < kInputs; ++i) {
        const Bytes input = Generate(rng, seeds, i);
        auto m = Message::Decode(input);
        if (!m)
            continue;
        ++decoded;
        ASSERT_EQ(m->Raw(), input);
        ASSERT_EQ(input.size() % 4, 0u);
        for (const Attribute& a : m->Attributes()) {
            ASSERT_LE(a.offset + 4 + a.value.size(), input.size());
            m->GetXorAddress(a.type);
            m->GetAddress(a.type);
            m->GetU32(a.type);
            m->GetU64(a.type);
        }
        m->GetErrorCode();
        m->GetUnknownAttributes();
        m->GetRequestedTransport();
        m->GetChannelNumber();
        m->ValidateKnownAttributes();
        m->UnknownComprehensionRequired();
        CheckMessageIntegrity(*m, key);
        CheckMessageIntegritySha256(*m, key);
        CheckFingerprint(*m);
        // What decodes re-encodes to a message that decodes again.
        ASSERT_TRUE(Message::Decode(m->Encode()).Ok());
    }
    // The recipes do reach past the header checks.
    EXPECT_GT(decoded, kInputs / 20);
}

TEST(StunFuzz, ChannelDataDecoderAndStreamFramerSurviveGeneratedInput) {
    Rng rng = Rng(2024).Fork("channel-data");
    const auto seeds = Seeds();
    int decoded = 0;
    std::size_t frames = 0;
    StreamFramer long_lived;
    for (int i = 0; i < kInputs; ++i) {
        const Bytes input = Generate(rng, seeds, i);
        Classify(input);
        LooksLikeStun(input);
        auto cd = DecodeChannelData(input);
        if (cd) {
            ++decoded;
            ASSERT_TRUE(IsValidChannel(cd->channel));
            ASSERT_LE(cd->data.size() + 4, input.size());
        }
        // A fresh framer per input: every frame it gives is complete and well formed.
        StreamFramer framer;
        framer.Push(input);
        std::size_t consumed = 0;
        while (auto f = framer.Next()) {
            consumed += f->bytes.size();
            if (f->kind == StreamFramer::Frame::Kind::ChannelData)
                ASSERT_TRUE(DecodeChannelData(f->bytes).Ok());
            else
                ASSERT_GE(f->bytes.size(), 20u);
        }
        ASSERT_LE(consumed, input.size());
        // And one that sees everything, as a server connection would; restarted on failure.
        long_lived.Push(input);
        while (auto f = long_lived.Next())
            ++frames;
        if (long_lived.Failed())
            long_lived = StreamFramer();
        ASSERT_LE(long_lived.Buffered(), 65535u + 20u + input.size());
    }
    EXPECT_GT(decoded, kInputs / 50);
    EXPECT_GT(frames, 0u);
}
