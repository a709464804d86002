// What the tests of the CMS product logic share: a log sink that keeps the lines, and an
// answer's body as text.
#pragma once

#include "cms/log_sink.h"
#include "http/message.h"

#include <string>
#include <string_view>
#include <vector>

namespace cmslab::cms::fixtures {

struct Lines {
    std::vector<std::string> text;
    LogSink Sink() {
        return [this](std::string_view, const std::string& line) { text.push_back(line); };
    }
};

inline std::string Body(const http::Response& r) {
    return std::string(r.body.begin(), r.body.end());
}

} // namespace cmslab::cms::fixtures
