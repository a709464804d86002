#include "png_pixels.h"

#include <zlib.h>

#include <cstdlib>
#include <unordered_map>

namespace cmslab::report_tests {

namespace {

std::uint32_t Be32(const std::string& s, std::size_t at) {
    return std::uint32_t(std::uint8_t(s[at])) << 24 | std::uint32_t(std::uint8_t(s[at + 1])) << 16 |
           std::uint32_t(std::uint8_t(s[at + 2])) << 8 | std::uint8_t(s[at + 3]);
}

// The Paeth predictor of PNG filter type 4.
int Paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

} // namespace

Pixels DecodePng(const std::string& s) {
    Pixels out;
    if (s.size() < 8 || s.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
        out.error = "not a PNG file";
        return out;
    }
    std::string idat;
    int channels = 0;
    for (std::size_t at = 8; at + 12 <= s.size();) {
        const std::uint32_t length = Be32(s, at);
        const std::string type = s.substr(at + 4, 4);
        if (at + 12 + length > s.size())
            break;
        if (type == "IHDR") {
            out.width = Be32(s, at + 8);
            out.height = Be32(s, at + 12);
            const int depth = std::uint8_t(s[at + 16]), color = std::uint8_t(s[at + 17]);
            const int interlace = std::uint8_t(s[at + 20]);
            channels = color == 2 ? 3 : color == 6 ? 4 : 0;
            if (depth != 8 || channels == 0 || interlace != 0) {
                out.error = "only 8-bit RGB/RGBA, not interlaced";
                return out;
            }
        } else if (type == "IDAT") {
            idat += s.substr(at + 8, length);
        }
        at += 12 + length;
    }
    if (channels == 0 || out.width == 0 || out.height == 0 || out.width > 20000 ||
        out.height > 20000) {
        out.error = "no usable IHDR";
        return out;
    }
    const std::size_t stride = std::size_t(out.width) * channels;
    std::vector<unsigned char> raw((stride + 1) * out.height);
    uLongf size = raw.size();
    if (uncompress(raw.data(), &size, reinterpret_cast<const Bytef*>(idat.data()), idat.size()) !=
            Z_OK ||
        size != raw.size()) {
        out.error = "image data does not inflate to the image's size";
        return out;
    }
    std::vector<unsigned char> previous(stride, 0), row(stride);
    out.rgb.reserve(std::size_t(out.width) * out.height);
    for (std::uint32_t y = 0; y < out.height; ++y) {
        const unsigned char* line = &raw[y * (stride + 1)];
        const int filter = line[0];
        for (std::size_t i = 0; i < stride; ++i) {
            const int a = i >= std::size_t(channels) ? row[i - channels] : 0;
            const int b = previous[i];
            const int c = i >= std::size_t(channels) ? previous[i - channels] : 0;
            int predicted = 0;
            switch (filter) {
            case 1:
                predicted = a;
                break;
            case 2:
                predicted = b;
                break;
            case 3:
                predicted = (a + b) / 2;
                break;
            case 4:
                predicted = Paeth(a, b, c);
                break;
            default:
                break;
            }
            row[i] = static_cast<unsigned char>(line[1 + i] + predicted);
        }
        for (std::uint32_t x = 0; x < out.width; ++x) {
            const unsigned char* p = &row[std::size_t(x) * channels];
            out.rgb.push_back(std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2]);
        }
        previous.swap(row);
    }
    return out;
}

double InkShare(const Pixels& image) {
    if (image.rgb.empty())
        return 0;
    std::unordered_map<std::uint32_t, std::size_t> count;
    std::size_t most = 0;
    for (std::uint32_t c : image.rgb)
        most = std::max(most, ++count[c]);
    return 1.0 - double(most) / double(image.rgb.size());
}

} // namespace cmslab::report_tests
