// The STUN codec on its own: message type bits, every attribute round trip, integrity
// appended by the encoder, and what the decoder must refuse.
#include "stun/integrity.h"
#include "stun/message.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::stun;

namespace {

Message RoundTrip(const Message& m, const EncodeOptions& options = {}) {
    auto decoded = Message::Decode(m.Encode(options));
    EXPECT_TRUE(decoded.Ok()) << (decoded.Ok() ? "" : decoded.Message());
    return decoded.Ok() ? *decoded : Message();
}

const Endpoint kV4{*IpAddress::Parse("203.0.113.7"), 49152};
const Endpoint kV6{*IpAddress::Parse("2001:db8::42"), 3478};

} // namespace

TEST(StunMessage, TypeInterleavesClassAndMethodBits) {
    EXPECT_EQ(MessageType(Class::Request, method::kBinding), 0x0001);
    EXPECT_EQ(MessageType(Class::SuccessResponse, method::kBinding), 0x0101);
    EXPECT_EQ(MessageType(Class::ErrorResponse, method::kBinding), 0x0111);
    EXPECT_EQ(MessageType(Class::Request, method::kAllocate), 0x0003);
    EXPECT_EQ(MessageType(Class::ErrorResponse, method::kAllocate), 0x0113);
    EXPECT_EQ(MessageType(Class::Indication, method::kSend), 0x0016);
    EXPECT_EQ(MessageType(Class::Indication, method::kData), 0x0017);
    EXPECT_EQ(MessageType(Class::Request, method::kChannelBind), 0x0009);
    EXPECT_EQ(MessageType(Class::ErrorResponse, 0xFFF), 0x3FFF);
    for (std::uint16_t method = 0; method < 0x1000; method += 7) {
        for (int c = 0; c < 4; ++c) {
            const auto cls = static_cast<Class>(c);
            const std::uint16_t t = MessageType(cls, method);
            EXPECT_EQ(ClassOfType(t), cls);
            EXPECT_EQ(MethodOfType(t), method);
        }
    }
}

TEST(StunMessage, EveryTypedAttributeRoundTrips) {
    Rng rng(7);
    Message m = Message::Make(Class::Request, method::kAllocate, rng);
    m.AddAddress(attr::kMappedAddress, kV4);
    m.AddXorAddress(attr::kXorMappedAddress, kV4);
    m.AddXorAddress(attr::kXorRelayedAddress, kV6);
    m.AddXorAddress(attr::kXorPeerAddress, kV6);
    m.AddXorAddress(attr::kXorPeerAddress, kV4);
    m.AddUsername("turnuser");
    m.AddRealm("example.org");
    m.AddNonce("0123456789abcdef");
    m.AddErrorCode(431);
    m.AddUnknownAttributes({0x0018, 0x0022, 0x7777});
    m.AddSoftware("cmslab test");
    m.AddLifetime(600);
    m.AddRequestedTransport(kProtocolUdp);
    m.AddChannelNumber(0x4abc);
    m.AddData(Bytes{1, 2, 3, 4, 5});
    m.AddPriority(0x6e0001ff);
    m.AddUseCandidate();
    m.AddIceControlling(0x1122334455667788ull);
    m.AddIceControlled(0x8877665544332211ull);

    const Message d = RoundTrip(m);
    EXPECT_EQ(d.Id(), m.Id());
    EXPECT_EQ(d.MessageClass(), Class::Request);
    EXPECT_EQ(d.Method(), method::kAllocate);
    EXPECT_EQ(d.GetAddress(attr::kMappedAddress), kV4);
    EXPECT_EQ(d.GetXorAddress(attr::kXorMappedAddress), kV4);
    EXPECT_EQ(d.GetXorAddress(attr::kXorRelayedAddress), kV6);
    const auto peers = d.FindAll(attr::kXorPeerAddress);
    ASSERT_EQ(peers.size(), 2u);
    EXPECT_EQ(DecodeXorAddress(peers[0]->value, d.Id()).Value(), kV6);
    EXPECT_EQ(DecodeXorAddress(peers[1]->value, d.Id()).Value(), kV4);
    EXPECT_EQ(d.GetUsername(), std::optional<std::string>("turnuser"));
    EXPECT_EQ(d.GetRealm(), std::optional<std::string>("example.org"));
    EXPECT_EQ(d.GetNonce(), std::optional<std::string>("0123456789abcdef"));
    const auto error = d.GetErrorCode();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, 431);
    EXPECT_EQ(error->reason, "Integrity Check Failure");
    EXPECT_EQ(d.GetUnknownAttributes(),
              std::optional<std::vector<std::uint16_t>>({0x0018, 0x0022, 0x7777}));
    EXPECT_EQ(d.GetSoftware(), std::optional<std::string>("cmslab test"));
    EXPECT_EQ(d.GetLifetime(), std::optional<std::uint32_t>(600));
    EXPECT_EQ(d.GetRequestedTransport(), std::optional<std::uint8_t>(17));
    EXPECT_EQ(d.GetChannelNumber(), std::optional<std::uint16_t>(0x4abc));
    EXPECT_EQ(d.GetData(), std::optional<Bytes>(Bytes{1, 2, 3, 4, 5}));
    EXPECT_EQ(d.GetPriority(), std::optional<std::uint32_t>(0x6e0001ff));
    EXPECT_TRUE(d.Has(attr::kUseCandidate));
    EXPECT_EQ(d.GetU64(attr::kIceControlling), std::optional<std::uint64_t>(0x1122334455667788ull));
    EXPECT_EQ(d.GetU64(attr::kIceControlled), std::optional<std::uint64_t>(0x8877665544332211ull));
    EXPECT_FALSE(d.ValidateKnownAttributes().has_value());
    EXPECT_TRUE(d.UnknownComprehensionRequired().empty());
    // Attribute order survives.
    ASSERT_EQ(d.Attributes().size(), m.Attributes().size());
    for (std::size_t i = 0; i < m.Attributes().size(); ++i)
        EXPECT_EQ(d.Attributes()[i].type, m.Attributes()[i].type);
}

TEST(StunMessage, XorAddressesHideTheAddressOnTheWire) {
    TransactionId id{};
    id.fill(0x5a);
    const Bytes v4 = EncodeXorAddress(kV4, id);
    ASSERT_EQ(v4.size(), 8u);
    EXPECT_EQ(v4[1], 0x01);
    EXPECT_EQ(((v4[2] << 8) | v4[3]), 49152 ^ 0x2112);
    EXPECT_EQ(v4[4], 203 ^ 0x21);
    const Bytes v6 = EncodeXorAddress(kV6, id);
    ASSERT_EQ(v6.size(), 20u);
    EXPECT_EQ(v6[1], 0x02);
    EXPECT_EQ(v6[19], 0x42 ^ 0x5a); // the last bytes are masked by the transaction id
    EXPECT_EQ(DecodeXorAddress(v6, id).Value(), kV6);
    // The wrong transaction id gives another IPv6 address (the mask includes it).
    TransactionId other = id;
    other[11] ^= 1;
    EXPECT_NE(DecodeXorAddress(v6, other).Value(), kV6);
    EXPECT_EQ(DecodeXorAddress(v4, other).Value(), kV4);
    EXPECT_FALSE(DecodeXorAddress(Bytes{0, 3, 0, 0, 1, 2, 3, 4}, id).Ok()); // bad family
    EXPECT_FALSE(DecodeXorAddress(Bytes{0, 1, 0, 0, 1, 2, 3}, id).Ok());    // short
    EXPECT_FALSE(DecodeAddress(Bytes{0, 2, 0, 0, 1, 2, 3, 4}).Ok());        // v6 family, v4 size
}

TEST(StunMessage, ErrorCodesCarryClassNumberAndReason) {
    for (std::uint16_t code :
         {300, 400, 401, 403, 420, 431, 437, 438, 440, 441, 442, 486, 500, 508}) {
        EXPECT_FALSE(DefaultReason(code).empty()) << code;
        const auto e = DecodeErrorCode(EncodeErrorCode(ErrorCode{code, ""}));
        ASSERT_TRUE(e.Ok());
        EXPECT_EQ(e->code, code);
        EXPECT_EQ(e->reason, DefaultReason(code));
    }
    EXPECT_EQ(DefaultReason(431), "Integrity Check Failure");
    EXPECT_EQ(DefaultReason(438), "Stale Nonce");
    EXPECT_EQ(DefaultReason(486), "Allocation Quota Reached");
    const Bytes wire = EncodeErrorCode(ErrorCode{438, "Wrong nonce"});
    EXPECT_EQ(ToHex(ByteView(wire).Sub(0, 4)), "00000426");
    EXPECT_EQ(DecodeErrorCode(wire).Value().reason, "Wrong nonce");
    EXPECT_FALSE(DecodeErrorCode(Bytes{0, 0, 2, 0}).Ok());   // class 2
    EXPECT_FALSE(DecodeErrorCode(Bytes{0, 0, 4, 100}).Ok()); // number 100
    EXPECT_FALSE(DecodeErrorCode(Bytes{0, 0, 4}).Ok());
}

TEST(StunMessage, EncoderAppendsIntegrityAndFingerprintThatVerify) {
    Rng rng(11);
    Message m = Message::Make(Class::Request, method::kAllocate, rng);
    m.AddRequestedTransport(kProtocolUdp);
    m.AddUsername("user");
    m.AddRealm("realm");
    m.AddNonce("abc");
    const Bytes key = LongTermKey("user", "realm", "pass");
    EncodeOptions options;
    options.integrity_key = key;
    options.integrity_sha256 = true;
    options.fingerprint = true;
    const Bytes wire = m.Encode(options);
    const Message d = Message::Decode(wire).Value();
    const auto& attrs = d.Attributes();
    ASSERT_GE(attrs.size(), 3u);
    EXPECT_EQ(attrs[attrs.size() - 3].type, attr::kMessageIntegrity);
    EXPECT_EQ(attrs[attrs.size() - 2].type, attr::kMessageIntegritySha256);
    EXPECT_EQ(attrs[attrs.size() - 1].type, attr::kFingerprint);
    EXPECT_EQ(CheckMessageIntegrity(d, key), Check::Valid);
    EXPECT_EQ(CheckMessageIntegritySha256(d, key), Check::Valid);
    EXPECT_EQ(CheckFingerprint(d), Check::Valid);
    const Bytes wrong = LongTermKey("user", "realm", "Pass");
    EXPECT_EQ(CheckMessageIntegrity(d, wrong), Check::Invalid);
    EXPECT_EQ(CheckMessageIntegritySha256(d, wrong), Check::Invalid);

    // The fingerprint is the CRC-32 of everything before it, XOR 0x5354554e.
    const Bytes plain = m.Encode();
    EXPECT_EQ(CheckMessageIntegrity(Message::Decode(plain).Value(), key), Check::Absent);
    EXPECT_EQ(CheckFingerprint(Message::Decode(plain).Value()), Check::Absent);
}

TEST(StunMessage, AttributesAfterIntegrityAreIgnored) {
    Rng rng(3);
    Message m = Message::Make(Class::Request, method::kRefresh, rng);
    m.AddLifetime(0);
    const Bytes key = ShortTermKey("k");
    EncodeOptions options;
    options.integrity_key = key;
    Bytes wire = m.Encode(options);
    // Append a DATA attribute after MESSAGE-INTEGRITY and fix the length.
    const Bytes extra = {0x00, 0x13, 0x00, 0x04, 1, 2, 3, 4};
    wire.insert(wire.end(), extra.begin(), extra.end());
    wire[3] = static_cast<std::uint8_t>(wire.size() - 20);
    const Message d = Message::Decode(wire).Value();
    EXPECT_FALSE(d.Has(attr::kData));
    EXPECT_EQ(CheckMessageIntegrity(d, key), Check::Valid);
}

TEST(StunMessage, DecodeRejectsMalformedFraming) {
    Rng rng(5);
    Message m = Message::Make(Class::Request, method::kBinding, rng);
    m.AddSoftware("abc");
    const Bytes good = m.Encode();
    ASSERT_TRUE(Message::Decode(good).Ok());
    auto mutate = [&](auto f) {
        Bytes b = good;
        f(b);
        return Message::Decode(b).Ok();
    };
    EXPECT_FALSE(Message::Decode(ByteView(good).Sub(0, 19)).Ok());              // short header
    EXPECT_FALSE(Message::Decode(ByteView(good).Sub(0, good.size() - 1)).Ok()); // truncated
    EXPECT_FALSE(mutate([](Bytes& b) { b[0] |= 0x80; }));                       // top bit
    EXPECT_FALSE(mutate([](Bytes& b) { b[0] |= 0x40; }));                       // second bit
    EXPECT_FALSE(mutate([](Bytes& b) { b[4] ^= 1; }));                          // cookie
    EXPECT_FALSE(mutate([](Bytes& b) { b[3] = static_cast<std::uint8_t>(b[3] + 4); }));
    EXPECT_FALSE(mutate([](Bytes& b) { b[3] = static_cast<std::uint8_t>(b[3] - 1); })); // not 4k
    EXPECT_FALSE(mutate([](Bytes& b) { b[23] = 9; })); // attribute runs past the end
    EXPECT_FALSE(mutate([](Bytes& b) {                 // header says less than the attribute
        b[3] = 4;
        b.resize(24);
        b[23] = 8;
    }));
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_FALSE(Message::Decode(longer).Ok()); // the buffer is longer than the message
    EXPECT_FALSE(Message::Decode(ByteView()).Ok());
    // Non-zero padding is accepted and ignored.
    EXPECT_TRUE(mutate([](Bytes& b) { b.back() = 0x20; }));
    EXPECT_EQ(Message::Decode(good).Value().GetSoftware(), std::optional<std::string>("abc"));
}

TEST(StunMessage, UnknownComprehensionRequiredAttributesAreReported) {
    Rng rng(9);
    Message m = Message::Make(Class::Request, method::kAllocate, rng);
    m.AddRequestedTransport(kProtocolUdp);
    m.Add(attr::kEvenPort, Bytes{0x80, 0, 0, 0});
    m.Add(0x7abc, Bytes{});
    m.Add(0x7abc, Bytes{1});
    m.Add(0xC001, Bytes{1, 2}); // comprehension-optional: ignored
    const Message d = RoundTrip(m);
    EXPECT_EQ(d.UnknownComprehensionRequired(), (std::vector<std::uint16_t>{0x0018, 0x7abc}));
}

TEST(StunMessage, ValidationNamesMalformedKnownAttributes) {
    Rng rng(1);
    Message m = Message::Make(Class::Request, method::kAllocate, rng);
    m.Add(attr::kLifetime, Bytes{0, 0, 1});
    auto error = RoundTrip(m).ValidateKnownAttributes();
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->message.find("LIFETIME"), std::string::npos);
    EXPECT_FALSE(RoundTrip(m).GetLifetime().has_value());

    Message n = Message::Make(Class::Request, method::kCreatePermission, rng);
    n.Add(attr::kXorPeerAddress, Bytes{0, 1, 0, 0});
    error = RoundTrip(n).ValidateKnownAttributes();
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->message.find("XOR-PEER-ADDRESS"), std::string::npos);
}

TEST(StunMessage, NamesForLogs) {
    EXPECT_EQ(MethodName(method::kAllocate), "Allocate");
    EXPECT_EQ(MethodName(0x0ab), "0x0ab");
    EXPECT_EQ(ClassName(Class::ErrorResponse), "Error Response");
    EXPECT_EQ(AttributeName(attr::kXorRelayedAddress), "XOR-RELAYED-ADDRESS");
    EXPECT_EQ(AttributeName(0x7abc), "0x7abc");
}
