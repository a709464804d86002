// For tests only: another wording for one kind of line while the object lives, so a test
// can show that the boxes' formatters and the diagnosis's parsers move together. The
// new wording must keep the same placeholders (std::invalid_argument otherwise). Not
// thread-safe: the table is the process's.
#pragma once

#include "log_lines/wordings.h"

#include <string>

namespace cmslab::log_lines {

class ScopedWording {
  public:
    ScopedWording(Kind kind, std::string pattern);
    ~ScopedWording();
    ScopedWording(const ScopedWording&) = delete;
    ScopedWording& operator=(const ScopedWording&) = delete;

  private:
    Kind m_kind;
    std::string m_previous;
};

} // namespace cmslab::log_lines
