#include "report/screenshots.h"

#include "ladder/markup.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace cmslab::report {

namespace {

namespace fs = std::filesystem;

// RFC 4648 section 4, with padding.
std::string Base64(const std::string& bytes) {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                           static_cast<unsigned char>(bytes[i + 1]) << 8 |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += kAlphabet[v >> 6 & 63];
        out += kAlphabet[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2)
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += rest == 2 ? kAlphabet[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

} // namespace

std::string ScreenshotFigures(const std::string& results_dir) {
    const fs::path dir = fs::path(results_dir) / "screens";
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return "";
    std::vector<fs::path> shots;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".png")
            shots.push_back(entry.path());
    std::sort(shots.begin(), shots.end());
    std::string html;
    for (const fs::path& shot : shots) {
        std::ifstream in(shot, std::ios::binary);
        const std::string png((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
        if (png.empty())
            continue;
        const std::string name = ladder::EscapeMarkup(shot.stem().string());
        html += "<figure class=\"shot\"><img alt=\"" + name + "\" src=\"data:image/png;base64," +
                Base64(png) + "\"><figcaption>" + name + "</figcaption></figure>";
    }
    return html;
}

} // namespace cmslab::report
