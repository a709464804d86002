#include "serializer.h"

#include "http/status.h"

#include <cstdio>

namespace cmslab::http {

namespace {

// Built as text, turned into bytes once: appending to an empty std::vector<uint8_t>
// trips a false -Wstringop-overflow in g++ 12.
Bytes ToBytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

void AppendFields(std::string& out, const Headers& headers) {
    for (const auto& f : headers) {
        out += f.name;
        out += ": ";
        out += f.value;
        out += "\r\n";
    }
}

bool IsChunked(const Headers& headers) {
    const auto codings = headers.Tokens("Transfer-Encoding");
    return !codings.empty() && codings.back() == "chunked";
}

std::string HeadText(const RequestHead& head) {
    std::string out = head.method + " " + head.target + " " + head.version.ToString() + "\r\n";
    AppendFields(out, head.headers);
    out += "\r\n";
    return out;
}

std::string HeadText(const ResponseHead& head) {
    std::string out = head.version.ToString() + " " + std::to_string(head.status) + " ";
    out += head.reason.empty() ? ReasonPhrase(head.status) : std::string_view(head.reason);
    out += "\r\n";
    AppendFields(out, head.headers);
    out += "\r\n";
    return out;
}

void AppendChunk(std::string& out, ByteView data) {
    if (data.empty())
        return;
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size);
    out += size;
    out.append(reinterpret_cast<const char*>(data.data), data.size);
    out += "\r\n";
}

void AppendLastChunk(std::string& out, const Headers& trailers) {
    out += "0\r\n";
    AppendFields(out, trailers);
    out += "\r\n";
}

// Head and body, chunked when the fields say so.
Bytes WithBody(std::string head_text, const Headers& headers, ByteView body,
               const Headers& trailers) {
    if (IsChunked(headers)) {
        AppendChunk(head_text, body);
        AppendLastChunk(head_text, trailers);
    } else {
        head_text.append(reinterpret_cast<const char*>(body.data), body.size);
    }
    return ToBytes(head_text);
}

} // namespace

Bytes SerializeHead(const RequestHead& head) {
    return ToBytes(HeadText(head));
}

Bytes SerializeHead(const ResponseHead& head) {
    return ToBytes(HeadText(head));
}

Bytes Serialize(const Request& request) {
    RequestHead head = request;
    const bool wants_length = !request.body.empty() || head.method == "POST" ||
                              head.method == "PUT" || head.method == "PATCH";
    if (!IsChunked(head.headers) && wants_length && !head.headers.Has("Content-Length"))
        head.headers.Add("Content-Length", std::to_string(request.body.size()));
    return WithBody(HeadText(head), head.headers, request.body, request.trailers);
}

Bytes Serialize(const Response& response) {
    ResponseHead head = response;
    if (StatusHasNoBody(head.status))
        return SerializeHead(head);
    if (!IsChunked(head.headers) && !head.headers.Has("Content-Length"))
        head.headers.Add("Content-Length", std::to_string(response.body.size()));
    return WithBody(HeadText(head), head.headers, response.body, response.trailers);
}

Bytes EncodeChunk(ByteView data) {
    std::string out;
    AppendChunk(out, data);
    return ToBytes(out);
}

Bytes EncodeLastChunk(const Headers& trailers) {
    std::string out;
    AppendLastChunk(out, trailers);
    return ToBytes(out);
}

Response ErrorResponse(int status, std::string_view detail) {
    Response r;
    r.status = status;
    std::string text = std::to_string(status) + " " + std::string(ReasonPhrase(status));
    if (!detail.empty())
        text += ": " + std::string(detail);
    text += "\n";
    r.headers.Add("Content-Type", "text/plain; charset=utf-8");
    r.headers.Add("Content-Length", std::to_string(text.size()));
    r.headers.Add("Connection", "close");
    r.body.assign(text.begin(), text.end());
    return r;
}

} // namespace cmslab::http
