#include "turn_event_log.h"

#include "common/overloaded.h"
#include "log_lines/expressway_e_lines.h"

namespace cmslab::expressway {

namespace se = turn::server_event;

std::optional<std::string> TurnEventLine(const turn::ServerEvent& event) {
    using Line = std::optional<std::string>;
    return std::visit(
        Overloaded{
            [](const se::Challenged& c) -> Line {
                return "401 Unauthorized (challenge) to " + c.tuple.ToString();
            },
            [](const se::AuthFailure& f) -> Line {
                return log_lines::TurnAuthFailure::Format(
                    {f.code, f.reason, turn::TransportName(f.tuple.transport),
                     f.tuple.client.ToString(), f.tuple.server.ToString(), f.username});
            },
            [](const se::StaleNonce& n) -> Line {
                return "438 Stale Nonce to " + n.tuple.ToString();
            },
            [](const se::RequestRejected& r) -> Line {
                return std::to_string(r.code) + " " + r.reason + " to " + r.tuple.ToString();
            },
            [](const se::AllocationCreated& a) -> Line {
                return log_lines::TurnAllocation::Format(
                    {a.username, turn::TransportName(a.tuple.transport), a.tuple.client.ToString(),
                     a.tuple.server.ToString(), a.relay.ToString(), a.advertised.ToString(),
                     static_cast<int>(a.lifetime)});
            },
            [](const se::AllocationRefreshed& a) -> Line {
                return "allocation refreshed: " + a.relay.ToString() + " (" + a.tuple.ToString() +
                       "), lifetime " + std::to_string(a.lifetime) + " s";
            },
            [](const se::AllocationDeleted& a) -> Line {
                return "allocation deleted: " + a.relay.ToString() + " (" + a.tuple.ToString() +
                       ")";
            },
            [](const se::AllocationExpired& a) -> Line {
                return "allocation expired: " + a.relay.ToString() + " (" + a.tuple.ToString() +
                       ")";
            },
            [](const se::PermissionCreated& p) -> Line {
                return "permission for " + p.peer.ToString() + " on relay " + p.relay.ToString() +
                       " (" + p.tuple.ToString() + ")";
            },
            [](const se::ChannelBound& c) -> Line {
                return "channel " + turn::ChannelText(c.channel) + " bound to " +
                       c.peer.ToString() + " on relay " + c.relay.ToString() + " (" +
                       c.tuple.ToString() + ")";
            },
            [](const se::StreamError& s) -> Line {
                return "TCP connection " + s.tuple.ToString() +
                       " closed: not a stream of STUN messages";
            },
            // Asks the driver for a socket; the allocation's own line says it all.
            [](const se::RelayOpened&) -> Line { return std::nullopt; },
            [](const se::RelayClosed&) -> Line { return std::nullopt; },
        },
        event);
}

} // namespace cmslab::expressway
