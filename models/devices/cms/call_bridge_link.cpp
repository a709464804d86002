#include "cms/call_bridge_link.h"

#include "log_lines/cms_lines.h"

#include <cctype>

namespace cmslab::cms {

Expected<ParsedUri> ParseHttpsUri(std::string_view uri) {
    constexpr std::string_view kScheme = "https://";
    if (uri.size() < kScheme.size())
        return Error{"not an https URI"};
    for (std::size_t i = 0; i < kScheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(uri[i])) != kScheme[i])
            return Error{"not an https URI"};
    uri.remove_prefix(kScheme.size());
    uri = uri.substr(0, uri.find('/'));
    ParsedUri out;
    std::string_view host = uri;
    if (!uri.empty() && uri.front() == '[') {
        const auto close = uri.find(']');
        if (close == std::string_view::npos)
            return Error{"bad IPv6 literal"};
        host = uri.substr(1, close - 1);
        uri.remove_prefix(close + 1);
        if (!uri.empty() && uri.front() != ':')
            return Error{"junk after host"};
    } else {
        const auto colon = uri.find(':');
        host = uri.substr(0, colon);
        uri = colon == std::string_view::npos ? std::string_view{} : uri.substr(colon);
    }
    if (host.empty())
        return Error{"URI without host"};
    if (!uri.empty()) {
        uri.remove_prefix(1);
        if (uri.empty() || uri.size() > 5)
            return Error{"bad port"};
        unsigned port = 0;
        for (char c : uri) {
            if (c < '0' || c > '9')
                return Error{"bad port"};
            port = port * 10 + static_cast<unsigned>(c - '0');
        }
        if (port == 0 || port > 65535)
            return Error{"bad port"};
        out.port = static_cast<std::uint16_t>(port);
    }
    out.host = std::string(host);
    return out;
}

CallBridgeLink::CallBridgeLink(std::string uri, LogSink log, Duration retry_interval,
                               std::uint64_t first_link)
    : m_uri(std::move(uri)), m_log(std::move(log)), m_retry(retry_interval),
      m_link(first_link - 1) {
    const auto parsed = ParseHttpsUri(m_uri);
    if (parsed) {
        m_host = parsed->host;
        m_port = parsed->port;
        m_host_is_address = IpAddress::Parse(m_host).has_value();
    }
}

void CallBridgeLink::Log(std::string_view level, const std::string& text) const {
    if (m_log)
        m_log(level, text);
}

std::vector<std::string> CallBridgeLink::Alarms() const {
    if (m_fault.empty())
        return {};
    return {kGuestAccountConnectionFailure};
}

LinkStep CallBridgeLink::Start(Instant now) {
    if (m_host.empty()) {
        m_state = State::Unusable;
        m_fault = "Web bridge connection to \"" + m_uri + "\" failed (invalid URI)";
        Log(kError, "web bridge link: guest account client URI \"" + m_uri + "\" is not usable");
        return {};
    }
    return Attempt(now);
}

LinkStep CallBridgeLink::Attempt(Instant now) {
    ++m_link;
    if (m_host_is_address) {
        m_state = State::Connecting;
        LinkStep step;
        step.action = LinkStep::Do::Connect;
        step.endpoint = Endpoint{*IpAddress::Parse(m_host), m_port};
        return step;
    }
    (void)now;
    m_state = State::Resolving;
    LinkStep step;
    step.action = LinkStep::Do::Resolve;
    step.host = m_host;
    return step;
}

LinkStep CallBridgeLink::Fail(Instant now, const char* kind) {
    m_state = State::WaitingToRetry;
    m_up_since.reset();
    const std::string fault = "Web bridge connection to \"" + m_host + "\" failed (" + kind + ")";
    Log(kWarning, log_lines::WebBridgeConnectFailed::Format({m_link}));
    // The fault goes to the log when it is raised (or changes), as the status page's
    // fault conditions list it; retries that fail the same way do not repeat it.
    if (fault != m_fault)
        Log(kWarning, fault);
    m_fault = fault;
    LinkStep step;
    step.timer = now + m_retry;
    return step;
}

LinkStep CallBridgeLink::OnResolved(Instant now,
                                    const Expected<std::vector<IpAddress>>& addresses) {
    if (m_state != State::Resolving)
        return {};
    if (!addresses || addresses->empty()) {
        Log(kWarning, log_lines::WebBridgeNameResolutionFailed::Format({m_link, m_host}));
        return Fail(now, "DNS failure");
    }
    m_state = State::Connecting;
    LinkStep step;
    step.action = LinkStep::Do::Connect;
    step.endpoint = Endpoint{addresses->front(), m_port};
    return step;
}

LinkStep CallBridgeLink::OnConnected(Instant now, bool ok) {
    if (m_state != State::Connecting)
        return {};
    if (!ok)
        return Fail(now, "connect failure");
    m_state = State::Handshaking;
    LinkStep step;
    step.action = LinkStep::Do::StartTls;
    step.host = m_host;
    return step;
}

LinkStep CallBridgeLink::OnTlsDone(Instant now, bool ok, const std::string& error) {
    if (m_state != State::Handshaking)
        return {};
    if (!ok) {
        if (!error.empty())
            Log(kWarning, log_lines::WebBridgeTlsFailed::Format({m_link, error}));
        LinkStep step = Fail(now, "connect failure");
        step.action = LinkStep::Do::Close;
        return step;
    }
    m_state = State::Up;
    m_up_since = now;
    if (!m_fault.empty())
        Log(kInfo, "web bridge link " + std::to_string(m_link) + ": connection to \"" + m_host +
                       "\" restored");
    else
        Log(kInfo, "web bridge link " + std::to_string(m_link) + ": connection to \"" + m_host +
                       "\" established");
    m_fault.clear();
    return {};
}

LinkStep CallBridgeLink::OnClosed(Instant now) {
    if (m_state == State::Up) {
        Log(kWarning, "web bridge link " + std::to_string(m_link) + ": connection lost");
        return Fail(now, "connect failure");
    }
    if (m_state == State::Handshaking)
        return OnTlsDone(now, false, "connection closed during handshake");
    if (m_state == State::Connecting)
        return OnConnected(now, false);
    return {};
}

LinkStep CallBridgeLink::OnTimer(Instant now) {
    if (m_state != State::WaitingToRetry)
        return {};
    return Attempt(now);
}

} // namespace cmslab::cms
