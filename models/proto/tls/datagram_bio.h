// A BIO that keeps datagram boundaries over memory (OpenSSL 3.0 has no BIO_s_dgram_mem):
// each BIO_write becomes one datagram to send, each BIO_read returns one received
// datagram (cut to the reader's buffer, as UDP does). It answers the datagram ctrls
// DTLS asks (MTU, header overhead) and hands the retransmission timer to its owner.
// Internal to the package.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include <openssl/bio.h>
#include <sys/time.h>

#include "common/bytes.h"

namespace cmslab::tls {

struct DatagramQueue {
    std::deque<Bytes> inbound;
    std::vector<Bytes> outbound;
    // IPv4 + UDP headers: what DTLS_set_link_mtu subtracts from the link MTU.
    long header_overhead = 28;
    long link_mtu = 1500;
    // OpenSSL's BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT: a zero time stops the timer.
    std::function<void(timeval* next_timeout)> on_timer;
};

// A new BIO over `queue` (borrowed: it must outlive the BIO, or be detached first).
BIO* NewDatagramBio(DatagramQueue* queue);
void DetachDatagramBio(BIO* bio);

} // namespace cmslab::tls
