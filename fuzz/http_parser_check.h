// Shared by the HTTP request and response parser targets: runs one parser over the input
// fed whole and fed in small pieces, and checks what a reader of either side relies on.
//
// Properties: the events do not depend on how the bytes were split (Data events joined);
// a ProtocolError carries a status the side may answer with; every head the parser
// gives, serialized again, parses back to the same head; bytes after an accepted upgrade
// are handed over whole.
#pragma once
#include "common/overloaded.h"
#include "fuzz_support.h"
#include "http/parser.h"
#include "http/serializer.h"

#include <set>
#include <string>
#include <vector>

namespace cmslab::fuzz {

// Small limits, so that 413, 414 and 431 are reachable with short inputs.
inline http::Limits SmallLimits() {
    http::Limits l;
    l.max_header_bytes = 1024;
    l.max_headers = 12;
    l.max_start_line = 256;
    l.max_body_bytes = 2048;
    l.max_chunk_line = 64;
    return l;
}

struct HttpRun {
    std::vector<std::string> events; // described, Data joined
    std::vector<http::RequestHead> requests;
    std::vector<http::ResponseHead> responses;
    std::vector<std::string> response_methods; // the request method each response answers
    Bytes handed_over;                         // after an accepted upgrade
};

inline std::string DescribeHeaders(const http::Headers& h) {
    std::string out;
    for (const auto& f : h)
        out += f.name + ": " + f.value + "\n";
    return out;
}

inline HttpRun RunParser(http::MessageKind kind, ByteView input, std::size_t piece,
                         std::uint8_t choices, const std::set<int>& allowed_statuses) {
    http::Parser parser(kind, SmallLimits());
    // The methods the responses answer, in order; GET after them (the parser's default).
    std::vector<std::string> expected;
    if (kind == http::MessageKind::Response) {
        static const char* const methods[] = {"GET", "HEAD", "CONNECT", "POST"};
        expected = {methods[choices & 3], methods[(choices >> 2) & 3]};
        for (const std::string& m : expected)
            parser.ExpectResponseTo(m);
    }
    std::size_t finals = 0; // final responses seen: an interim one answers the same request
    HttpRun run;
    std::string data; // the Data bytes since the last other event
    auto flush = [&] {
        if (!data.empty())
            run.events.push_back("data " + Hex(ByteView(data)));
        data.clear();
    };
    // Returns false when the parser will give nothing more.
    auto drain = [&](std::size_t consumed_so_far) -> bool {
        for (;;) {
            const http::Event e = parser.Next();
            bool go_on = true;
            bool need_data = false;
            std::visit(Overloaded{
                           [&](const http::NeedData&) { need_data = true; },
                           [&](const http::Paused&) {
                               flush();
                               if (parser.GetState() == http::Parser::State::UpgradePending) {
                                   if (choices & 0x10) {
                                       run.events.push_back("upgrade accepted");
                                       run.handed_over = parser.AcceptUpgrade();
                                       const ByteView rest = input.Sub(consumed_so_far);
                                       run.handed_over.insert(run.handed_over.end(), rest.begin(),
                                                              rest.end());
                                       go_on = false;
                                   } else {
                                       run.events.push_back("upgrade declined");
                                       parser.DeclineUpgrade();
                                   }
                               } else {
                                   run.events.push_back("paused");
                                   go_on = false;
                               }
                           },
                           [&](const http::RequestHead& h) {
                               flush();
                               run.requests.push_back(h);
                               run.events.push_back("request " + h.method + " " + h.target + " " +
                                                    h.version.ToString() + "\n" +
                                                    DescribeHeaders(h.headers));
                           },
                           [&](const http::ResponseHead& h) {
                               flush();
                               run.responses.push_back(h);
                               run.response_methods.push_back(
                                   finals < expected.size() ? expected[finals] : "GET");
                               if (h.status >= 200 || h.status == 101)
                                   ++finals;
                               run.events.push_back("response " + std::to_string(h.status) + " " +
                                                    h.reason + "\n" + DescribeHeaders(h.headers));
                           },
                           [&](const http::Data& d) { data.append(d.data.begin(), d.data.end()); },
                           [&](const http::EndOfMessage& m) {
                               flush();
                               run.events.push_back("end\n" + DescribeHeaders(m.trailers));
                           },
                           [&](const http::ConnectionClosed&) {
                               flush();
                               run.events.push_back("closed");
                               go_on = false;
                           },
                           [&](const http::ProtocolError& err) {
                               flush();
                               FUZZ_CHECK(allowed_statuses.count(err.status) == 1,
                                          "protocol error with status " +
                                              std::to_string(err.status) + ": " + err.message);
                               run.events.push_back("error " + std::to_string(err.status) + " " +
                                                    err.message);
                               go_on = false;
                           },
                       },
                       e);
            if (need_data)
                return true;
            if (!go_on)
                return false;
        }
    };
    std::size_t at = 0;
    bool open = true;
    while (open && at < input.size) {
        const ByteView p = input.Sub(at, piece);
        at += p.size;
        parser.Receive(p);
        open = drain(at);
    }
    if (open) {
        parser.ReceiveEof();
        drain(at);
    }
    flush();
    return run;
}

inline void CheckHttpParser(http::MessageKind kind, const std::uint8_t* data, std::size_t size,
                            const std::set<int>& allowed_statuses) {
    Chunks in(data, size);
    const std::uint8_t choices = in.U8();
    const std::size_t piece = 1 + in.U8() % 32;
    const ByteView input = in.Rest();
    HttpRun whole, pieces;
    NoThrow("HTTP parser", [&] {
        whole = RunParser(kind, input, input.size ? input.size : 1, choices, allowed_statuses);
        pieces = RunParser(kind, input, piece, choices, allowed_statuses);
    });
    FUZZ_CHECK(whole.events == pieces.events, "events depend on the split of the input");
    FUZZ_CHECK(whole.handed_over == pieces.handed_over, "upgrade bytes depend on the split");

    // Heads serialized again parse back the same.
    for (const auto& head : whole.requests) {
        http::Parser again(http::MessageKind::Request);
        again.Receive(http::SerializeHead(head));
        const http::Event e = again.Next();
        const auto* back = std::get_if<http::RequestHead>(&e);
        FUZZ_CHECK(back && *back == head, "a request head does not survive serialization");
    }
    // In the same context: a response's framing depends on the request it answers (a 2xx to
    // CONNECT ignores Content-Length, RFC 9110 9.3.6).
    for (std::size_t i = 0; i < whole.responses.size(); ++i) {
        const http::ResponseHead& head = whole.responses[i];
        http::Parser again(http::MessageKind::Response);
        again.ExpectResponseTo(whole.response_methods[i]);
        again.Receive(http::SerializeHead(head));
        const http::Event e = again.Next();
        const auto* back = std::get_if<http::ResponseHead>(&e);
        FUZZ_CHECK(back && back->status == head.status && back->headers == head.headers &&
                       back->version == head.version,
                   "a response head does not survive serialization");
    }
}

} // namespace cmslab::fuzz
