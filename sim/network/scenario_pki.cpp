#include "scenario_pki.h"

#include "common/rng.h"

namespace cmslab::network {

namespace {

std::string Trim(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    const auto e = s.find_last_not_of(' ');
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

} // namespace

pki::DistinguishedName ParseSubject(const std::string& text) {
    pki::DistinguishedName dn;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        const std::string part = text.substr(start, comma - start);
        const std::size_t eq = part.find('=');
        if (eq != std::string::npos) {
            const std::string key = Trim(part.substr(0, eq));
            const std::string value = Trim(part.substr(eq + 1));
            if (key == "C")
                dn.country = value;
            else if (key == "ST")
                dn.state = value;
            else if (key == "L")
                dn.locality = value;
            else if (key == "O")
                dn.organization = value;
            else if (key == "OU")
                dn.organizational_unit = value;
            else if (key == "CN")
                dn.common_name = value;
        }
        start = comma + 1;
    }
    return dn;
}

Expected<ScenarioPki> ScenarioPki::Issue(const scenario::Pki& spec, std::uint64_t seed) {
    ScenarioPki out;
    const Rng root(seed);
    for (const scenario::CertificateAuthority& a : spec.authorities) {
        pki::CaProfile profile;
        profile.subject = ParseSubject(a.subject);
        profile.not_before = a.not_before;
        profile.not_after = a.not_after;
        Rng rng = root.Fork("pki:ca:" + a.name);
        auto ca = pki::CertificateAuthority::CreateRoot(profile, rng);
        if (!ca)
            return Error{"certificate authority " + a.name + ": " + ca.Message()};
        out.m_authorities.emplace(a.name, std::move(*ca));
    }
    for (const scenario::CertificateSpec& c : spec.certificates) {
        pki::CertificateProfile profile;
        profile.subject = ParseSubject(c.subject);
        profile.dns_names = c.subject_alt_names;
        profile.not_before = c.not_before;
        profile.not_after = c.not_after;
        profile.usage = pki::CertificateUsage::ServerAndClient;
        Rng rng = root.Fork("pki:cert:" + c.name);
        Expected<pki::Identity> id = Error{"unknown issuer '" + c.issuer + "'"};
        if (c.SelfSigned()) {
            id = pki::CreateSelfSigned(profile, rng);
        } else {
            auto issuer = out.m_authorities.find(c.issuer);
            if (issuer != out.m_authorities.end())
                id = issuer->second.Issue(profile, rng);
        }
        if (!id)
            return Error{"certificate " + c.name + ": " + id.Message()};
        out.m_identities.emplace(c.name, std::move(*id));
    }
    return out;
}

const pki::Identity* ScenarioPki::Identity(const std::string& certificate_name) const {
    auto it = m_identities.find(certificate_name);
    return it == m_identities.end() ? nullptr : &it->second;
}

Expected<std::optional<pki::Identity>>
ScenarioPki::Configured(const std::string& certificate_name) const {
    if (certificate_name.empty())
        return std::optional<pki::Identity>{};
    const pki::Identity* id = Identity(certificate_name);
    if (!id)
        return Error{"certificate '" + certificate_name + "' is not issued in the scenario"};
    return std::optional<pki::Identity>{*id};
}

std::vector<pki::Certificate>
ScenarioPki::TrustAnchors(const std::vector<std::string>& names) const {
    std::vector<pki::Certificate> anchors;
    for (const std::string& n : names) {
        if (auto a = m_authorities.find(n); a != m_authorities.end())
            anchors.push_back(a->second.Cert());
        else if (auto i = m_identities.find(n); i != m_identities.end())
            anchors.push_back(i->second.certificate);
    }
    return anchors;
}

} // namespace cmslab::network
