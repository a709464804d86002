#include "session_log.h"

#include <fstream>
#include <regex>

namespace cmslab::jointest {

std::vector<SessionBlock> ReadSessionLog(const std::string& path) {
    static const std::regex heading(
        R"(^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) ((session|request \d+|response \d+).*)$)");
    std::vector<SessionBlock> blocks;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, heading))
            blocks.push_back({m[1], m[2], ""});
        else if (!blocks.empty())
            blocks.back().text += line + "\n";
    }
    return blocks;
}

std::pair<const SessionBlock*, const SessionBlock*>
FindExchange(const std::vector<SessionBlock>& blocks, const std::string& method,
             const std::string& target) {
    const std::string start = method + " " + target + " HTTP/1.1\r\n";
    for (const auto& b : blocks) {
        if (b.kind.rfind("request ", 0) != 0 || b.text.rfind(start, 0) != 0)
            continue;
        const std::string number = b.kind.substr(8, b.kind.find(':') - 8);
        for (const auto& r : blocks)
            if (r.kind.rfind("response " + number + " ", 0) == 0)
                return {&b, &r};
        return {&b, nullptr};
    }
    return {nullptr, nullptr};
}

std::vector<std::string> RequestLines(const std::vector<SessionBlock>& blocks) {
    std::vector<std::string> out;
    for (const auto& b : blocks)
        if (b.kind.rfind("request ", 0) == 0)
            out.push_back(b.text.substr(0, b.text.find(" HTTP/1.1")));
    return out;
}

std::string XmlElementText(const std::string& xml, const std::string& name) {
    const auto open = xml.find("<" + name + ">");
    if (open == std::string::npos)
        return "<missing>";
    const auto start = open + name.size() + 2;
    return xml.substr(start, xml.find("</" + name + ">", start) - start);
}

} // namespace cmslab::jointest
