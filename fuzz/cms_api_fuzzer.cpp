// The CMS REST API handler (turnServers) fed a sequence of HTTP requests as a client on
// the web admin port sends them, read by the lab's HTTP parser. A request's control byte
// can give it the admin's Basic credentials, and "{id}" in its target becomes the id of
// the first object created, so the fuzzer gets past 401 and reaches modify, status and
// delete of objects that exist.
// Properties: no exception escapes; every answer is one of the API's statuses (200, 400,
// 401, 404, 405); 401 carries a Basic challenge; a body is XML with its declaration; the
// list's total matches the objects held.
#include "cms/api_handler.h"
#include "fuzz_support.h"
#include "http/base64.h"
#include "http/parser.h"

#include <set>

using namespace cmslab;

namespace {

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

// The next whole request of the parser, or nullopt at the end of the input or an error.
std::optional<http::Request> NextRequest(http::Parser& parser) {
    http::Request request;
    bool have_head = false;
    for (;;) {
        http::Event e = parser.Next();
        if (auto* head = std::get_if<http::RequestHead>(&e)) {
            static_cast<http::RequestHead&>(request) = std::move(*head);
            have_head = true;
        } else if (auto* d = std::get_if<http::Data>(&e)) {
            request.body.insert(request.body.end(), d->data.begin(), d->data.end());
        } else if (auto* end = std::get_if<http::EndOfMessage>(&e)) {
            request.trailers = std::move(end->trailers);
            return have_head ? std::optional<http::Request>(std::move(request)) : std::nullopt;
        } else if (std::holds_alternative<http::Paused>(e) &&
                   parser.GetState() == http::Parser::State::UpgradePending) {
            parser.DeclineUpgrade();
        } else {
            return std::nullopt;
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::set<int> kStatuses = {200, 400, 401, 404, 405};
    cms::ApiHandler api({{"admin", "secret"}}, Rng(7));
    fuzz::Chunks in(data, size);
    for (int step = 0; step < 16 && !in.Done(); ++step) {
        const std::uint8_t op = in.U8();
        http::Parser parser(http::MessageKind::Request);
        parser.Receive(in.Chunk());
        parser.ReceiveEof();
        auto request = NextRequest(parser);
        if (!request)
            continue;
        const auto servers = api.TurnServers();
        if (!servers.empty())
            request->target = ReplaceAll(request->target, "{id}", servers.front().id);
        if (op & 1)
            request->headers.Set(
                "Authorization",
                "Basic " + http::Base64Encode(ByteView(std::string_view("admin:secret"))));
        fuzz::NoThrow("CMS API", [&] {
            const http::Response r = api.Handle(*request);
            FUZZ_CHECK(kStatuses.count(r.status) == 1, "status " + std::to_string(r.status));
            if (r.status == 401)
                FUZZ_CHECK(r.headers.Get("WWW-Authenticate").value_or("").rfind("Basic ", 0) == 0,
                           "401 without a Basic challenge");
            if (!r.body.empty())
                FUZZ_CHECK(
                    std::string(r.body.begin(), r.body.end()).rfind("<?xml version=\"1.0\"?>", 0) ==
                        0,
                    "body without the XML declaration");
            const std::string list = api.ListXml();
            const std::string total = "total=\"" + std::to_string(api.TurnServers().size()) + "\"";
            FUZZ_CHECK(list.find(total) != std::string::npos,
                       "list total differs from the objects held");
        });
    }
    return 0;
}
