// OpenSSL callbacks shared by the context and its endpoints (internal to the package).
// Each finds its endpoint through the SSL object's ex_data.
#pragma once

#include <openssl/ssl.h>

namespace cmslab::tls {

class EndpointBase;

int EndpointIndex();
EndpointBase* EndpointOf(const SSL* ssl);

int ServerNameCallback(SSL* ssl, int* alert, void* arg);
int VerifyChainCallback(X509_STORE_CTX* store, void* arg);
int CollectVerifyErrorCallback(int ok, X509_STORE_CTX* store);
void InfoCallback(const SSL* ssl, int where, int ret);
unsigned int DtlsTimerCallback(SSL* ssl, unsigned int previous_us);

} // namespace cmslab::tls
