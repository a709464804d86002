#include "dns/name.h"

#include "common/text.h"

namespace cmslab::dns {
namespace {

// Only ASCII letters fold (RFC 4343); bytes above 0x7f are compared as they are.
bool LabelEqual(const std::string& a, const std::string& b) {
    return EqualsIgnoreAsciiCase(a, b);
}

} // namespace

Expected<Labels> ParseName(std::string_view text) {
    Labels labels;
    if (text.empty() || text == ".")
        return labels;
    std::string label;
    std::size_t wire = 1;
    auto finish_label = [&](std::size_t at) -> std::string {
        if (label.empty())
            return "empty label at character " + std::to_string(at) + " of \"" + std::string(text) +
                   "\"";
        if (label.size() > kMaxLabelLength)
            return "label \"" + label.substr(0, 20) + "...\" is " + std::to_string(label.size()) +
                   " bytes (at most 63)";
        wire += label.size() + 1;
        labels.push_back(std::move(label));
        label.clear();
        return {};
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '.') {
            if (auto err = finish_label(i); !err.empty())
                return Error{err};
            continue;
        }
        if (c != '\\') {
            label.push_back(c);
            continue;
        }
        if (i + 1 >= text.size())
            return Error{"name \"" + std::string(text) + "\" ends with a lone backslash"};
        const char n = text[i + 1];
        if (n >= '0' && n <= '9') {
            int value = 0;
            for (std::size_t k = 1; k <= 3; ++k) {
                const char d = (i + k < text.size()) ? text[i + k] : 'x';
                if (d < '0' || d > '9')
                    return Error{"bad \\DDD escape in \"" + std::string(text) + "\""};
                value = value * 10 + (d - '0');
            }
            if (value > 255)
                return Error{"\\DDD escape above 255 in \"" + std::string(text) + "\""};
            label.push_back(static_cast<char>(value));
            i += 3;
        } else {
            label.push_back(n);
            i += 1;
        }
    }
    if (!label.empty()) {
        if (auto err = finish_label(text.size()); !err.empty())
            return Error{err};
    }
    if (wire > kMaxNameLength)
        return Error{"name is " + std::to_string(wire) + " bytes on the wire (at most 255)"};
    return labels;
}

std::string FormatName(const Labels& labels) {
    if (labels.empty())
        return ".";
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i)
            out.push_back('.');
        for (unsigned char c : labels[i]) {
            if (c == '.' || c == '\\') {
                out.push_back('\\');
                out.push_back(static_cast<char>(c));
            } else if (c <= 0x20 || c >= 0x7f) {
                out.push_back('\\');
                out.push_back(static_cast<char>('0' + c / 100));
                out.push_back(static_cast<char>('0' + (c / 10) % 10));
                out.push_back(static_cast<char>('0' + c % 10));
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
    }
    return out;
}

std::size_t WireLength(const Labels& labels) {
    std::size_t n = 1;
    for (const auto& l : labels)
        n += l.size() + 1;
    return n;
}

bool LabelsEqual(const Labels& a, const Labels& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!LabelEqual(a[i], b[i]))
            return false;
    }
    return true;
}

bool NamesEqual(std::string_view a, std::string_view b) {
    auto la = ParseName(a);
    auto lb = ParseName(b);
    if (la && lb)
        return LabelsEqual(*la, *lb);
    return AsciiToLower(a) == AsciiToLower(b);
}

std::string CanonicalName(std::string_view name) {
    auto labels = ParseName(name);
    if (!labels)
        return AsciiToLower(name);
    for (auto& l : *labels) {
        for (char& c : l)
            c = AsciiLower(c);
    }
    return FormatName(*labels);
}

bool IsAtOrBelow(std::string_view name, std::string_view ancestor) {
    auto ln = ParseName(name);
    auto la = ParseName(ancestor);
    if (!ln || !la || la->size() > ln->size())
        return false;
    const std::size_t skip = ln->size() - la->size();
    for (std::size_t i = 0; i < la->size(); ++i) {
        if (!LabelEqual((*ln)[skip + i], (*la)[i]))
            return false;
    }
    return true;
}

} // namespace cmslab::dns
