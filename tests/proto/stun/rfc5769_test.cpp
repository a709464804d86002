// RFC 5769's vectors: decoding, MESSAGE-INTEGRITY, FINGERPRINT and XOR addresses.
#include "rfc5769_vectors.h"
#include "stun/integrity.h"
#include "stun/message.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::stun;
using namespace cmslab::stun::test;

namespace {

const TransactionId kVectorId = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

Message MustDecode(const Bytes& bytes) {
    auto m = Message::Decode(bytes);
    EXPECT_TRUE(m.Ok()) << (m.Ok() ? "" : m.Message());
    return m.Ok() ? *m : Message();
}

Bytes VectorKey(std::string_view vector) {
    if (vector == kLongTermRequest)
        return LongTermKey(
            "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9",
            "example.org", "TheMatrIX");
    return ShortTermKey(kShortTermPassword);
}

// Flips every byte in turn: the message either no longer decodes, or no integrity check
// covering that byte still passes.
void ExpectEveryFlipDetected(std::string_view vector) {
    const Bytes good = Hex(vector);
    const Message original = MustDecode(good);
    const Attribute* mi = original.Find(attr::kMessageIntegrity);
    const Attribute* fp = original.Find(attr::kFingerprint);
    ASSERT_NE(mi, nullptr);
    const Bytes key = VectorKey(vector);
    int checked = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        Bytes bad = good;
        bad[i] ^= 0x01;
        auto m = Message::Decode(bad);
        if (!m)
            continue;
        if (i < mi->offset + 24) {
            EXPECT_NE(CheckMessageIntegrity(*m, key), Check::Valid) << "byte " << i;
        }
        if (fp) {
            EXPECT_NE(CheckFingerprint(*m), Check::Valid) << "byte " << i;
        }
        ++checked;
    }
    // Most flips (all inside attribute values) still decode, so the checks are exercised.
    EXPECT_GT(checked, static_cast<int>(good.size()) * 3 / 4);
}

} // namespace

TEST(Rfc5769, SampleRequestDecodesAndVerifies) {
    const Message m = MustDecode(Hex(kSampleRequest));
    EXPECT_EQ(m.MessageClass(), Class::Request);
    EXPECT_EQ(m.Method(), method::kBinding);
    EXPECT_EQ(m.Id(), kVectorId);
    EXPECT_EQ(m.GetSoftware(), std::optional<std::string>("STUN test client"));
    EXPECT_EQ(m.GetUsername(), std::optional<std::string>("evtj:h6vY"));
    EXPECT_EQ(m.GetPriority(), std::optional<std::uint32_t>(0x6e0001ffu));
    EXPECT_EQ(m.GetU64(attr::kIceControlled), std::optional<std::uint64_t>(0x932ff9b151263b36ull));
    EXPECT_EQ(CheckMessageIntegrity(m, ShortTermKey(kShortTermPassword)), Check::Valid);
    EXPECT_EQ(CheckMessageIntegrity(m, ShortTermKey("VOkJxbRl1RmTxUk/WvJxBT")), Check::Invalid);
    EXPECT_EQ(CheckFingerprint(m), Check::Valid);
    EXPECT_TRUE(m.UnknownComprehensionRequired().empty());
    EXPECT_FALSE(m.ValidateKnownAttributes().has_value());
}

TEST(Rfc5769, Ipv4ResponseDecodesAndVerifies) {
    const Message m = MustDecode(Hex(kSampleIpv4Response));
    EXPECT_EQ(m.MessageClass(), Class::SuccessResponse);
    EXPECT_EQ(m.Method(), method::kBinding);
    EXPECT_EQ(m.GetSoftware(), std::optional<std::string>("test vector"));
    const auto mapped = m.GetXorAddress(attr::kXorMappedAddress);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(mapped->address, IpAddress::V4(192, 0, 2, 1));
    EXPECT_EQ(mapped->port, 32853);
    EXPECT_EQ(mapped->ToString(), "192.0.2.1:32853");
    EXPECT_EQ(CheckMessageIntegrity(m, ShortTermKey(kShortTermPassword)), Check::Valid);
    EXPECT_EQ(CheckFingerprint(m), Check::Valid);
    // Our encoder gives the vector's attribute bytes for the same address.
    EXPECT_EQ(EncodeXorAddress(*mapped, kVectorId), m.Find(attr::kXorMappedAddress)->value);
}

TEST(Rfc5769, Ipv6ResponseDecodesAndVerifies) {
    const Message m = MustDecode(Hex(kSampleIpv6Response));
    EXPECT_EQ(m.MessageClass(), Class::SuccessResponse);
    EXPECT_EQ(m.GetSoftware(), std::optional<std::string>("test vector"));
    const auto mapped = m.GetXorAddress(attr::kXorMappedAddress);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(mapped->address, *IpAddress::Parse("2001:db8:1234:5678:11:2233:4455:6677"));
    EXPECT_EQ(mapped->port, 32853);
    EXPECT_EQ(CheckMessageIntegrity(m, ShortTermKey(kShortTermPassword)), Check::Valid);
    EXPECT_EQ(CheckFingerprint(m), Check::Valid);
    EXPECT_EQ(EncodeXorAddress(*mapped, kVectorId), m.Find(attr::kXorMappedAddress)->value);
}

TEST(Rfc5769, LongTermRequestDecodesAndVerifies) {
    const Bytes bytes = Hex(kLongTermRequest);
    const Message m = MustDecode(bytes);
    EXPECT_EQ(m.MessageClass(), Class::Request);
    EXPECT_EQ(m.Method(), method::kBinding);
    EXPECT_EQ(m.GetUsername(), std::optional<std::string>("マトリックス"));
    EXPECT_EQ(m.GetNonce(), std::optional<std::string>("f//499k954d6OL34oL9FSTvy64sA"));
    EXPECT_EQ(m.GetRealm(), std::optional<std::string>("example.org"));
    const Bytes key = LongTermKey("マトリックス", "example.org", "TheMatrIX");
    EXPECT_EQ(CheckMessageIntegrity(m, key), Check::Valid);
    EXPECT_EQ(CheckMessageIntegrity(m, LongTermKey("マトリックス", "example.org", "thematrix")),
              Check::Invalid);
    EXPECT_EQ(CheckFingerprint(m), Check::Absent);

    // This vector pads with zeros, so our encoder must reproduce it byte for byte.
    Message again(Class::Request, method::kBinding, m.Id());
    again.AddUsername("マトリックス");
    again.AddNonce("f//499k954d6OL34oL9FSTvy64sA");
    again.AddRealm("example.org");
    EncodeOptions options;
    options.integrity_key = key;
    EXPECT_EQ(ToHex(again.Encode(options)), ToHex(bytes));
}

TEST(Rfc5769, EveryFlippedByteFailsTheChecks) {
    ExpectEveryFlipDetected(kSampleRequest);
    ExpectEveryFlipDetected(kSampleIpv4Response);
    ExpectEveryFlipDetected(kSampleIpv6Response);
    ExpectEveryFlipDetected(kLongTermRequest);
}

TEST(Rfc5769, LongTermKeyIsMd5OfUserRealmPassword) {
    EXPECT_EQ(ToHex(LongTermKey("user", "realm", "pass")), "8493fbc53ba582fb4c044c456bdc40eb");
    EXPECT_EQ(LongTermKey("user", "realm", "pass").size(), 16u);
    EXPECT_EQ(LongTermKeySha256("user", "realm", "pass").size(), 32u);
}
