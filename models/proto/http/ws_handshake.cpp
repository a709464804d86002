#include "ws_handshake.h"

#include "http/base64.h"

#include <openssl/evp.h>

#include <algorithm>

namespace cmslab::ws {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::vector<std::string> OfferedProtocols(const http::Headers& headers) {
    // Subprotocol names are case-sensitive, so Headers::Tokens (lower-case) will not do.
    std::vector<std::string> out;
    for (const auto& value : headers.GetAll("Sec-WebSocket-Protocol")) {
        std::string_view rest = value;
        while (true) {
            const auto comma = rest.find(',');
            const auto item = http::TrimOws(rest.substr(0, comma));
            if (!item.empty())
                out.emplace_back(item);
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    return out;
}

ServerHandshake Refuse(int status, std::string error) {
    ServerHandshake h;
    h.accepted = false;
    h.error = error;
    h.response.status = status;
    if (status == 426)
        h.response.headers.Add("Sec-WebSocket-Version", "13");
    const std::string body = error + "\n";
    h.response.headers.Add("Content-Type", "text/plain; charset=utf-8");
    h.response.headers.Add("Content-Length", std::to_string(body.size()));
    h.response.body.assign(body.begin(), body.end());
    return h;
}

} // namespace

std::string AcceptKey(std::string_view client_key) {
    std::string input(client_key);
    input += kGuid;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha1(), nullptr);
    return http::Base64Encode(ByteView(digest, len));
}

std::string GenerateKey(Rng& rng) {
    std::uint8_t nonce[16];
    rng.Fill(nonce, sizeof nonce);
    return http::Base64Encode(ByteView(nonce, sizeof nonce));
}

ClientHandshake BuildClientHandshake(Rng& rng, std::string_view host, std::string_view target,
                                     std::string_view origin,
                                     const std::vector<std::string>& protocols) {
    ClientHandshake h;
    h.key = GenerateKey(rng);
    auto& r = h.request;
    r.method = "GET";
    r.target = std::string(target);
    r.headers.Add("Host", std::string(host));
    r.headers.Add("Upgrade", "websocket");
    r.headers.Add("Connection", "Upgrade");
    r.headers.Add("Sec-WebSocket-Key", h.key);
    r.headers.Add("Sec-WebSocket-Version", "13");
    if (!origin.empty())
        r.headers.Add("Origin", std::string(origin));
    if (!protocols.empty()) {
        std::string list;
        for (const auto& p : protocols)
            list += (list.empty() ? "" : ", ") + p;
        r.headers.Add("Sec-WebSocket-Protocol", list);
    }
    return h;
}

bool IsUpgradeRequest(const http::RequestHead& request) {
    return request.headers.HasToken("Upgrade", "websocket");
}

ServerHandshake AnswerHandshake(const http::RequestHead& request,
                                const std::vector<std::string>& supported) {
    const auto& h = request.headers;
    if (request.method != "GET")
        return Refuse(400, "WebSocket handshake must be a GET");
    if (!request.version.AtLeast(1, 1))
        return Refuse(400, "WebSocket handshake needs HTTP/1.1");
    if (!h.Has("Host"))
        return Refuse(400, "WebSocket handshake without Host");
    if (!h.HasToken("Upgrade", "websocket"))
        return Refuse(400, "Upgrade is not websocket");
    if (!h.HasToken("Connection", "upgrade"))
        return Refuse(400, "Connection does not list upgrade");
    const auto version = h.GetAll("Sec-WebSocket-Version");
    if (version.size() != 1 || http::TrimOws(version.front()) != "13")
        return Refuse(426, "unsupported Sec-WebSocket-Version");
    const auto keys = h.GetAll("Sec-WebSocket-Key");
    if (keys.size() != 1)
        return Refuse(400, "missing or repeated Sec-WebSocket-Key");
    const auto key = std::string(http::TrimOws(keys.front()));
    const auto nonce = http::Base64Decode(key);
    if (!nonce || nonce->size() != 16)
        return Refuse(400, "Sec-WebSocket-Key is not 16 bytes in base64");

    ServerHandshake out;
    out.accepted = true;
    for (const auto& p : OfferedProtocols(h)) {
        if (std::find(supported.begin(), supported.end(), p) != supported.end()) {
            out.protocol = p;
            break;
        }
    }
    out.response.status = 101;
    out.response.headers.Add("Upgrade", "websocket");
    out.response.headers.Add("Connection", "Upgrade");
    out.response.headers.Add("Sec-WebSocket-Accept", AcceptKey(key));
    if (out.protocol)
        out.response.headers.Add("Sec-WebSocket-Protocol", *out.protocol);
    return out;
}

Expected<std::optional<std::string>> CheckServerHandshake(const http::ResponseHead& response,
                                                          std::string_view key,
                                                          const std::vector<std::string>& offered) {
    const auto& h = response.headers;
    if (response.status != 101)
        return Error{"server answered " + std::to_string(response.status) + ", not 101"};
    if (!h.HasToken("Upgrade", "websocket"))
        return Error{"Upgrade is not websocket"};
    if (!h.HasToken("Connection", "upgrade"))
        return Error{"Connection does not list upgrade"};
    const auto accepts = h.GetAll("Sec-WebSocket-Accept");
    if (accepts.size() != 1 || http::TrimOws(accepts.front()) != AcceptKey(key))
        return Error{"wrong Sec-WebSocket-Accept"};
    if (h.Has("Sec-WebSocket-Extensions"))
        return Error{"server chose an extension that was not offered"};
    const auto chosen = OfferedProtocols(h);
    if (chosen.empty())
        return std::optional<std::string>();
    if (chosen.size() != 1 ||
        std::find(offered.begin(), offered.end(), chosen.front()) == offered.end())
        return Error{"server chose a subprotocol that was not offered"};
    return std::optional<std::string>(chosen.front());
}

} // namespace cmslab::ws
