// A private temporary folder per test (tests run in parallel, and twice: normal and
// sanitizer builds), removed with its contents at the end.
#pragma once

#include <string>

namespace cmslab::testkit {

class TempDir {
  public:
    // Under TMPDIR (or /tmp), named "<prefix>-XXXXXX". With CMSLAB_KEEP_TMP set in the
    // environment it is kept (and its path printed) for a person to look at.
    explicit TempDir(const std::string& prefix = "cmslab");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // "" when the folder could not be made.
    const std::string& Path() const { return m_path; }
    std::string File(const std::string& name) const { return m_path + "/" + name; }
    // Writes `content` to File(name) and returns that path.
    std::string Write(const std::string& name, const std::string& content) const;

  private:
    std::string m_path;
};

// The whole file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

} // namespace cmslab::testkit
