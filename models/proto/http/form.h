// Percent-encoding (RFC 3986 2.1), application/x-www-form-urlencoded bodies and URL
// query strings, as a guest's login form and the CMS API's POSTs carry them.
#pragma once

#include "common/expected.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cmslab::http {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Keeps RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~), writes every other byte as
// %XX in upper case; with space_as_plus a space becomes '+' (form encoding).
std::string PercentEncode(std::string_view text, bool space_as_plus = false);
// Fails on a '%' not followed by two hex digits. With plus_as_space '+' decodes to ' '.
Expected<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

// "name=value&name2=value2", names and values percent-encoded with '+' for space.
std::string FormEncode(const FormFields& fields);
// Empty pieces ("a=1&&b=2") are skipped; a piece without '=' is a name with an empty
// value. Order and repeats are kept.
Expected<FormFields> FormDecode(std::string_view body);
// The first value of that name (names compared exactly).
std::optional<std::string> FormValue(const FormFields& fields, std::string_view name);

// A request target in origin form, split at the first '?'. The path stays encoded.
struct Target {
    std::string path;
    std::string query;
    bool has_query = false;
};
Target SplitTarget(std::string_view target);
// The query of a target decoded as form fields ("/x?a=1&b=two+words").
Expected<FormFields> ParseQuery(std::string_view target);

} // namespace cmslab::http
