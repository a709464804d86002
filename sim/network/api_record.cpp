#include "api_record.h"

#include "box_log.h"
#include "dns_resolver.h"
#include "http/basic_auth.h"
#include "http/form.h"
#include "http/serializer.h"
#include "http_client_session.h"
#include "scenario/admin_session_plan.h"
#include "sim_time.h"
#include "tcp_stream.h"
#include "tls/context.h"
#include "tls_stream.h"

#include "ns3/node.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace cmslab::network {

namespace devnet = devices::net;

namespace {

std::string Text(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

Duration Seconds(double s) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

} // namespace

struct ApiRecord::Impl {
    scenario::AdminSessionConfig plan;
    std::ofstream file;
    std::int64_t epoch = 0;
    ns3::Ptr<ns3::Node> node;
    std::unique_ptr<devices::DnsResolver> resolver;
    std::optional<Endpoint> server; // once the name is resolved
    std::string host_field;
    std::string authorization;
    std::shared_ptr<const tls::Context> tls_context;
    bool enforce_certificate = false;
    Rng rng{1};
    devnet::Timer timer;
    std::unique_ptr<devnet::HttpClientSession> session;
    scenario::AdminObjectMemory memory;
    std::size_t next = 0; // index of the next request of the plan
    int requests = 0;     // requests sent (their numbers in the record)
    bool stopped = false;

    void Write(const std::string& text) {
        if (!file.is_open())
            return;
        file << text;
        file.flush();
    }
    void Line(const std::string& text) {
        Write(devices::BoxLog::Timestamp(epoch, devnet::SimNow()) + " " + text + "\n");
    }

    void Stop(const std::string& why) {
        Line("session: " + why);
        stopped = true;
        timer.Cancel();
        if (session)
            session->Close();
    }

    void Begin() {
        if (auto address = IpAddress::Parse(plan.url.host)) {
            server = Endpoint{*address, plan.url.EffectivePort()};
            ScheduleNext();
            return;
        }
        resolver->Resolve(plan.url.host, dns::RecordType::A, [this](const dns::LookupResult& r) {
            if (r.addresses.empty()) {
                Stop("could not resolve host: " + plan.url.host + " (" + dns::ToString(r.status) +
                     "), stopping as curl does (exit 6)");
                return;
            }
            server = Endpoint{r.addresses.front(), plan.url.EffectivePort()};
            Line("session: " + plan.url.host + " resolved to " + server->address.ToString());
            ScheduleNext();
        });
    }

    // A connection for the next request: the open one (keep-alive), or a new one when the
    // server closed the last.
    void Connect() {
        std::unique_ptr<devnet::ByteStream> stream = devnet::TcpStream::Connect(node, *server);
        if (tls_context) {
            tls::EndpointOptions options;
            options.server_name = plan.url.host;
            options.verify_time = devnet::WallClockSeconds(epoch);
            auto tls_stream =
                devnet::TlsStream::Client(std::move(stream), tls_context, options, rng.Fork("tls"));
            tls_stream->SetOnVerifyFailed([this](const devnet::TlsVerifyFailure& f) {
                if (enforce_certificate)
                    Line("session: SSL certificate problem: " + f.error.ToString() +
                         ", stopping as curl does (exit 60)");
                else
                    Line("session: server certificate not verified (" + f.error.ToString() +
                         "), going on as curl -k does");
            });
            tls_stream->SetOnHandshakeDone([this](const devnet::TlsSessionInfo& info) {
                Line("session: " + info.handshake.version + " " + info.handshake.cipher +
                     ", ALPN " + (info.handshake.alpn.empty() ? "none" : info.handshake.alpn) +
                     ", server certificate " + info.peer_subject);
            });
            stream = std::move(tls_stream);
        }
        session = std::make_unique<devnet::HttpClientSession>(std::move(stream), rng.Fork("http"));
        session->SetOnClosed([this](const devnet::CloseInfo& info) {
            // After Stop the line that says why is written already.
            if (!stopped)
                Line("session: connection closed (" + info.ToString() + ")");
        });
    }

    void ScheduleNext() {
        if (stopped)
            return;
        if (next >= plan.requests.size()) {
            Line("session: done, closing");
            stopped = true;
            if (session)
                session->Close();
            return;
        }
        timer.ScheduleIn(Seconds(plan.requests[next].after_s), [this](Instant) { SendNext(); });
    }

    void SendNext() {
        const scenario::AdminRequest& step = plan.requests[next++];
        const auto target = memory.Resolve(step.path);
        if (!target) {
            Line("session: skipping " + step.method + " " + step.path +
                 ": no object learned yet for {id}");
            ScheduleNext();
            return;
        }
        if (!session || !session->IsOpen())
            Connect();
        http::Request request;
        request.method = step.method;
        request.target = *target;
        request.headers.Add("Host", host_field);
        request.headers.Add("Authorization", authorization);
        request.headers.Add("Accept", "*/*");
        if (!step.form.empty()) {
            request.headers.Add("Content-Type", "application/x-www-form-urlencoded");
            const std::string body = http::FormEncode(step.form);
            request.body.assign(body.begin(), body.end());
        }
        const int n = ++requests;
        const Instant sent = devnet::SimNow();
        Line("request " + std::to_string(n) + ":");
        Write(Text(http::Serialize(request)) + "\n");
        session->Send(
            std::move(request), [this, n, sent, method = step.method](Expected<http::Response> r) {
                if (!r) {
                    Line("response " + std::to_string(n) + ": none (" + r.Message() + ")");
                    // What a person does when the tool shows an error: stop.
                    if (enforce_certificate || !session || !session->IsOpen())
                        Stop("stopped after request " + std::to_string(n) + " got no answer");
                    return;
                }
                const double ms =
                    std::chrono::duration<double, std::milli>(devnet::SimNow() - sent).count();
                char after[32];
                std::snprintf(after, sizeof(after), "%.3f", ms);
                Line("response " + std::to_string(n) + " after " + after + " ms:");
                const std::string body = Text(r->body);
                Write(Text(http::SerializeHead(static_cast<const http::ResponseHead&>(*r))) + body +
                      (body.empty() || body.back() == '\n' ? "\n" : "\n\n"));
                memory.Learn(method, r->status, r->headers.Get("Location").value_or(""), body);
                ScheduleNext();
            });
    }
};

ApiRecord::ApiRecord(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ApiRecord::~ApiRecord() = default;

std::unique_ptr<ApiRecord> StartApiRecord(World& world, const ScenarioPki& pki,
                                          const tls::KeyLogSink& key_log,
                                          const std::string& out_dir,
                                          const ApiRecordOptions& options) {
    auto impl = std::make_unique<ApiRecord::Impl>();
    impl->epoch = world.EpochUnixSeconds();
    if (!out_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(out_dir + "/api", ec);
        impl->file.open(out_dir + "/api/session.log", std::ios::out | std::ios::trunc);
    }

    const scenario::Scenario& s = world.Scenario();
    auto plan = scenario::PlanAdminSession(s);
    if (!plan) {
        impl->Line("session: none (" + plan.Message() + ")");
        return nullptr;
    }
    impl->plan = *plan;
    const scenario::AdminSessionConfig& p = impl->plan;
    impl->node = world.GetNode(p.node);
    if (!impl->node) {
        impl->Line("session: none (no node " + p.node + ")");
        return nullptr;
    }
    auto auth = http::EncodeBasicAuth(p.user, p.password);
    if (!auth) {
        impl->Line("session: none (user " + p.user + ": " + auth.Message() + ")");
        return nullptr;
    }
    impl->authorization = *auth;
    impl->host_field = p.url.host + (p.url.port ? ":" + std::to_string(p.url.port) : "");
    impl->rng = world.ForkRng("api-record");
    impl->resolver = world.MakeResolver(p.node);
    if (p.url.scheme == "https") {
        tls::ContextConfig config;
        config.role = tls::Role::Client;
        // Trusting nothing named: the scenario's authorities judge the certificate for the
        // record, and the session goes on whatever they say (curl -k).
        impl->enforce_certificate = !p.trusted_cas.empty();
        config.verify =
            impl->enforce_certificate ? tls::VerifyMode::Require : tls::VerifyMode::Report;
        std::vector<std::string> authorities = p.trusted_cas;
        if (authorities.empty())
            for (const auto& ca : s.pki.authorities)
                authorities.push_back(ca.name);
        config.trust_anchors = pki.TrustAnchors(authorities);
        config.alpn = {"http/1.1"};
        config.key_log = key_log;
        Rng ctx_rng = impl->rng.Fork("tls-context");
        auto ctx = tls::Context::Create(std::move(config), ctx_rng);
        if (!ctx) {
            impl->Line("session: none (TLS client: " + ctx.Message() + ")");
            return nullptr;
        }
        impl->tls_context = *ctx;
    }

    const double at = options.at_s ? *options.at_s : p.at_s;
    ApiRecord::Impl* raw = impl.get();
    impl->timer.ScheduleAt(Seconds(at), [raw](Instant) {
        raw->Line("session: " + raw->plan.node + " opens " + raw->plan.url.scheme + "://" +
                  raw->host_field + " as \"" + raw->plan.user + "\"" +
                  (raw->enforce_certificate ? ", checking the server certificate" : ""));
        raw->Begin();
    });
    return std::make_unique<ApiRecord>(std::move(impl));
}

} // namespace cmslab::network
