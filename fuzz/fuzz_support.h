// What every libFuzzer target here shares: a check that aborts with a message (libFuzzer
// then saves the input as crash-*), and a reader that turns the fuzzer's flat bytes into
// a sequence of chunks (a datagram, a piece of a stream, a choice) so that one input can
// drive a state machine through several steps.
#pragma once
#include "common/bytes.h"
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace cmslab::fuzz {

// A property the target asserts failed: report and abort (not assert(): it must hold in
// every build type).
[[noreturn]] inline void Fail(const char* file, int line, const std::string& what) {
    std::fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what.c_str());
    std::abort();
}

#define FUZZ_CHECK(cond, what)                                                                     \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::cmslab::fuzz::Fail(__FILE__, __LINE__, std::string(#cond) + ": " + (what));          \
    } while (0)

// Consumes the input from the front. Past the end every read gives zeros / empty views,
// so a target never has to check lengths itself.
class Chunks {
  public:
    Chunks(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
    bool Done() const { return m_pos >= m_size; }
    std::uint8_t U8() { return m_pos < m_size ? m_data[m_pos++] : 0; }
    std::uint16_t U16() {
        const std::uint16_t hi = U8();
        return static_cast<std::uint16_t>(hi << 8 | U8());
    }
    // The next n bytes (fewer at the end).
    ByteView Take(std::size_t n) {
        const std::size_t k = n < m_size - m_pos ? n : m_size - m_pos;
        ByteView v(m_data + m_pos, k);
        m_pos += k;
        return v;
    }
    // A chunk with a 2-byte length prefix: the fuzzer finds the framing quickly and can
    // grow or shrink one chunk without moving the others' boundaries.
    ByteView Chunk() { return Take(U16()); }
    ByteView Rest() { return Take(m_size - m_pos); }

  private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

// Runs one step of a target; an exception escaping the code under test is a finding (the
// protocol's answer to bad bytes is an error or silence, never a throw).
template <class F> void NoThrow(const char* what, F&& step) {
    try {
        step();
    } catch (const std::exception& e) {
        Fail(__FILE__, __LINE__, std::string(what) + " threw: " + e.what());
    } catch (...) {
        Fail(__FILE__, __LINE__, std::string(what) + " threw a non-std exception");
    }
}

inline std::string Hex(ByteView v) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : v) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

} // namespace cmslab::fuzz
