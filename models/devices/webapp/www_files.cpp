#include "webapp/www_files.h"

#include "webapp/paths.h"

namespace cmslab::webapp {

namespace {

bool EndsWith(std::string_view text, std::string_view tail) {
    return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

std::string_view ContentTypeOf(std::string_view path) {
    if (EndsWith(path, ".html"))
        return kHtmlContentType;
    if (EndsWith(path, ".css"))
        return "text/css; charset=utf-8";
    if (EndsWith(path, ".js"))
        return "text/javascript; charset=utf-8";
    return "application/octet-stream";
}

} // namespace

std::optional<WwwFile> FindWwwFile(std::string_view path) {
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i)
        if (kEmbeddedFiles[i].path == path)
            return WwwFile{kEmbeddedFiles[i].body, ContentTypeOf(path)};
    return std::nullopt;
}

} // namespace cmslab::webapp
