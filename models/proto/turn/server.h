// A sans-I/O TURN server (RFC 8656) with long-term credentials, modelled on what
// Expressway-E's TURN service does: allocations on relay addresses of one side, the
// static NAT address advertised in XOR-RELAYED-ADDRESS, a relay port range, quotas, and
// a configurable answer to a wrong password (431 as Expressway-E, 401 as coturn).
//
// The server owns the relayed "sockets" logically: server_event::RelayOpened/RelayClosed tell the
// driver which (address, port) to listen on; data a peer sends there comes in through
// HandlePeerInput; Transmit.from names the relay socket (or listening socket) to send from.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "stun/error_code.h"
#include "stun/message.h"
#include "stun/stream_framer.h"
#include "turn/nonce_book.h"
#include "turn/reservation_book.h"
#include "turn/server_events.h"
#include "turn/types.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmslab::turn {

struct RelayAddress {
    IpAddress local;      // where the relay sockets are (e.g. the external NIC)
    IpAddress advertised; // what clients are told (e.g. the static NAT address)
};

struct ServerConfig {
    std::string realm;
    std::map<std::string, std::string> users; // name -> password
    std::vector<RelayAddress> relays;         // first of each family is used
    std::uint16_t min_port = 24000;
    std::uint16_t max_port = 29999;
    Duration nonce_lifetime = std::chrono::seconds(600);
    std::uint32_t default_lifetime = 600; // seconds
    std::uint32_t max_lifetime = 3600;    // seconds
    // Allocations one username may hold at once; beyond: 486 Allocation Quota Reached
    // (RFC 8656 section 7.2, step 10: the user's quota). 0: no limit.
    std::size_t per_user_quota = 0;
    // Relays the server can hold at once (its licences, its size); beyond: 508
    // Insufficient Capacity (RFC 8656 section 7.2: the server, not the user, is out of
    // room). 0: no limit but the port range.
    std::size_t relay_capacity = 0;
    // The answer to a wrong password or unknown user: 431 "Integrity Check Failure"
    // (Expressway-E, as captured) or 401 "Unauthorized" with a new challenge (RFC 8489,
    // coturn).
    std::uint16_t integrity_failure_code = stun::error::kIntegrityCheckFailure;
    // With an integrity failure code other than 401: the answer sends back the request's
    // USERNAME, NONCE, REALM and REQUESTED-TRANSPORT, in that order, before ERROR-CODE,
    // as Expressway-E's does in the source capture (Wireshark: "user: <name> with nonce
    // realm: <realm> UDP error-code: 431"). Off: ERROR-CODE alone.
    bool integrity_failure_echoes_request = true;
    std::string software; // SOFTWARE in responses when not empty
    Duration permission_lifetime = std::chrono::seconds(300);
    Duration channel_lifetime = std::chrono::seconds(600);
    // How long the port after an EVEN-PORT (R bit) allocation stays held for the
    // RESERVATION-TOKEN it was answered with (RFC 8656 section 7.2: about 30 s).
    Duration reservation_lifetime = std::chrono::seconds(30);
};

// What a status page shows. Gauges are computed when asked; the rest count since start.
struct ServerCounters {
    std::size_t active_allocations = 0;
    std::size_t active_clients = 0;  // distinct client transport addresses with an allocation
    std::size_t allocations_udp = 0; // by the client's transport to the server
    std::size_t allocations_tcp = 0;
    std::size_t permissions = 0;
    std::size_t channels = 0;
    std::size_t reservations = 0; // ports held for a RESERVATION-TOKEN

    std::uint64_t requests = 0;
    std::uint64_t allocations_created = 0;
    std::uint64_t allocations_deleted = 0;
    std::uint64_t allocations_expired = 0;
    std::uint64_t reservations_expired = 0; // held ports nobody claimed in time
    std::uint64_t challenges = 0;           // 401 to requests without credentials
    std::uint64_t stale_nonces = 0;         // 438
    std::uint64_t integrity_failures = 0;   // the configured code
    std::uint64_t quota_rejections = 0;     // 486
    std::uint64_t capacity_rejections = 0;  // 508
    std::size_t peak_allocations = 0;       // the most allocations held at once
    std::uint64_t bad_requests = 0;         // 400
    std::uint64_t other_errors = 0;
    std::uint64_t dropped_malformed = 0;   // not STUN/ChannelData, or unparseable
    std::uint64_t dropped_unpermitted = 0; // no permission for the peer (either direction)
    std::uint64_t dropped_no_allocation = 0;
    std::uint64_t relayed_to_peers = 0; // datagrams
    std::uint64_t relayed_to_clients = 0;
    std::uint64_t relayed_bytes_to_peers = 0;
    std::uint64_t relayed_bytes_to_clients = 0;
};

struct AllocationInfo {
    FiveTuple tuple;
    std::string username;
    Endpoint relay;
    Endpoint advertised;
    Instant expires{};
    std::vector<IpAddress> permissions;
    std::map<std::uint16_t, Endpoint> channels;
};

class Server {
  public:
    Server(ServerConfig config, Rng rng);

    // Bytes from a TURN client: one datagram for UDP, any piece of the stream for TCP.
    void HandleClientInput(const FiveTuple& tuple, ByteView bytes, Instant now);
    // The client's TCP connection closed: its allocation goes with it (RFC 8656 section 7).
    void HandleConnectionClosed(const FiveTuple& tuple, Instant now);
    // A datagram from a peer to a relay socket.
    void HandlePeerInput(const Endpoint& relay, const Endpoint& peer, ByteView bytes, Instant now);

    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);

    std::optional<Transmit> PollTransmit();
    std::optional<ServerEvent> PollEvent();

    ServerCounters Counters() const;
    std::vector<AllocationInfo> Allocations() const;
    const ServerConfig& Config() const { return m_config; }

  private:
    struct Channel {
        Endpoint peer;
        Instant expires{};
    };
    struct Allocation {
        FiveTuple tuple;
        std::string username;
        Bytes key;
        Endpoint relay;
        Endpoint advertised;
        Instant expires{};
        std::map<IpAddress, Instant> permissions;
        std::map<std::uint16_t, Channel> channels;
        stun::TransactionId allocate_id{};
        Bytes allocate_response; // resent to a retransmitted Allocate
    };
    struct Auth {
        std::string username;
        Bytes key;
    };

    void HandleFrame(const FiveTuple& tuple, ByteView frame, Instant now);
    void HandleRequest(const FiveTuple& tuple, const stun::Message& request, Instant now);
    void HandleAllocate(const FiveTuple& tuple, const stun::Message& request, const Auth& auth,
                        Instant now);
    void HandleRefresh(const FiveTuple& tuple, const stun::Message& request, const Auth& auth,
                       Instant now);
    void HandleCreatePermission(const FiveTuple& tuple, const stun::Message& request,
                                const Auth& auth, Instant now);
    void HandleChannelBind(const FiveTuple& tuple, const stun::Message& request, const Auth& auth,
                           Instant now);
    void HandleSendIndication(const FiveTuple& tuple, const stun::Message& indication, Instant now);
    void HandleChannelDataFromClient(const FiveTuple& tuple, ByteView frame, Instant now);

    // Builds and sends an error response, signed with `key` when the request was
    // authenticated. With `challenge` (the current time) it carries the REALM and a fresh
    // NONCE: the client is to retry with long-term credentials (RFC 8489 section 9.2.4).
    void RespondError(const FiveTuple& tuple, const stun::Message& request, std::uint16_t code,
                      std::string_view reason, const Bytes* key, std::optional<Instant> challenge);
    // The answer to a request whose credentials did not check out with a code other than
    // 401 (ServerConfig::integrity_failure_echoes_request). Unsigned: the key is wrong.
    void RespondIntegrityFailure(const FiveTuple& tuple, const stun::Message& request,
                                 std::uint16_t code);
    // Sends an error response (see RespondError), counts it and reports it.
    void Reject(const FiveTuple& tuple, const stun::Message& request, std::uint16_t code,
                const Bytes* key, const std::string& username, std::string_view reason = {});
    void Respond(const FiveTuple& tuple, const stun::Message& request, stun::Message response,
                 const Bytes* key);
    void ToClient(const FiveTuple& tuple, Bytes data);
    // Relays `data` from an allocation's relay address to a peer, counted.
    void ToPeer(const Endpoint& relay, const Endpoint& peer, Bytes data);
    // The allocation on `tuple` when `auth` owns it; otherwise the request is rejected
    // (437 or 441) and end() returned.
    std::map<FiveTuple, Allocation>::iterator
    OwnedAllocation(const FiveTuple& tuple, const stun::Message& request, const Auth& auth);
    // The allocation on `tuple` while it lasts; nullptr, counted as a drop, otherwise.
    const Allocation* LiveAllocation(const FiveTuple& tuple, Instant now);
    void Emit(ServerEvent event) { m_events.push_back(std::move(event)); }
    // `expired`: the lifetime ran out (AllocationExpired), else AllocationDeleted.
    void DeleteAllocation(std::map<FiveTuple, Allocation>::iterator it, bool expired);
    // A free relay port on `local` (not allocated, not held). `even`: an even one;
    // `with_next`: an even one whose next port is free too (EVEN-PORT with the R bit).
    std::optional<std::uint16_t> PickPort(const IpAddress& local, Instant now, bool even = false,
                                          bool with_next = false);
    // The relay address an Allocate gets from its RESERVATION-TOKEN, EVEN-PORT or neither
    // (RFC 8656 section 7.2); on a problem the request is rejected and nullopt returned.
    std::optional<Endpoint> ChooseRelay(const FiveTuple& tuple, const stun::Message& request,
                                        const Auth& auth, const RelayAddress& relay, Instant now);
    // The comprehension-required attributes of `request` this server does not handle.
    static std::vector<std::uint16_t> NotUnderstood(const stun::Message& request);
    std::uint32_t GrantedLifetime(const stun::Message& request) const;
    const RelayAddress* RelayFor(IpAddress::Family family) const;
    static bool HasPermission(const Allocation& a, const IpAddress& peer, Instant now);
    void NoteExpiry(Instant t);

    ServerConfig m_config;
    Rng m_rng;
    NonceBook m_nonces;
    ReservationBook m_reservations;
    std::map<FiveTuple, Allocation> m_allocations;
    std::map<Endpoint, FiveTuple> m_by_relay;
    std::map<std::string, std::size_t> m_per_user;
    std::map<FiveTuple, stun::StreamFramer> m_streams;
    std::deque<Transmit> m_transmits;
    std::deque<ServerEvent> m_events;
    ServerCounters m_counters;
    // No expiry of an allocation, permission or channel is earlier (NextTimeout).
    std::optional<Instant> m_earliest_expiry;
};

} // namespace cmslab::turn
