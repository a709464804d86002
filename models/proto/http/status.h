// Status codes: reason phrases (RFC 9110 wording) and which codes carry no content.
#pragma once

#include <string_view>

namespace cmslab::http {

// The RFC 9110 reason phrase; "Unknown" for codes without one here.
std::string_view ReasonPhrase(int status);

// RFC 9110 6.4.1 and 9112 6.3: responses that never carry content.
inline bool StatusHasNoBody(int status) {
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

} // namespace cmslab::http
