#include "byte_stream.h"

namespace cmslab::devices::net {

const char* ToString(CloseReason reason) {
    switch (reason) {
    case CloseReason::Normal:
        return "normal";
    case CloseReason::Reset:
        return "reset";
    case CloseReason::Refused:
        return "refused";
    case CloseReason::Timeout:
        return "timeout";
    case CloseReason::Unreachable:
        return "unreachable";
    case CloseReason::TlsFailed:
        return "tls failed";
    case CloseReason::ProtocolError:
        return "protocol error";
    case CloseReason::Local:
        return "local";
    }
    return "unknown";
}

std::string CloseInfo::ToString() const {
    std::string out = net::ToString(reason);
    if (!detail.empty())
        out += ": " + detail;
    return out;
}

} // namespace cmslab::devices::net
