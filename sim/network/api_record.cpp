#include "api_record.h"

#include "box_log.h"
#include "http/basic_auth.h"
#include "http/serializer.h"
#include "http_client_session.h"
#include "sim_time.h"
#include "tcp_stream.h"
#include "tls/context.h"
#include "tls_stream.h"

#include "ns3/node.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>

namespace cmslab::network {

namespace devnet = devices::net;

namespace {

constexpr const char* kListTarget = "/api/v1/turnServers";

std::string Text(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

// The ids of a turnServers list: <turnServer id="...">, in document order.
std::vector<std::string> ListedIds(const std::string& xml) {
    static const std::string kOpen = "<turnServer id=\"";
    std::vector<std::string> ids;
    for (auto at = xml.find(kOpen); at != std::string::npos; at = xml.find(kOpen, at)) {
        at += kOpen.size();
        const auto end = xml.find('"', at);
        if (end == std::string::npos)
            break;
        ids.push_back(xml.substr(at, end - at));
        at = end;
    }
    return ids;
}

const scenario::Node* FirstCms(const scenario::Scenario& s) {
    for (const auto& n : s.nodes)
        if (n.role == "cms" && n.cms && !n.interfaces.empty())
            return &n;
    return nullptr;
}

// An administrator's desk: any host on the API's LAN that is not the server itself or a
// box that only forwards.
const scenario::Node* Workstation(const scenario::Scenario& s, const scenario::Node& cms) {
    const std::string& lan = cms.interfaces.front().network;
    for (const auto& n : s.nodes) {
        if (&n == &cms || n.role == "router" || n.role == "nat_firewall")
            continue;
        for (const auto& i : n.interfaces)
            if (i.network == lan)
                return &n;
    }
    return nullptr;
}

} // namespace

struct ApiRecord::Impl {
    std::ofstream file;
    std::int64_t epoch = 0;
    ns3::Ptr<ns3::Node> node;
    Endpoint server;
    std::string host_field;
    std::string authorization;
    std::shared_ptr<const tls::Context> tls_context;
    Rng rng{1};
    devnet::Timer start;
    std::unique_ptr<devnet::HttpClientSession> session;
    std::deque<std::string> targets;
    int requests = 0;

    void Write(const std::string& text) {
        if (!file.is_open())
            return;
        file << text;
        file.flush();
    }
    void Line(const std::string& text) {
        Write(devices::BoxLog::Timestamp(epoch, devnet::SimNow()) + " " + text + "\n");
    }

    void Begin() {
        std::unique_ptr<devnet::ByteStream> stream = devnet::TcpStream::Connect(node, server);
        if (tls_context) {
            tls::EndpointOptions options;
            options.server_name = server.address.ToString();
            options.verify_time = devnet::WallClockSeconds(epoch);
            auto tls_stream =
                devnet::TlsStream::Client(std::move(stream), tls_context, options, rng.Fork("tls"));
            tls_stream->SetOnVerifyFailed([this](const devnet::TlsVerifyFailure& f) {
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
            Line("session: closed by the server (" + info.ToString() + ")");
        });
        targets.push_back(kListTarget);
        SendNext();
    }

    void SendNext() {
        if (targets.empty()) {
            Line("session: done, closing");
            session->Close();
            return;
        }
        http::Request request;
        request.method = "GET";
        request.target = targets.front();
        targets.pop_front();
        request.headers.Add("Host", host_field);
        request.headers.Add("Authorization", authorization);
        request.headers.Add("Accept", "*/*");
        const int n = ++requests;
        const Instant sent = devnet::SimNow();
        Line("request " + std::to_string(n) + ":");
        Write(Text(http::Serialize(request)) + "\n");
        const std::string target = request.target;
        session->Send(std::move(request), [this, n, sent, target](Expected<http::Response> r) {
            if (!r) {
                Line("response " + std::to_string(n) + ": none (" + r.Message() + ")");
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
            if (target == kListTarget && r->status == 200)
                for (const auto& id : ListedIds(body)) {
                    targets.push_back(std::string(kListTarget) + "/" + id);
                    targets.push_back(std::string(kListTarget) + "/" + id + "/status");
                }
            SendNext();
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
    const scenario::Node* cms = FirstCms(s);
    if (!cms || cms->cms->web_admin.users.empty()) {
        impl->Line("session: none (no CMS with a web admin user in the scenario)");
        return nullptr;
    }
    const scenario::Node* desk = Workstation(s, *cms);
    if (!desk || !world.GetNode(desk->name)) {
        impl->Line("session: none (no host besides the CMS on network " +
                   cms->interfaces.front().network + " to reach its API from)");
        return nullptr;
    }
    const scenario::WebAdminSettings& admin = cms->cms->web_admin;
    const scenario::User& user = admin.users.front();
    auto auth = http::EncodeBasicAuth(user.name, user.password);
    if (!auth) {
        impl->Line("session: none (web admin user " + user.name + ": " + auth.Message() + ")");
        return nullptr;
    }
    impl->node = world.GetNode(desk->name);
    impl->server = Endpoint{cms->interfaces.front().address, admin.port};
    impl->host_field = impl->server.address.ToString() + ":" + std::to_string(admin.port);
    impl->authorization = *auth;
    impl->rng = world.ForkRng("api-record");
    if (!admin.certificate.empty()) {
        tls::ContextConfig config;
        config.role = tls::Role::Client;
        config.verify = tls::VerifyMode::Report;
        std::vector<std::string> authorities;
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

    const double end = s.duration_s;
    const double at = options.at_s ? *options.at_s : std::max(end / 2, end - 5);
    ApiRecord::Impl* raw = impl.get();
    const std::string scheme = impl->tls_context ? "https" : "http";
    const auto when = std::chrono::duration_cast<Instant>(std::chrono::duration<double>(at));
    impl->start.ScheduleAt(when, [raw, desk = desk->name, scheme, name = user.name](Instant) {
        raw->Line("session: " + desk + " opens " + scheme + "://" + raw->host_field + " as \"" +
                  name + "\"");
        raw->Begin();
    });
    return std::make_unique<ApiRecord>(std::move(impl));
}

} // namespace cmslab::network
