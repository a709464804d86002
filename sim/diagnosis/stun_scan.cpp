#include "diagnosis/stun_scan.h"

#include "stun/demux.h"
#include "stun/message.h"

namespace cmslab::diagnosis {

std::string StunPacket::Describe() const {
    std::string text =
        stun::MethodName(method) + " " + stun::ClassName(static_cast<stun::Class>(cls));
    if (error_code)
        text +=
            " " + std::to_string(*error_code) + (error_reason.empty() ? "" : " " + error_reason);
    if (username)
        text += " user: " + *username;
    if (realm)
        text += " realm: " + *realm;
    if (has_integrity)
        text += " with integrity";
    return text;
}

std::optional<StunPacket> StunOf(const PcapPacket& p) {
    if (p.transport == Transport::Other || p.payload.empty())
        return std::nullopt;
    ByteView bytes(p.payload);
    if (p.transport == Transport::Tcp) {
        // The first message of the segment only; its length says where it ends.
        if (bytes.size < stun::kHeaderSize || !stun::LooksLikeStun(bytes.Sub(0, stun::kHeaderSize)))
            return std::nullopt;
        const std::size_t length = std::size_t(bytes[2]) << 8 | bytes[3];
        bytes = bytes.Sub(0, stun::kHeaderSize + length);
    }
    if (!stun::LooksLikeStun(bytes))
        return std::nullopt;
    auto message = stun::Message::Decode(bytes);
    if (!message)
        return std::nullopt;
    StunPacket s;
    s.number = p.number;
    s.transport = p.transport;
    s.src = p.src;
    s.dst = p.dst;
    s.method = message->Method();
    s.cls = static_cast<std::uint8_t>(message->MessageClass());
    s.transaction_id = ToHex(ByteView(message->Id().data(), message->Id().size()));
    if (auto error = message->GetErrorCode()) {
        s.error_code = error->code;
        s.error_reason = error->reason;
    }
    s.username = message->GetUsername();
    s.realm = message->GetRealm();
    s.has_integrity = message->Has(stun::attr::kMessageIntegrity) ||
                      message->Has(stun::attr::kMessageIntegritySha256);
    return s;
}

std::vector<StunPacket> FindStun(const PcapFile& capture) {
    std::vector<StunPacket> out;
    for (const PcapPacket& p : capture.packets)
        if (auto s = StunOf(p))
            out.push_back(std::move(*s));
    return out;
}

} // namespace cmslab::diagnosis
