#include "stun/error_code.h"

namespace cmslab::stun {

std::string_view DefaultReason(std::uint16_t code) {
    switch (code) {
    case 300:
        return "Try Alternate";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 420:
        return "Unknown Attribute";
    case 431:
        return "Integrity Check Failure";
    case 437:
        return "Allocation Mismatch";
    case 438:
        return "Stale Nonce";
    case 440:
        return "Address Family not Supported";
    case 441:
        return "Wrong Credentials";
    case 442:
        return "Unsupported Transport Protocol";
    case 443:
        return "Peer Address Family Mismatch";
    case 486:
        return "Allocation Quota Reached";
    case 500:
        return "Server Error";
    case 508:
        return "Insufficient Capacity";
    default:
        return "";
    }
}

Bytes EncodeErrorCode(const ErrorCode& error) {
    const std::string reason =
        error.reason.empty() ? std::string(DefaultReason(error.code)) : error.reason;
    ByteWriter w(4 + reason.size());
    w.U16(0);
    w.U8(static_cast<std::uint8_t>((error.code / 100) & 0x07));
    w.U8(static_cast<std::uint8_t>(error.code % 100));
    w.Append(std::string_view(reason));
    return w.Take();
}

Expected<ErrorCode> DecodeErrorCode(ByteView value) {
    ByteReader r(value);
    std::uint16_t reserved = 0;
    std::uint8_t cls = 0, number = 0;
    if (!r.U16(reserved) || !r.U8(cls) || !r.U8(number))
        return Error{"ERROR-CODE shorter than 4 bytes"};
    cls &= 0x07;
    if (cls < 3 || cls > 6 || number > 99)
        return Error{"ERROR-CODE outside 300-699"};
    ErrorCode e;
    e.code = static_cast<std::uint16_t>(cls * 100 + number);
    e.reason = r.Rest().ToString();
    return e;
}

} // namespace cmslab::stun
