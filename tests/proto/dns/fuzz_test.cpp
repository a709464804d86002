// Generated inputs (fixed seed) against every decoder entry point: random buffers, random
// headers with small counts, truncations and mutations of valid messages, oversized
// lengths. Each must return without crashing and keep the invariants checked here.
#include "dns/authoritative_server.h"
#include "dns/codec.h"
#include "dns/stub_resolver.h"
#include "dns/tcp_framing.h"
#include "test_zones.h"

#include "common/rng.h"

#include <gtest/gtest.h>

using namespace cmslab;
using namespace cmslab::dns;
using namespace cmslab::dns::test;

namespace {

Bytes Q(const std::string& name, RecordType type, bool edns = false) {
    Message q;
    q.header.id = 0x5151;
    q.header.rd = true;
    q.questions.push_back({name, type, kClassIn});
    if (edns)
        q.additionals.push_back(Edns{}.ToRecord());
    return *EncodeMessage(q);
}

// Valid messages to cut and mutate: queries and the server's answers to them.
std::vector<Bytes> Corpus() {
    auto server = TestServer();
    std::vector<Bytes> corpus;
    const std::pair<const char*, RecordType> asks[] = {
        {"www.example.com", RecordType::A},
        {"web.example.com", RecordType::A},
        {"_xmpp-client._tcp.example.com", RecordType::SRV},
        {"nobody.example.com", RecordType::A},
        {"xmpp.example.com", RecordType::AAAA},
        {"www.example.org", RecordType::A},
        {"example.com", RecordType::SOA},
        {"many.example.com", RecordType::A},
    };
    for (const auto& [name, type] : asks) {
        for (bool edns : {false, true}) {
            const Bytes q = Q(name, type, edns);
            corpus.push_back(q);
            corpus.push_back(server.Handle(q, Transport::Tcp));
        }
    }
    return corpus;
}

class Generator {
  public:
    explicit Generator(std::uint64_t seed) : m_rng(seed), m_corpus(Corpus()) {}

    Bytes Next() {
        switch (m_rng.Uniform(0, 5)) {
        case 0: { // anything
            Bytes b(m_rng.Uniform(0, 300));
            m_rng.Fill(b.data(), b.size());
            return b;
        }
        case 1: { // a plausible header, then noise rich in pointers and small labels
            Bytes b(12 + m_rng.Uniform(0, 200));
            m_rng.Fill(b.data(), b.size());
            b[2] &= 0x7f; // mostly queries, so the server goes past the header
            for (int i = 4; i < 12; i += 2) {
                b[i] = 0;
                b[i + 1] = static_cast<std::uint8_t>(m_rng.Uniform(0, 3));
            }
            for (std::size_t i = 12; i < b.size(); ++i) {
                const auto pick = m_rng.Uniform(0, 9);
                if (pick == 0)
                    b[i] = 0xc0;
                else if (pick == 1)
                    b[i] = static_cast<std::uint8_t>(m_rng.Uniform(0, b.size()));
                else if (pick < 4)
                    b[i] = static_cast<std::uint8_t>(m_rng.Uniform(0, 5));
            }
            return b;
        }
        case 2: { // a valid message cut short
            const Bytes& base = Pick();
            return Bytes(base.begin(),
                         base.begin() + static_cast<std::ptrdiff_t>(m_rng.Uniform(0, base.size())));
        }
        case 3: { // one to four bytes changed
            Bytes b = Pick();
            const auto n = m_rng.Uniform(1, 4);
            for (std::uint64_t i = 0; i < n; ++i)
                b[m_rng.Uniform(0, b.size() - 1)] = static_cast<std::uint8_t>(m_rng.U32());
            return b;
        }
        case 4: { // oversized counts or a 16-bit field set to its maximum
            Bytes b = Pick();
            const auto at = m_rng.Uniform(4, b.size() - 2);
            b[at] = 0xff;
            b[at + 1] = m_rng.Uniform(0, 1) ? 0xff : b[at + 1];
            return b;
        }
        default: { // valid bytes with noise appended or a pointer spliced in
            Bytes b = Pick();
            if (m_rng.Uniform(0, 1)) {
                b.push_back(static_cast<std::uint8_t>(m_rng.U32()));
            } else {
                const auto at = m_rng.Uniform(12, b.size() - 2);
                b[at] = static_cast<std::uint8_t>(0xc0 | m_rng.Uniform(0, 1));
                b[at + 1] = static_cast<std::uint8_t>(m_rng.U32());
            }
            return b;
        }
        }
    }

    Rng& R() { return m_rng; }

  private:
    const Bytes& Pick() { return m_corpus[m_rng.Uniform(0, m_corpus.size() - 1)]; }

    Rng m_rng;
    std::vector<Bytes> m_corpus;
};

constexpr int kInputs = 120000;

} // namespace

TEST(Fuzz, DecoderRejectsOrRoundTrips) {
    Generator gen(0xd05);
    int decoded = 0;
    for (int i = 0; i < kInputs; ++i) {
        const Bytes input = gen.Next();
        auto m = DecodeMessage(input);
        if (!m) {
            ASSERT_FALSE(m.Message().empty());
            continue;
        }
        ++decoded;
        // Whatever decodes can be written again, and that writing is stable.
        auto wire = EncodeMessage(*m);
        ASSERT_TRUE(wire.Ok()) << wire.Message() << "\ninput " << ToHex(input);
        auto again = DecodeMessage(*wire);
        ASSERT_TRUE(again.Ok()) << again.Message() << "\ninput " << ToHex(input);
        auto wire2 = EncodeMessage(*again);
        ASSERT_TRUE(wire2.Ok());
        ASSERT_EQ(*wire, *wire2) << "input " << ToHex(input);
    }
    // The generator must reach past the header often enough to mean something.
    EXPECT_GT(decoded, kInputs / 20);
    EXPECT_LT(decoded, kInputs);
}

TEST(Fuzz, ServerAnswersWithTheQueryIdOrNotAtAll) {
    Generator gen(0x5e7);
    auto server = TestServer();
    int answered = 0;
    for (int i = 0; i < kInputs; ++i) {
        const Bytes input = gen.Next();
        const Transport transport = (i % 4 == 0) ? Transport::Tcp : Transport::Udp;
        const Bytes out = server.Handle(input, transport);
        if (out.empty()) {
            ASSERT_TRUE(input.size() < kHeaderSize || (input[2] & 0x80)) << ToHex(input);
            continue;
        }
        ++answered;
        auto m = DecodeMessage(out);
        ASSERT_TRUE(m.Ok()) << m.Message() << "\ninput " << ToHex(input);
        ASSERT_TRUE(m->header.qr);
        ASSERT_EQ(out[0], input[0]);
        ASSERT_EQ(out[1], input[1]);
        if (transport == Transport::Udp) {
            const auto q = DecodeMessage(input);
            const bool edns = q && q->GetEdns().has_value();
            ASSERT_LE(out.size(), edns ? 1232u : 512u) << "input " << ToHex(input);
        }
    }
    EXPECT_GT(answered, kInputs / 2);
}

TEST(Fuzz, ResolverSurvivesAnyAnswer) {
    Generator gen(0x4e5);
    auto server = TestServer();
    ResolverConfig config;
    const Endpoint s1{*IpAddress::Parse("192.0.2.53"), 53};
    const Endpoint s2{*IpAddress::Parse("198.51.100.53"), 53};
    config.servers = {s1, s2};
    StubResolver resolver(config, Rng(11));
    const std::pair<const char*, RecordType> asks[] = {
        {"www.example.com", RecordType::A},
        {"web.example.com", RecordType::A},
        {"_xmpp-client._tcp.example.com", RecordType::SRV},
        {"nobody.example.com", RecordType::A},
        {"many.example.com", RecordType::A}};
    Instant now{0};
    Bytes base;
    LookupId current = 0;
    auto start = [&] {
        const auto& [name, type] = asks[gen.R().Uniform(0, 4)];
        auto s = resolver.Resolve(name, type, now);
        current = s.id;
        base = server.Handle(s.output.transmits.at(0).payload);
    };
    start();
    int results = 0;
    for (int i = 0; i < kInputs; ++i) {
        now += std::chrono::milliseconds(1);
        Bytes input;
        const auto pick = gen.R().Uniform(0, 3);
        if (pick == 0) {
            input = gen.Next();
        } else {
            // Mutations of the genuine answer, so that id, source and question often match.
            input = base;
            const auto n = gen.R().Uniform(0, 3);
            for (std::uint64_t k = 0; k < n; ++k)
                input[gen.R().Uniform(0, input.size() - 1)] =
                    static_cast<std::uint8_t>(gen.R().U32());
            if (pick == 3)
                input.resize(gen.R().Uniform(0, input.size()));
        }
        const Transport transport = gen.R().Uniform(0, 7) == 0 ? Transport::Tcp : Transport::Udp;
        auto out = resolver.HandleResponse(input, gen.R().Uniform(0, 1) ? s1 : s2, now, transport);
        if (i % 500 == 0) {
            now += std::chrono::seconds(3);
            auto t = resolver.HandleTimeout(now);
            out.results.insert(out.results.end(), t.results.begin(), t.results.end());
        }
        for (const auto& r : out.results) {
            ASSERT_EQ(r.lookup, current);
            ++results;
        }
        ASSERT_LE(resolver.Outstanding(), 1u);
        if (resolver.Outstanding() == 0)
            start();
    }
    EXPECT_GT(results, 100);
}

TEST(Fuzz, TcpAccumulatorOnRandomStreams) {
    Rng rng(0x7c9);
    for (int i = 0; i < 2000; ++i) {
        TcpStreamAccumulator acc;
        std::size_t pushed = 0, taken = 0;
        for (int k = 0; k < 50; ++k) {
            Bytes chunk(rng.Uniform(0, 40));
            rng.Fill(chunk.data(), chunk.size());
            if (!chunk.empty() && rng.Uniform(0, 1))
                chunk[0] = 0; // keep some lengths short enough to complete
            acc.Push(chunk);
            pushed += chunk.size();
            while (auto m = acc.Next())
                taken += m->size() + 2;
            ASSERT_EQ(pushed, taken + acc.Buffered());
        }
    }
}
