#include "ice/credentials.h"

#include <algorithm>

namespace cmslab::ice {

namespace {
constexpr std::string_view kIceChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Draw(Rng& rng, std::size_t n) {
    std::string out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(kIceChars[rng.Uniform(0, kIceChars.size() - 1)]);
    return out;
}
} // namespace

bool IsIceChars(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return kIceChars.find(c) != std::string_view::npos;
    });
}

bool ValidCredentials(const Credentials& c) {
    return c.ufrag.size() >= 4 && c.ufrag.size() <= 256 && IsIceChars(c.ufrag) &&
           c.pwd.size() >= 22 && c.pwd.size() <= 256 && IsIceChars(c.pwd);
}

Credentials GenerateCredentials(Rng& rng, std::size_t ufrag_length, std::size_t pwd_length) {
    Credentials c;
    c.ufrag = Draw(rng, std::max<std::size_t>(ufrag_length, 4));
    c.pwd = Draw(rng, std::max<std::size_t>(pwd_length, 22));
    return c;
}

} // namespace cmslab::ice
