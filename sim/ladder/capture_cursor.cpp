#include "ladder/capture_cursor.h"

#include <functional>
#include <string_view>
#include <utility>

namespace cmslab::ladder::detail {

Expected<CaptureCursor> CaptureCursor::Open(const std::string& path, std::size_t index,
                                            double start_epoch) {
    auto reader = diagnosis::PcapReader::OpenFile(path);
    if (!reader)
        return Error{reader.Message()};
    return CaptureCursor(std::move(*reader), index, start_epoch);
}

CaptureCursor::CaptureCursor(diagnosis::PcapReader reader, std::size_t index, double start_epoch)
    : m_reader(std::move(reader)), m_index(index), m_start_epoch(start_epoch) {
    Advance();
}

Candidate CaptureCursor::Take() {
    Candidate c = std::move(*m_next);
    Advance();
    return c;
}

std::size_t CaptureCursor::TimesSent(const std::string& request) const {
    auto it = m_requests.find(request);
    return it == m_requests.end() ? 0 : it->second;
}

void CaptureCursor::Advance() {
    m_next.reset();
    while (auto packet = m_reader.Next()) {
        const diagnosis::PcapPacket& p = *packet;
        std::vector<Message> messages = m_decoder.Decode(p);
        if (messages.empty())
            continue;
        Candidate c;
        c.t = double(p.ts_sec) + p.ts_usec / 1e6 - m_start_epoch;
        c.capture = m_index;
        c.frame = p.number;
        c.src = p.src;
        c.dst = p.dst;
        if (p.transport == diagnosis::Transport::Other) {
            c.src = Endpoint{p.ip_src, 0};
            c.dst = Endpoint{p.ip_dst, 0};
        }
        c.key = {p.ip_protocol,
                 p.ip_id,
                 p.src.port,
                 p.dst.port,
                 p.tcp_seq,
                 std::hash<std::string_view>{}(std::string_view(
                     reinterpret_cast<const char*>(p.payload.data()), p.payload.size()))};
        for (const Message& m : messages) {
            if (m.transaction.empty())
                continue;
            if (m.answers) {
                m_answered.insert(m.transaction);
            } else {
                ++m_requests[m.transaction];
                c.request = m.transaction;
            }
        }
        c.messages = std::move(messages);
        m_showed_any = true;
        m_next = std::move(c);
        return;
    }
}

} // namespace cmslab::ladder::detail
