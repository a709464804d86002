// Expressway-E's web proxy admission: a request is proxied only when its Host names a web
// bridge URL that Expressway-C announced over the tunnel; anything else gets 400 Bad
// Request from Expressway-E itself. This is the mechanism behind the "Bad Request" case of
// the deployment guide: Expressway-C configured with the internal URL announces a name
// the browser never asks for.
#pragma once

#include "common/bytes.h"
#include "http/message.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::expressway {

// "https://cmsweb.example.com:8443/x" or "cmsweb.example.com": the name the Host must
// carry (lower case, no trailing dot) and the port (0 when none was written).
struct WebBridgeName {
    std::string host;
    std::uint16_t port = 0;
};
// Empty host when the text is not a host name or an http(s) URL with one.
WebBridgeName ParseWebBridgeUrl(std::string_view url);

struct HostDecision {
    bool accepted = false;
    std::string web_bridge; // the learned URL's host that matched
    std::string host;       // the Host field as received ("" when absent)
    std::string reason;     // why refused, for the log
};

class HostPolicy {
  public:
    // `listen_port`: the port the proxy listens on, which a Host without a port means.
    explicit HostPolicy(std::uint16_t listen_port = 443) : m_port(listen_port) {}

    // Replaces the list (what Expressway-C announced last). URLs that do not parse are
    // ignored and returned.
    std::vector<std::string> SetWebBridges(const std::vector<std::string>& urls);
    const std::vector<WebBridgeName>& WebBridges() const { return m_names; }

    HostDecision Check(const http::RequestHead& request) const;
    HostDecision CheckHost(std::string_view host_value) const;

    // The answer to a refused request, as Expressway-E writes it.
    static http::Response BadRequest();
    static Bytes BadRequestBytes();

  private:
    std::uint16_t m_port;
    std::vector<WebBridgeName> m_names;
};

} // namespace cmslab::expressway
