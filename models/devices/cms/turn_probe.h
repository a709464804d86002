// The Call Bridge's probe of a TURN server, sans-I/O: a STUN Binding request to the
// server's address and port (no credentials needed), retransmitted on RFC 8489's
// schedule (500 ms, doubling, 7 tries, then 16 x RTO), measuring the round trip and the
// mapped (reflexive) address the server saw. What /turnServers/<id>/status shows.
#pragma once

#include "cms/turn_server_record.h"
#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "stun/address_attribute.h"

#include <optional>

namespace cmslab::cms {

class TurnProbe {
  public:
    TurnProbe(Endpoint server, Rng rng);

    // The first request; send it to Server().
    Bytes Start(Instant now);
    // A datagram from the server. True when it answered the probe (Done() then).
    bool OnDatagram(Instant now, ByteView data);
    // Bytes to retransmit (empty when none is due); the probe may end here with a failure.
    Bytes OnTimer(Instant now);
    std::optional<Instant> NextTimer() const;

    bool Done() const { return m_done; }
    const Endpoint& Server() const { return m_server; }
    // Pending until Done().
    TurnProbeStatus Status() const;

  private:
    Endpoint m_server;
    Rng m_rng;
    stun::TransactionId m_id{};
    Bytes m_request;
    Instant m_first_send{0};
    Instant m_next{0};
    Duration m_rto = std::chrono::milliseconds(500);
    int m_sent = 0;
    bool m_started = false;
    bool m_done = false;
    TurnProbeStatus m_status;
};

} // namespace cmslab::cms
