// The run's one NSS key log (sslkeys.log): every TLS endpoint of every box writes its
// secrets here, so that Wireshark decrypts each TLS connection of every capture with one
// file (`-o tls.keylog_file:sslkeys.log`).
//
// Copies share the same file. Each line is flushed as it is written, so the file is
// complete at any simulated moment; a line already written (the client and the server
// of one connection both report its secrets) is not written twice.
#pragma once

#include "tls/config.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::devices::net {

class KeyLogFile {
  public:
    // Truncates `path`. Empty path: lines are kept in memory only.
    explicit KeyLogFile(const std::string& path = "");

    // One line without its newline, "CLIENT_RANDOM <hex> <hex>".
    void Append(const std::string& line);
    void Flush();

    // What tls::ContextConfig::key_log takes: appends here (and keeps the file alive).
    tls::KeyLogSink Sink() const;

    const std::string& Path() const;
    // Distinct lines written so far, in order.
    const std::vector<std::string>& Lines() const;
    // True when a path was given and could not be opened or written.
    bool Failed() const;

    struct State;

  private:
    std::shared_ptr<State> m_state;
};

} // namespace cmslab::devices::net
