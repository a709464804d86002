// The HTTP/1.x response parser, as a client or proxy reads a connection (responses to
// GET, HEAD and CONNECT, 1xx, read-until-close bodies). See http_parser_check.h.
#include "http_parser_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cmslab::fuzz::CheckHttpParser(cmslab::http::MessageKind::Response, data, size, {502});
    return 0;
}
