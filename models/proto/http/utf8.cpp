#include "utf8.h"

namespace cmslab::ws {

bool IsValidUtf8(ByteView text) {
    std::size_t i = 0;
    while (i < text.size) {
        const std::uint8_t c = text[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = 0;
        std::uint8_t lo = 0x80, hi = 0xbf; // allowed range of the second byte
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
        } else if (c == 0xe0) {
            n = 2;
            lo = 0xa0;
        } else if (c == 0xed) {
            n = 2;
            hi = 0x9f;
        } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
            n = 2;
        } else if (c == 0xf0) {
            n = 3;
            lo = 0x90;
        } else if (c >= 0xf1 && c <= 0xf3) {
            n = 3;
        } else if (c == 0xf4) {
            n = 3;
            hi = 0x8f;
        } else {
            return false;
        }
        if (i + n >= text.size)
            return false;
        if (text[i + 1] < lo || text[i + 1] > hi)
            return false;
        for (std::size_t k = 2; k <= n; ++k) {
            if ((text[i + k] & 0xc0) != 0x80)
                return false;
        }
        i += n + 1;
    }
    return true;
}

} // namespace cmslab::ws
