#include "check/junit.h"

#include "common/text.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace cmslab::check {

std::string JunitXml(const std::string& suite, const std::vector<JunitCase>& cases) {
    std::size_t failures = 0, errors = 0, skipped = 0;
    double total = 0;
    for (const auto& c : cases) {
        failures += c.kind == JunitCase::Kind::Failed;
        errors += c.kind == JunitCase::Kind::Error;
        skipped += c.kind == JunitCase::Kind::Skipped;
        total += c.seconds;
    }
    auto seconds = [](double s) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3f", s);
        return std::string(buf);
    };
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"" << XmlEscape(suite) << "\" tests=\"" << cases.size()
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
      << "\" time=\"" << seconds(total) << "\">\n"
      << "  <testsuite name=\"" << XmlEscape(suite) << "\" tests=\"" << cases.size()
      << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"" << skipped
      << "\" time=\"" << seconds(total) << "\">\n";
    for (const auto& c : cases) {
        x << "    <testcase name=\"" << XmlEscape(c.name) << "\" classname=\""
          << XmlEscape(c.classname) << "\"";
        if (!c.file.empty())
            x << " file=\"" << XmlEscape(c.file) << "\"";
        x << " time=\"" << seconds(c.seconds) << "\">\n";
        const char* tag = nullptr;
        switch (c.kind) {
        case JunitCase::Kind::Failed:
            tag = "failure";
            break;
        case JunitCase::Kind::Error:
            tag = "error";
            break;
        case JunitCase::Kind::Skipped:
            tag = "skipped";
            break;
        case JunitCase::Kind::Passed:
            break;
        }
        if (tag) {
            x << "      <" << tag << " message=\"" << XmlEscape(c.message) << "\"";
            if (c.kind != JunitCase::Kind::Skipped)
                x << " type=\"" << (c.kind == JunitCase::Kind::Failed ? "differs" : "unusable")
                  << "\"";
            if (c.text.empty())
                x << "/>\n";
            else
                x << ">" << XmlEscape(c.text) << "</" << tag << ">\n";
        }
        if (!c.system_out.empty())
            x << "      <system-out>" << XmlEscape(c.system_out) << "</system-out>\n";
        x << "    </testcase>\n";
    }
    x << "  </testsuite>\n</testsuites>\n";
    return x.str();
}

std::string WriteJunit(const std::string& path, const std::string& suite,
                       const std::vector<JunitCase>& cases) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << JunitXml(suite, cases);
        if (!out)
            return "cannot write " + tmp;
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return "cannot write " + path;
    }
    return "";
}

} // namespace cmslab::check
