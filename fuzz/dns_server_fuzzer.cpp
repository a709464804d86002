// The authoritative DNS server fed query bytes over UDP and TCP. Properties: no exception
// escapes; the answer is silence (no header could be read) or a DNS response: it
// decodes, has QR set, the query's id and opcode, a UDP answer fits 512 bytes unless the
// query carried EDNS, and FORMERR when the query does not decode (NOTIMP
// for an opcode other than QUERY).
#include "dns/authoritative_server.h"
#include "dns/codec.h"
#include "fuzz_support.h"

using namespace cmslab;
using namespace cmslab::dns;

namespace {

ZoneRecordConfig Record(const char* name, const char* type, const char* address,
                        const char* target) {
    ZoneRecordConfig r;
    r.name = name;
    r.type = type;
    if (address)
        r.address = IpAddress::Parse(address);
    if (target)
        r.target = target;
    r.port = 443;
    return r;
}

const AuthoritativeServer& FuzzServer() {
    static const AuthoritativeServer server = [] {
        ZoneConfig com;
        com.origin = "example.com";
        com.records = {Record("cmsweb.example.com", "A", "203.0.113.10", nullptr),
                       Record("cmsweb.example.com", "AAAA", "2001:db8::10", nullptr),
                       Record("join.example.com", "CNAME", nullptr, "cmsweb.example.com"),
                       Record("_turn._udp.example.com", "SRV", nullptr, "turn.example.com"),
                       Record("turn.example.com", "A", "203.0.113.20", nullptr),
                       Record("a.b.c.deep.example.com", "A", "203.0.113.30", nullptr)};
        ZoneConfig local;
        local.origin = "example.local";
        local.records = {Record("cms.example.local", "A", "192.0.2.10", nullptr)};
        auto built = AuthoritativeServer::Build({com, local});
        if (!built)
            fuzz::Fail(__FILE__, __LINE__, "fuzz zones do not build: " + built.Message());
        return std::move(*built);
    }();
    return server;
}

void CheckReply(ByteView query, const ServerReply& reply, Transport transport) {
    auto header = DecodeHeader(query);
    if (reply.response.empty())
        return; // silence is an answer to what cannot be answered
    FUZZ_CHECK(header.Ok(), "answered a query whose header does not decode");
    FUZZ_CHECK(!header->qr, "answered a response");
    auto response = DecodeMessage(reply.response);
    FUZZ_CHECK(response.Ok(), "the server's response does not decode: " + response.Message());
    FUZZ_CHECK(response->header.qr, "response without QR");
    FUZZ_CHECK(response->header.id == header->id, "response id differs from the query's");
    FUZZ_CHECK(response->header.opcode == header->opcode, "response opcode differs");
    auto query_message = DecodeMessage(query);
    if (!query_message.Ok())
        FUZZ_CHECK(response->FullRcode() ==
                       (header->opcode == Opcode::Query ? Rcode::FormErr : Rcode::NotImp),
                   "an undecodable query not answered FORMERR (NOTIMP for other opcodes): " +
                       response->ToText());
    if (transport == Transport::Udp && (!query_message.Ok() || !query_message->GetEdns()))
        FUZZ_CHECK(reply.response.size() <= kMaxUdpPayload,
                   "UDP answer over 512 bytes without EDNS");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView query(data, size);
    const AuthoritativeServer& server = FuzzServer();
    for (Transport transport : {Transport::Udp, Transport::Tcp}) {
        fuzz::NoThrow("DNS server", [&] {
            const ServerReply reply = server.HandleDetailed(query, transport);
            CheckReply(query, reply, transport);
        });
    }
    return 0;
}
