// The web app's files (www/: the page, its stylesheet and script), embedded into the
// build by cmake/EmbedFiles.cmake: the web bridge serves them without reading anything
// at run time, and the page the modelled browser reads is the one Chromium renders.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace cmslab::webapp {

struct EmbeddedFile {
    std::string_view path; // "/app.js"
    std::string_view body;
};
// Defined in the generated source.
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

struct WwwFile {
    std::string_view body;
    std::string_view content_type;
};

// The file served at `path` ("/app.css"), or nothing. The page itself ("/index.html") is
// a template: serve it through RenderMeetingPage.
std::optional<WwwFile> FindWwwFile(std::string_view path);

} // namespace cmslab::webapp
