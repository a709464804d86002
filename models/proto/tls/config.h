// Configuration of TLS and DTLS: what a context shares across connections (one per box
// role: the browser, the Expressway-E's web listener, the CMS web bridge, a traversal
// client) and what each connection adds (the name it connects to, the time at which
// certificates are judged).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/time.h"
#include "pki/certificate.h"
#include "pki/fingerprint.h"
#include "pki/identity.h"
#include "pki/unix_time.h"

namespace cmslab::tls {

enum class Role { Client, Server };
enum class Transport { Stream, Datagram }; // TLS over TCP, DTLS over UDP

enum class ProtocolVersion : std::uint16_t {
    Tls12 = 0x0303,
    Tls13 = 0x0304,
    Dtls10 = 0xfeff,
    Dtls12 = 0xfefd,
};

// How the peer's certificate is judged.
enum class VerifyMode {
    None,        // not at all (and a server does not ask the client for one)
    Report,      // chain, name and time are checked and failures reported, the handshake goes
                 // on (a user clicking through the warning, `curl -k`)
    Require,     // as a browser: a failure aborts the handshake with the matching alert
    Fingerprint, // WebRTC: any chain, self-signed included; the leaf must match
                 // EndpointOptions::peer_fingerprint (when given)
};

// Receives NSS key log lines ("CLIENT_RANDOM <hex> <hex>", no newline), what
// SSLKEYLOGFILE holds and Wireshark reads.
using KeyLogSink = std::function<void(const std::string& line)>;

struct ContextConfig {
    Role role = Role::Client;
    Transport transport = Transport::Stream;
    // Unset: TLS 1.2 to 1.3, or DTLS 1.2 only.
    std::optional<ProtocolVersion> min_version;
    std::optional<ProtocolVersion> max_version;

    // Server: identities[0] is served by default; a client's SNI picks the first identity
    // whose certificate matches the name (OpenSSL's host check). Client: identities[0] is
    // sent when the server asks for a certificate.
    std::vector<pki::Identity> identities;
    std::vector<pki::Certificate> trust_anchors;
    // Unset: Require for a client, None for a server. A server with Report or Require asks
    // for a client certificate.
    std::optional<VerifyMode> verify;
    bool require_peer_certificate = false; // server: a client sending none fails

    // Client: offered in this order. Server: accepted, first match in this order wins.
    std::vector<std::string> alpn;
    // Server: no common protocol ends the handshake with no_application_protocol
    // (otherwise it goes on without ALPN).
    bool alpn_mismatch_fatal = false;

    std::string cipher_list;   // TLS 1.2 / DTLS, OpenSSL syntax; "" keeps OpenSSL's default
    std::string cipher_suites; // TLS 1.3, e.g. "TLS_AES_128_GCM_SHA256"
    std::string groups;        // e.g. "X25519:P-256"

    // Server: TLS 1.3 session tickets sent after the handshake. Stateful (session ID
    // tickets): stateless ones would carry the wall-clock time inside.
    unsigned session_tickets = 0;

    // DTLS use_srtp profiles offered or accepted, e.g. {"SRTP_AES128_CM_SHA1_80"}.
    std::vector<std::string> srtp_profiles;

    KeyLogSink key_log;
};

struct EndpointOptions {
    // Client: the SNI sent and the name the server certificate must match (an IP address
    // is not sent as SNI and is matched against the IP SANs instead, as browsers do).
    std::string server_name;
    // Overrides the name the peer certificate must match. Client: default server_name.
    // Server: the client certificate must match this name (a traversal zone's "TLS verify
    // subject name"); empty: no name check.
    std::optional<std::string> verify_name;
    // When certificates are judged (validity dates): the scenario's epoch plus the
    // simulated time. Required whenever the peer is verified.
    pki::UnixTime verify_time = 0;
    // VerifyMode::Fingerprint: the a=fingerprint from the peer's SDP.
    std::optional<pki::Fingerprint> peer_fingerprint;

    // DTLS: the path MTU (IP); datagrams stay within link_mtu - 28 (IPv4 + UDP headers).
    std::size_t link_mtu = 1500;
    // DTLS retransmission timer (RFC 6347 4.2.4.1): starts here, doubles up to the maximum.
    Duration initial_retransmit = std::chrono::seconds(1);
    Duration max_retransmit = std::chrono::seconds(60);
};

} // namespace cmslab::tls
