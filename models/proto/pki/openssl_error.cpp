#include "pki/openssl_error.h"

#include <openssl/err.h>

namespace cmslab::pki {

std::string DrainOpenSslErrors() {
    std::string out;
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof(buf));
        if (!out.empty())
            out += "; ";
        out += buf;
    }
    return out;
}

Error OpenSslError(std::string_view what) {
    std::string message(what);
    const std::string detail = DrainOpenSslErrors();
    if (!detail.empty())
        message += ": " + detail;
    return Error{message};
}

} // namespace cmslab::pki
