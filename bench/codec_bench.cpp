// Micro-benchmarks of the codec hot paths a relay and a resolver run per packet: STUN
// decode with its integrity and fingerprint checks, ChannelData framing, DNS decode.
// Google Benchmark reports items_per_second, i.e. messages per second on one core.
#include "common/rng.h"
#include "dns/codec.h"
#include "dns/message.h"
#include "stun/channel_data.h"
#include "stun/constants.h"
#include "stun/integrity.h"
#include "stun/message.h"

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

using namespace cmslab;

// An authenticated Allocate request as a TURN server sees it on every retry.
Bytes AllocateRequest(const Bytes& key) {
    Rng rng(1);
    stun::Message m = stun::Message::Make(stun::Class::Request, stun::method::kAllocate, rng);
    m.AddRequestedTransport(17);
    m.AddUsername("bench-user");
    m.AddRealm("bench.example");
    m.AddNonce("0123456789abcdef0123456789abcdef");
    m.AddSoftware("cmslab bench");
    stun::EncodeOptions options;
    options.integrity_key = key;
    options.fingerprint = true;
    return m.Encode(options);
}

void StunDecodeAndVerify(benchmark::State& state) {
    const Bytes key = stun::LongTermKey("bench-user", "bench.example", "secret");
    const Bytes wire = AllocateRequest(key);
    for (auto _ : state) {
        auto m = stun::Message::Decode(wire);
        if (!m || stun::CheckMessageIntegrity(*m, key) != stun::Check::Valid ||
            stun::CheckFingerprint(*m) != stun::Check::Valid) {
            state.SkipWithError("integrity did not verify");
            break;
        }
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
}
BENCHMARK(StunDecodeAndVerify);

// One media packet each way through a TURN channel: frame, then unframe.
void ChannelDataRoundTrip(benchmark::State& state) {
    Bytes payload(static_cast<std::size_t>(state.range(0)));
    Rng(2).Fill(payload.data(), payload.size());
    for (auto _ : state) {
        Bytes framed = stun::EncodeChannelData(0x4001, payload, /*pad=*/true);
        auto cd = stun::DecodeChannelData(framed);
        if (!cd || cd->data.size() != payload.size()) {
            state.SkipWithError("ChannelData did not round-trip");
            break;
        }
        benchmark::DoNotOptimize(cd);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(ChannelDataRoundTrip)->Arg(172)->Arg(1200);

// A compressed answer with an SRV record and its glue, as a resolver decodes it.
void DnsDecode(benchmark::State& state) {
    dns::Message m;
    m.header.id = 0x1234;
    m.header.qr = true;
    m.header.aa = true;
    m.questions.push_back({"_xmpp-client._tcp.bench.example", dns::RecordType::SRV});
    m.answers.push_back(dns::ResourceRecord::MakeSrv("_xmpp-client._tcp.bench.example", 300, 10, 10,
                                                     5222, "xmpp.bench.example"));
    m.additionals.push_back(
        dns::ResourceRecord::MakeA("xmpp.bench.example", 300, IpAddress::V4(192, 0, 2, 10)));
    auto wire = dns::EncodeMessage(m);
    if (!wire) {
        state.SkipWithError(wire.Message().c_str());
        return;
    }
    for (auto _ : state) {
        auto decoded = dns::DecodeMessage(*wire);
        if (!decoded || decoded->answers.size() != 1) {
            state.SkipWithError("DNS answer did not decode");
            break;
        }
        benchmark::DoNotOptimize(decoded);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire->size()));
}
BENCHMARK(DnsDecode);

} // namespace

BENCHMARK_MAIN();
