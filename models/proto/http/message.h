// HTTP/1.x messages as plain values: what the parser yields and the serializer takes.
#pragma once

#include "common/bytes.h"
#include "http/headers.h"

#include <string>

namespace cmslab::http {

struct Version {
    int major = 1;
    int minor = 1;

    std::string ToString() const; // "HTTP/1.1"
    bool operator==(const Version& o) const { return major == o.major && minor == o.minor; }
    bool operator!=(const Version& o) const { return !(*this == o); }
    bool AtLeast(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
};

struct RequestHead {
    std::string method;
    std::string target; // as sent: "/path?query", "host:port" for CONNECT, "*"
    Version version;
    Headers headers;

    bool operator==(const RequestHead& o) const {
        return method == o.method && target == o.target && version == o.version &&
               headers == o.headers;
    }
};

struct ResponseHead {
    int status = 200;
    std::string reason; // empty when serialized: the standard phrase is used
    Version version;
    Headers headers;

    bool operator==(const ResponseHead& o) const {
        return status == o.status && reason == o.reason && version == o.version &&
               headers == o.headers;
    }
};

// Whole messages, for owners that do not stream bodies. Trailers travel only with
// chunked framing.
struct Request : RequestHead {
    Bytes body;
    Headers trailers;
};

struct Response : ResponseHead {
    Bytes body;
    Headers trailers;
};

// RFC 9112 9.3: whether the connection may carry another message after this one.
bool IsPersistent(const Version& version, const Headers& headers);

} // namespace cmslab::http
