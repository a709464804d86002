// An HTTP/1.x parser in the manner of h11: fed byte chunks of any size, it yields one
// event at a time and never touches a socket. One Parser reads one direction of one
// connection: requests (the server's side) or responses (the client's side), several
// messages in a row when the connection stays open.
//
// A message comes out as RequestHead or ResponseHead, zero or more Data, EndOfMessage.
// Errors carry the status a server would answer with (400, 413, 414, 431, 501, 505);
// on the response side, where the reader is a client or a proxy, they carry 502.
#pragma once

#include "common/bytes.h"
#include "http/message.h"

#include <cstdint>
#include <deque>
#include <string>
#include <variant>
#include <vector>

namespace cmslab::http {

struct NeedData {
    bool operator==(const NeedData&) const { return true; }
};
// Nothing more will be parsed until the owner acts: an upgrade awaits its decision, the
// connection switched protocols, or the last message closed it.
struct Paused {
    bool operator==(const Paused&) const { return true; }
};
struct Data {
    Bytes data;
    bool operator==(const Data& o) const { return data == o.data; }
};
struct EndOfMessage {
    Headers trailers; // from a chunked body; empty otherwise
    bool operator==(const EndOfMessage& o) const { return trailers == o.trailers; }
};
// The peer closed the connection at a message boundary.
struct ConnectionClosed {
    bool operator==(const ConnectionClosed&) const { return true; }
};
struct ProtocolError {
    int status = 400; // what to answer (request side) or report (response side)
    std::string message;
    bool operator==(const ProtocolError& o) const {
        return status == o.status && message == o.message;
    }
};

using Event = std::variant<NeedData, Paused, RequestHead, ResponseHead, Data, EndOfMessage,
                           ConnectionClosed, ProtocolError>;

struct Limits {
    std::size_t max_header_bytes = 16 * 1024;       // start line, fields and blank line (431)
    std::size_t max_headers = 100;                  // field lines in a head or in trailers (431)
    std::size_t max_start_line = 8 * 1024;          // request line: 414; status line: error
    std::uint64_t max_body_bytes = 8 * 1024 * 1024; // 413
    std::size_t max_chunk_line = 1024;              // chunk size line with extensions (400)
};

enum class MessageKind { Request, Response };

class Parser {
  public:
    enum class State {
        Idle,              // between messages
        Head,              // inside a start line and header fields
        Body,              // inside a body (or about to end a body-less message)
        UpgradePending,    // request side: a request asked to upgrade (or CONNECT)
        Done,              // the last message was not persistent: no more messages
        SwitchedProtocols, // what follows belongs to another protocol
        Closed,            // the peer closed at a message boundary
        Error,
    };

    explicit Parser(MessageKind kind, Limits limits = {});

    // Appends bytes; nothing is parsed until Next().
    void Receive(ByteView data);
    // The peer closed its side (for read-until-close bodies and truncation errors).
    void ReceiveEof();
    // The next event; NeedData when more bytes are needed, Paused in UpgradePending,
    // Done, SwitchedProtocols and Closed. After a ProtocolError every call repeats it.
    Event Next();

    // Receive() then Next() until NeedData or Paused; those two are not returned.
    std::vector<Event> Feed(ByteView data);
    std::vector<Event> FeedEof();

    // Response side: the method of the request this response answers (HEAD and CONNECT
    // change the framing). Call once per request sent, in order; GET is assumed when
    // none is queued.
    void ExpectResponseTo(std::string_view method);

    // Request side, in UpgradePending: the owner answered 101 (or 2xx to CONNECT): the
    // bytes that followed the request are handed over and the parser stays switched.
    Bytes AcceptUpgrade();
    // The owner answered the upgrade request with an ordinary response: parsing goes on.
    void DeclineUpgrade();
    // In SwitchedProtocols: the bytes received after the last HTTP message.
    Bytes TakeTrailingData();

    State GetState() const { return m_state; }
    MessageKind Kind() const { return m_kind; }
    // Bytes received and not yet consumed.
    std::size_t Buffered() const { return m_buf.size() - m_pos; }

  private:
    enum class BodyMode { None, Length, Chunked, UntilClose };
    enum class ChunkStep { Size, Data, DataEnd, Trailers };

    Event NextHead();
    Event NextBody();
    Event NextChunked();
    Event ParseHead(std::size_t end);
    Event StartBody(Event head);
    Event Fail(int status, std::string message);
    Event FinishMessage(Headers trailers);
    Data TakeData(std::uint64_t limit);
    Data TakeBytes(std::size_t n); // the next n buffered bytes as body
    void Compact();
    // Scans for a blank line from m_scan; sets end past it. Returns an error or NeedData
    // when not found yet, with limits checked.
    bool FindHeadEnd(std::size_t& end, Event& pending, bool trailers);

    MessageKind m_kind;
    Limits m_limits;
    State m_state = State::Idle;
    ProtocolError m_error;
    bool m_eof = false;

    Bytes m_buf;
    std::size_t m_pos = 0; // first unconsumed byte

    // Head scanning, kept between calls so that byte-at-a-time input stays linear.
    std::size_t m_scan = 0;
    std::size_t m_line_start = 0;
    std::size_t m_lines = 0;

    // The message being read.
    BodyMode m_body_mode = BodyMode::None;
    ChunkStep m_chunk_step = ChunkStep::Size;
    std::uint64_t m_remaining = 0;
    std::uint64_t m_body_total = 0;
    bool m_persistent = true;
    bool m_switches = false;      // response side: 101, or 2xx to CONNECT
    bool m_upgrade_asked = false; // request side: Upgrade or CONNECT
    bool m_informational = false; // response side: 1xx other than 101
    std::deque<std::string> m_methods;
};

} // namespace cmslab::http
