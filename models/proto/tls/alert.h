// TLS alerts (RFC 8446 section 6, RFC 5246 section 7.2) as the lab reports them.
#pragma once

#include <cstdint>
#include <string>

namespace cmslab::tls {

struct Alert {
    bool fatal = true;
    std::uint8_t description = 0;

    // "bad_certificate", the RFC's name; "alert_<n>" for unknown values.
    std::string Name() const;
    // "fatal bad_certificate (42)"
    std::string ToString() const;
    bool operator==(const Alert& o) const {
        return fatal == o.fatal && description == o.description;
    }
};

// Description codes the lab tests and diagnoses name.
namespace alert {
constexpr std::uint8_t kCloseNotify = 0;
constexpr std::uint8_t kUnexpectedMessage = 10;
constexpr std::uint8_t kHandshakeFailure = 40;
constexpr std::uint8_t kBadCertificate = 42;
constexpr std::uint8_t kUnsupportedCertificate = 43;
constexpr std::uint8_t kCertificateRevoked = 44;
constexpr std::uint8_t kCertificateExpired = 45;
constexpr std::uint8_t kCertificateUnknown = 46;
constexpr std::uint8_t kIllegalParameter = 47;
constexpr std::uint8_t kUnknownCa = 48;
constexpr std::uint8_t kDecodeError = 50;
constexpr std::uint8_t kDecryptError = 51;
constexpr std::uint8_t kProtocolVersion = 70;
constexpr std::uint8_t kInternalError = 80;
constexpr std::uint8_t kCertificateRequired = 116;
constexpr std::uint8_t kUnrecognizedName = 112;
constexpr std::uint8_t kNoApplicationProtocol = 120;
} // namespace alert

std::string AlertDescriptionName(std::uint8_t description);

} // namespace cmslab::tls
