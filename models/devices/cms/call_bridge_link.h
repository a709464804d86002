// The Call Bridge's link to the Web Bridge ("c2w"), sans-I/O: resolve the host of the
// Guest account client URI, connect TCP, run TLS, keep it up; on any failure raise the
// CMS fault and the guestAccountConnectionFailure alarm, log the product's lines, and
// try again after the retry interval. Each attempt gets the next link number, which
// the log lines (and later guest login requests) name.
//
// The owner performs the steps it is asked for (a DNS lookup, a TCP connect, a TLS
// handshake, a timer) and feeds their results back. Nothing here knows why a step
// failed beyond what the network said.
#pragma once

#include "cms/log_sink.h"
#include "common/address.h"
#include "common/expected.h"
#include "common/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::cms {

inline constexpr const char* kGuestAccountConnectionFailure = "guestAccountConnectionFailure";

struct LinkStep {
    enum class Do { Nothing, Resolve, Connect, StartTls, Close };
    Do action = Do::Nothing;
    std::string host;             // Resolve: the name to look up
    Endpoint endpoint;            // Connect: where
    std::optional<Instant> timer; // call OnTimer at this time (replaces any earlier one)
};

class CallBridgeLink {
  public:
    enum class State { Idle, Resolving, Connecting, Handshaking, Up, WaitingToRetry, Unusable };

    // `uri`: the Guest account client URI ("https://host[:port]"; https only).
    // `first_link`: the number of the first attempt (a box up for a while is further on).
    CallBridgeLink(std::string uri, LogSink log, Duration retry_interval = std::chrono::seconds(10),
                   std::uint64_t first_link = 1);

    LinkStep Start(Instant now);
    LinkStep OnResolved(Instant now, const Expected<std::vector<IpAddress>>& addresses);
    LinkStep OnConnected(Instant now, bool ok);
    // `error`: why TLS failed (the peer's alert, a verify failure), for the log only.
    LinkStep OnTlsDone(Instant now, bool ok, const std::string& error = {});
    LinkStep OnClosed(Instant now);
    LinkStep OnTimer(Instant now);

    State GetState() const { return m_state; }
    bool Up() const { return m_state == State::Up; }
    std::uint64_t LinkNumber() const { return m_link; }
    const std::string& Host() const { return m_host; }
    std::uint16_t Port() const { return m_port; }
    // The active fault, as the status page lists it; empty when none.
    const std::string& Fault() const { return m_fault; }
    std::vector<std::string> Alarms() const;
    // Time the link last came up, for status.
    std::optional<Instant> UpSince() const { return m_up_since; }

  private:
    LinkStep Attempt(Instant now);
    LinkStep Fail(Instant now, const char* kind);
    void Log(std::string_view level, const std::string& text) const;

    std::string m_uri;
    std::string m_host;
    std::uint16_t m_port = 443;
    bool m_host_is_address = false;
    LogSink m_log;
    Duration m_retry;
    State m_state = State::Idle;
    std::uint64_t m_link = 0; // the current attempt's number
    std::string m_fault;
    std::optional<Instant> m_up_since;
};

// Splits "https://host[:port][/...]" into host and port (443 by default).
struct ParsedUri {
    std::string host;
    std::uint16_t port = 443;
};
Expected<ParsedUri> ParseHttpsUri(std::string_view uri);

} // namespace cmslab::cms
