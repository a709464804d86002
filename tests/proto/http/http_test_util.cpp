#include "http_test_util.h"

namespace cmslab::http {

std::vector<Event> MergeData(const std::vector<Event>& events) {
    std::vector<Event> out;
    for (const auto& e : events) {
        if (const auto* d = std::get_if<Data>(&e)) {
            if (!out.empty()) {
                if (auto* prev = std::get_if<Data>(&out.back())) {
                    prev->data.insert(prev->data.end(), d->data.begin(), d->data.end());
                    continue;
                }
            }
        }
        out.push_back(e);
    }
    return out;
}

std::vector<Event> ParseInPieces(MessageKind kind, std::string_view input,
                                 const std::vector<std::size_t>& cuts, bool eof,
                                 const std::vector<std::string>& methods, Limits limits) {
    Parser p(kind, limits);
    for (const auto& m : methods)
        p.ExpectResponseTo(m);
    std::vector<Event> all;
    std::size_t from = 0;
    // Once failed, a parser repeats its error on every call: keep the first only.
    auto keep = [&](std::vector<Event> ev) {
        for (auto& e : ev) {
            if (!all.empty() && std::holds_alternative<ProtocolError>(all.back()))
                return;
            all.push_back(std::move(e));
        }
    };
    auto feed = [&](std::size_t to) {
        keep(p.Feed(ByteView(input.substr(from, to - from))));
        from = to;
    };
    for (auto c : cuts)
        feed(c);
    feed(input.size());
    if (eof)
        keep(p.FeedEof());
    return MergeData(all);
}

std::vector<Event> ParseWhole(MessageKind kind, std::string_view input, bool eof,
                              const std::vector<std::string>& methods, Limits limits) {
    return ParseInPieces(kind, input, {}, eof, methods, limits);
}

namespace {

std::string FieldsText(const Headers& h) {
    std::string s;
    for (const auto& f : h)
        s += " [" + f.name + ": " + f.value + "]";
    return s;
}

} // namespace

std::string Describe(const Event& e) {
    struct V {
        std::string operator()(const NeedData&) const { return "NeedData"; }
        std::string operator()(const Paused&) const { return "Paused"; }
        std::string operator()(const RequestHead& r) const {
            return "Request " + r.method + " " + r.target + " " + r.version.ToString() +
                   FieldsText(r.headers);
        }
        std::string operator()(const ResponseHead& r) const {
            return "Response " + std::to_string(r.status) + " " + r.reason + FieldsText(r.headers);
        }
        std::string operator()(const Data& d) const {
            return "Data(" + std::string(d.data.begin(), d.data.end()) + ")";
        }
        std::string operator()(const EndOfMessage& m) const {
            return "EndOfMessage" + FieldsText(m.trailers);
        }
        std::string operator()(const ConnectionClosed&) const { return "ConnectionClosed"; }
        std::string operator()(const ProtocolError& p) const {
            return "ProtocolError " + std::to_string(p.status) + " " + p.message;
        }
    };
    return std::visit(V{}, e);
}

std::string Describe(const std::vector<Event>& events) {
    std::string s;
    for (const auto& e : events)
        s += Describe(e) + "\n";
    return s;
}

} // namespace cmslab::http
