#include "key_log_file.h"

#include <fstream>
#include <unordered_set>

namespace cmslab::devices::net {

struct KeyLogFile::State {
    std::string path;
    std::ofstream file;
    bool failed = false;
    std::vector<std::string> lines;
    std::unordered_set<std::string> seen;
};

namespace {

void AppendLine(KeyLogFile::State& s, const std::string& line) {
    if (line.empty() || !s.seen.insert(line).second)
        return;
    s.lines.push_back(line);
    if (s.file.is_open()) {
        s.file << line << '\n';
        s.file.flush();
        if (!s.file)
            s.failed = true;
    }
}

} // namespace

KeyLogFile::KeyLogFile(const std::string& path) : m_state(std::make_shared<State>()) {
    m_state->path = path;
    if (!path.empty()) {
        m_state->file.open(path, std::ios::out | std::ios::trunc);
        m_state->failed = !m_state->file.is_open();
    }
}

void KeyLogFile::Append(const std::string& line) {
    AppendLine(*m_state, line);
}

void KeyLogFile::Flush() {
    if (m_state->file.is_open())
        m_state->file.flush();
}

tls::KeyLogSink KeyLogFile::Sink() const {
    std::shared_ptr<State> state = m_state;
    return [state](const std::string& line) { AppendLine(*state, line); };
}

const std::string& KeyLogFile::Path() const {
    return m_state->path;
}

const std::vector<std::string>& KeyLogFile::Lines() const {
    return m_state->lines;
}

bool KeyLogFile::Failed() const {
    return m_state->failed;
}

} // namespace cmslab::devices::net
