// Byte buffers and bounds-checked big-endian reading and writing, shared by every codec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab {

using Bytes = std::vector<std::uint8_t>;

// A non-owning view of bytes (C++17 has no std::span).
struct ByteView {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;

    ByteView() = default;
    ByteView(const std::uint8_t* d, std::size_t n) : data(d), size(n) {}
    ByteView(const Bytes& b) : data(b.data()), size(b.size()) {} // NOLINT: implicit by design
    ByteView(std::string_view s)                                  // NOLINT: implicit by design
        : data(reinterpret_cast<const std::uint8_t*>(s.data())), size(s.size()) {}

    bool empty() const { return size == 0; }
    const std::uint8_t* begin() const { return data; }
    const std::uint8_t* end() const { return data + size; }
    std::uint8_t operator[](std::size_t i) const { return data[i]; }
    // Clamped: a sub-view past the end is cut short, never out of bounds.
    ByteView Sub(std::size_t offset, std::size_t n = SIZE_MAX) const;
    Bytes ToBytes() const { return Bytes(begin(), end()); }
    std::string ToString() const { return std::string(begin(), end()); }
};

// Reads big-endian fields; every read checks the remaining length first. After a failed
// read the reader is marked bad and every later read fails too, so a decoder can read a
// whole header and check once.
class ByteReader {
  public:
    explicit ByteReader(ByteView view) : m_view(view) {}

    bool U8(std::uint8_t& out);
    bool U16(std::uint16_t& out);
    bool U32(std::uint32_t& out);
    bool U64(std::uint64_t& out);
    bool Take(std::size_t n, ByteView& out);
    bool Skip(std::size_t n);

    std::size_t Offset() const { return m_offset; }
    std::size_t Remaining() const { return m_ok ? m_view.size - m_offset : 0; }
    bool Ok() const { return m_ok; }
    ByteView Rest() const { return m_view.Sub(m_offset); }

  private:
    bool Need(std::size_t n);

    ByteView m_view;
    std::size_t m_offset = 0;
    bool m_ok = true;
};

// Appends big-endian fields to a buffer it owns.
class ByteWriter {
  public:
    ByteWriter() = default;
    explicit ByteWriter(std::size_t reserve) { m_buf.reserve(reserve); }

    void U8(std::uint8_t v) { m_buf.push_back(v); }
    void U16(std::uint16_t v);
    void U32(std::uint32_t v);
    void U64(std::uint64_t v);
    void Append(ByteView v) { m_buf.insert(m_buf.end(), v.begin(), v.end()); }
    void Zeros(std::size_t n) { m_buf.insert(m_buf.end(), n, 0); }
    // Overwrites a field written earlier (lengths known only at the end).
    void PatchU16(std::size_t offset, std::uint16_t v);
    void PatchU32(std::size_t offset, std::uint32_t v);

    std::size_t Size() const { return m_buf.size(); }
    const Bytes& Buffer() const { return m_buf; }
    Bytes Take() { return std::move(m_buf); }

  private:
    Bytes m_buf;
};

// Lower-case hex, as key logs and test vectors write bytes.
std::string ToHex(ByteView bytes);
// Accepts upper or lower case, ignores spaces; returns false on anything else.
bool FromHex(std::string_view hex, Bytes& out);

} // namespace cmslab
