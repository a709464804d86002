// A segment's capture written as a classic pcap file (the format tcpdump and Wireshark
// read), by the lab itself rather than ns-3's PcapFileWrapper: a frame can be kept whole
// or only its start, with its real length recorded, which ns-3's writer cannot do per
// frame (its snap length is the file's). No ns-3 here.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

namespace cmslab::network {

class CaptureFile {
  public:
    // Ethernet link type, snap length 65535, microsecond timestamps, this machine's byte
    // order: the header ns-3's PcapHelper writes, so a full capture is byte for byte the
    // one ns-3 would have written.
    // Large: records go to the file in writes of 256 KiB (a busy segment writes tens of
    // thousands of small records a second); small: the stream's default (8 KiB).
    enum class Buffering { Small, Large };
    static Expected<std::unique_ptr<CaptureFile>> Create(const std::string& path,
                                                         Buffering buffering = Buffering::Large);

    // One record: `time_us` since 1970, the frame's first `keep` bytes (at most the
    // frame, at most the snap length), and the frame's whole length.
    void Write(std::int64_t time_us, ByteView frame, std::size_t keep);
    bool Failed() const { return !m_out; }

    // A buffer the caller may copy each frame into before Write: one allocation for the
    // capture instead of one per frame.
    Bytes& Scratch() { return m_scratch; }

  private:
    CaptureFile() = default;
    static constexpr std::size_t kLargeBufferBytes = 1 << 18;
    std::unique_ptr<char[]> m_buffer;
    std::ofstream m_out;
    Bytes m_scratch;
};

} // namespace cmslab::network
