// Enough of PNG to tell a blank screenshot from a page: 8-bit RGB or RGBA, not
// interlaced (what Chromium writes), inflated with zlib and unfiltered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cmslab::report_tests {

struct Pixels {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint32_t> rgb; // 0xRRGGBB per pixel, row by row
    std::string error;              // why it could not be read; empty when it was
};

Pixels DecodePng(const std::string& file_bytes);

// The share of pixels that differ from the most common colour (0 for a blank image).
double InkShare(const Pixels& image);

} // namespace cmslab::report_tests
