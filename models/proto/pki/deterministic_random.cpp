// RAND_set_rand_method is deprecated in OpenSSL 3.0 but still consulted first by
// RAND_bytes_ex / RAND_priv_bytes_ex, which every draw in libcrypto, libssl and the
// default provider goes through.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "pki/deterministic_random.h"

#include <algorithm>
#include <mutex>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace cmslab::pki {

namespace {

std::mutex g_mutex; // guards everything below except t_rng
int g_users = 0;    // live DeterministicRandom and RandomScope objects
const RAND_METHOD* g_saved = nullptr;
Rng* g_process_rng = nullptr; // innermost live DeterministicRandom
thread_local Rng* t_rng = nullptr;

int OpenSslOwnBytes(unsigned char* buf, int num) {
    // Straight to the DRBG: RAND_bytes would come back to this method.
    EVP_RAND_CTX* drbg = RAND_get0_public(nullptr);
    if (drbg == nullptr)
        return 0;
    while (num > 0) {
        const int chunk = std::min(num, 4096);
        if (EVP_RAND_generate(drbg, buf, static_cast<size_t>(chunk), 0, 0, nullptr, 0) != 1)
            return 0;
        buf += chunk;
        num -= chunk;
    }
    return 1;
}

int LabBytes(unsigned char* buf, int num) {
    if (num < 0)
        return 0;
    if (t_rng != nullptr) {
        t_rng->Fill(buf, static_cast<std::size_t>(num));
        return 1;
    }
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (g_process_rng != nullptr) {
            g_process_rng->Fill(buf, static_cast<std::size_t>(num));
            return 1;
        }
    }
    return OpenSslOwnBytes(buf, num);
}

int LabSeed(const void*, int) {
    return 1;
}
int LabAdd(const void*, int, double) {
    return 1;
}
int LabStatus() {
    return 1;
}

const RAND_METHOD g_method = {LabSeed, LabBytes, nullptr, LabAdd, LabBytes, LabStatus};

// Both called with g_mutex held.
void Acquire() {
    if (g_users++ == 0) {
        g_saved = RAND_get_rand_method();
        RAND_set_rand_method(&g_method);
    }
}

void Release() {
    if (--g_users == 0) {
        RAND_set_rand_method(g_saved != nullptr ? g_saved : RAND_OpenSSL());
        g_saved = nullptr;
    }
}

} // namespace

DeterministicRandom::DeterministicRandom(std::uint64_t seed) : DeterministicRandom(Rng(seed)) {}

DeterministicRandom::DeterministicRandom(const Rng& rng) : m_rng(rng) {
    std::lock_guard<std::mutex> lock(g_mutex);
    m_previous = g_process_rng;
    g_process_rng = &m_rng;
    Acquire();
}

DeterministicRandom::~DeterministicRandom() {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_process_rng = m_previous;
    Release();
}

RandomScope::RandomScope(Rng& rng) : m_previous(t_rng) {
    t_rng = &rng;
    std::lock_guard<std::mutex> lock(g_mutex);
    Acquire();
}

RandomScope::~RandomScope() {
    t_rng = m_previous;
    std::lock_guard<std::mutex> lock(g_mutex);
    Release();
}

bool DeterministicRandomInstalled() {
    return RAND_get_rand_method() == &g_method;
}

} // namespace cmslab::pki
