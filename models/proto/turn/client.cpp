#include "turn/client.h"

#include "stun/channel_data.h"
#include "stun/demux.h"
#include "stun/integrity.h"

#include <algorithm>
#include <vector>

namespace cmslab::turn {

using namespace std::chrono_literals;
using stun::Check;
using stun::Class;
using stun::ErrorCode;
using stun::Message;
namespace attr = stun::attr;
namespace method = stun::method;

namespace {

constexpr Duration kPermissionLifetime = 300s;
constexpr Duration kChannelLifetime = 600s;

} // namespace

const char* ClientStateName(Client::State state) {
    switch (state) {
    case Client::State::Idle:
        return "Idle";
    case Client::State::Allocating:
        return "Allocating";
    case Client::State::Allocated:
        return "Allocated";
    case Client::State::Closing:
        return "Closing";
    case Client::State::Closed:
        return "Closed";
    case Client::State::Failed:
        return "Failed";
    }
    return "?";
}

Client::Client(ClientConfig config, Rng rng) : m_config(std::move(config)), m_rng(rng) {}

Duration Client::RefreshDelay(Duration lifetime) const {
    return lifetime - std::min(m_config.refresh_margin, lifetime / 2);
}

stun::EncodeOptions Client::Protection(bool authenticated) const {
    stun::EncodeOptions options;
    if (authenticated)
        options.integrity_key = m_key;
    options.fingerprint = m_config.fingerprint;
    return options;
}

void Client::SendBytes(Bytes data) {
    Transmit t;
    t.transport = m_config.transport;
    t.to = m_config.server;
    t.data = std::move(data);
    m_transmits.push_back(std::move(t));
}

void Client::StartTransaction(Purpose purpose, Instant now, std::uint32_t stale_retries,
                              const IpAddress& peer_ip, const Endpoint& peer, std::uint16_t channel,
                              std::uint32_t lifetime) {
    TimersMoved();
    std::uint16_t m = method::kAllocate;
    switch (purpose) {
    case Purpose::Allocate:
        m = method::kAllocate;
        break;
    case Purpose::Refresh:
        m = method::kRefresh;
        break;
    case Purpose::CreatePermission:
        m = method::kCreatePermission;
        break;
    case Purpose::ChannelBind:
        m = method::kChannelBind;
        break;
    }
    Message request = Message::Make(Class::Request, m, m_rng);
    switch (purpose) {
    case Purpose::Allocate:
        request.AddRequestedTransport(stun::kProtocolUdp);
        if (m_config.requested_lifetime)
            request.AddLifetime(m_config.requested_lifetime);
        break;
    case Purpose::Refresh:
        request.AddLifetime(lifetime);
        break;
    case Purpose::CreatePermission:
        request.AddXorAddress(attr::kXorPeerAddress, Endpoint{peer_ip, 0});
        break;
    case Purpose::ChannelBind:
        request.AddChannelNumber(channel);
        request.AddXorAddress(attr::kXorPeerAddress, peer);
        break;
    }
    if (!m_config.software.empty())
        request.AddSoftware(m_config.software);
    // Only the first Allocate goes without credentials; once challenged, every request
    // carries them.
    const bool authenticated = !m_nonce.empty();
    if (authenticated) {
        request.AddUsername(m_config.username);
        request.AddRealm(m_realm);
        request.AddNonce(m_nonce);
    }
    Transaction tx;
    tx.purpose = purpose;
    tx.wire = request.Encode(Protection(authenticated));
    tx.timer = RetransmitTimer(m_config.retransmit, m_config.transport == Transport::Tcp, now);
    tx.authenticated = authenticated;
    tx.peer_ip = peer_ip;
    tx.peer = peer;
    tx.channel = channel;
    tx.lifetime = lifetime;
    tx.stale_retries = stale_retries;
    SendBytes(tx.wire);
    m_transactions[request.Id()] = std::move(tx);
}

void Client::Allocate(Instant now) {
    TimersMoved();
    if (m_state != State::Idle)
        return;
    m_state = State::Allocating;
    StartTransaction(Purpose::Allocate, now);
}

bool Client::CreatePermission(const IpAddress& peer, Instant now) {
    TimersMoved();
    if (m_state != State::Allocated)
        return false;
    Permission& p = m_permissions[peer];
    p.wanted = true;
    if (!p.pending) {
        p.pending = true;
        StartTransaction(Purpose::CreatePermission, now, 0, peer);
    }
    return true;
}

bool Client::ChannelBind(const Endpoint& peer, Instant now) {
    TimersMoved();
    if (m_state != State::Allocated)
        return false;
    if (ChannelFor(peer) != 0)
        return true;
    for (const auto& [number, ch] : m_channels)
        if (ch.peer == peer)
            return true; // already pending
    if (m_next_channel > stun::kMaxChannel)
        return false;
    const std::uint16_t number = m_next_channel++;
    Channel& ch = m_channels[number];
    ch.peer = peer;
    ch.pending = true;
    StartTransaction(Purpose::ChannelBind, now, 0, peer.address, peer, number);
    return true;
}

bool Client::SendIndication(const Endpoint& peer, ByteView data) {
    if (m_state != State::Allocated)
        return false;
    Message send = Message::Make(Class::Indication, method::kSend, m_rng);
    send.AddXorAddress(attr::kXorPeerAddress, peer);
    send.AddData(data);
    SendBytes(send.Encode(Protection(false)));
    return true;
}

bool Client::SendChannelData(const Endpoint& peer, ByteView data) {
    const std::uint16_t channel = ChannelFor(peer);
    if (m_state != State::Allocated || channel == 0)
        return false;
    SendBytes(stun::EncodeChannelData(channel, data, m_config.transport == Transport::Tcp));
    return true;
}

bool Client::Send(const Endpoint& peer, ByteView data, Instant) {
    if (ChannelFor(peer) != 0)
        return SendChannelData(peer, data);
    return SendIndication(peer, data);
}

void Client::Close(Instant now) {
    TimersMoved();
    if (m_state == State::Allocated) {
        m_state = State::Closing;
        m_refresh_at.reset();
        StartTransaction(Purpose::Refresh, now, 0, {}, {}, 0, 0);
    } else if (m_state == State::Idle || m_state == State::Allocating) {
        m_transactions.clear();
        m_state = State::Closed;
    }
}

bool Client::HasPermission(const IpAddress& peer, Instant now) const {
    auto it = m_permissions.find(peer);
    return it != m_permissions.end() && it->second.expires > now;
}

std::uint16_t Client::ChannelFor(const Endpoint& peer) const {
    for (const auto& [number, ch] : m_channels)
        if (ch.bound && ch.peer == peer)
            return number;
    return 0;
}

void Client::HandleInput(ByteView bytes, const Endpoint& from, Instant now) {
    if (from != m_config.server) {
        ++m_dropped;
        return;
    }
    if (m_config.transport == Transport::Udp) {
        HandleFrame(bytes, now);
        return;
    }
    m_framer.Push(bytes);
    while (auto frame = m_framer.Next())
        HandleFrame(frame->bytes, now);
    if (m_framer.Failed()) {
        ++m_dropped;
        m_framer = stun::StreamFramer();
    }
}

void Client::HandleFrame(ByteView frame, Instant now) {
    switch (stun::Classify(frame)) {
    case stun::PacketKind::Stun: {
        auto message = Message::Decode(frame);
        if (!message) {
            ++m_dropped;
            return;
        }
        HandleStun(*message, now);
        return;
    }
    case stun::PacketKind::ChannelData: {
        auto cd = stun::DecodeChannelData(frame);
        auto it = cd ? m_channels.find(cd->channel) : m_channels.end();
        if (it == m_channels.end() || !it->second.bound) {
            ++m_dropped;
            return;
        }
        Emit(client_event::Data{it->second.peer, std::move(cd->data), cd->channel});
        return;
    }
    default:
        ++m_dropped;
        return;
    }
}

void Client::HandleStun(const Message& message, Instant now) {
    if (stun::CheckFingerprint(message) == Check::Invalid) {
        ++m_dropped;
        return;
    }
    if (message.IsIndication()) {
        if (message.Method() != method::kData || m_state != State::Allocated)
            return;
        auto peer = message.GetXorAddress(attr::kXorPeerAddress);
        auto data = message.GetData();
        if (!peer || !data) {
            ++m_dropped;
            return;
        }
        Emit(client_event::Data{*peer, std::move(*data), 0});
        return;
    }
    if (!message.IsResponse())
        return;
    TimersMoved();
    auto it = m_transactions.find(message.Id());
    if (it == m_transactions.end())
        return; // a late answer to a retransmission, or not ours
    // A signed answer to a signed request must verify, or it is someone else's.
    if (it->second.authenticated && stun::CheckMessageIntegrity(message, m_key) == Check::Invalid) {
        ++m_dropped;
        return;
    }
    Transaction tx = std::move(it->second);
    m_transactions.erase(it);
    HandleResponse(std::move(tx), message, now);
}

void Client::Fail(const Transaction& tx, const ErrorCode& error) {
    switch (tx.purpose) {
    case Purpose::Allocate:
        Emit(client_event::AllocateFailure{error});
        return;
    case Purpose::Refresh:
        Emit(client_event::RefreshFailure{error});
        return;
    case Purpose::CreatePermission:
        Emit(client_event::PermissionFailure{tx.peer_ip, error});
        return;
    case Purpose::ChannelBind:
        Emit(client_event::ChannelBindFailure{tx.peer, tx.channel, error});
        return;
    }
}

void Client::HandleResponse(Transaction tx, const Message& message, Instant now) {
    if (message.MessageClass() == Class::ErrorResponse) {
        ErrorCode error = message.GetErrorCode().value_or(ErrorCode{0, "malformed error response"});
        const auto realm = message.GetRealm();
        const auto nonce = message.GetNonce();
        // The normal challenge: the first Allocate had no credentials.
        if (error.code == stun::error::kUnauthorized && !tx.authenticated && realm && nonce &&
            tx.purpose == Purpose::Allocate) {
            m_realm = *realm;
            m_nonce = *nonce;
            m_key = stun::LongTermKey(m_config.username, m_realm, m_config.password);
            Emit(client_event::Challenged{m_realm});
            StartTransaction(Purpose::Allocate, now, tx.stale_retries);
            return;
        }
        // A stale nonce: the same request again with the new one (a bounded number of times).
        if (error.code == stun::error::kStaleNonce && nonce &&
            tx.stale_retries < m_config.max_stale_nonce_retries) {
            m_nonce = *nonce;
            if (realm && *realm != m_realm) {
                m_realm = *realm;
                m_key = stun::LongTermKey(m_config.username, m_realm, m_config.password);
            }
            StartTransaction(tx.purpose, now, tx.stale_retries + 1, tx.peer_ip, tx.peer, tx.channel,
                             tx.lifetime);
            return;
        }
        switch (tx.purpose) {
        case Purpose::Allocate:
            m_state = State::Failed;
            Fail(tx, error);
            return;
        case Purpose::Refresh:
            if (m_state == State::Closing && error.code == stun::error::kAllocationMismatch) {
                // Already gone (a retransmitted delete, or expired): what we wanted.
                m_state = State::Closed;
                Emit(client_event::Closed{});
                return;
            }
            if (error.code == stun::error::kAllocationMismatch)
                m_state = State::Failed;
            Fail(tx, error);
            return;
        case Purpose::CreatePermission: {
            Permission& p = m_permissions[tx.peer_ip];
            p.pending = false;
            p.wanted = false;
            Fail(tx, error);
            return;
        }
        case Purpose::ChannelBind: {
            auto ch = m_channels.find(tx.channel);
            if (ch != m_channels.end()) {
                ch->second.pending = false;
                ch->second.bound = false;
            }
            Fail(tx, error);
            return;
        }
        }
        return;
    }

    switch (tx.purpose) {
    case Purpose::Allocate: {
        const auto relayed = message.GetXorAddress(attr::kXorRelayedAddress);
        if (!relayed) {
            m_state = State::Failed;
            Fail(tx, ErrorCode{0, "success response without XOR-RELAYED-ADDRESS"});
            return;
        }
        m_state = State::Allocated;
        m_relayed = *relayed;
        m_mapped = message.GetXorAddress(attr::kXorMappedAddress).value_or(Endpoint{});
        m_lifetime = message.GetLifetime().value_or(600);
        m_refresh_at = now + RefreshDelay(std::chrono::seconds(m_lifetime));
        Emit(client_event::AllocateSuccess{m_relayed, m_mapped, m_lifetime});
        return;
    }
    case Purpose::Refresh: {
        const std::uint32_t lifetime = message.GetLifetime().value_or(tx.lifetime);
        if (tx.lifetime == 0 || lifetime == 0) {
            m_state = State::Closed;
            m_refresh_at.reset();
            m_transactions.clear();
            Emit(client_event::Closed{});
            return;
        }
        m_lifetime = lifetime;
        if (m_state == State::Allocated)
            m_refresh_at = now + RefreshDelay(std::chrono::seconds(m_lifetime));
        Emit(client_event::RefreshSuccess{m_lifetime});
        return;
    }
    case Purpose::CreatePermission: {
        Permission& p = m_permissions[tx.peer_ip];
        p.pending = false;
        p.expires = now + kPermissionLifetime;
        p.refresh_at = now + RefreshDelay(kPermissionLifetime);
        Emit(client_event::PermissionSuccess{tx.peer_ip});
        return;
    }
    case Purpose::ChannelBind: {
        auto ch = m_channels.find(tx.channel);
        if (ch == m_channels.end())
            return;
        const bool first = !ch->second.bound;
        ch->second.bound = true;
        ch->second.pending = false;
        ch->second.refresh_at = now + RefreshDelay(kChannelLifetime);
        // The binding installed a permission too, which lives only 300 s: keep it
        // refreshed with CreatePermission, as the channel itself is refreshed less often.
        Permission& p = m_permissions[tx.peer.address];
        p.wanted = true;
        if (!p.pending) {
            p.expires = now + kPermissionLifetime;
            p.refresh_at = now + RefreshDelay(kPermissionLifetime);
        }
        if (first)
            Emit(client_event::ChannelBindSuccess{tx.peer, tx.channel});
        return;
    }
    }
}

void Client::HandleTimedOut(const Transaction& tx, Instant) {
    const ErrorCode timeout{0, "timeout"};
    switch (tx.purpose) {
    case Purpose::Allocate:
        m_state = State::Failed;
        Fail(tx, timeout);
        return;
    case Purpose::Refresh:
        if (m_state == State::Closing) {
            m_state = State::Closed;
            Emit(client_event::Closed{});
            return;
        }
        Fail(tx, timeout);
        return;
    case Purpose::CreatePermission:
        m_permissions[tx.peer_ip].pending = false;
        Fail(tx, timeout);
        return;
    case Purpose::ChannelBind: {
        auto ch = m_channels.find(tx.channel);
        if (ch != m_channels.end())
            ch->second.pending = false;
        Fail(tx, timeout);
        return;
    }
    }
}

std::optional<Instant> Client::NextTimeout() const {
    if (m_timeout_known)
        return m_timeout;
    std::optional<Instant> next;
    auto consider = [&next](Instant t) {
        if (!next || t < *next)
            next = t;
    };
    for (const auto& [id, tx] : m_transactions)
        consider(tx.timer.Next());
    if (m_state == State::Allocated) {
        if (m_refresh_at)
            consider(*m_refresh_at);
        for (const auto& [ip, p] : m_permissions)
            if (p.wanted && !p.pending)
                consider(p.refresh_at);
        for (const auto& [number, ch] : m_channels)
            if (ch.bound && !ch.pending)
                consider(ch.refresh_at);
    }
    m_timeout = next;
    m_timeout_known = true;
    return next;
}

void Client::HandleTimeout(Instant now) {
    TimersMoved();
    std::vector<stun::TransactionId> expired;
    for (auto& [id, tx] : m_transactions) {
        switch (tx.timer.OnTimer(now)) {
        case RetransmitTimer::Action::Send:
            SendBytes(tx.wire);
            break;
        case RetransmitTimer::Action::GiveUp:
            expired.push_back(id);
            break;
        case RetransmitTimer::Action::None:
            break;
        }
    }
    for (const auto& id : expired) {
        auto it = m_transactions.find(id);
        if (it == m_transactions.end())
            continue;
        Transaction tx = std::move(it->second);
        m_transactions.erase(it);
        HandleTimedOut(tx, now);
    }
    if (m_state != State::Allocated)
        return;
    if (m_refresh_at && *m_refresh_at <= now) {
        m_refresh_at.reset();
        StartTransaction(Purpose::Refresh, now, 0, {}, {}, 0,
                         m_config.requested_lifetime ? m_config.requested_lifetime : m_lifetime);
    }
    for (auto& [ip, p] : m_permissions) {
        if (p.wanted && !p.pending && p.refresh_at <= now) {
            p.pending = true;
            StartTransaction(Purpose::CreatePermission, now, 0, ip);
        }
    }
    for (auto& [number, ch] : m_channels) {
        if (ch.bound && !ch.pending && ch.refresh_at <= now) {
            ch.pending = true;
            StartTransaction(Purpose::ChannelBind, now, 0, ch.peer.address, ch.peer, number);
        }
    }
}

std::optional<Transmit> Client::PollTransmit() {
    if (m_transmits.empty())
        return std::nullopt;
    Transmit t = std::move(m_transmits.front());
    m_transmits.pop_front();
    return t;
}

std::optional<ClientEvent> Client::PollEvent() {
    if (m_events.empty())
        return std::nullopt;
    ClientEvent e = std::move(m_events.front());
    m_events.pop_front();
    return e;
}

} // namespace cmslab::turn
