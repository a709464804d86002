// A turnServers object as the Call Bridge stores it, and what its probe of the TURN
// server last measured (shown by GET /api/v1/turnServers/<id>/status).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cmslab::cms {

inline constexpr std::uint16_t kTurnPort = 3478;

struct TurnServerRecord {
    std::string id;
    std::string server_address;
    std::string client_address;
    std::string username;
    std::string password;
    std::string type = "standard";
    std::uint16_t tcp_port_number_override = 0; // 0: none
    std::int64_t num_registrations = 0;

    // Where the Call Bridge and the browsers reach the server: the override when set.
    std::uint16_t Port() const {
        return tcp_port_number_override != 0 ? tcp_port_number_override : kTurnPort;
    }
    // What browsers are told: clientAddress, or serverAddress when none.
    const std::string& AddressForClients() const {
        return client_address.empty() ? server_address : client_address;
    }
};

struct TurnProbeStatus {
    enum class State { Pending, Success, Failure };
    State state = State::Pending;
    std::string address; // what was probed
    std::uint16_t port = kTurnPort;
    bool reachable = false;
    std::int64_t round_trip_ms = 0;
    std::string mapped_address;
    std::uint16_t mapped_port = 0;
};

} // namespace cmslab::cms
