#include "bytes.h"

#include "text.h"

namespace cmslab {

ByteView ByteView::Sub(std::size_t offset, std::size_t n) const {
    if (offset >= size)
        return ByteView(data + size, 0);
    std::size_t left = size - offset;
    return ByteView(data + offset, n < left ? n : left);
}

bool ByteReader::Need(std::size_t n) {
    if (!m_ok || m_view.size - m_offset < n)
        m_ok = false;
    return m_ok;
}

bool ByteReader::U8(std::uint8_t& out) {
    if (!Need(1))
        return false;
    out = m_view.data[m_offset++];
    return true;
}

bool ByteReader::U16(std::uint16_t& out) {
    if (!Need(2))
        return false;
    const std::uint8_t* p = m_view.data + m_offset;
    out = static_cast<std::uint16_t>((p[0] << 8) | p[1]);
    m_offset += 2;
    return true;
}

bool ByteReader::U32(std::uint32_t& out) {
    if (!Need(4))
        return false;
    const std::uint8_t* p = m_view.data + m_offset;
    out = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
          std::uint32_t{p[3]};
    m_offset += 4;
    return true;
}

bool ByteReader::U64(std::uint64_t& out) {
    std::uint32_t hi = 0, lo = 0;
    if (!U32(hi) || !U32(lo))
        return false;
    out = (std::uint64_t{hi} << 32) | lo;
    return true;
}

bool ByteReader::Take(std::size_t n, ByteView& out) {
    if (!Need(n))
        return false;
    out = ByteView(m_view.data + m_offset, n);
    m_offset += n;
    return true;
}

bool ByteReader::Skip(std::size_t n) {
    if (!Need(n))
        return false;
    m_offset += n;
    return true;
}

void ByteWriter::U16(std::uint16_t v) {
    m_buf.push_back(static_cast<std::uint8_t>(v >> 8));
    m_buf.push_back(static_cast<std::uint8_t>(v));
}

void ByteWriter::U32(std::uint32_t v) {
    U16(static_cast<std::uint16_t>(v >> 16));
    U16(static_cast<std::uint16_t>(v));
}

void ByteWriter::U64(std::uint64_t v) {
    U32(static_cast<std::uint32_t>(v >> 32));
    U32(static_cast<std::uint32_t>(v));
}

void ByteWriter::PatchU16(std::size_t offset, std::uint16_t v) {
    m_buf.at(offset) = static_cast<std::uint8_t>(v >> 8);
    m_buf.at(offset + 1) = static_cast<std::uint8_t>(v);
}

void ByteWriter::PatchU32(std::size_t offset, std::uint32_t v) {
    PatchU16(offset, static_cast<std::uint16_t>(v >> 16));
    PatchU16(offset + 2, static_cast<std::uint16_t>(v));
}

std::string ToHex(ByteView bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

bool FromHex(std::string_view hex, Bytes& out) {
    out.clear();
    int high = -1;
    for (char c : hex) {
        if (c == ' ' || c == '\n' || c == '\t')
            continue;
        int v = HexDigitValue(c);
        if (v < 0)
            return false;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>((high << 4) | v));
            high = -1;
        }
    }
    return high < 0;
}

} // namespace cmslab
