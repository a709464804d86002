// The subject or issuer of a certificate, as the lab's configuration names it.
#pragma once

#include <string>

namespace cmslab::pki {

// Written into certificates in the order C, ST, L, O, OU, CN; empty fields are left out.
struct DistinguishedName {
    std::string country;
    std::string state;
    std::string locality;
    std::string organization;
    std::string organizational_unit;
    std::string common_name;
};

} // namespace cmslab::pki
