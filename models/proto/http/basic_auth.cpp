#include "basic_auth.h"

#include "http/base64.h"
#include "http/headers.h"

namespace cmslab::http {

Expected<std::string> EncodeBasicAuth(std::string_view user, std::string_view password) {
    if (user.find(':') != std::string_view::npos)
        return Error{"a Basic auth user-id cannot contain ':'"};
    std::string pair(user);
    pair += ':';
    pair += password;
    return "Basic " + Base64Encode(ByteView(pair));
}

Expected<BasicCredentials> DecodeBasicAuth(std::string_view authorization) {
    const auto value = TrimOws(authorization);
    const auto sp = value.find(' ');
    if (sp == std::string_view::npos || !EqualsIgnoreCase(value.substr(0, sp), "Basic"))
        return Error{"not a Basic authorization"};
    auto token = value.substr(sp);
    while (!token.empty() && token.front() == ' ')
        token.remove_prefix(1);
    auto decoded = Base64Decode(token);
    if (!decoded)
        return Error{"Basic credentials: " + decoded.Message()};
    const std::string pair(decoded->begin(), decoded->end());
    const auto colon = pair.find(':');
    if (colon == std::string::npos)
        return Error{"Basic credentials without ':'"};
    return BasicCredentials{pair.substr(0, colon), pair.substr(colon + 1)};
}

std::string QuoteString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
    return out;
}

std::string BuildChallenge(std::string_view scheme,
                           const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out(scheme);
    bool first = true;
    for (const auto& [name, value] : params) {
        out += first ? " " : ", ";
        first = false;
        out += name;
        out += '=';
        out += QuoteString(value);
    }
    return out;
}

std::string BasicChallenge(std::string_view realm, bool utf8_charset) {
    std::vector<std::pair<std::string, std::string>> params{{"realm", std::string(realm)}};
    if (utf8_charset)
        params.emplace_back("charset", "UTF-8");
    return BuildChallenge("Basic", params);
}

} // namespace cmslab::http
