#include "tls/policy.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace cmslab::tls {

std::optional<ProtocolVersion> ParseTlsVersionName(std::string_view name) {
    if (name == "TLSv1.2")
        return ProtocolVersion::Tls12;
    if (name == "TLSv1.3")
        return ProtocolVersion::Tls13;
    return std::nullopt;
}

std::string TlsVersionName(ProtocolVersion version) {
    switch (version) {
    case ProtocolVersion::Tls12:
        return "TLSv1.2";
    case ProtocolVersion::Tls13:
        return "TLSv1.3";
    case ProtocolVersion::Dtls10:
        return "DTLSv1";
    case ProtocolVersion::Dtls12:
        return "DTLSv1.2";
    }
    return "unknown";
}

std::string CipherListProblem(const std::string& cipher_list) {
    if (cipher_list.empty())
        return "the cipher list is empty";
    SSL_CTX* ctx = SSL_CTX_new(TLS_method());
    if (ctx == nullptr)
        return "OpenSSL cannot make a context to check it";
    ERR_clear_error();
    const bool ok = SSL_CTX_set_cipher_list(ctx, cipher_list.c_str()) == 1;
    SSL_CTX_free(ctx);
    std::string why;
    if (!ok) {
        char text[256] = {};
        ERR_error_string_n(ERR_peek_last_error(), text, sizeof text);
        why = "OpenSSL accepts no TLS 1.2 cipher of \"" + cipher_list + "\" (" + text + ")";
    }
    ERR_clear_error();
    return why;
}

void ApplyPolicy(const Policy& policy, ContextConfig& config) {
    if (config.transport != Transport::Stream)
        return;
    config.min_version = policy.min_version;
    config.max_version = policy.max_version;
    config.cipher_list = policy.cipher_list;
}

} // namespace cmslab::tls
