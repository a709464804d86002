// An in-memory UDP network on simulated time for the ICE tests: ICE agents on hosts,
// optionally each with a TURN client towards a real turn::Server, and the servers'
// relays. Datagrams take `latency` to arrive; every machine's timer is honoured; a
// static NAT may map a relay's local address to the one it advertises.
#pragma once

#include "ice/agent.h"
#include "stun/demux.h"
#include "turn/client.h"
#include "turn/server.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cmslab::ice::test {

using namespace std::chrono_literals;

inline Endpoint Ep(const char* ip, std::uint16_t port) {
    return Endpoint{*IpAddress::Parse(ip), port};
}

// The two agents' host candidates in the tests (documentation addresses).
inline const Endpoint kHostA = Ep("192.0.2.10", 5000);
inline const Endpoint kHostB = Ep("198.51.100.20", 6000);

class Net;

class Node {
  public:
    virtual ~Node() = default;
    virtual void Receive(const Endpoint& from, const Endpoint& to, ByteView data) = 0;
    virtual std::optional<Instant> Next() const = 0;
    virtual void Timer() = 0;
};

struct Datagram {
    Instant at{};
    Endpoint from;
    Endpoint to;
    Bytes data;
};

class Net {
  public:
    Instant now{};
    Duration latency = 10ms;
    // Return false to lose a datagram (a firewall, a broken path).
    std::function<bool(const Datagram&)> filter;
    std::vector<Datagram> log; // everything sent, after NAT

    void Attach(const Endpoint& address, Node* node) { m_hosts[address] = node; }
    void AddNode(Node* node) { m_nodes.push_back(node); }
    // Static NAT: packets from `inside` leave as from `outside`; packets to `outside`
    // reach `inside`.
    void AddNat(const IpAddress& inside, const IpAddress& outside) {
        m_out[inside] = outside;
        m_in[outside] = inside;
    }

    void Send(Endpoint from, Endpoint to, Bytes data) {
        if (auto it = m_out.find(from.address); it != m_out.end())
            from.address = it->second;
        Datagram d{now + latency, from, to, std::move(data)};
        log.push_back(d);
        if (filter && !filter(d))
            return;
        m_queue.emplace(std::make_pair(d.at, m_seq++), std::move(d));
    }

    // Runs until `until` or until `done` says so, whichever first.
    void Run(Instant until, const std::function<bool()>& done = {}) {
        for (int steps = 0; steps < 2000000; ++steps) {
            if (done && done())
                return;
            std::optional<Instant> next;
            if (!m_queue.empty())
                next = m_queue.begin()->first.first;
            for (Node* n : m_nodes)
                if (auto t = n->Next(); t && (!next || *t < *next))
                    next = *t;
            if (!next || *next > until) {
                now = until;
                return;
            }
            now = std::max(now, *next);
            if (!m_queue.empty() && m_queue.begin()->first.first <= now) {
                Datagram d = std::move(m_queue.begin()->second);
                m_queue.erase(m_queue.begin());
                Endpoint to = d.to;
                if (auto it = m_in.find(to.address); it != m_in.end())
                    to.address = it->second;
                if (auto h = m_hosts.find(to); h != m_hosts.end())
                    h->second->Receive(d.from, to, d.data);
                continue;
            }
            for (Node* n : m_nodes)
                if (auto t = n->Next(); t && *t <= now)
                    n->Timer();
        }
        ADD_FAILURE() << "simulation did not settle";
    }
    void RunFor(Duration d, const std::function<bool()>& done = {}) { Run(now + d, done); }

  private:
    std::map<Endpoint, Node*> m_hosts;
    std::vector<Node*> m_nodes;
    std::map<std::pair<Instant, std::uint64_t>, Datagram> m_queue;
    std::uint64_t m_seq = 0;
    std::map<IpAddress, IpAddress> m_out;
    std::map<IpAddress, IpAddress> m_in;
};

// A TURN server on the network: its listening address and each relay it opens.
class TurnNode : public Node {
  public:
    TurnNode(Net& net, const Endpoint& listen, turn::ServerConfig config, std::uint64_t seed)
        : server(std::move(config), Rng(seed).Fork("turn" + listen.ToString())), m_net(net),
          m_listen(listen) {
        net.Attach(listen, this);
        net.AddNode(this);
    }
    void Receive(const Endpoint& from, const Endpoint& to, ByteView data) override {
        if (to == m_listen)
            server.HandleClientInput(turn::FiveTuple{turn::Transport::Udp, from, to}, data,
                                     m_net.now);
        else
            server.HandlePeerInput(to, from, data, m_net.now);
        Pump();
    }
    std::optional<Instant> Next() const override { return server.NextTimeout(); }
    void Timer() override {
        server.HandleTimeout(m_net.now);
        Pump();
    }
    void Pump() {
        while (auto e = server.PollEvent()) {
            if (const auto* opened = std::get_if<turn::server_event::RelayOpened>(&*e))
                m_net.Attach(opened->relay, this);
            events.push_back(*e);
        }
        while (auto t = server.PollTransmit())
            m_net.Send(t->from, t->to, std::move(t->data));
    }

    turn::Server server;
    std::vector<turn::ServerEvent> events;

  private:
    Net& m_net;
    Endpoint m_listen;
};

// A device with one ICE agent on one host address and, optionally, a TURN allocation.
// This is the mapping a browser or CMS model makes: a Transmit from the relayed
// candidate goes through the TURN client (after a permission for the peer), data the
// TURN client delivers is handed to the agent as arrived at the relayed candidate.
class IceNode : public Node {
  public:
    IceNode(Net& net, const std::string& name, const Endpoint& host, AgentConfig config,
            std::uint64_t seed)
        : agent(std::move(config), Rng(seed).Fork(name)), m_net(net), m_host(host), m_seed(seed),
          m_name(name) {
        net.Attach(host, this);
        net.AddNode(this);
    }

    void UseTurn(turn::ClientConfig config) {
        m_turn_server = config.server;
        client =
            std::make_unique<turn::Client>(std::move(config), Rng(m_seed).Fork(m_name + "-turn"));
        client->Allocate(m_net.now);
        Pump();
    }

    void Receive(const Endpoint& from, const Endpoint& to, ByteView data) override {
        if (client && from == m_turn_server)
            client->HandleInput(data, from, m_net.now);
        else if (!agent.HandleInput(to, from, data, m_net.now))
            other.push_back(data.ToBytes());
        Pump();
    }
    std::optional<Instant> Next() const override {
        std::optional<Instant> next = agent.NextTimeout();
        if (client)
            if (auto t = client->NextTimeout(); t && (!next || *t < *next))
                next = t;
        return next;
    }
    void Timer() override {
        if (auto t = agent.NextTimeout(); t && *t <= m_net.now)
            agent.HandleTimeout(m_net.now);
        if (client)
            if (auto t = client->NextTimeout(); t && *t <= m_net.now)
                client->HandleTimeout(m_net.now);
        Pump();
    }

    void Pump() {
        for (int round = 0; round < 100; ++round) {
            bool moved = false;
            while (auto t = agent.PollTransmit()) {
                moved = true;
                sent.push_back(*t);
                if (t->local_type == CandidateType::Relayed && client) {
                    if (!client->HasPermission(t->to.address, m_net.now) &&
                        !m_permission_asked[t->to.address]) {
                        m_permission_asked[t->to.address] = true;
                        client->CreatePermission(t->to.address, m_net.now);
                    }
                    client->Send(t->to, t->data, m_net.now);
                } else {
                    m_net.Send(t->local, t->to, std::move(t->data));
                }
            }
            while (auto e = agent.PollEvent()) {
                moved = true;
                events.push_back(*e);
            }
            if (client) {
                while (auto t = client->PollTransmit()) {
                    moved = true;
                    m_net.Send(m_host, t->to, std::move(t->data));
                }
                while (auto e = client->PollEvent()) {
                    moved = true;
                    turn_events.push_back(*e);
                    const auto* data = std::get_if<turn::client_event::Data>(&*e);
                    if (data && !agent.HandleInput(client->RelayedAddress(), data->peer, data->data,
                                                   m_net.now))
                        other.push_back(data->data);
                }
            }
            if (!moved)
                return;
        }
    }

    // Application data (DTLS, SRTP) over the selected pair, the way a device sends it.
    bool SendOnSelectedPair(ByteView data) {
        auto selected = agent.SelectedPair();
        if (!selected)
            return false;
        if (selected->first.type == CandidateType::Relayed) {
            if (!client || !client->Send(selected->second.address, data, m_net.now))
                return false;
        } else {
            m_net.Send(selected->first.address, selected->second.address, data.ToBytes());
        }
        Pump();
        return true;
    }

    bool Allocated() const {
        return client && client->GetState() == turn::Client::State::Allocated;
    }

    // The agent's events of one kind, in order: EventsOf<agent_event::Failed>().
    template <class Kind> std::vector<Kind> EventsOf() const {
        std::vector<Kind> out;
        for (const auto& e : events)
            if (const Kind* k = std::get_if<Kind>(&e))
                out.push_back(*k);
        return out;
    }
    std::vector<AgentState> States() const {
        std::vector<AgentState> out;
        for (const auto& e : EventsOf<agent_event::StateChanged>())
            out.push_back(e.state);
        return out;
    }

    Agent agent;
    std::unique_ptr<turn::Client> client;
    std::vector<AgentEvent> events;
    std::vector<turn::ClientEvent> turn_events;
    std::vector<Transmit> sent;
    std::vector<Bytes> other; // non-STUN the agent did not take

  private:
    Net& m_net;
    Endpoint m_turn_server;
    Endpoint m_host;
    std::uint64_t m_seed;
    std::string m_name;
    std::map<IpAddress, bool> m_permission_asked;
};

// Exchanges credentials both ways (what SDP offer/answer does).
inline void ExchangeCredentials(IceNode& a, IceNode& b) {
    a.agent.SetRemoteCredentials(b.agent.LocalCredentials());
    b.agent.SetRemoteCredentials(a.agent.LocalCredentials());
}

// Gives each side the other's local candidates, as if signalled.
inline void ExchangeCandidates(IceNode& a, IceNode& b, Instant now) {
    for (const Candidate& c : b.agent.LocalCandidates())
        a.agent.AddRemoteCandidate(c, now);
    for (const Candidate& c : a.agent.LocalCandidates())
        b.agent.AddRemoteCandidate(c, now);
}

// Starts both agents at the same moment and sends their first checks on their way.
inline void StartAgents(IceNode& a, IceNode& b, Instant now) {
    a.agent.Start(now);
    b.agent.Start(now);
    a.Pump();
    b.Pump();
}

} // namespace cmslab::ice::test
