#include "capture_file.h"

#include <algorithm>

namespace cmslab::network {

namespace {

constexpr std::uint32_t kSnapLength = 65535;
constexpr std::uint32_t kLinkEthernet = 1;

// In this machine's byte order, as the magic number tells a reader.
void PutNative32(std::ofstream& out, std::uint32_t value) {
    out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

void PutNative16(std::ofstream& out, std::uint16_t value) {
    out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

} // namespace

Expected<std::unique_ptr<CaptureFile>> CaptureFile::Create(const std::string& path,
                                                           Buffering buffering) {
    std::unique_ptr<CaptureFile> file(new CaptureFile());
    if (buffering == Buffering::Large) {
        file->m_buffer = std::make_unique<char[]>(kLargeBufferBytes);
        // Before open: libstdc++ takes a buffer only for a file not yet open.
        file->m_out.rdbuf()->pubsetbuf(file->m_buffer.get(), kLargeBufferBytes);
    }
    file->m_out.open(path, std::ios::binary | std::ios::trunc);
    std::ofstream& out = file->m_out;
    if (!out)
        return Error{"cannot write " + path};
    PutNative32(out, 0xa1b2c3d4);
    PutNative16(out, 2); // version 2.4
    PutNative16(out, 4);
    PutNative32(out, 0); // time zone: UTC
    PutNative32(out, 0); // timestamp accuracy
    PutNative32(out, kSnapLength);
    PutNative32(out, kLinkEthernet);
    if (!out)
        return Error{"cannot write " + path};
    return file;
}

void CaptureFile::Write(std::int64_t time_us, ByteView frame, std::size_t keep) {
    const std::size_t kept = std::min({keep, frame.size, std::size_t(kSnapLength)});
    const std::uint32_t header[4] = {std::uint32_t(time_us / 1000000),
                                     std::uint32_t(time_us % 1000000), std::uint32_t(kept),
                                     std::uint32_t(frame.size)};
    m_out.write(reinterpret_cast<const char*>(header), sizeof header);
    m_out.write(reinterpret_cast<const char*>(frame.data), std::streamsize(kept));
}

} // namespace cmslab::network
