#include "held_delivery.h"

#include <utility>

namespace cmslab::devices::net::detail {

bool HeldDelivery::SetOnData(ByteStream::DataHandler handler) {
    m_on_data = std::move(handler);
    return m_on_data && !m_held.empty();
}

bool HeldDelivery::SetOnClosed(ByteStream::ClosedHandler handler) {
    m_on_closed = std::move(handler);
    return m_on_closed && m_pending_close;
}

void HeldDelivery::Hand(const Bytes& data) {
    m_delivered += data.size();
    // A copy: the handler may replace or clear itself while it runs.
    ByteStream::DataHandler handler = m_on_data;
    handler(data);
}

void HeldDelivery::Deliver(const Bytes& data) {
    if (!m_on_data || !m_held.empty()) {
        m_held.insert(m_held.end(), data.begin(), data.end());
        return;
    }
    Hand(data);
}

void HeldDelivery::Report(CloseInfo info) {
    if (!m_held.empty() || !m_on_closed) {
        m_pending_close = std::move(info);
        return;
    }
    ByteStream::ClosedHandler handler = std::move(m_on_closed);
    m_on_closed = nullptr;
    handler(info);
}

void HeldDelivery::DeliverHeldData() {
    while (!m_held.empty() && m_on_data) {
        Bytes data = std::move(m_held);
        m_held.clear();
        Hand(data);
    }
}

void HeldDelivery::DeliverPendingClose() {
    if (!m_held.empty() || !m_pending_close || !m_on_closed)
        return;
    CloseInfo info = std::move(*m_pending_close);
    m_pending_close.reset();
    ByteStream::ClosedHandler handler = std::move(m_on_closed);
    m_on_closed = nullptr;
    handler(info);
}

void HeldDelivery::Clear() {
    m_on_data = nullptr;
    m_on_closed = nullptr;
    m_held.clear();
    m_pending_close.reset();
}

} // namespace cmslab::devices::net::detail
