#include "stun/message.h"

#include "stun/integrity.h"

#include <algorithm>
#include <cstdio>

namespace cmslab::stun {

std::uint16_t MessageType(Class cls, std::uint16_t method) {
    const auto c = static_cast<std::uint16_t>(cls);
    // Method bits M0-M3, M4-M6 and M7-M11 sit around class bits C0 (bit 4) and C1 (bit 8).
    return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                      ((method & 0x0F80) << 2) | ((c & 0x1) << 4) |
                                      ((c & 0x2) << 7));
}

Class ClassOfType(std::uint16_t type) {
    return static_cast<Class>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
}

std::uint16_t MethodOfType(std::uint16_t type) {
    return static_cast<std::uint16_t>((type & 0x000F) | ((type >> 1) & 0x0070) |
                                      ((type >> 2) & 0x0F80));
}

std::string MethodName(std::uint16_t m) {
    switch (m) {
    case method::kBinding:
        return "Binding";
    case method::kAllocate:
        return "Allocate";
    case method::kRefresh:
        return "Refresh";
    case method::kSend:
        return "Send";
    case method::kData:
        return "Data";
    case method::kCreatePermission:
        return "CreatePermission";
    case method::kChannelBind:
        return "ChannelBind";
    default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%03x", m & 0xFFF);
        return buf;
    }
    }
}

std::string ClassName(Class cls) {
    switch (cls) {
    case Class::Request:
        return "Request";
    case Class::Indication:
        return "Indication";
    case Class::SuccessResponse:
        return "Success Response";
    case Class::ErrorResponse:
        return "Error Response";
    }
    return "?";
}

bool IsKnownAttribute(std::uint16_t type) {
    switch (type) {
    case attr::kMappedAddress:
    case attr::kUsername:
    case attr::kMessageIntegrity:
    case attr::kErrorCode:
    case attr::kUnknownAttributes:
    case attr::kChannelNumber:
    case attr::kLifetime:
    case attr::kXorPeerAddress:
    case attr::kData:
    case attr::kRealm:
    case attr::kNonce:
    case attr::kXorRelayedAddress:
    case attr::kRequestedAddressFamily:
    case attr::kRequestedTransport:
    case attr::kMessageIntegritySha256:
    case attr::kXorMappedAddress:
    case attr::kPriority:
    case attr::kUseCandidate:
    case attr::kSoftware:
    case attr::kAlternateServer:
    case attr::kFingerprint:
    case attr::kIceControlled:
    case attr::kIceControlling:
        return true;
    default:
        return false;
    }
}

std::string AttributeName(std::uint16_t type) {
    switch (type) {
    case attr::kMappedAddress:
        return "MAPPED-ADDRESS";
    case attr::kUsername:
        return "USERNAME";
    case attr::kMessageIntegrity:
        return "MESSAGE-INTEGRITY";
    case attr::kErrorCode:
        return "ERROR-CODE";
    case attr::kUnknownAttributes:
        return "UNKNOWN-ATTRIBUTES";
    case attr::kChannelNumber:
        return "CHANNEL-NUMBER";
    case attr::kLifetime:
        return "LIFETIME";
    case attr::kXorPeerAddress:
        return "XOR-PEER-ADDRESS";
    case attr::kData:
        return "DATA";
    case attr::kRealm:
        return "REALM";
    case attr::kNonce:
        return "NONCE";
    case attr::kXorRelayedAddress:
        return "XOR-RELAYED-ADDRESS";
    case attr::kRequestedAddressFamily:
        return "REQUESTED-ADDRESS-FAMILY";
    case attr::kEvenPort:
        return "EVEN-PORT";
    case attr::kRequestedTransport:
        return "REQUESTED-TRANSPORT";
    case attr::kDontFragment:
        return "DONT-FRAGMENT";
    case attr::kMessageIntegritySha256:
        return "MESSAGE-INTEGRITY-SHA256";
    case attr::kPasswordAlgorithm:
        return "PASSWORD-ALGORITHM";
    case attr::kUserhash:
        return "USERHASH";
    case attr::kXorMappedAddress:
        return "XOR-MAPPED-ADDRESS";
    case attr::kReservationToken:
        return "RESERVATION-TOKEN";
    case attr::kPriority:
        return "PRIORITY";
    case attr::kUseCandidate:
        return "USE-CANDIDATE";
    case attr::kPasswordAlgorithms:
        return "PASSWORD-ALGORITHMS";
    case attr::kAlternateDomain:
        return "ALTERNATE-DOMAIN";
    case attr::kSoftware:
        return "SOFTWARE";
    case attr::kAlternateServer:
        return "ALTERNATE-SERVER";
    case attr::kFingerprint:
        return "FINGERPRINT";
    case attr::kIceControlled:
        return "ICE-CONTROLLED";
    case attr::kIceControlling:
        return "ICE-CONTROLLING";
    default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%04x", type);
        return buf;
    }
    }
}

Message::Message(Class cls, std::uint16_t method, const TransactionId& transaction_id)
    : m_class(cls), m_method(static_cast<std::uint16_t>(method & 0x0FFF)),
      m_transaction_id(transaction_id) {}

Message Message::Make(Class cls, std::uint16_t method, Rng& rng) {
    TransactionId id;
    rng.Fill(id.data(), id.size());
    return Message(cls, method, id);
}

Message Message::MakeResponse(Class cls) const {
    return Message(cls, m_method, m_transaction_id);
}

Expected<Message> Message::Decode(ByteView bytes) {
    ByteReader r(bytes);
    std::uint16_t type = 0, length = 0;
    std::uint32_t cookie = 0;
    ByteView id;
    if (!r.U16(type) || !r.U16(length) || !r.U32(cookie) || !r.Take(kTransactionIdSize, id))
        return Error{"STUN message shorter than its 20-byte header"};
    if (type & 0xC000)
        return Error{"STUN message with either of the two top bits set"};
    if (cookie != kMagicCookie)
        return Error{"STUN message without the magic cookie"};
    if (length % 4 != 0)
        return Error{"STUN message length not a multiple of 4"};
    if (length != bytes.size - kHeaderSize)
        return Error{"STUN message length does not match the buffer"};

    Message m;
    m.m_class = ClassOfType(type);
    m.m_method = MethodOfType(type);
    std::copy(id.begin(), id.end(), m.m_transaction_id.begin());

    bool after_integrity = false;
    bool after_fingerprint = false;
    while (r.Remaining() > 0) {
        const std::size_t offset = r.Offset();
        std::uint16_t at = 0, alen = 0;
        ByteView value;
        if (!r.U16(at) || !r.U16(alen))
            return Error{"STUN attribute header cut short"};
        if (!r.Take(alen, value))
            return Error{"STUN attribute " + AttributeName(at) + " runs past the message end"};
        const std::size_t pad = (4 - alen % 4) % 4;
        if (!r.Skip(pad))
            return Error{"STUN attribute padding runs past the message end"};
        const bool keep =
            !after_fingerprint &&
            (!after_integrity || at == attr::kMessageIntegritySha256 || at == attr::kFingerprint);
        if (keep)
            m.m_attributes.push_back(Attribute{at, value.ToBytes(), offset});
        if (at == attr::kMessageIntegrity || at == attr::kMessageIntegritySha256)
            after_integrity = true;
        if (at == attr::kFingerprint)
            after_fingerprint = true;
    }
    m.m_raw = bytes.ToBytes();
    return m;
}

Bytes Message::Encode(const EncodeOptions& options) const {
    ByteWriter w(kHeaderSize + 64);
    w.U16(MessageType(m_class, m_method));
    w.U16(0);
    w.U32(kMagicCookie);
    w.Append(ByteView(m_transaction_id.data(), m_transaction_id.size()));
    for (const Attribute& a : m_attributes) {
        w.U16(a.type);
        w.U16(static_cast<std::uint16_t>(a.value.size()));
        w.Append(a.value);
        w.Zeros((4 - a.value.size() % 4) % 4);
    }
    w.PatchU16(2, static_cast<std::uint16_t>(w.Size() - kHeaderSize));
    Bytes out = w.Take();
    if (options.integrity_key) {
        if (options.integrity_sha1)
            AppendMessageIntegrity(out, *options.integrity_key);
        if (options.integrity_sha256)
            AppendMessageIntegritySha256(out, *options.integrity_key);
    }
    if (options.fingerprint)
        AppendFingerprint(out);
    return out;
}

void Message::Add(std::uint16_t type, ByteView value) {
    // An attribute value is at most 65535 bytes; anything longer is cut rather than
    // written with a wrapped length.
    m_attributes.push_back(Attribute{type, value.Sub(0, 0xFFFF).ToBytes(), 0});
}

void Message::AddU32(std::uint16_t type, std::uint32_t value) {
    ByteWriter w(4);
    w.U32(value);
    Add(type, w.Buffer());
}

void Message::AddU64(std::uint16_t type, std::uint64_t value) {
    ByteWriter w(8);
    w.U64(value);
    Add(type, w.Buffer());
}

void Message::AddAddress(std::uint16_t type, const Endpoint& endpoint) {
    Add(type, EncodeAddress(endpoint));
}

void Message::AddXorAddress(std::uint16_t type, const Endpoint& endpoint) {
    Add(type, EncodeXorAddress(endpoint, m_transaction_id));
}

void Message::AddErrorCode(std::uint16_t code, std::string_view reason) {
    Add(attr::kErrorCode, EncodeErrorCode(ErrorCode{code, std::string(reason)}));
}

void Message::AddUnknownAttributes(const std::vector<std::uint16_t>& types) {
    ByteWriter w(types.size() * 2);
    for (std::uint16_t t : types)
        w.U16(t);
    Add(attr::kUnknownAttributes, w.Buffer());
}

void Message::AddRequestedTransport(std::uint8_t protocol) {
    const std::uint8_t v[4] = {protocol, 0, 0, 0};
    Add(attr::kRequestedTransport, ByteView(v, 4));
}

void Message::AddChannelNumber(std::uint16_t channel) {
    ByteWriter w(4);
    w.U16(channel);
    w.U16(0);
    Add(attr::kChannelNumber, w.Buffer());
}

const Attribute* Message::Find(std::uint16_t type) const {
    for (const Attribute& a : m_attributes)
        if (a.type == type)
            return &a;
    return nullptr;
}

std::vector<const Attribute*> Message::FindAll(std::uint16_t type) const {
    std::vector<const Attribute*> out;
    for (const Attribute& a : m_attributes)
        if (a.type == type)
            out.push_back(&a);
    return out;
}

std::optional<std::string> Message::GetString(std::uint16_t type) const {
    const Attribute* a = Find(type);
    if (!a)
        return std::nullopt;
    return std::string(a->value.begin(), a->value.end());
}

std::optional<std::uint32_t> Message::GetU32(std::uint16_t type) const {
    const Attribute* a = Find(type);
    std::uint32_t v = 0;
    if (!a || a->value.size() != 4 || !ByteReader(a->value).U32(v))
        return std::nullopt;
    return v;
}

std::optional<std::uint64_t> Message::GetU64(std::uint16_t type) const {
    const Attribute* a = Find(type);
    std::uint64_t v = 0;
    if (!a || a->value.size() != 8 || !ByteReader(a->value).U64(v))
        return std::nullopt;
    return v;
}

std::optional<Endpoint> Message::GetAddress(std::uint16_t type) const {
    const Attribute* a = Find(type);
    if (!a)
        return std::nullopt;
    auto ep = DecodeAddress(a->value);
    if (!ep)
        return std::nullopt;
    return *ep;
}

std::optional<Endpoint> Message::GetXorAddress(std::uint16_t type) const {
    const Attribute* a = Find(type);
    if (!a)
        return std::nullopt;
    auto ep = DecodeXorAddress(a->value, m_transaction_id);
    if (!ep)
        return std::nullopt;
    return *ep;
}

std::optional<ErrorCode> Message::GetErrorCode() const {
    const Attribute* a = Find(attr::kErrorCode);
    if (!a)
        return std::nullopt;
    auto e = DecodeErrorCode(a->value);
    if (!e)
        return std::nullopt;
    return *e;
}

std::optional<std::vector<std::uint16_t>> Message::GetUnknownAttributes() const {
    const Attribute* a = Find(attr::kUnknownAttributes);
    if (!a || a->value.size() % 2 != 0)
        return std::nullopt;
    std::vector<std::uint16_t> types;
    ByteReader r(a->value);
    std::uint16_t t = 0;
    while (r.Remaining() >= 2 && r.U16(t))
        types.push_back(t);
    return types;
}

std::optional<std::uint8_t> Message::GetRequestedTransport() const {
    const Attribute* a = Find(attr::kRequestedTransport);
    if (!a || a->value.size() != 4)
        return std::nullopt;
    return a->value[0];
}

std::optional<std::uint16_t> Message::GetChannelNumber() const {
    const Attribute* a = Find(attr::kChannelNumber);
    if (!a || a->value.size() != 4)
        return std::nullopt;
    return static_cast<std::uint16_t>((a->value[0] << 8) | a->value[1]);
}

std::optional<Bytes> Message::GetData() const {
    const Attribute* a = Find(attr::kData);
    if (!a)
        return std::nullopt;
    return a->value;
}

std::vector<std::uint16_t> Message::UnknownComprehensionRequired() const {
    std::vector<std::uint16_t> out;
    for (const Attribute& a : m_attributes) {
        if (attr::IsComprehensionRequired(a.type) && !IsKnownAttribute(a.type) &&
            std::find(out.begin(), out.end(), a.type) == out.end())
            out.push_back(a.type);
    }
    return out;
}

std::optional<Error> Message::ValidateKnownAttributes() const {
    auto bad = [](const Attribute& a, const char* why) {
        return Error{AttributeName(a.type) + " " + why};
    };
    for (const Attribute& a : m_attributes) {
        const std::size_t n = a.value.size();
        switch (a.type) {
        case attr::kMappedAddress:
        case attr::kAlternateServer:
            if (!DecodeAddress(a.value))
                return bad(a, "is not a valid address");
            break;
        case attr::kXorMappedAddress:
        case attr::kXorPeerAddress:
        case attr::kXorRelayedAddress:
            if (!DecodeXorAddress(a.value, m_transaction_id))
                return bad(a, "is not a valid address");
            break;
        case attr::kMessageIntegrity:
            if (n != 20)
                return bad(a, "is not 20 bytes");
            break;
        case attr::kMessageIntegritySha256:
            if (n < 16 || n > 32 || n % 4 != 0)
                return bad(a, "is not 16 to 32 bytes in steps of 4");
            break;
        case attr::kFingerprint:
        case attr::kLifetime:
        case attr::kPriority:
        case attr::kChannelNumber:
        case attr::kRequestedTransport:
        case attr::kRequestedAddressFamily:
            if (n != 4)
                return bad(a, "is not 4 bytes");
            break;
        case attr::kIceControlled:
        case attr::kIceControlling:
            if (n != 8)
                return bad(a, "is not 8 bytes");
            break;
        case attr::kUseCandidate:
            if (n != 0)
                return bad(a, "is not empty");
            break;
        case attr::kErrorCode:
            if (!DecodeErrorCode(a.value))
                return bad(a, "is malformed");
            break;
        case attr::kUnknownAttributes:
            if (n % 2 != 0)
                return bad(a, "has an odd length");
            break;
        case attr::kUsername:
            if (n > 512)
                return bad(a, "is longer than 512 bytes");
            break;
        case attr::kRealm:
        case attr::kNonce:
        case attr::kSoftware:
            if (n > 763)
                return bad(a, "is longer than 763 bytes");
            break;
        default:
            break;
        }
    }
    return std::nullopt;
}

} // namespace cmslab::stun
