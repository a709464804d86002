// Whether a diagnosis names the setting a variant changed. The diagnosis reads only the
// run's evidence and speaks the products' language (box, setting, menu path or API call);
// a variant's change is a JSON pointer into the scenario. Neither knows the other, so the
// comparison is by words, and it is this rule:
//
//   the root cause's fix (box, setting, where, and its `also` lines, which name the other
//   side of a pair) mentions the product that holds the changed setting (the role of its
//   node: "Expressway-E", "Meeting Server", "firewall", "DNS", ...), AND it mentions the
//   setting: one word of its key ("password", "issuer", "subject alt names", "rule",
//   "record", "reflection", and for a flag the key of its object too: "turn" for
//   turn/enabled; plurals made singular, camelCase split, so the API's
//   "tcpPortNumberOverride" meets the file's "tcp_port_number_override"), or one of the
//   values that identify it (the old value, the name of its entry: "meet.example.com",
//   "443").
//
// It can be fooled both ways: a fix that mentions the right box and a common word
// ("port") about another setting counts as naming it; a fix that names the setting in
// other words ("SAN list" for subject_alt_names) does not. The sweep's table shows the
// cause beside the change so a person can judge each row.
#pragma once

#include "sweep/changed_setting.h"

#include <nlohmann/json.hpp>

namespace cmslab::sweep {

// `cause` is one element of summary.json diagnosis.causes.
bool CauseNamesSetting(const nlohmann::ordered_json& cause, const ChangedSetting& changed);

} // namespace cmslab::sweep
