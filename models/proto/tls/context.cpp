#include "tls/context.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki/deterministic_random.h"
#include "pki/openssl_error.h"
#include "tls/callbacks.h"

namespace cmslab::tls {

namespace {

int ContextIndex() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

const Context* ContextOf(const SSL* ssl) {
    return static_cast<const Context*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ContextIndex()));
}

void KeyLogCallback(const SSL* ssl, const char* line) {
    const Context* ctx = ContextOf(ssl);
    if (ctx != nullptr && ctx->Config().key_log)
        ctx->Config().key_log(line);
}

int AlpnSelectCallback(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void*) {
    const Context* ctx = ContextOf(ssl);
    if (ctx == nullptr)
        return SSL_TLSEXT_ERR_NOACK;
    // Server preference: the first configured protocol the client offers.
    for (const auto& mine : ctx->Config().alpn) {
        for (unsigned int i = 0; i < inlen;) {
            const unsigned int len = in[i];
            if (i + 1 + len > inlen)
                break;
            if (len == mine.size() && std::equal(mine.begin(), mine.end(), in + i + 1)) {
                *out = in + i + 1;
                *outlen = static_cast<unsigned char>(len);
                return SSL_TLSEXT_ERR_OK;
            }
            i += 1 + len;
        }
    }
    return ctx->Config().alpn_mismatch_fatal ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_NOACK;
}

bool IsDatagramVersion(ProtocolVersion v) {
    return v == ProtocolVersion::Dtls10 || v == ProtocolVersion::Dtls12;
}

} // namespace

Context::Context(ContextConfig config) : m_config(std::move(config)) {}

Context::~Context() {
    for (auto* chain : m_chains)
        sk_X509_pop_free(chain, X509_free);
    SSL_CTX_free(m_ctx);
}

std::size_t Context::SelectIdentity(const std::string& server_name) const {
    for (std::size_t i = 0; i < m_config.identities.size(); ++i)
        if (m_config.identities[i].certificate.MatchesHost(server_name))
            return i;
    return 0;
}

Expected<std::shared_ptr<Context>> Context::Create(ContextConfig config, Rng& rng) {
    pki::RandomScope scope(rng);
    ERR_clear_error();
    const bool datagram = config.transport == Transport::Datagram;
    for (auto v : {config.min_version, config.max_version})
        if (v && IsDatagramVersion(*v) != datagram)
            return Error{datagram ? "DTLS needs DTLS versions" : "TLS needs TLS versions"};
    if (config.role == Role::Server && config.identities.empty())
        return Error{"a server needs a certificate (identities is empty)"};
    for (const auto& p : config.alpn)
        if (p.empty() || p.size() > 255)
            return Error{"an ALPN protocol name must be 1 to 255 bytes"};
    for (const auto& id : config.identities)
        if (id.certificate.Empty() || id.key.Empty())
            return Error{"an identity lacks its certificate or key"};
    for (const auto& anchor : config.trust_anchors)
        if (anchor.Empty())
            return Error{"an empty trust anchor"};
    if (!config.srtp_profiles.empty() && !datagram)
        return Error{"use_srtp is a DTLS extension"};

    std::shared_ptr<Context> self(new Context(std::move(config)));
    const ContextConfig& c = self->m_config;
    self->m_verify =
        c.verify.value_or(c.role == Role::Client ? VerifyMode::Require : VerifyMode::None);
    SSL_CTX* ctx = SSL_CTX_new(datagram ? DTLS_method() : TLS_method());
    if (ctx == nullptr)
        return pki::OpenSslError("SSL_CTX_new failed");
    self->m_ctx = ctx;
    SSL_CTX_set_ex_data(ctx, ContextIndex(), self.get());

    const int min_version = static_cast<int>(
        c.min_version.value_or(datagram ? ProtocolVersion::Dtls12 : ProtocolVersion::Tls12));
    const int max_version = static_cast<int>(
        c.max_version.value_or(datagram ? ProtocolVersion::Dtls12 : ProtocolVersion::Tls13));
    if (!SSL_CTX_set_min_proto_version(ctx, min_version) ||
        !SSL_CTX_set_max_proto_version(ctx, max_version))
        return pki::OpenSslError("unsupported protocol version");

    // No stateless tickets (they embed the wall-clock time) and no session cache: every
    // connection is a full handshake, the same for the same seed.
    uint64_t options = SSL_OP_NO_TICKET;
    if (datagram)
        options |= SSL_OP_NO_QUERY_MTU; // the MTU comes from EndpointOptions, not a socket
    SSL_CTX_set_options(ctx, options);
    SSL_CTX_set_num_tickets(ctx, c.role == Role::Server ? c.session_tickets : 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

    if (!c.cipher_list.empty() && !SSL_CTX_set_cipher_list(ctx, c.cipher_list.c_str()))
        return pki::OpenSslError("invalid cipher_list \"" + c.cipher_list + "\"");
    if (!c.cipher_suites.empty() && !SSL_CTX_set_ciphersuites(ctx, c.cipher_suites.c_str()))
        return pki::OpenSslError("invalid cipher_suites \"" + c.cipher_suites + "\"");
    if (!c.groups.empty() && !SSL_CTX_set1_groups_list(ctx, c.groups.c_str()))
        return pki::OpenSslError("invalid groups \"" + c.groups + "\"");

    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (const auto& anchor : c.trust_anchors)
        if (!X509_STORE_add_cert(store, anchor.Native()))
            return pki::OpenSslError("cannot add trust anchor " + anchor.Subject());

    for (const auto& id : c.identities) {
        STACK_OF(X509)* chain = sk_X509_new_null();
        for (const auto& inter : id.chain) {
            X509_up_ref(inter.Native());
            sk_X509_push(chain, inter.Native());
        }
        self->m_chains.push_back(chain);
    }
    if (!c.identities.empty()) {
        const auto& id = c.identities[0];
        if (SSL_CTX_use_cert_and_key(ctx, id.certificate.Native(), id.key.Native(),
                                     self->m_chains[0], 1) != 1)
            return pki::OpenSslError("certificate and key rejected for " +
                                     id.certificate.Subject());
    }

    if (c.role == Role::Client && !c.alpn.empty()) {
        Bytes wire;
        for (const auto& p : c.alpn) {
            wire.push_back(static_cast<std::uint8_t>(p.size()));
            wire.insert(wire.end(), p.begin(), p.end());
        }
        if (SSL_CTX_set_alpn_protos(ctx, wire.data(), static_cast<unsigned>(wire.size())) != 0)
            return pki::OpenSslError("cannot set ALPN");
    }
    if (c.role == Role::Server && !c.alpn.empty())
        SSL_CTX_set_alpn_select_cb(ctx, AlpnSelectCallback, nullptr);
    if (c.role == Role::Server)
        SSL_CTX_set_tlsext_servername_callback(ctx, ServerNameCallback);

    if (!c.srtp_profiles.empty()) {
        std::string list;
        for (const auto& p : c.srtp_profiles)
            list += (list.empty() ? "" : ":") + p;
        // Returns 0 on success, unlike the rest of the API.
        if (SSL_CTX_set_tlsext_use_srtp(ctx, list.c_str()) != 0)
            return pki::OpenSslError("unknown SRTP profile in \"" + list + "\"");
    }

    SSL_CTX_set_cert_verify_callback(ctx, VerifyChainCallback, nullptr);
    SSL_CTX_set_keylog_callback(ctx, KeyLogCallback);
    return self;
}

} // namespace cmslab::tls
