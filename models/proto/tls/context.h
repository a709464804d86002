// What TLS or DTLS connections of one role share: certificates, trust, ALPN, versions,
// key log (an SSL_CTX). One per box role; endpoints are made from it per connection.
#pragma once

#include <memory>
#include <vector>

#include <openssl/ssl.h>

#include "common/expected.h"
#include "common/rng.h"
#include "tls/config.h"

namespace cmslab::tls {

class Context {
  public:
    // Draws (OpenSSL's internal ticket and cookie keys) come from `rng`.
    static Expected<std::shared_ptr<Context>> Create(ContextConfig config, Rng& rng);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const ContextConfig& Config() const { return m_config; }
    Role GetRole() const { return m_config.role; }
    Transport GetTransport() const { return m_config.transport; }
    VerifyMode Verify() const { return m_verify; }

    // The identity a server serves for an SNI name: the first whose certificate matches,
    // else 0.
    std::size_t SelectIdentity(const std::string& server_name) const;
    // Intermediates of identity i as OpenSSL wants them.
    STACK_OF(X509) * ChainOf(std::size_t i) const { return m_chains.at(i); }

    SSL_CTX* Native() const { return m_ctx; }

  private:
    explicit Context(ContextConfig config);

    ContextConfig m_config;
    VerifyMode m_verify = VerifyMode::None;
    SSL_CTX* m_ctx = nullptr;
    std::vector<STACK_OF(X509)*> m_chains;
};

} // namespace cmslab::tls
