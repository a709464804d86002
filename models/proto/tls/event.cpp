#include "tls/event.h"

namespace cmslab::tls {

std::string VerifyError::ToString() const {
    std::string out = std::to_string(code) + " " + text + " (depth " + std::to_string(depth);
    if (!subject.empty())
        out += ", " + subject;
    return out + ")";
}

std::string Event::ToString() const {
    switch (kind) {
    case Kind::HandshakeDone: {
        std::string out = "handshake done: " + handshake.version + " " + handshake.cipher;
        if (!handshake.group.empty())
            out += " group=" + handshake.group;
        if (!handshake.alpn.empty())
            out += " alpn=" + handshake.alpn;
        if (!handshake.server_name.empty())
            out += " sni=" + handshake.server_name;
        if (!handshake.srtp_profile.empty())
            out += " srtp=" + handshake.srtp_profile;
        if (handshake.verify_result != 0)
            out += " verify_result=" + std::to_string(handshake.verify_result);
        return out;
    }
    case Kind::VerifyFailed:
        return "certificate verify failed: " + verify.ToString();
    case Kind::AlertSent:
        return "alert sent: " + alert.ToString();
    case Kind::AlertReceived:
        return "alert received: " + alert.ToString();
    case Kind::Closed:
        return "closed by the peer (close_notify)";
    case Kind::Failed:
        return "failed: " + detail;
    }
    return "?";
}

} // namespace cmslab::tls
