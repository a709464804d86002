#include "headers.h"

#include "common/text.h"

#include <algorithm>

namespace cmslab::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return EqualsIgnoreAsciiCase(a, b);
}

std::string ToLower(std::string_view s) {
    return AsciiToLower(s);
}

std::string_view TrimOws(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool IsTokenChar(unsigned char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool IsToken(std::string_view s) {
    if (s.empty())
        return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); });
}

bool IsValidFieldValue(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    });
}

void Headers::Add(std::string name, std::string value) {
    m_fields.push_back({std::move(name), std::move(value)});
}

void Headers::Set(std::string name, std::string value) {
    auto first = std::find_if(m_fields.begin(), m_fields.end(),
                              [&](const HeaderField& f) { return EqualsIgnoreCase(f.name, name); });
    if (first == m_fields.end()) {
        Add(std::move(name), std::move(value));
        return;
    }
    first->name = std::move(name);
    first->value = std::move(value);
    const auto& kept_name = first->name;
    m_fields.erase(
        std::remove_if(first + 1, m_fields.end(),
                       [&](const HeaderField& f) { return EqualsIgnoreCase(f.name, kept_name); }),
        m_fields.end());
}

std::size_t Headers::Remove(std::string_view name) {
    const auto before = m_fields.size();
    m_fields.erase(
        std::remove_if(m_fields.begin(), m_fields.end(),
                       [&](const HeaderField& f) { return EqualsIgnoreCase(f.name, name); }),
        m_fields.end());
    return before - m_fields.size();
}

std::size_t Headers::Count(std::string_view name) const {
    return static_cast<std::size_t>(
        std::count_if(m_fields.begin(), m_fields.end(),
                      [&](const HeaderField& f) { return EqualsIgnoreCase(f.name, name); }));
}

std::optional<std::string> Headers::Get(std::string_view name) const {
    for (const auto& f : m_fields) {
        if (EqualsIgnoreCase(f.name, name))
            return f.value;
    }
    return std::nullopt;
}

std::vector<std::string> Headers::GetAll(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& f : m_fields) {
        if (EqualsIgnoreCase(f.name, name))
            out.push_back(f.value);
    }
    return out;
}

std::vector<std::string> Headers::Tokens(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& f : m_fields) {
        if (!EqualsIgnoreCase(f.name, name))
            continue;
        std::string_view rest = f.value;
        while (true) {
            const auto comma = rest.find(',');
            const auto item = TrimOws(rest.substr(0, comma));
            if (!item.empty())
                out.push_back(ToLower(item));
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    return out;
}

bool Headers::HasToken(std::string_view name, std::string_view token) const {
    const auto tokens = Tokens(name);
    return std::any_of(tokens.begin(), tokens.end(),
                       [&](const std::string& t) { return EqualsIgnoreCase(t, token); });
}

} // namespace cmslab::http
