#include "form.h"

#include "common/text.h"

namespace cmslab::http {

namespace {

bool IsUnreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

} // namespace

std::string PercentEncode(std::string_view text, bool space_as_plus) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (IsUnreserved(c)) {
            out += ch;
        } else if (c == ' ' && space_as_plus) {
            out += '+';
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

Expected<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return Error{"truncated percent escape"};
            const int hi = HexDigitValue(text[i + 1]);
            const int lo = HexDigitValue(text[i + 2]);
            if (hi < 0 || lo < 0)
                return Error{"invalid percent escape"};
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string FormEncode(const FormFields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty())
            out += '&';
        out += PercentEncode(name, true);
        out += '=';
        out += PercentEncode(value, true);
    }
    return out;
}

Expected<FormFields> FormDecode(std::string_view body) {
    FormFields fields;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto piece = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (piece.empty())
            continue;
        const auto eq = piece.find('=');
        auto name = PercentDecode(piece.substr(0, eq), true);
        if (!name)
            return name.Err();
        std::string value;
        if (eq != std::string_view::npos) {
            auto v = PercentDecode(piece.substr(eq + 1), true);
            if (!v)
                return v.Err();
            value = std::move(*v);
        }
        fields.emplace_back(std::move(*name), std::move(value));
    }
    return fields;
}

std::optional<std::string> FormValue(const FormFields& fields, std::string_view name) {
    for (const auto& [n, v] : fields) {
        if (n == name)
            return v;
    }
    return std::nullopt;
}

Target SplitTarget(std::string_view target) {
    Target t;
    const auto q = target.find('?');
    t.path = std::string(target.substr(0, q));
    if (q != std::string_view::npos) {
        t.has_query = true;
        t.query = std::string(target.substr(q + 1));
    }
    return t;
}

Expected<FormFields> ParseQuery(std::string_view target) {
    return FormDecode(SplitTarget(target).query);
}

} // namespace cmslab::http
