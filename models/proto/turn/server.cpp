#include "turn/server.h"

#include "stun/channel_data.h"
#include "stun/demux.h"
#include "stun/integrity.h"

#include <algorithm>
#include <set>

namespace cmslab::turn {

using stun::Check;
using stun::Class;
using stun::Message;
namespace attr = stun::attr;
namespace method = stun::method;
namespace error = stun::error;

namespace {

// Room left in a STUN message for DATA once the header, XOR-PEER-ADDRESS (IPv6) and the
// DATA attribute header are counted: more would not fit the 16-bit length.
constexpr std::size_t kMaxRelayedData = 0xFFFF - 20 - 24 - 4 - 3;

} // namespace

Server::Server(ServerConfig config, Rng rng)
    : m_config(std::move(config)), m_rng(rng), m_nonces(m_config.nonce_lifetime),
      m_reservations(m_config.reservation_lifetime) {}

void Server::HandleClientInput(const FiveTuple& tuple, ByteView bytes, Instant now) {
    if (tuple.transport == Transport::Udp) {
        HandleFrame(tuple, bytes, now);
        return;
    }
    auto it = m_streams.find(tuple);
    if (it == m_streams.end())
        it = m_streams.emplace(tuple, stun::StreamFramer()).first;
    it->second.Push(bytes);
    while (auto frame = it->second.Next())
        HandleFrame(tuple, frame->bytes, now);
    if (it->second.Failed()) {
        ++m_counters.dropped_malformed;
        m_streams.erase(it);
        Emit(server_event::StreamError{tuple});
    }
}

void Server::HandleConnectionClosed(const FiveTuple& tuple, Instant) {
    m_streams.erase(tuple);
    auto it = m_allocations.find(tuple);
    if (it != m_allocations.end())
        DeleteAllocation(it, false);
}

void Server::HandleFrame(const FiveTuple& tuple, ByteView frame, Instant now) {
    switch (stun::Classify(frame)) {
    case stun::PacketKind::Stun: {
        auto message = Message::Decode(frame);
        if (!message || stun::CheckFingerprint(*message) == Check::Invalid) {
            ++m_counters.dropped_malformed;
            return;
        }
        if (message->IsRequest())
            HandleRequest(tuple, *message, now);
        else if (message->IsIndication() && message->Method() == method::kSend)
            HandleSendIndication(tuple, *message, now);
        else
            ++m_counters.dropped_malformed;
        return;
    }
    case stun::PacketKind::ChannelData:
        HandleChannelDataFromClient(tuple, frame, now);
        return;
    default:
        ++m_counters.dropped_malformed;
        return;
    }
}

void Server::ToClient(const FiveTuple& tuple, Bytes data) {
    Transmit t;
    t.transport = tuple.transport;
    t.from = tuple.server;
    t.to = tuple.client;
    t.data = std::move(data);
    m_transmits.push_back(std::move(t));
}

void Server::Respond(const FiveTuple& tuple, const Message& request, Message response,
                     const Bytes* key) {
    if (!m_config.software.empty())
        response.AddSoftware(m_config.software);
    stun::EncodeOptions options;
    if (key)
        options.integrity_key = *key;
    // Answer in kind: a client that fingerprints its requests can demultiplex by it.
    options.fingerprint = request.Has(attr::kFingerprint);
    ToClient(tuple, response.Encode(options));
}

void Server::RespondError(const FiveTuple& tuple, const Message& request, std::uint16_t code,
                          std::string_view reason, const Bytes* key,
                          std::optional<Instant> challenge) {
    Message response = request.MakeResponse(Class::ErrorResponse);
    response.AddErrorCode(code, reason);
    if (code == error::kUnknownAttribute)
        response.AddUnknownAttributes(NotUnderstood(request));
    if (challenge) {
        response.AddRealm(m_config.realm);
        response.AddNonce(m_nonces.Issue(m_rng, *challenge));
    }
    Respond(tuple, request, std::move(response), key);
}

void Server::RespondIntegrityFailure(const FiveTuple& tuple, const Message& request,
                                     std::uint16_t code) {
    Message response = request.MakeResponse(Class::ErrorResponse);
    if (m_config.integrity_failure_echoes_request) {
        for (std::uint16_t type :
             {attr::kUsername, attr::kNonce, attr::kRealm, attr::kRequestedTransport}) {
            if (const stun::Attribute* a = request.Find(type))
                response.Add(type, a->value);
        }
    }
    response.AddErrorCode(code);
    Respond(tuple, request, std::move(response), nullptr);
}

void Server::Reject(const FiveTuple& tuple, const Message& request, std::uint16_t code,
                    const Bytes* key, const std::string& username, std::string_view reason) {
    RespondError(tuple, request, code, reason, key, std::nullopt);
    switch (code) {
    case error::kBadRequest:
        ++m_counters.bad_requests;
        break;
    case error::kAllocationQuotaReached:
        ++m_counters.quota_rejections;
        break;
    case error::kInsufficientCapacity:
        ++m_counters.capacity_rejections;
        break;
    default:
        ++m_counters.other_errors;
        break;
    }
    Emit(server_event::RequestRejected{tuple, request.Method(), username, code,
                                       reason.empty() ? std::string(stun::DefaultReason(code))
                                                      : std::string(reason)});
}

void Server::HandleRequest(const FiveTuple& tuple, const Message& request, Instant now) {
    ++m_counters.requests;
    const std::uint16_t m = request.Method();
    if (m == method::kBinding) {
        // Plain STUN, no credentials: what a client's reachability probe uses.
        Message response = request.MakeResponse(Class::SuccessResponse);
        response.AddXorAddress(attr::kXorMappedAddress, tuple.client);
        Respond(tuple, request, std::move(response), nullptr);
        return;
    }
    if (m != method::kAllocate && m != method::kRefresh && m != method::kCreatePermission &&
        m != method::kChannelBind) {
        Reject(tuple, request, error::kBadRequest, nullptr, {}, "Unknown method");
        return;
    }
    if (auto bad = request.ValidateKnownAttributes()) {
        Reject(tuple, request, error::kBadRequest, nullptr, {});
        return;
    }

    // Long-term credentials, RFC 8489 section 9.2.4, in its order.
    if (!request.Has(attr::kMessageIntegrity)) {
        RespondError(tuple, request, error::kUnauthorized, {}, nullptr, now);
        ++m_counters.challenges;
        Emit(server_event::Challenged{tuple, request.Method()});
        return;
    }
    const auto username = request.GetUsername();
    const auto realm = request.GetRealm();
    const auto nonce = request.GetNonce();
    if (!username || !realm || !nonce) {
        Reject(tuple, request, error::kBadRequest, nullptr, username.value_or(""));
        return;
    }
    if (!m_nonces.IsValid(*nonce, now)) {
        RespondError(tuple, request, error::kStaleNonce, {}, nullptr, now);
        ++m_counters.stale_nonces;
        Emit(server_event::StaleNonce{tuple, request.Method(), *username});
        return;
    }
    Auth auth;
    auth.username = *username;
    auto user = m_config.users.find(*username);
    bool good = false;
    if (user != m_config.users.end()) {
        // The key uses the server's realm: a client that used another realm fails here.
        auth.key = stun::LongTermKey(*username, m_config.realm, user->second);
        good = stun::CheckMessageIntegrity(request, auth.key) == Check::Valid;
    }
    if (!good) {
        const std::uint16_t code = m_config.integrity_failure_code;
        if (code == error::kUnauthorized)
            RespondError(tuple, request, code, {}, nullptr, now); // a new challenge
        else
            RespondIntegrityFailure(tuple, request, code);
        ++m_counters.integrity_failures;
        Emit(server_event::AuthFailure{tuple, request.Method(), *username, code,
                                       std::string(stun::DefaultReason(code))});
        return;
    }
    if (!NotUnderstood(request).empty()) {
        Reject(tuple, request, error::kUnknownAttribute, &auth.key, auth.username);
        return;
    }
    switch (m) {
    case method::kAllocate:
        HandleAllocate(tuple, request, auth, now);
        break;
    case method::kRefresh:
        HandleRefresh(tuple, request, auth, now);
        break;
    case method::kCreatePermission:
        HandleCreatePermission(tuple, request, auth, now);
        break;
    case method::kChannelBind:
        HandleChannelBind(tuple, request, auth, now);
        break;
    default:
        break;
    }
}

const RelayAddress* Server::RelayFor(IpAddress::Family family) const {
    for (const RelayAddress& r : m_config.relays)
        if (r.local.family == family)
            return &r;
    return nullptr;
}

std::vector<std::uint16_t> Server::NotUnderstood(const Message& request) {
    std::vector<std::uint16_t> out;
    for (std::uint16_t type : request.UnknownComprehensionRequired()) {
        // The two an Allocate may carry for RTP/RTCP port pairs (RFC 8656 section 7.2).
        // DONT-FRAGMENT stays unknown: the relay cannot set DF (section 7.2 says 420).
        const bool handled = request.Method() == method::kAllocate &&
                             (type == attr::kEvenPort || type == attr::kReservationToken);
        if (!handled)
            out.push_back(type);
    }
    return out;
}

std::optional<std::uint16_t> Server::PickPort(const IpAddress& local, Instant now, bool even,
                                              bool with_next) {
    if (m_config.min_port > m_config.max_port || m_config.min_port == 0)
        return std::nullopt;
    auto free = [&](std::uint32_t port) {
        if (port < m_config.min_port || port > m_config.max_port)
            return false;
        const Endpoint relay{local, static_cast<std::uint16_t>(port)};
        return m_by_relay.find(relay) == m_by_relay.end() && !m_reservations.Holds(relay, now);
    };
    auto fits = [&](std::uint32_t port) {
        if (even && port % 2 != 0)
            return false;
        return free(port) && (!with_next || free(port + 1));
    };
    // Random picks first (ports should not be guessable); a scan when the range is crowded.
    for (int attempt = 0; attempt < 32; ++attempt) {
        auto port = static_cast<std::uint32_t>(m_rng.Uniform(m_config.min_port, m_config.max_port));
        if (even)
            port &= ~std::uint32_t{1};
        if (fits(port))
            return static_cast<std::uint16_t>(port);
    }
    const std::uint32_t span = std::uint32_t{m_config.max_port} - m_config.min_port + 1;
    const std::uint32_t start = static_cast<std::uint32_t>(m_rng.Uniform(0, span - 1));
    for (std::uint32_t i = 0; i < span; ++i) {
        const std::uint32_t port = m_config.min_port + (start + i) % span;
        if (fits(port))
            return static_cast<std::uint16_t>(port);
    }
    return std::nullopt;
}

std::optional<Endpoint> Server::ChooseRelay(const FiveTuple& tuple, const Message& request,
                                            const Auth& auth, const RelayAddress& relay,
                                            Instant now) {
    if (const stun::Attribute* token = request.Find(attr::kReservationToken)) {
        // Unknown, used, expired or held on another address: 508 (section 7.2).
        const auto held = m_reservations.Claim(token->value, now);
        if (!held || held->address != relay.local || m_by_relay.find(*held) != m_by_relay.end()) {
            Reject(tuple, request, error::kInsufficientCapacity, &auth.key, auth.username,
                   "Reservation token not valid");
            return std::nullopt;
        }
        return held;
    }
    std::optional<EvenPort> even;
    if (const stun::Attribute* a = request.Find(attr::kEvenPort))
        even = DecodeEvenPort(a->value);
    const auto port =
        PickPort(relay.local, now, even.has_value(), even.has_value() && even->reserve_next);
    if (!port) {
        Reject(tuple, request, error::kInsufficientCapacity, &auth.key, auth.username);
        return std::nullopt;
    }
    return Endpoint{relay.local, *port};
}

std::uint32_t Server::GrantedLifetime(const Message& request) const {
    const auto requested = request.GetLifetime();
    if (!requested)
        return m_config.default_lifetime;
    // RFC 8656 sections 7.2 and 7.3: the client's wish capped at the maximum, but not
    // below the default.
    return std::max(m_config.default_lifetime, std::min(*requested, m_config.max_lifetime));
}

void Server::HandleAllocate(const FiveTuple& tuple, const Message& request, const Auth& auth,
                            Instant now) {
    auto existing = m_allocations.find(tuple);
    if (existing != m_allocations.end()) {
        if (existing->second.allocate_id == request.Id() &&
            !existing->second.allocate_response.empty()) {
            ToClient(tuple, existing->second.allocate_response); // a retransmission
            return;
        }
        Reject(tuple, request, error::kAllocationMismatch, &auth.key, auth.username);
        return;
    }
    const auto transport = request.GetRequestedTransport();
    if (!transport) {
        Reject(tuple, request, error::kBadRequest, &auth.key, auth.username,
               "Missing REQUESTED-TRANSPORT");
        return;
    }
    if (*transport != stun::kProtocolUdp) {
        Reject(tuple, request, error::kUnsupportedTransportProtocol, &auth.key, auth.username);
        return;
    }
    // RFC 8656 section 7.2: a token names its own port, so it comes alone.
    const stun::Attribute* token = request.Find(attr::kReservationToken);
    const stun::Attribute* even = request.Find(attr::kEvenPort);
    if (token && (even || request.Has(attr::kRequestedAddressFamily))) {
        Reject(tuple, request, error::kBadRequest, &auth.key, auth.username,
               "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY");
        return;
    }
    if ((token && token->value.size() != kReservationTokenSize) ||
        (even && !DecodeEvenPort(even->value))) {
        Reject(tuple, request, error::kBadRequest, &auth.key, auth.username,
               "Malformed EVEN-PORT or RESERVATION-TOKEN");
        return;
    }
    IpAddress::Family family = IpAddress::Family::V4;
    if (const stun::Attribute* raf = request.Find(attr::kRequestedAddressFamily)) {
        if (raf->value[0] == 0x02) {
            family = IpAddress::Family::V6;
        } else if (raf->value[0] != 0x01) {
            Reject(tuple, request, error::kAddressFamilyNotSupported, &auth.key, auth.username);
            return;
        }
    }
    const RelayAddress* relay = RelayFor(family);
    if (!relay) {
        Reject(tuple, request, error::kAddressFamilyNotSupported, &auth.key, auth.username);
        return;
    }
    // The user's quota first: a user over it is told so even when the server is full too.
    if (m_config.per_user_quota && m_per_user[auth.username] >= m_config.per_user_quota) {
        Reject(tuple, request, error::kAllocationQuotaReached, &auth.key, auth.username);
        return;
    }
    if (m_config.relay_capacity && m_allocations.size() >= m_config.relay_capacity) {
        Reject(tuple, request, error::kInsufficientCapacity, &auth.key, auth.username);
        return;
    }
    const auto relayed = ChooseRelay(tuple, request, auth, *relay, now);
    if (!relayed)
        return;
    const std::uint16_t port = relayed->port;
    const bool reserve_next = even && DecodeEvenPort(even->value)->reserve_next;
    const std::uint32_t lifetime = GrantedLifetime(request);

    Allocation a;
    a.tuple = tuple;
    a.username = auth.username;
    a.key = auth.key;
    a.relay = *relayed;
    a.advertised = Endpoint{relay->advertised, port};
    a.expires = now + std::chrono::seconds(lifetime);
    NoteExpiry(a.expires);
    a.allocate_id = request.Id();

    Message response = request.MakeResponse(Class::SuccessResponse);
    response.AddXorAddress(attr::kXorRelayedAddress, a.advertised);
    response.AddXorAddress(attr::kXorMappedAddress, tuple.client);
    response.AddLifetime(lifetime);
    if (reserve_next) {
        const Endpoint next{relay->local, static_cast<std::uint16_t>(port + 1)};
        response.Add(attr::kReservationToken, m_reservations.Reserve(next, m_rng, now));
    }
    Respond(tuple, request, std::move(response), &auth.key);
    a.allocate_response = m_transmits.back().data;

    ++m_per_user[auth.username];
    ++m_counters.allocations_created;
    m_by_relay[a.relay] = tuple;
    Emit(server_event::RelayOpened{a.relay});
    Emit(server_event::AllocationCreated{tuple, a.username, a.relay, a.advertised, lifetime});
    m_allocations.emplace(tuple, std::move(a));
    m_counters.peak_allocations = std::max(m_counters.peak_allocations, m_allocations.size());
}

std::map<FiveTuple, Server::Allocation>::iterator
Server::OwnedAllocation(const FiveTuple& tuple, const Message& request, const Auth& auth) {
    auto it = m_allocations.find(tuple);
    if (it == m_allocations.end()) {
        Reject(tuple, request, error::kAllocationMismatch, &auth.key, auth.username);
        return m_allocations.end();
    }
    if (it->second.username != auth.username) {
        Reject(tuple, request, error::kWrongCredentials, &auth.key, auth.username);
        return m_allocations.end();
    }
    return it;
}

void Server::HandleRefresh(const FiveTuple& tuple, const Message& request, const Auth& auth,
                           Instant now) {
    auto it = OwnedAllocation(tuple, request, auth);
    if (it == m_allocations.end())
        return;
    const auto requested = request.GetLifetime();
    Message response = request.MakeResponse(Class::SuccessResponse);
    if (requested && *requested == 0) {
        response.AddLifetime(0);
        Respond(tuple, request, std::move(response), &auth.key);
        DeleteAllocation(it, false);
        return;
    }
    const std::uint32_t lifetime = GrantedLifetime(request);
    it->second.expires = now + std::chrono::seconds(lifetime);
    NoteExpiry(it->second.expires);
    response.AddLifetime(lifetime);
    Respond(tuple, request, std::move(response), &auth.key);
    Emit(server_event::AllocationRefreshed{tuple, auth.username, it->second.relay, lifetime});
}

void Server::HandleCreatePermission(const FiveTuple& tuple, const Message& request,
                                    const Auth& auth, Instant now) {
    auto it = OwnedAllocation(tuple, request, auth);
    if (it == m_allocations.end())
        return;
    Allocation& a = it->second;
    const auto peers = request.FindAll(attr::kXorPeerAddress);
    if (peers.empty()) {
        Reject(tuple, request, error::kBadRequest, &auth.key, auth.username,
               "Missing XOR-PEER-ADDRESS");
        return;
    }
    std::vector<IpAddress> ips;
    for (const stun::Attribute* p : peers) {
        auto peer = stun::DecodeXorAddress(p->value, request.Id());
        if (!peer) {
            Reject(tuple, request, error::kBadRequest, &auth.key, auth.username);
            return;
        }
        if (peer->address.family != a.relay.address.family) {
            Reject(tuple, request, error::kPeerAddressFamilyMismatch, &auth.key, auth.username);
            return;
        }
        ips.push_back(peer->address);
    }
    for (const IpAddress& ip : ips) {
        const bool fresh = !HasPermission(a, ip, now);
        a.permissions[ip] = now + m_config.permission_lifetime;
        NoteExpiry(now + m_config.permission_lifetime);
        if (fresh)
            Emit(server_event::PermissionCreated{tuple, a.username, a.relay, ip});
    }
    Respond(tuple, request, request.MakeResponse(Class::SuccessResponse), &auth.key);
}

void Server::HandleChannelBind(const FiveTuple& tuple, const Message& request, const Auth& auth,
                               Instant now) {
    auto it = OwnedAllocation(tuple, request, auth);
    if (it == m_allocations.end())
        return;
    Allocation& a = it->second;
    const auto channel = request.GetChannelNumber();
    const auto peer = request.GetXorAddress(attr::kXorPeerAddress);
    if (!channel || !stun::IsValidChannel(*channel) || !peer) {
        Reject(tuple, request, error::kBadRequest, &auth.key, auth.username);
        return;
    }
    if (peer->address.family != a.relay.address.family) {
        Reject(tuple, request, error::kPeerAddressFamilyMismatch, &auth.key, auth.username);
        return;
    }
    auto bound = a.channels.find(*channel);
    const bool channel_taken =
        bound != a.channels.end() && bound->second.expires > now && bound->second.peer != *peer;
    bool peer_taken = false;
    for (const auto& [number, ch] : a.channels)
        if (number != *channel && ch.peer == *peer && ch.expires > now)
            peer_taken = true;
    if (channel_taken || peer_taken) {
        Reject(tuple, request, error::kBadRequest, &auth.key, auth.username,
               "Channel or peer already bound");
        return;
    }
    const bool fresh = bound == a.channels.end() || bound->second.expires <= now;
    a.channels[*channel] = Channel{*peer, now + m_config.channel_lifetime};
    a.permissions[peer->address] = now + m_config.permission_lifetime;
    NoteExpiry(now + m_config.channel_lifetime);
    NoteExpiry(now + m_config.permission_lifetime);
    if (fresh)
        Emit(server_event::ChannelBound{tuple, a.username, a.relay, *peer, *channel});
    Respond(tuple, request, request.MakeResponse(Class::SuccessResponse), &auth.key);
}

bool Server::HasPermission(const Allocation& a, const IpAddress& peer, Instant now) {
    auto it = a.permissions.find(peer);
    return it != a.permissions.end() && it->second > now;
}

const Server::Allocation* Server::LiveAllocation(const FiveTuple& tuple, Instant now) {
    auto it = m_allocations.find(tuple);
    if (it == m_allocations.end() || it->second.expires <= now) {
        ++m_counters.dropped_no_allocation;
        return nullptr;
    }
    return &it->second;
}

void Server::ToPeer(const Endpoint& relay, const Endpoint& peer, Bytes data) {
    Transmit t;
    t.transport = Transport::Udp;
    t.from = relay;
    t.to = peer;
    t.data = std::move(data);
    ++m_counters.relayed_to_peers;
    m_counters.relayed_bytes_to_peers += t.data.size();
    m_transmits.push_back(std::move(t));
}

void Server::HandleSendIndication(const FiveTuple& tuple, const Message& indication, Instant now) {
    const Allocation* a = LiveAllocation(tuple, now);
    if (!a)
        return;
    const auto peer = indication.GetXorAddress(attr::kXorPeerAddress);
    const stun::Attribute* data = indication.Find(attr::kData);
    if (!peer || !data) {
        ++m_counters.dropped_malformed;
        return;
    }
    if (!HasPermission(*a, peer->address, now)) {
        ++m_counters.dropped_unpermitted;
        return;
    }
    ToPeer(a->relay, *peer, data->value);
}

void Server::HandleChannelDataFromClient(const FiveTuple& tuple, ByteView frame, Instant now) {
    auto cd = stun::DecodeChannelData(frame);
    if (!cd) {
        ++m_counters.dropped_malformed;
        return;
    }
    const Allocation* live = LiveAllocation(tuple, now);
    if (!live)
        return;
    const Allocation& a = *live;
    auto ch = a.channels.find(cd->channel);
    if (ch == a.channels.end() || ch->second.expires <= now) {
        ++m_counters.dropped_malformed; // RFC 8656 section 12.6: unbound channel, discard
        return;
    }
    if (!HasPermission(a, ch->second.peer.address, now)) {
        ++m_counters.dropped_unpermitted;
        return;
    }
    ToPeer(a.relay, ch->second.peer, std::move(cd->data));
}

void Server::HandlePeerInput(const Endpoint& relay, const Endpoint& peer, ByteView bytes,
                             Instant now) {
    auto owner = m_by_relay.find(relay);
    if (owner == m_by_relay.end()) {
        ++m_counters.dropped_no_allocation;
        return;
    }
    const Allocation* live = LiveAllocation(owner->second, now);
    if (!live)
        return;
    const Allocation& a = *live;
    if (!HasPermission(a, peer.address, now)) {
        ++m_counters.dropped_unpermitted;
        return;
    }
    if (bytes.size > kMaxRelayedData) {
        ++m_counters.dropped_malformed;
        return;
    }
    std::uint16_t channel = 0;
    for (const auto& [number, ch] : a.channels)
        if (ch.peer == peer && ch.expires > now)
            channel = number;
    if (channel) {
        ToClient(a.tuple,
                 stun::EncodeChannelData(channel, bytes, a.tuple.transport == Transport::Tcp));
    } else {
        Message data = Message::Make(Class::Indication, method::kData, m_rng);
        data.AddXorAddress(attr::kXorPeerAddress, peer);
        data.AddData(bytes);
        ToClient(a.tuple, data.Encode());
    }
    ++m_counters.relayed_to_clients;
    m_counters.relayed_bytes_to_clients += bytes.size;
}

void Server::DeleteAllocation(std::map<FiveTuple, Allocation>::iterator it, bool expired) {
    Allocation& a = it->second;
    if (expired) {
        Emit(server_event::AllocationExpired{a.tuple, a.username, a.relay});
        ++m_counters.allocations_expired;
    } else {
        Emit(server_event::AllocationDeleted{a.tuple, a.username, a.relay});
        ++m_counters.allocations_deleted;
    }
    Emit(server_event::RelayClosed{a.relay});
    m_by_relay.erase(a.relay);
    auto user = m_per_user.find(a.username);
    if (user != m_per_user.end() && --user->second == 0)
        m_per_user.erase(user);
    m_allocations.erase(it);
}

void Server::NoteExpiry(Instant t) {
    if (!m_earliest_expiry || t < *m_earliest_expiry)
        m_earliest_expiry = t;
}

// Asked after every datagram: the bound kept as expiries are set, not a walk over every
// allocation (a relay of thousands of clients would spend its time here). A refresh or a
// deletion only makes it early; HandleTimeout then finds nothing due and sets it exactly.
std::optional<Instant> Server::NextTimeout() const {
    std::optional<Instant> next;
    if (!m_allocations.empty())
        next = m_earliest_expiry;
    if (const auto held = m_reservations.NextExpiry(); held && (!next || *held < *next))
        next = held;
    return next;
}

void Server::HandleTimeout(Instant now) {
    m_counters.reservations_expired += m_reservations.Expire(now);
    if (!m_earliest_expiry || *m_earliest_expiry > now)
        return;
    m_earliest_expiry.reset();
    for (auto it = m_allocations.begin(); it != m_allocations.end();) {
        if (it->second.expires <= now) {
            auto dead = it++;
            DeleteAllocation(dead, true);
            continue;
        }
        Allocation& a = it->second;
        NoteExpiry(a.expires);
        for (auto p = a.permissions.begin(); p != a.permissions.end();) {
            if (p->second <= now) {
                p = a.permissions.erase(p);
            } else {
                NoteExpiry(p->second);
                ++p;
            }
        }
        for (auto c = a.channels.begin(); c != a.channels.end();) {
            if (c->second.expires <= now) {
                c = a.channels.erase(c);
            } else {
                NoteExpiry(c->second.expires);
                ++c;
            }
        }
        ++it;
    }
}

std::optional<Transmit> Server::PollTransmit() {
    if (m_transmits.empty())
        return std::nullopt;
    Transmit t = std::move(m_transmits.front());
    m_transmits.pop_front();
    return t;
}

std::optional<ServerEvent> Server::PollEvent() {
    if (m_events.empty())
        return std::nullopt;
    ServerEvent e = std::move(m_events.front());
    m_events.pop_front();
    return e;
}

ServerCounters Server::Counters() const {
    ServerCounters c = m_counters;
    std::set<Endpoint> clients;
    c.active_allocations = m_allocations.size();
    c.allocations_udp = 0;
    c.allocations_tcp = 0;
    c.permissions = 0;
    c.channels = 0;
    for (const auto& [tuple, a] : m_allocations) {
        clients.insert(tuple.client);
        if (tuple.transport == Transport::Udp)
            ++c.allocations_udp;
        else
            ++c.allocations_tcp;
        c.permissions += a.permissions.size();
        c.channels += a.channels.size();
    }
    c.active_clients = clients.size();
    c.reservations = m_reservations.Size();
    return c;
}

std::vector<AllocationInfo> Server::Allocations() const {
    std::vector<AllocationInfo> out;
    for (const auto& [tuple, a] : m_allocations) {
        AllocationInfo info;
        info.tuple = tuple;
        info.username = a.username;
        info.relay = a.relay;
        info.advertised = a.advertised;
        info.expires = a.expires;
        for (const auto& [ip, expires] : a.permissions)
            info.permissions.push_back(ip);
        for (const auto& [number, ch] : a.channels)
            info.channels[number] = ch.peer;
        out.push_back(std::move(info));
    }
    return out;
}

} // namespace cmslab::turn
