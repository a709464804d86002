// A media::Session as a node of the in-memory network of the ICE tests: one UDP port,
// everything via TURN; the events it reported, and a driver's reaction to each.
#pragma once

#include "../../proto/ice/ice_net.h"

#include "media/media_session.h"

#include <functional>
#include <string>
#include <vector>

namespace cmslab::media::test {

class SessionNode : public ice::test::Node {
  public:
    SessionNode(ice::test::Net& net, const Endpoint& host, SessionConfig config, Rng rng,
                Rng traffic)
        : session(std::move(config), rng, traffic), m_net(net), m_host(host) {
        net.Attach(host, this);
        net.AddNode(this);
    }
    void Receive(const Endpoint& from, const Endpoint&, ByteView data) override {
        session.OnDatagram(from, data, m_net.now);
        Pump();
    }
    std::optional<Instant> Next() const override { return session.NextTimeout(); }
    void Timer() override {
        session.HandleTimeout(m_net.now);
        Pump();
    }
    // Until nothing is left: a reaction to an event may send.
    void Pump() {
        for (bool any = true; any;) {
            any = false;
            while (auto d = session.PollDatagram()) {
                any = true;
                m_net.Send(m_host, d->to, std::move(d->data));
            }
            while (auto e = session.PollEvent()) {
                any = true;
                if (on_event)
                    on_event(*e);
                events.push_back(std::move(*e));
            }
        }
    }

    // The events' names but the per-packet ones.
    std::vector<std::string> Kinds() const {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (!std::holds_alternative<RtpSent>(e) && !std::holds_alternative<RtpReceived>(e))
                out.push_back(EventName(e));
        return out;
    }
    template <class E> std::size_t Count() const {
        std::size_t n = 0;
        for (const auto& e : events)
            n += std::holds_alternative<E>(e) ? 1 : 0;
        return n;
    }
    template <class E> const E* First() const {
        for (const auto& e : events)
            if (const auto* found = std::get_if<E>(&e))
                return found;
        return nullptr;
    }
    Instant Now() const { return m_net.now; }

    Session session;
    std::vector<Event> events;
    std::function<void(const Event&)> on_event; // a driver's reaction, inside Pump

  private:
    ice::test::Net& m_net;
    Endpoint m_host;
};

} // namespace cmslab::media::test
