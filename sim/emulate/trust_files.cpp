#include "trust_files.h"

#include "network_check.h"

#include <filesystem>
#include <fstream>

namespace cmslab::emulate {

Expected<std::vector<std::string>> WriteTrustFiles(const scenario::Pki& spec,
                                                   const network::ScenarioPki& pki,
                                                   const std::string& out_dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> names;
    for (const scenario::CertificateAuthority& ca : spec.authorities)
        names.push_back(ca.name);
    for (const scenario::CertificateSpec& cert : spec.certificates) {
        if (cert.SelfSigned())
            names.push_back(cert.name);
    }
    std::error_code ec;
    fs::create_directories(fs::path(out_dir) / "ca", ec);
    if (ec)
        return Error{"cannot create " + out_dir + "/ca: " + ec.message()};
    std::vector<std::string> written;
    for (const std::string& name : names) {
        const std::vector<pki::Certificate> anchors = pki.TrustAnchors({name});
        if (anchors.empty())
            return Error{"certificate '" + name + "' was not issued"};
        const std::string relative = "ca/" + network::FileNameFor(name) + ".pem";
        std::ofstream out(fs::path(out_dir) / relative);
        out << pki::ToPem(anchors);
        if (!out)
            return Error{"cannot write " + out_dir + "/" + relative};
        written.push_back(relative);
    }
    return written;
}

} // namespace cmslab::emulate
