#include "chromium/nss_profile.h"

#include "emulate/host_command.h"

#include <filesystem>

namespace cmslab::chromium {

Expected<ChromiumProfile> MakeProfile(const std::string& dir,
                                      const std::vector<std::pair<std::string, std::string>>& cas) {
    namespace fs = std::filesystem;
    ChromiumProfile profile;
    profile.home = dir + "/home";
    profile.user_data_dir = dir + "/user-data";
    const std::string nssdb = profile.home + "/.pki/nssdb";
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(nssdb, ec);
    if (!ec)
        fs::create_directories(profile.user_data_dir, ec);
    if (ec)
        return Error{"cannot create the browser profile in " + dir + ": " + ec.message()};
    const std::string db = "sql:" + nssdb;
    const std::vector<std::string> create = {"certutil", "-N", "-d", db, "--empty-password"};
    auto made = emulate::RunHostCommand(create);
    if (!made.Ok())
        return Error{emulate::CommandText(create) + " failed" +
                     (made.exit_code == -1 ? " (is libnss3-tools installed?)" : "") + ": " +
                     made.output};
    for (const auto& [name, pem] : cas) {
        // "C,,": a CA trusted to issue TLS server certificates, nothing else.
        const std::vector<std::string> add = {"certutil", "-A", "-d",  db,   "-n",
                                              name,       "-t", "C,,", "-i", pem};
        auto added = emulate::RunHostCommand(add);
        if (!added.Ok())
            return Error{emulate::CommandText(add) + " failed: " + added.output};
    }
    return profile;
}

} // namespace cmslab::chromium
