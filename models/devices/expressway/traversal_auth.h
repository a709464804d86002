// The traversal zone's authentication between Expressway-C (client) and Expressway-E
// (server), over the TLS connection to the traversal port. The product speaks SIP there;
// the lab models a small SIP-like exchange with SIP's digest authentication (RFC 3261
// 22.4, RFC 2617 MD5 without qop):
//
//   C: SERVICE sip:<peer>:<port>;transport=tls SIP/2.0           (no credentials)
//   E: SIP/2.0 401 Unauthorized   WWW-Authenticate: Digest realm=..., nonce=...
//   C: SERVICE ... with Authorization: Digest username=..., response=...
//   E: SIP/2.0 200 OK             or 401 again (wrong password, unknown user)
//
// Before any credential, Expressway-E checks the client certificate against the zone's
// "TLS verify subject name" (and that its chain verified): a mismatch is answered
// 403 Forbidden. Sans-I/O: bytes of the decrypted TLS stream in, bytes out.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"
#include "common/rng.h"
#include "http/headers.h"
#include "pki/certificate.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::expressway {

// A SIP-like message: a request ("SERVICE sip:... SIP/2.0") or a response
// ("SIP/2.0 200 OK"), header fields, an optional body framed by Content-Length.
struct SipMessage {
    bool request = true;
    std::string method;
    std::string uri;
    int status = 0;
    std::string reason;
    http::Headers headers;
    std::string body;

    std::string StartLine() const;
};

inline constexpr std::size_t kMaxSipHead = 8 * 1024;
inline constexpr std::size_t kMaxSipBody = 4 * 1024;

Bytes EncodeSip(const SipMessage& message);

// Cuts messages from the stream; errors are sticky.
class SipDecoder {
  public:
    void Feed(ByteView bytes);
    Expected<std::optional<SipMessage>> Next();

  private:
    Bytes m_buf;
    std::optional<Error> m_error;
};

// Digest parameters: `Digest realm="x", nonce="y"` -> {realm: x, nonce: y}; nullopt when
// not a Digest value.
std::optional<std::map<std::string, std::string>> ParseDigest(const std::string& value);
// MD5(MD5(user:realm:password) ":" nonce ":" MD5(method:uri)), lower-case hex.
std::string DigestResponse(const std::string& user, const std::string& realm,
                           const std::string& password, const std::string& nonce,
                           const std::string& method, const std::string& uri);

// What Expressway-E knows about the client's certificate after the TLS handshake.
struct PeerCertificateInfo {
    bool present = false;
    bool chain_ok = false;          // verified against the trusted CAs at the current time
    bool name_matches = false;      // matches the TLS verify subject name (SAN or CN)
    std::string subject;            // for the log
    std::vector<std::string> names; // its SAN DNS names, for the log
};

// `cert`: the client's certificate (null when none was sent); `chain_ok`: whether its
// chain verified; `verify_name`: the zone's TLS verify subject name, matched against the
// SAN DNS names (the subject CN when there are none), as Expressway-E does.
PeerCertificateInfo InspectClientCertificate(const pki::Certificate* cert, bool chain_ok,
                                             const std::string& verify_name);

struct TraversalServerConfig {
    std::string zone_name;
    std::string username; // the zone's username: must be this one, and a local user
    std::map<std::string, std::string> local_users; // local authentication database
    std::string realm = "TANDBERG";
    std::string tls_verify_subject_name; // empty: not checked
};

enum class TraversalOutcome { Pending, Authenticated, Rejected };

struct TraversalStep {
    Bytes send;
    TraversalOutcome outcome = TraversalOutcome::Pending;
    std::vector<std::string> log; // what happened, in words
    bool close = false;           // the server drops the connection after `send`
};

class TraversalAuthServer {
  public:
    TraversalAuthServer(TraversalServerConfig config, PeerCertificateInfo peer, Rng rng);
    TraversalStep Feed(ByteView bytes);
    TraversalOutcome Outcome() const { return m_outcome; }
    const std::string& Reason() const { return m_reason; }
    const std::string& Username() const { return m_username; }

  private:
    TraversalStep Handle(const SipMessage& request);
    SipMessage Respond(const SipMessage& request, int status, const std::string& reason) const;

    TraversalServerConfig m_config;
    PeerCertificateInfo m_peer;
    Rng m_rng;
    SipDecoder m_decoder;
    std::vector<std::string> m_nonces;
    TraversalOutcome m_outcome = TraversalOutcome::Pending;
    std::string m_reason;
    std::string m_username;
};

struct TraversalClientConfig {
    std::string zone_name;
    std::string username;
    std::string password;
    std::string peer; // Expressway-E's name
    std::uint16_t port = 7001;
    int hop_count = 15;
    std::string local_name; // this box's FQDN, for Via and From
};

class TraversalAuthClient {
  public:
    TraversalAuthClient(TraversalClientConfig config, Rng rng);
    // The first request.
    Bytes Start();
    TraversalStep Feed(ByteView bytes);
    TraversalOutcome Outcome() const { return m_outcome; }
    const std::string& Reason() const { return m_reason; }

  private:
    SipMessage Request(const std::string& authorization);

    TraversalClientConfig m_config;
    Rng m_rng;
    SipDecoder m_decoder;
    std::string m_call_id;
    std::string m_tag;
    int m_cseq = 0;
    bool m_sent_credentials = false;
    TraversalOutcome m_outcome = TraversalOutcome::Pending;
    std::string m_reason;
};

} // namespace cmslab::expressway
