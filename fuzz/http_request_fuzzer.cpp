// The HTTP/1.x request parser, as a server reads a connection (several requests in a
// row, bodies by Content-Length or chunked, upgrades). See http_parser_check.h.
#include "http_parser_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cmslab::fuzz::CheckHttpParser(cmslab::http::MessageKind::Request, data, size,
                                  {400, 413, 414, 431, 501, 505});
    return 0;
}
