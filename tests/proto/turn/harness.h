// An in-memory network for the TURN machines: clients and one server exchange their
// Transmits directly; what the server relays to peers is collected; time is stepped
// through every timer either machine asks for.
#pragma once

#include "turn/client.h"
#include "turn/server.h"

#include <functional>
#include <memory>
#include <vector>

namespace cmslab::turn::test {

using namespace std::chrono_literals;

inline Endpoint Ep(const char* ip, std::uint16_t port) {
    return Endpoint{*IpAddress::Parse(ip), port};
}

// Addresses shaped like the modelled deployment, but from documentation ranges.
inline const Endpoint kServerAddress = Ep("192.0.2.1", 3478);
inline const IpAddress kRelayLocal = *IpAddress::Parse("192.0.2.61");
inline const IpAddress kRelayAdvertised = *IpAddress::Parse("203.0.113.156");

inline ServerConfig DefaultServerConfig() {
    ServerConfig c;
    c.realm = "example.org";
    c.users = {{"alice", "secret"}, {"bob", "hunter2"}};
    c.relays = {RelayAddress{kRelayLocal, kRelayAdvertised}};
    c.min_port = 24000;
    c.max_port = 29999;
    c.software = "cmslab-turn";
    return c;
}

inline ClientConfig DefaultClientConfig(std::string user = "alice", std::string pass = "secret") {
    ClientConfig c;
    c.server = kServerAddress;
    c.username = std::move(user);
    c.password = std::move(pass);
    c.software = "cmslab-client";
    return c;
}

struct PeerDatagram {
    Endpoint from; // the relay socket
    Endpoint to;
    Bytes data;
};

class Harness {
  public:
    struct Node {
        std::unique_ptr<Client> client;
        Endpoint address;
        std::vector<ClientEvent> events;
        std::vector<std::pair<Instant, Bytes>> sent; // everything it sent, with times
        bool connected = true;                       // false: its packets vanish both ways
    };

    explicit Harness(ServerConfig config = DefaultServerConfig(), std::uint64_t seed = 1)
        : server(std::move(config), Rng(seed).Fork("server")), m_seed(seed) {}

    std::size_t AddClient(ClientConfig config, const Endpoint& address) {
        Node n;
        n.client = std::make_unique<Client>(std::move(config),
                                            Rng(m_seed).Fork("client" + address.ToString()));
        n.address = address;
        nodes.push_back(std::move(n));
        return nodes.size() - 1;
    }
    Client& C(std::size_t i) { return *nodes[i].client; }

    // Moves every pending Transmit until the network is quiet.
    void Pump() {
        for (int round = 0; round < 1000; ++round) {
            bool moved = false;
            for (Node& n : nodes) {
                while (auto t = n.client->PollTransmit()) {
                    moved = true;
                    n.sent.emplace_back(now, t->data);
                    if (!n.connected || drop_next_from_clients > 0) {
                        if (drop_next_from_clients > 0)
                            --drop_next_from_clients;
                        continue;
                    }
                    const FiveTuple tuple{t->transport, n.address, t->to};
                    if (t->transport == Transport::Tcp && tcp_byte_by_byte) {
                        for (std::uint8_t b : t->data)
                            server.HandleClientInput(tuple, ByteView(&b, 1), now);
                    } else {
                        server.HandleClientInput(tuple, t->data, now);
                    }
                }
                while (auto e = n.client->PollEvent())
                    n.events.push_back(*e);
            }
            while (auto t = server.PollTransmit()) {
                moved = true;
                bool delivered = false;
                for (Node& n : nodes) {
                    if (t->to == n.address && t->from == kServerAddress) {
                        if (n.connected)
                            n.client->HandleInput(t->data, t->from, now);
                        delivered = true;
                    }
                }
                if (!delivered)
                    to_peers.push_back(PeerDatagram{t->from, t->to, t->data});
                server_transmits.push_back(*t);
            }
            while (auto e = server.PollEvent())
                server_events.push_back(*e);
            if (!moved)
                return;
        }
    }

    // Steps time to `until`, firing each timer of every machine when it is due.
    void RunUntil(Instant until) {
        Pump();
        for (int guard = 0; guard < 100000; ++guard) {
            std::optional<Instant> next = server.NextTimeout();
            for (Node& n : nodes)
                if (auto t = n.client->NextTimeout(); t && (!next || *t < *next))
                    next = t;
            if (!next || *next > until)
                break;
            now = std::max(now, *next);
            server.HandleTimeout(now);
            for (Node& n : nodes)
                n.client->HandleTimeout(now);
            Pump();
        }
        now = std::max(now, until);
        Pump();
    }

    // A peer sends to a relay socket.
    void PeerSends(const Endpoint& peer, const Endpoint& relay, ByteView data) {
        server.HandlePeerInput(relay, peer, data, now);
        Pump();
    }

    // The events of one kind, in order: EventsOf<client_event::Data>(i).
    template <class Kind> std::vector<Kind> EventsOf(std::size_t i) const {
        return OfKind<Kind>(nodes[i].events);
    }
    template <class Kind> std::vector<Kind> ServerEventsOf() const {
        return OfKind<Kind>(server_events);
    }
    template <class Kind, class Event>
    static std::vector<Kind> OfKind(const std::vector<Event>& events) {
        std::vector<Kind> out;
        for (const Event& e : events)
            if (const Kind* k = std::get_if<Kind>(&e))
                out.push_back(*k);
        return out;
    }

    Server server;
    std::vector<Node> nodes;
    Instant now{};
    std::vector<PeerDatagram> to_peers;
    std::vector<Transmit> server_transmits;
    std::vector<ServerEvent> server_events;
    int drop_next_from_clients = 0;
    bool tcp_byte_by_byte = false;

  private:
    std::uint64_t m_seed;
};

} // namespace cmslab::turn::test
