// What a TLS or DTLS endpoint presents: its certificate, the private key, and the
// intermediates between the certificate and a root (the root itself is not sent).
#pragma once

#include <vector>

#include "pki/certificate.h"
#include "pki/private_key.h"

namespace cmslab::pki {

struct Identity {
    Certificate certificate;
    PrivateKey key;
    std::vector<Certificate> chain; // intermediates, nearest first; empty below a root
};

} // namespace cmslab::pki
