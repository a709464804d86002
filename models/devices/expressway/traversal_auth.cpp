#include "traversal_auth.h"

#include "log_lines/expressway_e_lines.h"
#include "stun/integrity.h"

#include <algorithm>
#include <cctype>

namespace cmslab::expressway {

namespace {

constexpr const char* kSipVersion = "SIP/2.0";

std::string Hex(ByteView bytes) {
    return ToHex(bytes);
}

std::string Md5Hex(const std::string& text) {
    return Hex(stun::Md5(ByteView(text)));
}

std::string RandomHex(Rng& rng, std::size_t n) {
    Bytes b(n);
    rng.Fill(b.data(), b.size());
    return Hex(b);
}

bool AllDigits(std::string_view s) {
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

Expected<SipMessage> ParseHead(std::string_view head) {
    SipMessage m;
    std::size_t eol = head.find("\r\n");
    const std::string_view start = head.substr(0, eol);
    head.remove_prefix(std::min(head.size(), eol + 2));
    if (start.rfind(std::string(kSipVersion) + " ", 0) == 0) {
        m.request = false;
        std::string_view rest = start.substr(8);
        const std::size_t sp = rest.find(' ');
        const std::string_view code = rest.substr(0, sp);
        if (code.size() != 3 || !AllDigits(code))
            return Error{"bad status line"};
        m.status = std::stoi(std::string(code));
        if (m.status < 100 || m.status > 699)
            return Error{"bad status code"};
        m.reason = sp == std::string_view::npos ? "" : std::string(rest.substr(sp + 1));
    } else {
        const std::size_t a = start.find(' ');
        const std::size_t b = a == std::string_view::npos ? a : start.find(' ', a + 1);
        if (a == std::string_view::npos || b == std::string_view::npos ||
            start.substr(b + 1) != kSipVersion)
            return Error{"bad request line"};
        m.method = std::string(start.substr(0, a));
        m.uri = std::string(start.substr(a + 1, b - a - 1));
        if (!http::IsToken(m.method) || m.uri.empty() || m.uri.find(' ') != std::string::npos)
            return Error{"bad request line"};
    }
    while (!head.empty()) {
        eol = head.find("\r\n");
        const std::string_view line = head.substr(0, eol);
        head.remove_prefix(
            std::min(head.size(), eol == std::string_view::npos ? head.size() : eol + 2));
        if (line.empty())
            break;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return Error{"bad header field"};
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = http::TrimOws(line.substr(colon + 1));
        if (!http::IsToken(name) || !http::IsValidFieldValue(value))
            return Error{"bad header field"};
        m.headers.Add(std::string(name), std::string(value));
    }
    return m;
}

std::string Quote(const std::string& s) {
    return "\"" + s + "\"";
}

} // namespace

std::string SipMessage::StartLine() const {
    if (request)
        return method + " " + uri + " " + kSipVersion;
    return std::string(kSipVersion) + " " + std::to_string(status) + " " + reason;
}

Bytes EncodeSip(const SipMessage& message) {
    std::string s = message.StartLine() + "\r\n";
    for (const http::HeaderField& f : message.headers)
        if (!http::EqualsIgnoreCase(f.name, "Content-Length"))
            s += f.name + ": " + f.value + "\r\n";
    s += "Content-Length: " + std::to_string(message.body.size()) + "\r\n\r\n";
    s += message.body;
    return Bytes(s.begin(), s.end());
}

void SipDecoder::Feed(ByteView bytes) {
    if (!m_error)
        m_buf.insert(m_buf.end(), bytes.begin(), bytes.end());
}

Expected<std::optional<SipMessage>> SipDecoder::Next() {
    if (m_error)
        return *m_error;
    const std::string_view text(reinterpret_cast<const char*>(m_buf.data()), m_buf.size());
    const std::size_t end = text.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (m_buf.size() > kMaxSipHead) {
            m_error = Error{"SIP head over " + std::to_string(kMaxSipHead) + " bytes"};
            return *m_error;
        }
        return std::optional<SipMessage>{};
    }
    if (end + 4 > kMaxSipHead) {
        m_error = Error{"SIP head over " + std::to_string(kMaxSipHead) + " bytes"};
        return *m_error;
    }
    auto m = ParseHead(text.substr(0, end + 2));
    if (!m) {
        m_error = m.Err();
        return *m_error;
    }
    std::size_t body = 0;
    const auto lengths = m->headers.GetAll("Content-Length");
    if (lengths.size() > 1 || (lengths.size() == 1 && !AllDigits(lengths[0]))) {
        m_error = Error{"bad Content-Length"};
        return *m_error;
    }
    if (lengths.size() == 1)
        body = std::stoul(lengths[0]);
    if (body > kMaxSipBody) {
        m_error = Error{"SIP body over " + std::to_string(kMaxSipBody) + " bytes"};
        return *m_error;
    }
    if (m_buf.size() < end + 4 + body)
        return std::optional<SipMessage>{};
    m->body = std::string(text.substr(end + 4, body));
    m_buf.erase(m_buf.begin(), m_buf.begin() + static_cast<std::ptrdiff_t>(end + 4 + body));
    return std::optional<SipMessage>(std::move(*m));
}

std::optional<std::map<std::string, std::string>> ParseDigest(const std::string& value) {
    std::string_view v = http::TrimOws(value);
    if (v.size() < 7 || !http::EqualsIgnoreCase(v.substr(0, 6), "Digest") || v[6] != ' ')
        return std::nullopt;
    v.remove_prefix(7);
    std::map<std::string, std::string> params;
    while (true) {
        v = http::TrimOws(v);
        if (v.empty())
            break;
        const std::size_t eq = v.find('=');
        if (eq == std::string_view::npos)
            return std::nullopt;
        const std::string name = http::ToLower(http::TrimOws(v.substr(0, eq)));
        if (!http::IsToken(name))
            return std::nullopt;
        v.remove_prefix(eq + 1);
        v = http::TrimOws(v);
        std::string val;
        if (!v.empty() && v[0] == '"') {
            std::size_t i = 1;
            for (; i < v.size() && v[i] != '"'; ++i) {
                if (v[i] == '\\' && i + 1 < v.size())
                    ++i;
                val += v[i];
            }
            if (i >= v.size())
                return std::nullopt;
            v.remove_prefix(i + 1);
        } else {
            const std::size_t comma = v.find(',');
            val = std::string(http::TrimOws(v.substr(0, comma)));
            v.remove_prefix(comma == std::string_view::npos ? v.size() : comma);
        }
        params[name] = val;
        v = http::TrimOws(v);
        if (v.empty())
            break;
        if (v[0] != ',')
            return std::nullopt;
        v.remove_prefix(1);
    }
    return params;
}

std::string DigestResponse(const std::string& user, const std::string& realm,
                           const std::string& password, const std::string& nonce,
                           const std::string& method, const std::string& uri) {
    const std::string ha1 = Md5Hex(user + ":" + realm + ":" + password);
    const std::string ha2 = Md5Hex(method + ":" + uri);
    return Md5Hex(ha1 + ":" + nonce + ":" + ha2);
}

PeerCertificateInfo InspectClientCertificate(const pki::Certificate* cert, bool chain_ok,
                                             const std::string& verify_name) {
    PeerCertificateInfo info;
    if (!cert || cert->Empty())
        return info;
    info.present = true;
    info.chain_ok = chain_ok;
    info.subject = cert->Subject();
    info.names = cert->DnsNames();
    info.name_matches = verify_name.empty() || cert->MatchesHost(verify_name);
    return info;
}

// --- server ------------------------------------------------------------------------------

TraversalAuthServer::TraversalAuthServer(TraversalServerConfig config, PeerCertificateInfo peer,
                                         Rng rng)
    : m_config(std::move(config)), m_peer(std::move(peer)), m_rng(rng) {}

SipMessage TraversalAuthServer::Respond(const SipMessage& request, int status,
                                        const std::string& reason) const {
    SipMessage r;
    r.request = false;
    r.status = status;
    r.reason = reason;
    for (const char* name : {"Via", "From", "To", "Call-ID", "CSeq"})
        for (const std::string& v : request.headers.GetAll(name))
            r.headers.Add(name, v);
    r.headers.Add("Server", "Expressway-E");
    return r;
}

TraversalStep TraversalAuthServer::Feed(ByteView bytes) {
    TraversalStep step;
    if (m_outcome == TraversalOutcome::Rejected) {
        step.outcome = m_outcome;
        return step;
    }
    m_decoder.Feed(bytes);
    while (true) {
        auto next = m_decoder.Next();
        if (!next) {
            m_outcome = TraversalOutcome::Rejected;
            m_reason = "malformed request: " + next.Message();
            step.log.push_back("Traversal zone " + m_config.zone_name + ": " + m_reason);
            step.close = true;
            break;
        }
        if (!next->has_value())
            break;
        TraversalStep s = Handle(**next);
        step.send.insert(step.send.end(), s.send.begin(), s.send.end());
        step.log.insert(step.log.end(), s.log.begin(), s.log.end());
        step.close = step.close || s.close;
        if (s.close)
            break;
    }
    step.outcome = m_outcome;
    return step;
}

TraversalStep TraversalAuthServer::Handle(const SipMessage& request) {
    TraversalStep step;
    const std::string zone = "Traversal zone " + m_config.zone_name + ": ";
    if (!request.request) {
        step.log.push_back(zone + "ignored a response from the client");
        return step;
    }
    if (!m_config.tls_verify_subject_name.empty()) {
        std::string why;
        if (!m_peer.present)
            why = "the client sent no certificate";
        else if (!m_peer.chain_ok)
            why = "the client certificate (" + m_peer.subject + ") is not trusted";
        else if (!m_peer.name_matches)
            why = "the client certificate (" + m_peer.subject +
                  ") does not match the TLS verify subject name " +
                  m_config.tls_verify_subject_name;
        if (!why.empty()) {
            m_outcome = TraversalOutcome::Rejected;
            m_reason = "TLS verify subject name check failed: " + why;
            SipMessage r = Respond(request, 403, "Forbidden");
            r.headers.Add("Warning", "399 " + m_config.zone_name + " \"" + m_reason + "\"");
            step.send = EncodeSip(r);
            step.close = true;
            step.log.push_back(zone + m_reason);
            return step;
        }
    }
    const auto authorization = request.headers.Get("Authorization");
    if (!authorization) {
        m_nonces.push_back(RandomHex(m_rng, 16));
        SipMessage r = Respond(request, 401, "Unauthorized");
        r.headers.Add("WWW-Authenticate", "Digest realm=" + Quote(m_config.realm) + ", nonce=" +
                                              Quote(m_nonces.back()) + ", algorithm=MD5");
        step.send = EncodeSip(r);
        step.log.push_back(log_lines::TraversalChallenged::Format(
            {m_config.zone_name, request.method, m_config.realm}));
        return step;
    }
    auto params = ParseDigest(*authorization);
    std::string why;
    std::string user;
    if (!params) {
        why = "malformed Authorization";
    } else {
        user = (*params)["username"];
        const std::string nonce = (*params)["nonce"];
        const std::string uri = (*params)["uri"];
        auto local = m_config.local_users.find(user);
        if (std::find(m_nonces.begin(), m_nonces.end(), nonce) == m_nonces.end())
            why = "unknown nonce";
        else if ((*params)["realm"] != m_config.realm)
            why = "wrong realm '" + (*params)["realm"] + "'";
        else if (user != m_config.username)
            why = "username '" + user + "' is not the zone's username";
        else if (local == m_config.local_users.end())
            why = "username '" + user + "' is not in the local authentication database";
        else if ((*params)["response"] !=
                 DigestResponse(user, m_config.realm, local->second, nonce, request.method, uri))
            why = log_lines::TraversalWrongPassword::Format({user});
    }
    if (!why.empty()) {
        m_outcome = TraversalOutcome::Rejected;
        m_reason = "authentication failed: " + why;
        SipMessage r = Respond(request, 401, "Unauthorized");
        m_nonces.push_back(RandomHex(m_rng, 16));
        r.headers.Add("WWW-Authenticate", "Digest realm=" + Quote(m_config.realm) + ", nonce=" +
                                              Quote(m_nonces.back()) + ", algorithm=MD5");
        step.send = EncodeSip(r);
        step.close = true;
        step.log.push_back(log_lines::TraversalAuthRefused::Format({m_config.zone_name, why}));
        return step;
    }
    m_outcome = TraversalOutcome::Authenticated;
    m_username = user;
    m_reason.clear();
    step.send = EncodeSip(Respond(request, 200, "OK"));
    step.log.push_back(log_lines::TraversalAuthenticated::Format({m_config.zone_name, user}));
    return step;
}

// --- client ------------------------------------------------------------------------------

TraversalAuthClient::TraversalAuthClient(TraversalClientConfig config, Rng rng)
    : m_config(std::move(config)), m_rng(rng) {
    m_call_id = RandomHex(m_rng, 8) + "@" + m_config.local_name;
    m_tag = RandomHex(m_rng, 4);
}

SipMessage TraversalAuthClient::Request(const std::string& authorization) {
    SipMessage m;
    m.method = "SERVICE";
    m.uri = "sip:" + m_config.peer + ":" + std::to_string(m_config.port) + ";transport=tls";
    m.headers.Add("Via",
                  "SIP/2.0/TLS " + m_config.local_name + ";branch=z9hG4bK" + RandomHex(m_rng, 6));
    m.headers.Add("Max-Forwards", std::to_string(m_config.hop_count));
    m.headers.Add("From",
                  "<sip:" + m_config.username + "@" + m_config.local_name + ">;tag=" + m_tag);
    m.headers.Add("To", "<sip:" + m_config.peer + ">");
    m.headers.Add("Call-ID", m_call_id);
    m.headers.Add("CSeq", std::to_string(++m_cseq) + " SERVICE");
    m.headers.Add("User-Agent", "Expressway-C");
    if (!authorization.empty())
        m.headers.Add("Authorization", authorization);
    return m;
}

Bytes TraversalAuthClient::Start() {
    return EncodeSip(Request(""));
}

TraversalStep TraversalAuthClient::Feed(ByteView bytes) {
    TraversalStep step;
    if (m_outcome != TraversalOutcome::Pending) {
        step.outcome = m_outcome;
        return step;
    }
    m_decoder.Feed(bytes);
    while (m_outcome == TraversalOutcome::Pending) {
        auto next = m_decoder.Next();
        if (!next) {
            m_outcome = TraversalOutcome::Rejected;
            m_reason = "malformed response: " + next.Message();
            step.close = true;
            break;
        }
        if (!next->has_value())
            break;
        const SipMessage& r = **next;
        if (r.request)
            continue;
        if (r.status == 200) {
            m_outcome = TraversalOutcome::Authenticated;
        } else if (r.status == 401 && !m_sent_credentials) {
            auto params = ParseDigest(r.headers.Get("WWW-Authenticate").value_or(""));
            if (!params) {
                m_outcome = TraversalOutcome::Rejected;
                m_reason = "401 without a Digest challenge";
                break;
            }
            const std::string realm = (*params)["realm"];
            const std::string nonce = (*params)["nonce"];
            const std::string uri =
                "sip:" + m_config.peer + ":" + std::to_string(m_config.port) + ";transport=tls";
            const std::string auth =
                "Digest username=" + Quote(m_config.username) + ", realm=" + Quote(realm) +
                ", nonce=" + Quote(nonce) + ", uri=" + Quote(uri) + ", response=" +
                Quote(DigestResponse(m_config.username, realm, m_config.password, nonce, "SERVICE",
                                     uri)) +
                ", algorithm=MD5";
            const Bytes b = EncodeSip(Request(auth));
            step.send.insert(step.send.end(), b.begin(), b.end());
            m_sent_credentials = true;
        } else {
            m_outcome = TraversalOutcome::Rejected;
            m_reason = std::to_string(r.status) + " " + r.reason;
            if (r.status == 401)
                m_reason += " (authentication failed: check the zone username and password)";
            if (auto w = r.headers.Get("Warning"))
                m_reason += ": " + *w;
        }
    }
    step.outcome = m_outcome;
    return step;
}

} // namespace cmslab::expressway
