// A sans-I/O TURN client (RFC 8656) for one allocation on one server: Allocate with the
// long-term credential challenge, Refresh before expiry, CreatePermission, ChannelBind,
// data out as Send indications or ChannelData, data in as events.
//
// Drive it with HandleInput(bytes, from, now) and HandleTimeout(now) at NextTimeout();
// collect what to send with PollTransmit() and what happened with PollEvent().
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "common/rng.h"
#include "common/time.h"
#include "stun/error_code.h"
#include "stun/message.h"
#include "stun/stream_framer.h"
#include "turn/client_events.h"
#include "turn/retransmit_timer.h"
#include "turn/types.h"

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace cmslab::turn {

struct ClientConfig {
    Endpoint server;
    Transport transport = Transport::Udp;
    std::string username;
    std::string password;
    std::string software;                 // SOFTWARE in requests when not empty
    std::uint32_t requested_lifetime = 0; // LIFETIME in Allocate (seconds); 0: none
    bool fingerprint = true;              // FINGERPRINT on every STUN message sent
    RetransmitPolicy retransmit;
    // Refresh this long before the allocation (or permission, channel) would expire,
    // or at half its lifetime when that is shorter.
    Duration refresh_margin = std::chrono::seconds(60);
    std::uint32_t max_stale_nonce_retries = 3;
};

class Client {
  public:
    enum class State { Idle, Allocating, Allocated, Closing, Closed, Failed };

    Client(ClientConfig config, Rng rng);

    // Starts the allocation: an Allocate request without credentials, as browsers do.
    void Allocate(Instant now);
    // Both need an allocation; each is refreshed until Close.
    bool CreatePermission(const IpAddress& peer, Instant now);
    bool ChannelBind(const Endpoint& peer, Instant now); // picks the next free channel
    // Sends to a peer: ChannelData when a channel to it is bound, else a Send indication.
    bool Send(const Endpoint& peer, ByteView data, Instant now);
    bool SendIndication(const Endpoint& peer, ByteView data);
    bool SendChannelData(const Endpoint& peer, ByteView data);
    // Deletes the allocation (Refresh with LIFETIME 0).
    void Close(Instant now);

    // Bytes from the server (a datagram on UDP; any piece of the stream on TCP).
    void HandleInput(ByteView bytes, const Endpoint& from, Instant now);
    std::optional<Instant> NextTimeout() const;
    void HandleTimeout(Instant now);

    std::optional<Transmit> PollTransmit();
    std::optional<ClientEvent> PollEvent();

    State GetState() const { return m_state; }
    const Endpoint& RelayedAddress() const { return m_relayed; }
    const Endpoint& MappedAddress() const { return m_mapped; }
    std::uint32_t Lifetime() const { return m_lifetime; }
    bool HasPermission(const IpAddress& peer, Instant now) const;
    // The bound channel to a peer, or 0.
    std::uint16_t ChannelFor(const Endpoint& peer) const;
    // Messages from the server that failed their FINGERPRINT or MESSAGE-INTEGRITY check,
    // or did not parse.
    std::uint64_t DroppedInput() const { return m_dropped; }

  private:
    enum class Purpose { Allocate, Refresh, CreatePermission, ChannelBind };
    struct Transaction {
        Purpose purpose = Purpose::Allocate;
        Bytes wire;
        RetransmitTimer timer;
        bool authenticated = false;
        IpAddress peer_ip;
        Endpoint peer;
        std::uint16_t channel = 0;
        std::uint32_t lifetime = 0; // requested, for Refresh
        std::uint32_t stale_retries = 0;
    };
    struct Permission {
        Instant expires{};
        Instant refresh_at{};
        bool wanted = false; // asked for by the user: keep refreshing
        bool pending = false;
    };
    struct Channel {
        Endpoint peer;
        bool bound = false;
        bool pending = false;
        Instant refresh_at{};
    };

    void StartTransaction(Purpose purpose, Instant now, std::uint32_t stale_retries = 0,
                          const IpAddress& peer_ip = {}, const Endpoint& peer = {},
                          std::uint16_t channel = 0, std::uint32_t lifetime = 0);
    void SendBytes(Bytes data);
    void HandleFrame(ByteView frame, Instant now);
    void HandleStun(const stun::Message& message, Instant now);
    void HandleResponse(Transaction tx, const stun::Message& message, Instant now);
    void HandleTimedOut(const Transaction& tx, Instant now);
    // The failure event of the transaction's purpose.
    void Fail(const Transaction& tx, const stun::ErrorCode& error);
    void Emit(ClientEvent event) { m_events.push_back(std::move(event)); }
    Duration RefreshDelay(Duration lifetime) const;
    stun::EncodeOptions Protection(bool authenticated) const;

    ClientConfig m_config;
    Rng m_rng;
    State m_state = State::Idle;
    std::string m_realm;
    std::string m_nonce;
    Bytes m_key;
    Endpoint m_relayed;
    Endpoint m_mapped;
    std::uint32_t m_lifetime = 0;
    std::optional<Instant> m_refresh_at;
    std::map<stun::TransactionId, Transaction> m_transactions;
    std::map<IpAddress, Permission> m_permissions;
    std::map<std::uint16_t, Channel> m_channels;
    std::uint16_t m_next_channel = 0x4000;
    stun::StreamFramer m_framer;
    std::deque<Transmit> m_transmits;
    std::deque<ClientEvent> m_events;
    std::uint64_t m_dropped = 0;
    // NextTimeout's answer, kept until something that moves a timer happens: it is asked
    // after every datagram, and the media's ChannelData moves none. Every call that can
    // start, answer or end a transaction, or change the state, permissions or channels,
    // calls TimersMoved() first.
    void TimersMoved() { m_timeout_known = false; }
    mutable bool m_timeout_known = false;
    mutable std::optional<Instant> m_timeout;
};

const char* ClientStateName(Client::State state);

} // namespace cmslab::turn
