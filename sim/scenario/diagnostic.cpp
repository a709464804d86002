#include "scenario/diagnostic.h"

namespace cmslab::scenario {

std::string Diagnostic::ToString() const {
    std::string out = file + ": ";
    if (!pointer.empty())
        out += pointer + ": ";
    if (severity == Severity::Warning)
        out += "warning: ";
    return out + message;
}

void Diagnostics::Error(const std::string& pointer, const std::string& message) {
    m_all.push_back({Severity::Error, m_file, pointer, message});
    ++m_errors;
}

void Diagnostics::Warning(const std::string& pointer, const std::string& message) {
    m_all.push_back({Severity::Warning, m_file, pointer, message});
}

void Diagnostics::NotSimulated(const std::string& pointer, const std::string& message) {
    m_all.push_back({Severity::Warning, m_file, pointer, message, true});
}

std::string JoinPointer(const std::string& base, std::string_view key) {
    std::string out = base + "/";
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string JoinPointer(const std::string& base, std::size_t index) {
    return base + "/" + std::to_string(index);
}

std::string Quote(const std::string& value) {
    return "\"" + value + "\"";
}

} // namespace cmslab::scenario
