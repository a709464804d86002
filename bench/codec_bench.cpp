// Micro-benchmarks of the codec hot paths a relay, a resolver and a media endpoint run per
// packet: STUN decode with its integrity and fingerprint checks, ChannelData framing, DNS
// decode, SRTP protect and unprotect (and the HMAC-SHA1 inside them).
// Google Benchmark reports items_per_second, i.e. messages per second on one core.
#include "common/rng.h"
#include "dns/codec.h"
#include "dns/message.h"
#include "srtp/hmac_sha1.h"
#include "srtp/session.h"
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

// SRTP_AES128_CM_HMAC_SHA1_80 on a 20 ms audio packet (12-byte header, 160 bytes of
// payload): what each media packet costs its sender and its receiver.
srtp::MasterKey BenchKey() {
    srtp::MasterKey m;
    m.key.assign(srtp::kMasterKeyLength, 0x11);
    m.salt.assign(srtp::kMasterSaltLength, 0x22);
    return m;
}

Bytes AudioRtp(std::uint16_t sequence) {
    Bytes p(12 + 160, 0x55);
    p[0] = 0x80;
    p[1] = 111;
    p[2] = static_cast<std::uint8_t>(sequence >> 8);
    p[3] = static_cast<std::uint8_t>(sequence);
    for (int i = 0; i < 4; ++i)
        p[8 + i] = static_cast<std::uint8_t>(0x10 + i);
    return p;
}

void SrtpProtect(benchmark::State& state) {
    auto protector = srtp::Protector::Create(BenchKey());
    std::uint16_t sequence = 0;
    Bytes rtp = AudioRtp(0);
    for (auto _ : state) {
        rtp[2] = static_cast<std::uint8_t>(sequence >> 8);
        rtp[3] = static_cast<std::uint8_t>(sequence++);
        auto out = protector->ProtectRtp(rtp);
        if (!out) {
            state.SkipWithError("protect failed");
            break;
        }
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SrtpProtect);

void SrtpUnprotect(benchmark::State& state) {
    // Packets protected beforehand, in sequence, so that none is a replay.
    auto protector = srtp::Protector::Create(BenchKey());
    std::vector<Bytes> packets;
    for (std::uint16_t s = 0; s < 60000; ++s)
        packets.push_back(*protector->ProtectRtp(AudioRtp(s)));
    auto unprotector = srtp::Unprotector::Create(BenchKey());
    std::size_t next = 0;
    for (auto _ : state) {
        if (next == packets.size()) {
            state.PauseTiming();
            unprotector = srtp::Unprotector::Create(BenchKey());
            next = 0;
            state.ResumeTiming();
        }
        auto out = unprotector->UnprotectRtp(packets[next++]);
        if (!out) {
            state.SkipWithError("unprotect failed");
            break;
        }
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(SrtpUnprotect);

void HmacSha1Tag(benchmark::State& state) {
    srtp::HmacSha1 mac(Bytes(20, 0x33));
    const Bytes packet = AudioRtp(1);
    const std::uint8_t roc[4] = {0, 0, 0, 0};
    std::uint8_t tag[10];
    for (auto _ : state) {
        if (!mac.Mac(packet, ByteView(roc, 4), tag, sizeof tag)) {
            state.SkipWithError("HMAC failed");
            break;
        }
        benchmark::DoNotOptimize(tag);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(HmacSha1Tag);

BENCHMARK_MAIN();
