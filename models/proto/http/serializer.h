// Writes HTTP/1.x messages. The caller's header fields are written in order as given;
// the serializer only adds the framing a body needs.
#pragma once

#include "common/bytes.h"
#include "http/message.h"

namespace cmslab::http {

// Start line, header fields exactly as given, blank line. An empty reason phrase is
// replaced by the standard one.
Bytes SerializeHead(const RequestHead& head);
Bytes SerializeHead(const ResponseHead& head);

// Whole messages. With "Transfer-Encoding: chunked" among the fields the body goes out
// as one chunk and the last chunk, with the message's trailers. Otherwise a Content-Length is added
// when missing: for a request that has a body (or whose method is POST, PUT or PATCH); for every
// response that may carry content (not 1xx, 204, 304), whose body is then dropped.
// For a response to HEAD, write SerializeHead with the Content-Length of the GET.
Bytes Serialize(const Request& request);
Bytes Serialize(const Response& response);

// Chunked transfer coding, for bodies streamed out piece by piece. An empty piece gives
// no bytes, since a zero-size chunk would end the body.
Bytes EncodeChunk(ByteView data);
Bytes EncodeLastChunk(const Headers& trailers = {});

// A short text/plain response for an error status, with "Connection: close", as a
// server sends when it gives up on a request (ProtocolError::status).
Response ErrorResponse(int status, std::string_view detail = {});

} // namespace cmslab::http
