#include "cms/api_answers.h"

#include "cms/xml_text.h"

namespace cmslab::cms {

http::Response ApiXml(int status, std::string body) {
    http::Response r;
    r.status = status;
    if (!body.empty()) {
        body = "<?xml version=\"1.0\"?>" + body;
        r.headers.Add("Content-Type", "text/xml; charset=UTF-8");
    }
    r.headers.Add("Content-Length", std::to_string(body.size()));
    r.body.assign(body.begin(), body.end());
    return r;
}

http::Response ApiFailure(int status, const std::string& details) {
    return ApiXml(status, "<failureDetails>" + details + "</failureDetails>");
}

http::Response ApiParameterFailure(const ParameterError& e) {
    return ApiFailure(400, "<parameterError parameter=\"" + XmlEscape(e.parameter) + "\" error=\"" +
                               XmlEscape(e.error) + "\"/>");
}

http::Response ApiMethodNotAllowed(const char* allow) {
    auto r = ApiXml(405, "");
    r.headers.Add("Allow", allow);
    return r;
}

std::optional<std::int64_t> ApiNumber(std::string_view s, std::int64_t lo, std::int64_t hi) {
    if (s.empty() || s.size() > 10)
        return std::nullopt;
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        v = v * 10 + (c - '0');
    }
    if (v < lo || v > hi)
        return std::nullopt;
    return v;
}

} // namespace cmslab::cms
