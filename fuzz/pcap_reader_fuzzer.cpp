// The diagnosis's pcap reader (classic pcap: Ethernet, raw IPv4; IPv4, UDP, TCP) and the
// STUN scan over what it read: a results folder may hold any file a user put there.
// Properties: no exception escapes; frames are numbered 1, 2, 3... without a gap; a
// payload never holds more bytes than the file; a UDP or TCP packet has its IPv4 header
// read; every STUN message the scan reports decodes.
#include "diagnosis/pcap_reader.h"
#include "diagnosis/stun_scan.h"
#include "fuzz_support.h"

using namespace cmslab;
using namespace cmslab::diagnosis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::NoThrow("pcap reader", [&] {
        auto file = ParsePcap(ByteView(data, size));
        if (!file)
            return;
        for (std::size_t i = 0; i < file->packets.size(); ++i) {
            const PcapPacket& p = file->packets[i];
            FUZZ_CHECK(p.number == i + 1, "frame numbers have a gap");
            FUZZ_CHECK(p.payload.size() <= size, "payload larger than the file");
            if (p.transport != Transport::Other)
                FUZZ_CHECK(p.ipv4, "a UDP/TCP packet without its IPv4 header read");
        }
        (void)FindStun(*file);
    });
    return 0;
}
