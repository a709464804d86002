// The screenshots a real browser left in a results folder (`cmslab run --guest chromium`
// writes screens/NN-<screen>.png), as HTML that carries the pictures itself: report.html
// stays one file a trainer can copy and project, and it fetches nothing.
#pragma once

#include <string>

namespace cmslab::report {

// One <figure> per screens/*.png, in file-name order (the order they were taken), each
// image as a data: URI; "" when the folder has none.
std::string ScreenshotFigures(const std::string& results_dir);

} // namespace cmslab::report
