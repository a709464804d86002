// Reading api/session.log as a person reads it: blocks that start with a timestamped
// heading ("session: ...", "request N:", "response N after x ms:") and the lines under it.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cmslab::jointest {

struct SessionBlock {
    std::string time; // "2017-05-20 10:01:40.000"
    std::string kind; // the heading after the time: "session: ...", "request 1:", ...
    std::string text; // the lines after the heading
};

std::vector<SessionBlock> ReadSessionLog(const std::string& path);

// The request whose start line is `method target HTTP/1.1`, and the response of the same
// number (null when absent).
std::pair<const SessionBlock*, const SessionBlock*>
FindExchange(const std::vector<SessionBlock>& blocks, const std::string& method,
             const std::string& target);

// The requests in order, as "METHOD target".
std::vector<std::string> RequestLines(const std::vector<SessionBlock>& blocks);

// The text of the first <name>...</name> of an XML body; "<missing>" when absent.
std::string XmlElementText(const std::string& xml, const std::string& name);

} // namespace cmslab::jointest
