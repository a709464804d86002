// The CSS of report.html, inline in the page so that it opens offline.
#pragma once

namespace cmslab::report {

const char* ReportStyle();

} // namespace cmslab::report
