// What validation says about a scenario file: errors (the file cannot be simulated) and
// warnings, each at a JSON pointer. A warning is about this file's values (a gateway no
// node has, a session after the run's end) or says that something the file sets is not
// simulated: the latter are the same for every file that sets those keys, so a command
// that runs a scenario may count them on one line where `cmslab validate` lists them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cmslab::scenario {

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    std::string file;    // the label the scenario was loaded under (usually its path)
    std::string pointer; // RFC 6901 JSON pointer, "" for the whole document
    std::string message;
    bool not_simulated = false; // a warning that the lab does not simulate what is set here

    // "<file>: <pointer>: <message>", warnings with "warning: " before the message;
    // without a pointer "<file>: <message>".
    std::string ToString() const;
};

class Diagnostics {
  public:
    explicit Diagnostics(std::string file) : m_file(std::move(file)) {}

    void Error(const std::string& pointer, const std::string& message);
    void Warning(const std::string& pointer, const std::string& message);
    // A warning that the lab does not simulate what the file sets at `pointer`.
    void NotSimulated(const std::string& pointer, const std::string& message);

    const std::vector<Diagnostic>& All() const { return m_all; }
    std::vector<Diagnostic>& All() { return m_all; }
    std::size_t ErrorCount() const { return m_errors; }
    const std::string& File() const { return m_file; }

  private:
    std::string m_file;
    std::vector<Diagnostic> m_all;
    std::size_t m_errors = 0;
};

// Appends one reference token to a JSON pointer, escaping '~' and '/' (RFC 6901).
std::string JoinPointer(const std::string& base, std::string_view key);
std::string JoinPointer(const std::string& base, std::size_t index);

// A configured value as a message quotes it: "value".
std::string Quote(const std::string& value);

} // namespace cmslab::scenario
