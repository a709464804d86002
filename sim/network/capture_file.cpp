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

Expected<std::unique_ptr<CaptureFile>> CaptureFile::Create(const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
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
    return std::unique_ptr<CaptureFile>(new CaptureFile(std::move(out)));
}

void CaptureFile::Write(std::int64_t time_us, ByteView frame, std::size_t keep) {
    const std::size_t kept = std::min({keep, frame.size, std::size_t(kSnapLength)});
    PutNative32(m_out, std::uint32_t(time_us / 1000000));
    PutNative32(m_out, std::uint32_t(time_us % 1000000));
    PutNative32(m_out, std::uint32_t(kept));
    PutNative32(m_out, std::uint32_t(frame.size));
    m_out.write(reinterpret_cast<const char*>(frame.data), std::streamsize(kept));
}

} // namespace cmslab::network
