// What an administrator sets for a box's TLS services: the protocol versions it speaks
// and its TLS 1.2 cipher list. Products of one era differ here (a 2017 server speaks TLS
// 1.2 at most), and two boxes whose settings do not overlap fail their handshake, as
// they would in the field. The values come from the scenario; unset keeps OpenSSL's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tls/config.h"

namespace cmslab::tls {

struct Policy {
    std::optional<ProtocolVersion> min_version;
    std::optional<ProtocolVersion> max_version;
    std::string cipher_list; // TLS 1.2, OpenSSL cipher-list syntax; "" keeps OpenSSL's
};

// OpenSSL's protocol names ("TLSv1.2", "TLSv1.3"), as `openssl s_client` and nginx's
// ssl_protocols spell them. Only the stream versions the lab's OpenSSL negotiates.
std::optional<ProtocolVersion> ParseTlsVersionName(std::string_view name);
std::string TlsVersionName(ProtocolVersion version);

// Why OpenSSL would refuse `cipher_list` (no cipher of it usable, or bad syntax); empty
// when it is accepted.
std::string CipherListProblem(const std::string& cipher_list);

// A stream context's versions and cipher list from the policy (DTLS keeps its own).
void ApplyPolicy(const Policy& policy, ContextConfig& config);

} // namespace cmslab::tls
