// SRTP/SRTCP unprotect (RFC 3711, AES_CM_128_HMAC_SHA1_80) fed a sequence of packets:
// raw bytes, or packets the fuzzer wrote protected with the session's own key (so the
// replay window and rollover counter see authentic traffic), possibly with one byte
// flipped afterwards.
// Properties: no exception escapes; an authentic packet that unprotects gives back the
// exact bytes that were protected; the same packet a second time is refused as a
// replay; a packet with a flipped byte is refused.
#include "fuzz_support.h"
#include "srtp/session.h"

using namespace cmslab;
using namespace cmslab::srtp;

namespace {

MasterKey FuzzKey() {
    MasterKey k;
    for (std::uint8_t i = 0; i < 16; ++i)
        k.key.push_back(static_cast<std::uint8_t>(0x10 + i));
    for (std::uint8_t i = 0; i < 14; ++i)
        k.salt.push_back(static_cast<std::uint8_t>(0xa0 + i));
    return k;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto protector = Protector::Create(FuzzKey());
    auto unprotector = Unprotector::Create(FuzzKey());
    FUZZ_CHECK(protector && unprotector, "the fuzz key is refused");
    fuzz::Chunks in(data, size);
    for (int step = 0; step < 32 && !in.Done(); ++step) {
        const std::uint8_t op = in.U8();
        const bool rtcp = (op & 1) != 0;
        const ByteView chunk = in.Chunk();
        fuzz::NoThrow("SRTP unprotect", [&] {
            if ((op & 6) == 0) { // raw bytes
                if (rtcp)
                    (void)unprotector->UnprotectRtcp(chunk);
                else
                    (void)unprotector->UnprotectRtp(chunk);
                return;
            }
            auto prot = rtcp ? protector->ProtectRtcp(chunk) : protector->ProtectRtp(chunk);
            if (!prot)
                return;
            Bytes packet = *prot;
            const bool flip = (op & 6) == 6;
            if (flip) {
                const std::size_t at = (op >> 3) % packet.size();
                packet[at] ^= static_cast<std::uint8_t>(1 + (op >> 5));
            }
            auto unprot =
                rtcp ? unprotector->UnprotectRtcp(packet) : unprotector->UnprotectRtp(packet);
            if (flip) {
                FUZZ_CHECK(!unprot.Ok(), "a packet with a flipped byte was accepted");
                return;
            }
            if (!unprot)
                return; // the protector's packet may be too old for the window
            FUZZ_CHECK(*unprot == chunk.ToBytes(),
                       "unprotect did not give back the protected bytes");
            auto replay =
                rtcp ? unprotector->UnprotectRtcp(packet) : unprotector->UnprotectRtp(packet);
            FUZZ_CHECK(!replay.Ok(), "a replayed packet was accepted");
        });
    }
    return 0;
}
