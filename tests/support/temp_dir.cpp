#include "support/temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cmslab::testkit {

TempDir::TempDir(const std::string& prefix) {
    std::error_code ec;
    const auto base = std::filesystem::temp_directory_path(ec);
    std::string tmpl = (ec ? std::filesystem::path("/tmp") : base) / (prefix + "-XXXXXX");
    if (mkdtemp(tmpl.data()) != nullptr)
        m_path = tmpl;
}

TempDir::~TempDir() {
    if (m_path.empty())
        return;
    if (std::getenv("CMSLAB_KEEP_TMP") != nullptr) {
        std::cerr << "kept " << m_path << "\n";
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& content) const {
    const std::string path = File(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace cmslab::testkit
