// The administrator at a workstation who talks to the CMS API, as the reference does with
// Postman: a base URL (by name or address), Basic credentials, whom the client trusts, and
// the requests in order. A path may name `{id}`: the turnServers object the session last
// learned of (the Location of its last create, else the first id of its last list).
#pragma once

#include "scenario/url.h"

#include <string>
#include <utility>
#include <vector>

namespace cmslab::scenario {

struct AdminRequest {
    std::string method; // GET, POST, PUT or DELETE
    std::string path;   // origin form, may contain {id}
    // x-www-form-urlencoded body fields in order ("name=value" in the file, as curl's
    // --data-urlencode takes them); empty: no body.
    std::vector<std::pair<std::string, std::string>> form;
    double after_s = 1; // the person's pause after the previous answer (or the start)
};

struct AdminSessionConfig {
    std::string node; // the workstation: any node that is not a router or firewall
    Url url;          // scheme, host and port of the API; its path is not used
    std::string user; // HTTP Basic credentials as the person types them
    std::string password;
    // Authorities or certificates the client trusts; empty: the server certificate is
    // reported but not enforced (curl -k, Postman with verification off).
    std::vector<std::string> trusted_cas;
    double at_s = 0; // simulated seconds from the start of the run
    std::vector<AdminRequest> requests;
};

} // namespace cmslab::scenario
