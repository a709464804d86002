#include "parser.h"

#include "common/text.h"

#include "http/status.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace cmslab::http {

namespace {

constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();

std::string_view ViewOf(const Bytes& buf, std::size_t from, std::size_t to) {
    return std::string_view(reinterpret_cast<const char*>(buf.data()) + from, to - from);
}

// 0 when usable, else the status the error maps to.
int ParseVersion(std::string_view s, Version& v) {
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !digit(s[5]) || s[6] != '.' || !digit(s[7]))
        return 400;
    v.major = s[5] - '0';
    v.minor = s[7] - '0';
    return v.major == 1 ? 0 : 505;
}

bool IsTargetChar(unsigned char c) {
    return c > 0x20 && c < 0x7f;
}

// Splits a head or trailer block (lines ending in LF, optionally CRLF, the last one
// blank) into lines without their line ends. A CR anywhere else is refused: bare CR is
// a classic request-smuggling vector.
bool SplitLines(std::string_view block, std::vector<std::string_view>& lines, std::string& err) {
    while (!block.empty()) {
        const auto nl = block.find('\n');
        auto line = block.substr(0, nl);
        block.remove_prefix(nl + 1);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find('\r') != std::string_view::npos) {
            err = "bare CR in a header line";
            return false;
        }
        if (line.empty())
            break;
        lines.push_back(line);
    }
    return true;
}

bool ParseFieldLine(std::string_view line, Headers& out, std::string& err) {
    if (line.front() == ' ' || line.front() == '\t') {
        err = "obsolete line folding (obs-fold) is not accepted";
        return false;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        err = "header line without a colon";
        return false;
    }
    const auto name = line.substr(0, colon);
    if (!IsToken(name)) {
        err = "invalid header field name";
        return false;
    }
    const auto value = TrimOws(line.substr(colon + 1));
    if (!IsValidFieldValue(value)) {
        err = "invalid character in header field value";
        return false;
    }
    out.Add(std::string(name), std::string(value));
    return true;
}

enum class LengthCheck { Ok, Malformed };

// Content-Length may repeat, or list the same value, as long as every value agrees
// (RFC 9112 6.3). Values past 2^63 saturate: they exceed any body limit anyway.
LengthCheck ParseContentLength(const Headers& headers, std::uint64_t& out) {
    bool seen = false;
    for (const auto& f : headers) {
        if (!EqualsIgnoreCase(f.name, "Content-Length"))
            continue;
        std::string_view rest = f.value;
        while (true) {
            const auto comma = rest.find(',');
            const auto item = TrimOws(rest.substr(0, comma));
            if (item.empty())
                return LengthCheck::Malformed;
            std::uint64_t v = 0;
            for (char c : item) {
                if (c < '0' || c > '9')
                    return LengthCheck::Malformed;
                v = v > (kNoLimit / 20) ? kNoLimit / 2 : v * 10 + static_cast<unsigned>(c - '0');
            }
            if (seen && v != out)
                return LengthCheck::Malformed;
            out = v;
            seen = true;
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    return LengthCheck::Ok;
}

} // namespace

Parser::Parser(MessageKind kind, Limits limits) : m_kind(kind), m_limits(limits) {}

void Parser::Receive(ByteView data) {
    if (data.empty())
        return;
    Compact();
    m_buf.insert(m_buf.end(), data.begin(), data.end());
}

void Parser::ReceiveEof() {
    m_eof = true;
}

void Parser::Compact() {
    if (m_pos == 0)
        return;
    if (m_pos != m_buf.size() && (m_pos < 4096 || m_pos * 2 < m_buf.size()))
        return;
    m_buf.erase(m_buf.begin(), m_buf.begin() + static_cast<std::ptrdiff_t>(m_pos));
    m_scan = m_scan >= m_pos ? m_scan - m_pos : 0;
    m_line_start = m_line_start >= m_pos ? m_line_start - m_pos : 0;
    m_pos = 0;
}

void Parser::ExpectResponseTo(std::string_view method) {
    m_methods.emplace_back(method);
}

std::vector<Event> Parser::Feed(ByteView data) {
    Receive(data);
    std::vector<Event> out;
    while (true) {
        auto ev = Next();
        if (std::holds_alternative<NeedData>(ev) || std::holds_alternative<Paused>(ev))
            break;
        const bool stop = std::holds_alternative<ProtocolError>(ev);
        out.push_back(std::move(ev));
        if (stop)
            break;
    }
    return out;
}

std::vector<Event> Parser::FeedEof() {
    ReceiveEof();
    return Feed(ByteView());
}

Event Parser::Fail(int status, std::string message) {
    // A client or a proxy that cannot read a response reports the upstream as broken.
    m_error = ProtocolError{m_kind == MessageKind::Response ? 502 : status, std::move(message)};
    m_state = State::Error;
    return m_error;
}

Event Parser::Next() {
    switch (m_state) {
    case State::Error:
        return m_error;
    case State::Done:
        if (m_eof) {
            m_state = State::Closed;
            return ConnectionClosed{};
        }
        return Paused{};
    case State::UpgradePending:
    case State::SwitchedProtocols:
    case State::Closed:
        return Paused{};
    case State::Idle:
    case State::Head:
        return NextHead();
    case State::Body:
        return NextBody();
    }
    return Paused{};
}

bool Parser::FindHeadEnd(std::size_t& end, Event& pending, bool trailers) {
    const std::size_t head_start = m_pos;
    const bool request = m_kind == MessageKind::Request;
    while (true) {
        const auto* base = m_buf.data();
        const void* hit = m_scan < m_buf.size()
                              ? std::memchr(base + m_scan, '\n', m_buf.size() - m_scan)
                              : nullptr;
        if (hit == nullptr) {
            m_scan = m_buf.size();
            // A CR at the end may be the line's CRLF, which the limit does not count:
            // without this the verdict would depend on where the input was split.
            std::size_t line_so_far = m_buf.size() - m_line_start;
            if (line_so_far > 0 && m_buf.back() == '\r')
                --line_so_far;
            if (!trailers && m_lines == 0 && line_so_far > m_limits.max_start_line) {
                pending = Fail(request ? 414 : 400,
                               request ? "request line too long" : "status line too long");
                return false;
            }
            if (m_buf.size() - head_start > m_limits.max_header_bytes) {
                pending = Fail(431, "header section too large");
                return false;
            }
            if (m_eof) {
                pending = Fail(400, "connection closed inside a message head");
                return false;
            }
            pending = NeedData{};
            return false;
        }
        const std::size_t nl =
            static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - base);
        m_scan = nl + 1;
        std::size_t line_len = nl - m_line_start;
        if (line_len > 0 && m_buf[nl - 1] == '\r')
            --line_len;
        if (!trailers && m_lines == 0 && line_len > m_limits.max_start_line) {
            pending = Fail(request ? 414 : 400,
                           request ? "request line too long" : "status line too long");
            return false;
        }
        if (nl + 1 - head_start > m_limits.max_header_bytes) {
            pending = Fail(431, "header section too large");
            return false;
        }
        if (line_len == 0) {
            end = nl + 1;
            return true;
        }
        ++m_lines;
        const std::size_t field_lines = trailers ? m_lines : m_lines - 1;
        if (field_lines > m_limits.max_headers) {
            pending = Fail(431, "too many header fields");
            return false;
        }
        m_line_start = nl + 1;
    }
}

Event Parser::NextHead() {
    if (m_state == State::Idle) {
        // RFC 9112 2.2: empty lines before a start line are ignored (clients send a
        // stray CRLF after a POST body).
        while (m_pos < m_buf.size()) {
            if (m_buf[m_pos] == '\n') {
                ++m_pos;
            } else if (m_buf[m_pos] == '\r' && m_pos + 1 < m_buf.size() &&
                       m_buf[m_pos + 1] == '\n') {
                m_pos += 2;
            } else {
                break;
            }
        }
        const bool only_cr = m_pos + 1 == m_buf.size() && m_buf[m_pos] == '\r';
        if (m_pos == m_buf.size() || only_cr) {
            if (m_eof) {
                m_state = State::Closed;
                return ConnectionClosed{};
            }
            return NeedData{};
        }
        m_state = State::Head;
        m_scan = m_pos;
        m_line_start = m_pos;
        m_lines = 0;
    }
    std::size_t end = 0;
    Event pending;
    if (!FindHeadEnd(end, pending, false))
        return pending;
    auto head = ParseHead(end);
    if (std::holds_alternative<ProtocolError>(head))
        return head;
    return StartBody(std::move(head));
}

Event Parser::ParseHead(std::size_t end) {
    std::vector<std::string_view> lines;
    std::string err;
    if (!SplitLines(ViewOf(m_buf, m_pos, end), lines, err))
        return Fail(400, err);
    if (lines.empty())
        return Fail(400, "empty start line");
    Headers headers;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (!ParseFieldLine(lines[i], headers, err))
            return Fail(400, err);
    }
    const std::string_view first = lines.front();
    m_pos = end;
    if (m_kind == MessageKind::Request) {
        const auto sp1 = first.find(' ');
        const auto sp2 = sp1 == std::string_view::npos ? sp1 : first.find(' ', sp1 + 1);
        if (sp2 == std::string_view::npos || first.find(' ', sp2 + 1) != std::string_view::npos)
            return Fail(400, "malformed request line");
        RequestHead head;
        const auto method = first.substr(0, sp1);
        const auto target = first.substr(sp1 + 1, sp2 - sp1 - 1);
        if (!IsToken(method))
            return Fail(400, "invalid method");
        if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
                return IsTargetChar(static_cast<unsigned char>(c));
            }))
            return Fail(400, "invalid request target");
        if (const int st = ParseVersion(first.substr(sp2 + 1), head.version); st != 0)
            return Fail(st, st == 505 ? "HTTP version not supported" : "malformed HTTP version");
        head.method = std::string(method);
        head.target = std::string(target);
        head.headers = std::move(headers);
        return head;
    }
    ResponseHead head;
    const auto sp = first.find(' ');
    if (sp == std::string_view::npos)
        return Fail(400, "malformed status line");
    if (const int st = ParseVersion(first.substr(0, sp), head.version); st != 0)
        return Fail(st, st == 505 ? "HTTP version not supported" : "malformed HTTP version");
    const auto rest = first.substr(sp + 1);
    if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' '))
        return Fail(400, "malformed status code");
    int status = 0;
    for (int i = 0; i < 3; ++i) {
        if (rest[i] < '0' || rest[i] > '9')
            return Fail(400, "malformed status code");
        status = status * 10 + (rest[i] - '0');
    }
    if (status < 100 || status > 599)
        return Fail(400, "status code out of range");
    const auto reason = rest.size() > 3 ? rest.substr(4) : std::string_view();
    if (!IsValidFieldValue(reason))
        return Fail(400, "invalid reason phrase");
    head.status = status;
    head.reason = std::string(reason);
    head.headers = std::move(headers);
    return head;
}

Event Parser::StartBody(Event event) {
    m_body_total = 0;
    m_remaining = 0;
    m_chunk_step = ChunkStep::Size;
    m_switches = false;
    m_upgrade_asked = false;
    m_informational = false;

    if (auto* req = std::get_if<RequestHead>(&event)) {
        const auto& h = req->headers;
        const std::size_t hosts = h.Count("Host");
        if (req->version.AtLeast(1, 1) && hosts == 0)
            return Fail(400, "HTTP/1.1 request without a Host header");
        if (hosts > 1)
            return Fail(400, "more than one Host header");
        if (h.Has("Transfer-Encoding")) {
            if (!req->version.AtLeast(1, 1))
                return Fail(400, "Transfer-Encoding in an HTTP/1.0 request");
            if (h.Has("Content-Length"))
                return Fail(400, "both Transfer-Encoding and Content-Length");
            const auto codings = h.Tokens("Transfer-Encoding");
            for (const auto& c : codings) {
                if (c != "chunked")
                    return Fail(501, "unsupported transfer coding \"" + c + "\"");
            }
            if (codings.size() != 1)
                return Fail(400, "malformed Transfer-Encoding");
            m_body_mode = BodyMode::Chunked;
        } else {
            std::uint64_t length = 0;
            if (ParseContentLength(h, length) != LengthCheck::Ok)
                return Fail(400, "invalid Content-Length");
            if (length > m_limits.max_body_bytes)
                return Fail(413, "body larger than " + std::to_string(m_limits.max_body_bytes) +
                                     " bytes");
            m_body_mode = BodyMode::Length;
            m_remaining = length;
        }
        m_persistent = IsPersistent(req->version, h);
        m_upgrade_asked =
            req->method == "CONNECT" ||
            (req->version.AtLeast(1, 1) && h.Has("Upgrade") && h.HasToken("Connection", "upgrade"));
        m_state = State::Body;
        return event;
    }

    auto& resp = std::get<ResponseHead>(event);
    const auto& h = resp.headers;
    const std::string method = m_methods.empty() ? "GET" : m_methods.front();
    if (resp.status == 101) {
        m_switches = true;
        m_body_mode = BodyMode::None;
    } else if (resp.status < 200) {
        m_informational = true;
        m_body_mode = BodyMode::None;
    } else if (method == "CONNECT" && resp.status < 300) {
        m_switches = true;
        m_body_mode = BodyMode::None;
    } else if (method == "HEAD" || StatusHasNoBody(resp.status)) {
        m_body_mode = BodyMode::None;
    } else if (h.Has("Transfer-Encoding")) {
        // RFC 9112 6.3: chunked as the final coding frames the body; anything else runs
        // until the server closes. Content-Length is then ignored.
        const auto codings = h.Tokens("Transfer-Encoding");
        m_body_mode = !codings.empty() && codings.back() == "chunked" ? BodyMode::Chunked
                                                                      : BodyMode::UntilClose;
    } else if (h.Has("Content-Length")) {
        std::uint64_t length = 0;
        if (ParseContentLength(h, length) != LengthCheck::Ok)
            return Fail(400, "invalid Content-Length");
        if (length > m_limits.max_body_bytes)
            return Fail(413,
                        "body larger than " + std::to_string(m_limits.max_body_bytes) + " bytes");
        m_body_mode = BodyMode::Length;
        m_remaining = length;
    } else {
        m_body_mode = BodyMode::UntilClose;
    }
    m_persistent = m_body_mode != BodyMode::UntilClose && IsPersistent(resp.version, h);
    m_state = State::Body;
    return event;
}

Data Parser::TakeData(std::uint64_t limit) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(Buffered(), limit));
    if (limit != kNoLimit)
        m_remaining -= n;
    return TakeBytes(n);
}

Data Parser::TakeBytes(std::size_t n) {
    const auto first = m_buf.begin() + static_cast<std::ptrdiff_t>(m_pos);
    Data d{Bytes(first, first + static_cast<std::ptrdiff_t>(n))};
    m_pos += n;
    m_body_total += n;
    return d;
}

Event Parser::NextBody() {
    switch (m_body_mode) {
    case BodyMode::None:
        return FinishMessage({});
    case BodyMode::Length:
        if (m_remaining == 0)
            return FinishMessage({});
        if (Buffered() == 0)
            return m_eof ? Fail(400, "connection closed inside a body") : Event(NeedData{});
        return TakeData(m_remaining);
    case BodyMode::UntilClose:
        if (Buffered() > 0) {
            // The body up to the limit as Data, then the refusal of the byte beyond it: the
            // same events however the body arrived (whole, a refusal alone came first).
            if (m_body_total >= m_limits.max_body_bytes)
                return Fail(413, "body larger than " + std::to_string(m_limits.max_body_bytes) +
                                     " bytes");
            return TakeBytes(static_cast<std::size_t>(
                std::min<std::uint64_t>(Buffered(), m_limits.max_body_bytes - m_body_total)));
        }
        return m_eof ? FinishMessage({}) : Event(NeedData{});
    case BodyMode::Chunked:
        return NextChunked();
    }
    return NeedData{};
}

Event Parser::NextChunked() {
    const auto need = [this]() -> Event {
        return m_eof ? Fail(400, "connection closed inside a chunked body") : Event(NeedData{});
    };
    while (true) {
        switch (m_chunk_step) {
        case ChunkStep::Size: {
            const void* hit =
                Buffered() > 0 ? std::memchr(m_buf.data() + m_pos, '\n', Buffered()) : nullptr;
            if (hit == nullptr) {
                // As for a start line: a final CR may be the line's CRLF, not counted.
                std::size_t line_so_far = Buffered();
                if (line_so_far > 0 && m_buf.back() == '\r')
                    --line_so_far;
                if (line_so_far > m_limits.max_chunk_line)
                    return Fail(400, "chunk size line too long");
                return need();
            }
            const std::size_t nl =
                static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - m_buf.data());
            auto line = ViewOf(m_buf, m_pos, nl);
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            if (line.size() > m_limits.max_chunk_line)
                return Fail(400, "chunk size line too long");
            std::uint64_t size = 0;
            std::size_t i = 0;
            bool too_big = false;
            for (; i < line.size() && HexDigitValue(line[i]) >= 0; ++i) {
                if (size >> 56)
                    too_big = true;
                else
                    size = size * 16 + static_cast<unsigned>(HexDigitValue(line[i]));
            }
            if (i == 0)
                return Fail(400, "malformed chunk size");
            // Chunk extensions are allowed and ignored, but must not smuggle controls.
            auto ext = TrimOws(line.substr(i));
            if (!ext.empty() && (ext.front() != ';' || !IsValidFieldValue(ext)))
                return Fail(400, "malformed chunk extension");
            m_pos = nl + 1;
            if (size == 0 && !too_big) {
                m_chunk_step = ChunkStep::Trailers;
                m_scan = m_pos;
                m_line_start = m_pos;
                m_lines = 0;
                continue;
            }
            if (too_big || m_body_total + size > m_limits.max_body_bytes)
                return Fail(413, "body larger than " + std::to_string(m_limits.max_body_bytes) +
                                     " bytes");
            m_remaining = size;
            m_chunk_step = ChunkStep::Data;
            continue;
        }
        case ChunkStep::Data: {
            if (Buffered() == 0)
                return need();
            auto d = TakeData(m_remaining);
            if (m_remaining == 0)
                m_chunk_step = ChunkStep::DataEnd;
            return d;
        }
        case ChunkStep::DataEnd:
            if (Buffered() == 0)
                return need();
            if (m_buf[m_pos] == '\n') {
                ++m_pos;
            } else if (m_buf[m_pos] == '\r') {
                if (Buffered() < 2)
                    return need();
                if (m_buf[m_pos + 1] != '\n')
                    return Fail(400, "chunk data not followed by CRLF");
                m_pos += 2;
            } else {
                return Fail(400, "chunk data longer than its size");
            }
            m_chunk_step = ChunkStep::Size;
            continue;
        case ChunkStep::Trailers: {
            std::size_t end = 0;
            Event pending;
            if (!FindHeadEnd(end, pending, true))
                return pending;
            std::vector<std::string_view> lines;
            std::string err;
            if (!SplitLines(ViewOf(m_buf, m_pos, end), lines, err))
                return Fail(400, err);
            Headers trailers;
            for (const auto& line : lines) {
                if (!ParseFieldLine(line, trailers, err))
                    return Fail(400, err);
            }
            m_pos = end;
            return FinishMessage(std::move(trailers));
        }
        }
    }
}

Event Parser::FinishMessage(Headers trailers) {
    if (m_kind == MessageKind::Request) {
        if (m_upgrade_asked)
            m_state = State::UpgradePending;
        else
            m_state = m_persistent ? State::Idle : State::Done;
    } else if (m_informational) {
        m_state = State::Idle;
    } else {
        if (!m_methods.empty())
            m_methods.pop_front();
        if (m_switches)
            m_state = State::SwitchedProtocols;
        else
            m_state = m_persistent ? State::Idle : State::Done;
    }
    return EndOfMessage{std::move(trailers)};
}

Bytes Parser::AcceptUpgrade() {
    if (m_state != State::UpgradePending)
        return {};
    m_state = State::SwitchedProtocols;
    return TakeTrailingData();
}

void Parser::DeclineUpgrade() {
    if (m_state == State::UpgradePending)
        m_state = m_persistent ? State::Idle : State::Done;
}

Bytes Parser::TakeTrailingData() {
    if (m_state != State::SwitchedProtocols)
        return {};
    Bytes out(m_buf.begin() + static_cast<std::ptrdiff_t>(m_pos), m_buf.end());
    m_buf.clear();
    m_pos = 0;
    return out;
}

} // namespace cmslab::http
