// A STUN message (RFC 8489 section 5, RFC 5389 compatible): class, method, transaction id
// and attributes in wire order, with encode, strict decode and typed attribute access.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/expected.h"
#include "common/rng.h"
#include "stun/address_attribute.h"
#include "stun/constants.h"
#include "stun/error_code.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::stun {

struct Attribute {
    std::uint16_t type = 0;
    Bytes value; // without padding
    // Where the attribute's header starts in the decoded message (for integrity checks);
    // 0 for an attribute added locally.
    std::size_t offset = 0;
};

// What Encode appends after the attributes, in RFC 8489 order: MESSAGE-INTEGRITY,
// MESSAGE-INTEGRITY-SHA256, FINGERPRINT.
struct EncodeOptions {
    std::optional<Bytes> integrity_key; // none: no integrity attribute
    bool integrity_sha1 = true;         // MESSAGE-INTEGRITY (HMAC-SHA1)
    bool integrity_sha256 = false;      // MESSAGE-INTEGRITY-SHA256
    bool fingerprint = false;
};

// The 16-bit message type from class and 12-bit method (the bits interleave), and back.
std::uint16_t MessageType(Class cls, std::uint16_t method);
Class ClassOfType(std::uint16_t type);
std::uint16_t MethodOfType(std::uint16_t type);

// "Allocate", "Binding", ... or "0x0ab" for others; "Request", "Success Response", ...
std::string MethodName(std::uint16_t method);
std::string ClassName(Class cls);

class Message {
  public:
    Message() = default;
    Message(Class cls, std::uint16_t method, const TransactionId& transaction_id);
    // A message with a fresh transaction id drawn from rng.
    static Message Make(Class cls, std::uint16_t method, Rng& rng);
    // A response (success or error) to this request: same method and transaction id.
    Message MakeResponse(Class cls) const;

    // Rejects: fewer than 20 bytes, top two bits set, wrong magic cookie, a length that is
    // not a multiple of 4 or does not match the buffer, an attribute running past the end.
    // Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and
    // FINGERPRINT, and all after FINGERPRINT, are dropped as RFC 8489 section 14 says.
    // Padding content is ignored.
    static Expected<Message> Decode(ByteView bytes);
    // The caller keeps the attributes within the 16-bit message length (65535 bytes in
    // all); a single attribute value is cut at 65535 bytes when added.
    Bytes Encode(const EncodeOptions& options = {}) const;

    Class MessageClass() const { return m_class; }
    std::uint16_t Method() const { return m_method; }
    const TransactionId& Id() const { return m_transaction_id; }
    void SetClass(Class cls) { m_class = cls; }
    void SetMethod(std::uint16_t method) { m_method = method; }
    void SetId(const TransactionId& id) { m_transaction_id = id; }
    bool IsRequest() const { return m_class == Class::Request; }
    bool IsIndication() const { return m_class == Class::Indication; }
    bool IsResponse() const {
        return m_class == Class::SuccessResponse || m_class == Class::ErrorResponse;
    }

    const std::vector<Attribute>& Attributes() const { return m_attributes; }
    // The bytes this message was decoded from (empty for a message built locally).
    const Bytes& Raw() const { return m_raw; }

    // Adding.
    void Add(std::uint16_t type, ByteView value);
    void AddString(std::uint16_t type, std::string_view text) { Add(type, ByteView(text)); }
    void AddU32(std::uint16_t type, std::uint32_t value);
    void AddU64(std::uint16_t type, std::uint64_t value);
    void AddAddress(std::uint16_t type, const Endpoint& endpoint);
    void AddXorAddress(std::uint16_t type, const Endpoint& endpoint);
    void AddErrorCode(std::uint16_t code, std::string_view reason = {});
    void AddUnknownAttributes(const std::vector<std::uint16_t>& types);
    void AddRequestedTransport(std::uint8_t protocol);
    void AddChannelNumber(std::uint16_t channel);
    void AddUsername(std::string_view v) { AddString(attr::kUsername, v); }
    void AddRealm(std::string_view v) { AddString(attr::kRealm, v); }
    void AddNonce(std::string_view v) { AddString(attr::kNonce, v); }
    void AddSoftware(std::string_view v) { AddString(attr::kSoftware, v); }
    void AddData(ByteView v) { Add(attr::kData, v); }
    void AddLifetime(std::uint32_t seconds) { AddU32(attr::kLifetime, seconds); }
    void AddPriority(std::uint32_t priority) { AddU32(attr::kPriority, priority); }
    void AddUseCandidate() { Add(attr::kUseCandidate, ByteView()); }
    void AddIceControlling(std::uint64_t tie_breaker) {
        AddU64(attr::kIceControlling, tie_breaker);
    }
    void AddIceControlled(std::uint64_t tie_breaker) { AddU64(attr::kIceControlled, tie_breaker); }

    // Reading. Each typed getter gives nullopt when the attribute is absent or malformed;
    // ValidateKnownAttributes() tells the two apart.
    const Attribute* Find(std::uint16_t type) const;
    std::vector<const Attribute*> FindAll(std::uint16_t type) const;
    bool Has(std::uint16_t type) const { return Find(type) != nullptr; }
    std::optional<std::string> GetString(std::uint16_t type) const;
    std::optional<std::uint32_t> GetU32(std::uint16_t type) const;
    std::optional<std::uint64_t> GetU64(std::uint16_t type) const;
    std::optional<Endpoint> GetAddress(std::uint16_t type) const;
    std::optional<Endpoint> GetXorAddress(std::uint16_t type) const;
    std::optional<ErrorCode> GetErrorCode() const;
    std::optional<std::vector<std::uint16_t>> GetUnknownAttributes() const;
    std::optional<std::uint8_t> GetRequestedTransport() const;
    std::optional<std::uint16_t> GetChannelNumber() const;
    std::optional<std::string> GetUsername() const { return GetString(attr::kUsername); }
    std::optional<std::string> GetRealm() const { return GetString(attr::kRealm); }
    std::optional<std::string> GetNonce() const { return GetString(attr::kNonce); }
    std::optional<std::string> GetSoftware() const { return GetString(attr::kSoftware); }
    std::optional<Bytes> GetData() const;
    std::optional<std::uint32_t> GetLifetime() const { return GetU32(attr::kLifetime); }
    std::optional<std::uint32_t> GetPriority() const { return GetU32(attr::kPriority); }

    // Comprehension-required attribute types this codec does not know, in message order
    // without duplicates: what a server lists in UNKNOWN-ATTRIBUTES with a 420.
    std::vector<std::uint16_t> UnknownComprehensionRequired() const;
    // The first attribute of a type this codec knows whose value is malformed (wrong
    // length, bad family, ...), described; nullopt when all are well formed.
    std::optional<Error> ValidateKnownAttributes() const;

  private:
    Class m_class = Class::Request;
    std::uint16_t m_method = method::kBinding;
    TransactionId m_transaction_id{};
    std::vector<Attribute> m_attributes;
    Bytes m_raw;
};

// Whether this codec knows the attribute type (and can validate its value).
bool IsKnownAttribute(std::uint16_t type);
// "XOR-MAPPED-ADDRESS", ... or "0x1234".
std::string AttributeName(std::uint16_t type);

} // namespace cmslab::stun
