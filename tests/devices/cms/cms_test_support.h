// What the tests of the CMS product logic share: a log sink that keeps the lines, and an
// answer's body as text.
#pragma once

#include "cms/log_sink.h"
#include "http/message.h"

#include <gtest/gtest.h>

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

// The XML document of an API answer after its declaration, which every non-empty answer
// must start with (as the product's do); an empty body stays empty.
inline std::string XmlBody(const http::Response& r) {
    static const std::string kDeclaration = "<?xml version=\"1.0\"?>";
    const std::string body = Body(r);
    if (body.empty())
        return body;
    EXPECT_EQ(body.rfind(kDeclaration, 0), 0u) << "no XML declaration: " << body;
    return body.rfind(kDeclaration, 0) == 0 ? body.substr(kDeclaration.size()) : body;
}

} // namespace cmslab::cms::fixtures
