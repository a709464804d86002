#include "tls/datagram_bio.h"

#include <algorithm>
#include <cstring>

namespace cmslab::tls {

namespace {

DatagramQueue* QueueOf(BIO* bio) {
    return static_cast<DatagramQueue*>(BIO_get_data(bio));
}

int Write(BIO* bio, const char* data, int len) {
    BIO_clear_retry_flags(bio);
    DatagramQueue* q = QueueOf(bio);
    if (q == nullptr || len < 0)
        return -1;
    q->outbound.emplace_back(data, data + len);
    return len;
}

int Read(BIO* bio, char* out, int len) {
    BIO_clear_retry_flags(bio);
    DatagramQueue* q = QueueOf(bio);
    if (q == nullptr || q->inbound.empty()) {
        BIO_set_retry_read(bio);
        return -1;
    }
    Bytes datagram = std::move(q->inbound.front());
    q->inbound.pop_front();
    const int n = std::min(len, static_cast<int>(datagram.size()));
    if (n > 0)
        std::memcpy(out, datagram.data(), static_cast<std::size_t>(n));
    return n;
}

long Ctrl(BIO* bio, int cmd, long, void* ptr) {
    DatagramQueue* q = QueueOf(bio);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PENDING:
        return q != nullptr && !q->inbound.empty() ? static_cast<long>(q->inbound.front().size())
                                                   : 0;
    case BIO_CTRL_WPENDING:
        return 0;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
        return q != nullptr ? q->link_mtu - q->header_overhead : 0;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
        return q != nullptr ? q->header_overhead : 28;
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
        if (q != nullptr && q->on_timer && ptr != nullptr)
            q->on_timer(static_cast<timeval*>(ptr));
        return 1;
    case BIO_CTRL_DGRAM_SET_CONNECTED:
    case BIO_CTRL_DGRAM_CONNECT:
        return 1;
    default:
        // MTU_EXCEEDED, peer addresses, socket timeouts: nothing to say without a socket.
        return 0;
    }
}

int Create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

int Destroy(BIO* bio) {
    BIO_set_data(bio, nullptr);
    return 1;
}

BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
        BIO_METHOD* m =
            BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cmslab memory datagram");
        BIO_meth_set_write(m, Write);
        BIO_meth_set_read(m, Read);
        BIO_meth_set_ctrl(m, Ctrl);
        BIO_meth_set_create(m, Create);
        BIO_meth_set_destroy(m, Destroy);
        return m;
    }();
    return method;
}

} // namespace

BIO* NewDatagramBio(DatagramQueue* queue) {
    BIO* bio = BIO_new(Method());
    if (bio != nullptr)
        BIO_set_data(bio, queue);
    return bio;
}

void DetachDatagramBio(BIO* bio) {
    if (bio != nullptr)
        BIO_set_data(bio, nullptr);
}

} // namespace cmslab::tls
