#include "message.h"

namespace cmslab::http {

std::string Version::ToString() const {
    return "HTTP/" + std::to_string(major) + "." + std::to_string(minor);
}

bool IsPersistent(const Version& version, const Headers& headers) {
    if (headers.HasToken("Connection", "close"))
        return false;
    if (version.AtLeast(1, 1))
        return true;
    return headers.HasToken("Connection", "keep-alive");
}

} // namespace cmslab::http
