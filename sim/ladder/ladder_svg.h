// The ladder as SVG: a column per box (its name and addresses over a lifeline), an
// arrow per message with its time, label and sightings, errors in red. The same element
// goes into report.html and, with an XML declaration, into `cmslab ladder --svg FILE`.
// Each column is a <g class="ladder-column">, each arrow a <g class="arrow"> whose id is
// the arrow's, so a page links to it (#a12) and a test counts them.
#pragma once

#include "ladder/ladder.h"

#include <string>

namespace cmslab::ladder {

// The <svg> element. Capture links are relative to the results folder (pcap/...).
std::string ToSvgElement(const Ladder& ladder);
// A standalone SVG file.
std::string ToSvgFile(const Ladder& ladder);

} // namespace cmslab::ladder
