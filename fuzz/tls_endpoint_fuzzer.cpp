// The TLS and DTLS endpoints fed records from a peer nobody here wrote, by the first
// byte's choice: a TLS server from its first bytes; a TLS server after a real
// ClientHello (the fuzzer writes the client's second flight); a TLS client after its
// ClientHello (the fuzzer plays the server); a DTLS server fed datagrams, with time
// passing so its retransmission timer runs.
// Properties: no exception escapes; no application data comes out before the handshake
// is established; a failed endpoint stays failed and gives nothing more.
#include "fuzz_support.h"
#include "pki/certificate_authority.h"
#include "tls/context.h"
#include "tls/dtls_endpoint.h"
#include "tls/tls_endpoint.h"

#include <chrono>

using namespace cmslab;
using namespace cmslab::tls;

namespace {

struct Contexts {
    std::shared_ptr<const Context> tls_server, tls_client, dtls_server;
    Bytes client_hello;
};

std::shared_ptr<const Context> MakeFuzzContext(ContextConfig c, std::uint64_t seed) {
    Rng rng(seed);
    auto ctx = Context::Create(std::move(c), rng);
    if (!ctx)
        fuzz::Fail(__FILE__, __LINE__, "context: " + ctx.Message());
    return *ctx;
}

const Contexts& FuzzContexts() {
    static const Contexts contexts = [] {
        Rng rng(11);
        pki::CertificateProfile p;
        p.subject.common_name = "cmsweb.example.com";
        p.dns_names = {"cmsweb.example.com"};
        p.not_before = 0;
        p.not_after = 2000000000;
        auto identity = pki::CreateSelfSigned(p, rng);
        if (!identity)
            fuzz::Fail(__FILE__, __LINE__, "certificate: " + identity.Message());
        Contexts c;
        ContextConfig s;
        s.role = Role::Server;
        s.identities = {*identity};
        s.alpn = {"http/1.1"};
        c.tls_server = MakeFuzzContext(s, 2);
        ContextConfig cl;
        cl.role = Role::Client;
        cl.verify = VerifyMode::None;
        c.tls_client = MakeFuzzContext(cl, 3);
        ContextConfig d;
        d.role = Role::Server;
        d.transport = Transport::Datagram;
        d.identities = {*identity};
        d.verify = VerifyMode::Fingerprint;
        d.srtp_profiles = {"SRTP_AES128_CM_SHA1_80"};
        c.dtls_server = MakeFuzzContext(d, 4);
        TlsEndpoint client(c.tls_client, EndpointOptions{}, Rng(5));
        client.Start();
        c.client_hello = client.TakeOutput();
        return c;
    }();
    return contexts;
}

// Checks one step's result against the endpoint's state before and after it.
void CheckStep(EndpointBase::State before, const EndpointBase& endpoint, const FeedResult& r) {
    if (before == EndpointBase::State::Failed) {
        FUZZ_CHECK(endpoint.GetState() == EndpointBase::State::Failed,
                   "a failed endpoint came back");
        FUZZ_CHECK(r.data.empty(), "a failed endpoint delivered data");
    }
    if (!r.data.empty())
        FUZZ_CHECK(before == EndpointBase::State::Established ||
                       endpoint.GetState() == EndpointBase::State::Established ||
                       endpoint.GetState() == EndpointBase::State::Closed,
                   "application data before the handshake");
}

template <class Step> void Steps(fuzz::Chunks& in, EndpointBase& endpoint, Step&& step) {
    for (int i = 0; i < 8 && !in.Done(); ++i) {
        const ByteView chunk = in.Chunk();
        const auto before = endpoint.GetState();
        const FeedResult r = step(chunk);
        CheckStep(before, endpoint, r);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Contexts& c = FuzzContexts();
    fuzz::Chunks in(data, size);
    const std::uint8_t mode = in.U8();
    fuzz::NoThrow("TLS endpoint", [&] {
        switch (mode & 3) {
        case 0:
        case 1: {
            TlsEndpoint server(c.tls_server, EndpointOptions{}, Rng(mode));
            if (mode & 1) {
                server.Feed(c.client_hello);
                (void)server.TakeOutput();
            }
            Steps(in, server, [&](ByteView chunk) {
                FeedResult r = server.Feed(chunk);
                (void)server.TakeOutput();
                return r;
            });
            break;
        }
        case 2: {
            EndpointOptions o;
            o.server_name = "cmsweb.example.com";
            TlsEndpoint client(c.tls_client, o, Rng(mode));
            client.Start();
            (void)client.TakeOutput();
            Steps(in, client, [&](ByteView chunk) {
                FeedResult r = client.Feed(chunk);
                (void)client.TakeOutput();
                return r;
            });
            break;
        }
        default: {
            DtlsEndpoint server(c.dtls_server, EndpointOptions{}, Rng(mode));
            Instant now{std::chrono::seconds(1)};
            Steps(in, server, [&](ByteView chunk) {
                FeedResult r = server.Feed(chunk, now);
                (void)server.TakeOutput();
                now += std::chrono::milliseconds(chunk.size ? chunk[0] * 20 : 0);
                if (auto t = server.NextTimeout(); t && *t <= now) {
                    FeedResult more = server.HandleTimeout(now);
                    r.data.insert(r.data.end(), more.data.begin(), more.data.end());
                    (void)server.TakeOutput();
                }
                return r;
            });
            break;
        }
        }
    });
    return 0;
}
