// The CMS API's answers as the product writes them, shared by its parts (turnServers,
// coSpaces): every XML body begins with the declaration (the reference's Postman
// screenshots show it as line 1), errors are <failureDetails>, empty answers stay empty.
#pragma once

#include "http/message.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::cms {

constexpr std::size_t kApiMaxValue = 255;

struct ParameterError {
    std::string parameter;
    std::string error; // "invalidValue", "valueTooLong", "missing", "unrecognised"
};

http::Response ApiXml(int status, std::string body);
// <failureDetails>details</failureDetails>
http::Response ApiFailure(int status, const std::string& details);
// 400 <failureDetails><parameterError parameter=".." error=".."/></failureDetails>
http::Response ApiParameterFailure(const ParameterError& e);
// 405 with the methods the resource takes.
http::Response ApiMethodNotAllowed(const char* allow);
// A decimal number within [lo, hi], digits only.
std::optional<std::int64_t> ApiNumber(std::string_view s, std::int64_t lo, std::int64_t hi);

} // namespace cmslab::cms
