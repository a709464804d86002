// curl, a real HTTP client, against our parser and serializer: a loopback server
// (poll(), deadline) reads curl's requests with http::Parser and answers with our
// serializer; each test asserts both what the server parsed and what curl printed.
#include "common/rng.h"
#include "http/assembler.h"
#include "http/basic_auth.h"
#include "http/form.h"
#include "http/host.h"
#include "http/parser.h"
#include "http/serializer.h"
#include "support/loopback.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/values.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <mutex>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace cmslab;
using namespace cmslab::http;
using cmslab::testkit::ProcessResult;
using cmslab::testkit::RunProcess;

namespace {

using cmslab::testkit::B;
using cmslab::testkit::Text;

// Serves HTTP on 127.0.0.1 on a free port until Stop() or a 30 s deadline.
class LoopbackServer {
  public:
    using Handler = std::function<Bytes(const Request&)>;

    explicit LoopbackServer(Handler handler) : m_handler(std::move(handler)) {
        m_listen = testkit::ListenLoopback(m_port);
        if (m_listen < 0) {
            ADD_FAILURE() << "cannot listen on 127.0.0.1";
            return;
        }
        m_thread = std::thread([this] { Run(); });
    }

    ~LoopbackServer() {
        Stop();
        if (m_listen >= 0)
            close(m_listen);
    }

    void Stop() {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    std::uint16_t Port() const { return m_port; }
    std::string Url(const std::string& target) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + target;
    }
    std::vector<Request> Requests() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_requests;
    }
    int Connections() const { return m_connections; }
    std::vector<ProtocolError> Errors() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_errors;
    }

  private:
    struct Conn {
        explicit Conn(int f) : fd(f) {}
        int fd;
        Parser parser{MessageKind::Request};
        RequestAssembler assembler;
    };

    void Run() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        std::vector<std::unique_ptr<Conn>> conns;
        while (!m_stop && std::chrono::steady_clock::now() < deadline) {
            std::vector<pollfd> fds{{m_listen, POLLIN, 0}};
            for (auto& c : conns)
                fds.push_back({c->fd, POLLIN, 0});
            if (poll(fds.data(), fds.size(), 50) <= 0)
                continue;
            if (fds[0].revents & POLLIN) {
                const int fd = accept(m_listen, nullptr, nullptr);
                if (fd >= 0) {
                    ++m_connections;
                    conns.push_back(std::make_unique<Conn>(fd));
                }
            }
            for (std::size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                    continue;
                if (!Serve(*conns[i - 1], deadline)) {
                    close(conns[i - 1]->fd);
                    conns[i - 1]->fd = -1;
                }
            }
            conns.erase(
                std::remove_if(conns.begin(), conns.end(), [](const auto& c) { return c->fd < 0; }),
                conns.end());
        }
        for (auto& c : conns)
            close(c->fd);
    }

    // Reads what is there and answers complete requests; false to close.
    bool Serve(Conn& c, std::chrono::steady_clock::time_point deadline) {
        std::uint8_t buf[16384];
        const ssize_t n = read(c.fd, buf, sizeof buf);
        std::vector<Event> events =
            n > 0 ? c.parser.Feed(ByteView(buf, static_cast<std::size_t>(n))) : c.parser.FeedEof();
        for (auto& e : events) {
            const auto* head = std::get_if<RequestHead>(&e);
            if (head && head->headers.HasToken("Expect", "100-continue")) {
                Response cont;
                cont.status = 100;
                testkit::SendAll(c.fd, Serialize(cont), deadline);
            }
            if (auto request = c.assembler.Add(e)) {
                {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_requests.push_back(*request);
                }
                const Bytes answer = m_handler(*request);
                if (!testkit::SendAll(c.fd, answer, deadline))
                    return false;
                if (Text(answer).find("\r\nConnection: close\r\n") != std::string::npos)
                    return false;
            } else if (auto* err = std::get_if<ProtocolError>(&e)) {
                {
                    std::lock_guard<std::mutex> lock(m_mutex);
                    m_errors.push_back(*err);
                }
                testkit::SendAll(c.fd, Serialize(ErrorResponse(err->status, err->message)),
                                 deadline);
                return false;
            } else if (std::holds_alternative<ConnectionClosed>(e)) {
                return false;
            }
        }
        if (c.parser.GetState() == Parser::State::UpgradePending)
            c.parser.DeclineUpgrade();
        return n > 0 && c.parser.GetState() != Parser::State::Done;
    }

    Handler m_handler;
    int m_listen = -1;
    std::uint16_t m_port = 0;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    std::mutex m_mutex;
    std::vector<Request> m_requests;
    std::vector<ProtocolError> m_errors;
};

ProcessResult Curl(std::vector<std::string> args) {
    if (!cmslab::testkit::ProgramExists("curl")) {
        ADD_FAILURE() << "curl is not installed (Debian package curl; tools/setup installs it)";
        return {};
    }
    args.insert(args.begin(), {"curl", "-sS", "--max-time", "10"});
    auto r = RunProcess(args, std::chrono::seconds(20));
    EXPECT_TRUE(r.started);
    EXPECT_FALSE(r.timed_out) << "curl did not finish";
    return r;
}

Bytes Ok(std::string_view body, std::string_view content_type = "text/plain") {
    Response r;
    r.headers.Add("Content-Type", std::string(content_type));
    r.body = B(body);
    return Serialize(r);
}

} // namespace

TEST(HttpCurl, GetWithQueryAndRepeatedHeaders) {
    LoopbackServer server([](const Request&) { return Ok("welcome"); });
    const auto r = Curl({"-H", "X-Lab: one", "-H", "X-Lab: two", "-w", "%{http_code}",
                         server.Url("/meeting/join?id=100101&name=Guest+One")});
    server.Stop();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "welcome200");
    const auto reqs = server.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    const auto& q = reqs[0];
    EXPECT_EQ(q.method, "GET");
    EXPECT_EQ(q.target, "/meeting/join?id=100101&name=Guest+One");
    EXPECT_EQ(q.version, (Version{1, 1}));
    ASSERT_TRUE(q.headers.Get("host"));
    EXPECT_TRUE(HostMatches(*q.headers.Get("Host"), "127.0.0.1", server.Port()));
    EXPECT_EQ(q.headers.Get("user-agent").value_or("").rfind("curl/", 0), 0u);
    EXPECT_EQ(q.headers.Get("Accept"), "*/*");
    EXPECT_EQ(q.headers.GetAll("x-lab"), (std::vector<std::string>{"one", "two"}));
    const auto query = ParseQuery(q.target);
    ASSERT_TRUE(query);
    EXPECT_EQ(FormValue(*query, "name"), "Guest One");
    EXPECT_TRUE(server.Errors().empty());
}

TEST(HttpCurl, UrlencodedFormPostDecodes) {
    LoopbackServer server([](const Request& req) {
        const auto form = FormDecode(Text(req.body));
        return Ok(form ? FormEncode(*form) : "bad form");
    });
    const auto r =
        Curl({"--data-urlencode", "name=Jöhn Doe & co", "--data-urlencode", "passcode=12+34=5%",
              "--data-urlencode", "empty=", "-w", " %{http_code}", server.Url("/login")});
    server.Stop();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Our re-encoding of what we decoded, sent back through our serializer.
    EXPECT_EQ(r.out, "name=J%C3%B6hn+Doe+%26+co&passcode=12%2B34%3D5%25&empty= 200");
    const auto reqs = server.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].headers.Get("Content-Type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(reqs[0].headers.Get("Content-Length"), std::to_string(reqs[0].body.size()));
    const auto form = FormDecode(Text(reqs[0].body));
    ASSERT_TRUE(form) << form.Message();
    const FormFields expected = {
        {"name", "Jöhn Doe & co"}, {"passcode", "12+34=5%"}, {"empty", ""}};
    EXPECT_EQ(*form, expected) << Text(reqs[0].body);
}

TEST(HttpCurl, BasicAuthAfterOurChallenge) {
    // --anyauth makes curl ask first without credentials, read our WWW-Authenticate
    // challenge, and retry with the scheme it names.
    LoopbackServer server([](const Request& req) {
        const auto auth = req.headers.Get("Authorization");
        if (auth) {
            const auto creds = DecodeBasicAuth(*auth);
            if (creds && creds->user == "Aladdin" && creds->password == "open sesame")
                return Ok("<coSpaces total=\"0\"></coSpaces>", "text/xml");
        }
        Response r;
        r.status = 401;
        r.headers.Add("WWW-Authenticate", BasicChallenge("CMS API"));
        return Serialize(r);
    });
    const auto r = Curl({"--anyauth", "-u", "Aladdin:open sesame", "-w", " %{http_code}",
                         server.Url("/api/v1/coSpaces")});
    const auto denied = Curl({"-i", "-w", "%{http_code}", server.Url("/api/v1/coSpaces")});
    server.Stop();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "<coSpaces total=\"0\"></coSpaces> 200");
    const auto reqs = server.Requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_FALSE(reqs[0].headers.Has("Authorization"));
    ASSERT_TRUE(reqs[1].headers.Has("Authorization"));
    EXPECT_EQ(*reqs[1].headers.Get("Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    const auto creds = DecodeBasicAuth(*reqs[1].headers.Get("Authorization"));
    ASSERT_TRUE(creds);
    EXPECT_EQ(*creds, (BasicCredentials{"Aladdin", "open sesame"}));

    EXPECT_EQ(denied.exit_code, 0) << denied.err;
    EXPECT_EQ(denied.out.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u) << denied.out;
    EXPECT_NE(denied.out.find("\r\nWWW-Authenticate: Basic realm=\"CMS API\"\r\n"),
              std::string::npos)
        << denied.out;
    EXPECT_EQ(denied.out.substr(denied.out.size() - 3), "401");
}

TEST(HttpCurl, ChunkedResponseIsReassembledByCurl) {
    LoopbackServer server([](const Request&) {
        ResponseHead head;
        head.headers.Add("Content-Type", "text/plain");
        head.headers.Add("Transfer-Encoding", "chunked");
        Bytes out = SerializeHead(head);
        for (std::string_view piece :
             std::vector<std::string_view>{"first, ", "second, ", "and a third"}) {
            const auto c = EncodeChunk(ByteView(piece));
            out.insert(out.end(), c.begin(), c.end());
        }
        const auto last = EncodeLastChunk(Headers{{"X-Checksum", "c0ffee"}});
        out.insert(out.end(), last.begin(), last.end());
        return out;
    });
    const auto r = Curl({"-i", "-w", "|%{http_code}|%{size_download}", server.Url("/stream")});
    server.Stop();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\r\nTransfer-Encoding: chunked\r\n"), std::string::npos);
    EXPECT_NE(r.out.find("\r\n\r\nfirst, second, and a third"), std::string::npos) << r.out;
    // curl -i prints the trailer fields right after the body.
    EXPECT_NE(r.out.find("third"
                         "X-Checksum: c0ffee\r\n|200|"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.substr(r.out.rfind('|') + 1), "26");
}

TEST(HttpCurl, UnknownHostGets400AsExpresswayEWouldAnswer) {
    LoopbackServer server([&](const Request& req) {
        const auto host = req.headers.Get("Host").value_or("");
        if (!HostMatches(host, "cmsweb.example.com", 80))
            return Serialize(ErrorResponse(400, "unknown host"));
        return Ok("web bridge");
    });
    const auto bad =
        Curl({"-i", "-H", "Host: cmsweb.internal.example", "-w", "%{http_code}", server.Url("/")});
    const auto good =
        Curl({"-H", "Host: CMSWEB.example.com", "-w", " %{http_code}", server.Url("/")});
    server.Stop();
    EXPECT_EQ(bad.exit_code, 0) << bad.err;
    EXPECT_EQ(bad.out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << bad.out;
    EXPECT_NE(bad.out.find("\r\nConnection: close\r\n"), std::string::npos);
    EXPECT_NE(bad.out.find("\r\n\r\n400 Bad Request: unknown host\n400"), std::string::npos)
        << bad.out;
    EXPECT_EQ(good.out, "web bridge 200");
}

TEST(HttpCurl, KeepAliveCarriesTwoRequestsOnOneConnection) {
    LoopbackServer server([](const Request& req) { return Ok(req.target); });
    const auto r =
        Curl({"-w", " %{http_code}:%{num_connects}\n", server.Url("/one"), server.Url("/two")});
    server.Stop();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "/one 200:1\n/two 200:0\n");
    EXPECT_EQ(server.Connections(), 1);
    ASSERT_EQ(server.Requests().size(), 2u);
}

TEST(HttpCurl, ChunkedUploadWithExpectContinue) {
    cmslab::testkit::TempDir dir;
    ASSERT_FALSE(dir.Path().empty());
    std::string payload;
    Rng rng(11);
    for (int i = 0; i < 100000; ++i)
        payload += static_cast<char>('a' + rng.Uniform(0, 25));
    {
        std::ofstream f(dir.File("upload.txt"), std::ios::binary);
        f << payload;
    }
    LoopbackServer server([](const Request& req) { return Ok(std::to_string(req.body.size())); });
    const auto r =
        Curl({"-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", "--data-binary",
              "@" + dir.File("upload.txt"), "-w", " %{http_code}", server.Url("/upload")});
    server.Stop();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "100000 200");
    const auto reqs = server.Requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].headers.Get("Transfer-Encoding"), "chunked");
    EXPECT_FALSE(reqs[0].headers.Has("Content-Length"));
    EXPECT_EQ(Text(reqs[0].body), payload);
}

TEST(HttpCurl, HeadAndHttp10) {
    LoopbackServer server([](const Request& req) {
        Response r;
        r.headers.Add("Content-Type", "text/plain");
        r.headers.Add("Content-Length", "12");
        if (req.version == Version{1, 0})
            r.headers.Add("Connection", "close");
        if (req.method == "HEAD")
            return SerializeHead(r);
        r.body = B("hello, world");
        return Serialize(r);
    });
    const auto head = Curl({"-I", server.Url("/page")});
    const auto old = Curl({"-0", "-w", " %{http_version}", server.Url("/page")});
    server.Stop();
    EXPECT_EQ(head.exit_code, 0) << head.err;
    EXPECT_EQ(head.out,
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n");
    EXPECT_EQ(old.exit_code, 0) << old.err;
    // A server answers with its own version (RFC 9110 6.2); curl reports the response's.
    EXPECT_EQ(old.out, "hello, world 1.1");
    const auto reqs = server.Requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].method, "HEAD");
    EXPECT_EQ(reqs[1].version, (Version{1, 0}));
}

TEST(HttpCurl, MalformedRequestFromCurlGetsOurErrorStatus) {
    // curl sends what it is told: a header with an invalid name gives our 400.
    LoopbackServer server([](const Request&) { return Ok("unreachable"); });
    const auto r = Curl({"-i", "-H", "Bad(Name: x", "-w", "%{http_code}", server.Url("/")});
    server.Stop();
    EXPECT_EQ(r.out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << r.out << r.err;
    ASSERT_EQ(server.Errors().size(), 1u);
    EXPECT_EQ(server.Errors()[0].status, 400);
    EXPECT_TRUE(server.Requests().empty());
}
