// What makes one media session the browser's or the CMS's: the TURN server and its
// credentials, the ICE role, the DTLS certificate context (whose role, client or server,
// is the session's DTLS role), whether to bind a TURN channel to the selected peer, and
// the codec the RTP is paced by.
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "ice/connectivity_check.h"
#include "ice/credentials.h"
#include "pki/unix_time.h"
#include "tls/context.h"
#include "turn/types.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace cmslab::media {

// The defaults are audio as WebRTC endpoints send it: Opus (dynamic payload type 111,
// 48 kHz clock) in 20 ms frames of about 24 kbit/s.
struct Codec {
    std::uint8_t payload_type = 111;
    std::uint32_t clock_rate = 48000;
    Duration packet_interval = std::chrono::milliseconds(20);
    std::size_t payload_bytes = 60;
};

struct SessionConfig {
    Endpoint turn_server;
    // How the session reaches the TURN server: datagrams, or one TCP connection the driver
    // opens (what the session sends and takes are then pieces of that stream).
    turn::Transport turn_transport = turn::Transport::Udp;
    std::string username;
    std::string password;
    std::string turn_software; // SOFTWARE in TURN requests when not empty

    // The offerer controls (RFC 8445 6.1.1) and nominates.
    ice::Role ice_role = ice::Role::Controlling;
    ice::Credentials local_ice; // empty: generated

    // A channel to the selected peer: 4 bytes of framing per packet instead of 36.
    bool bind_channel = true;

    // Datagram transport, VerifyMode::Fingerprint, use_srtp profiles. Its role is the
    // DTLS role: a client starts the handshake, a server waits for it. Null: StartDtls
    // fails the DTLS at once.
    std::shared_ptr<const tls::Context> dtls_context;
    pki::UnixTime epoch_unix_s = 0; // the scenario's clock, for certificate validity

    Codec codec;
};

} // namespace cmslab::media
