#include "report/report_style.h"

namespace cmslab::report {

const char* ReportStyle() {
    // Large type and strong contrast: the page is meant for a projector.
    return R"css(
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 0 24px 40px; color: #222; background: #fff; }
header h1 { margin: 16px 0 4px; }
.verdict { font-size: 60%; padding: 2px 10px; border-radius: 10px; vertical-align: middle; }
.verdict.healthy { background: #cfc; } .verdict.fault { background: #fcc; }
.symptom { color: #a00; font-weight: bold; }
nav a { margin-right: 12px; }
section { margin-top: 28px; }
h2 { border-bottom: 2px solid #ccd; padding-bottom: 2px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; font-size: 13px; }
caption { text-align: left; font-weight: bold; }
tr.ok td:nth-child(2) { background: #cfc; } tr.failed td:nth-child(2) { background: #f99; }
tr.not_reached td:nth-child(2) { background: #eee; color: #777; }
.screens { display: flex; flex-wrap: wrap; gap: 10px; }
.screen { width: 220px; border: 1px solid #888; border-radius: 6px; overflow: hidden; font-size: 12px; }
.screen .bar { background: #dde; padding: 3px 6px; }
.screen .page { padding: 8px; min-height: 48px; }
.screen.final { border: 2px solid #335; }
figure.shot { margin: 0; width: 460px; font-size: 12px; }
figure.shot img { width: 100%; border: 1px solid #888; border-radius: 6px; }
.button { display: inline-block; border: 1px solid #57a; border-radius: 4px; padding: 1px 6px; margin: 4px 4px 0 0; background: #eef; }
.scroll { overflow-x: auto; border: 1px solid #ddd; }
.arrow.error text { font-weight: bold; }
.cause { border-left: 6px solid #d00; padding-left: 12px; }
.cause .summary { font-weight: bold; }
.where { color: #555; font-family: monospace; }
a.evidence { color: #06c; }
.log { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; white-space: pre-wrap; }
.log .n { display: inline-block; width: 4em; color: #999; }
.log .cited { background: #ffe066; font-weight: bold; }
:target { outline: 3px solid #f80; }
pre { font-size: 12px; background: #f6f6f6; padding: 6px; }
)css";
}

} // namespace cmslab::report
