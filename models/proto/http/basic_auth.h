// HTTP authentication pieces: the Basic scheme (RFC 7617) and challenges for
// WWW-Authenticate (RFC 9110 11.6.1), as the CMS API on its admin port uses them.
#pragma once

#include "common/expected.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmslab::http {

struct BasicCredentials {
    std::string user;
    std::string password;
    bool operator==(const BasicCredentials& o) const {
        return user == o.user && password == o.password;
    }
};

// The Authorization field value "Basic <base64(user:password)>". A user-id holding ':'
// cannot be carried (RFC 7617 2) and is refused.
Expected<std::string> EncodeBasicAuth(std::string_view user, std::string_view password);
// Parses an Authorization field value: scheme "Basic" in any case, one or more spaces,
// strict base64, split at the first ':'.
Expected<BasicCredentials> DecodeBasicAuth(std::string_view authorization);

// RFC 9110 quoted-string: wraps in '"' and escapes '"' and '\'.
std::string QuoteString(std::string_view text);
// A challenge: `Scheme name="value", name2="value2"`, every value quoted.
std::string BuildChallenge(std::string_view scheme,
                           const std::vector<std::pair<std::string, std::string>>& params);
// `Basic realm="..."`, with `charset="UTF-8"` when asked (RFC 7617 2.1).
std::string BasicChallenge(std::string_view realm, bool utf8_charset = false);

} // namespace cmslab::http
