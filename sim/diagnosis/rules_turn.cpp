// Rules for the guest's TURN allocation at the Expressway-E (stage turn). The CMS hands
// its turnServers credentials and client address to the browser, so a mistake in the
// CMS's turnServers object shows at the guest's Allocate.
#include "diagnosis/rules.h"
#include "log_lines/browser_lines.h"
#include "log_lines/cms_lines.h"
#include "log_lines/expressway_e_lines.h"

#include "stun/constants.h"
#include "stun/error_code.h"

#include <map>
#include <set>

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

bool TurnFailed(const RuleContext& ctx) {
    return ctx.Stage(Stage::Turn).status == StageStatus::Failed;
}

std::string Describe(const StunPacket& s) {
    return s.Describe() + ", " + s.src.ToString() + " -> " + s.dst.ToString() +
           (s.transport == Transport::Tcp ? " (TCP)" : " (UDP)");
}

struct Rejection {
    std::string file;
    const StunPacket* response = nullptr;
    const StunPacket* request = nullptr; // the request it answers, when captured
};

// Allocate answers that refuse credentials the client did send: 431 and 441 always, 401
// only when the request carried MESSAGE-INTEGRITY (without it, 401 is the challenge).
std::vector<Rejection> CredentialRejections(const RuleContext& ctx) {
    std::vector<Rejection> out;
    for (const CaptureStun& capture : ctx.Stun()) {
        std::map<std::string, const StunPacket*> requests;
        for (const StunPacket& s : capture.messages) {
            if (s.method != stun::method::kAllocate)
                continue;
            if (s.IsRequest()) {
                requests[s.transaction_id] = &s;
                continue;
            }
            if (!s.IsErrorResponse() || !s.error_code)
                continue;
            auto req = requests.find(s.transaction_id);
            const StunPacket* request = req == requests.end() ? nullptr : req->second;
            const auto code = *s.error_code;
            const bool refused =
                code == stun::error::kIntegrityCheckFailure ||
                code == stun::error::kWrongCredentials ||
                (code == stun::error::kUnauthorized && request && request->has_integrity);
            if (refused)
                out.push_back(Rejection{capture.file, &s, request});
        }
    }
    return out;
}

// Where the browser sent its TURN Allocate.
std::optional<Found<log_lines::TurnAllocateLine>> GuestAllocateLine(const RuleContext& ctx) {
    return ctx.Folder().FirstInRole("browser", log_lines::TurnAllocate::Parse);
}

std::string GuestTurnTarget(const RuleContext& ctx) {
    auto line = GuestAllocateLine(ctx);
    return line ? line->line.server : std::string();
}

// The Expressway-E's own line for a refusal of credentials: the one to `client` with
// `code`, else any 431.
std::optional<LogLine> ExpresswayERefusal(const RuleContext& ctx, int code,
                                          const std::string& client) {
    const auto refusals =
        ctx.Folder().FindInRole("expressway_e", log_lines::TurnAuthFailure::Parse);
    for (const auto& r : refusals)
        if (r.line.code == code && r.line.client == client)
            return r.log;
    for (const auto& r : refusals)
        if (r.line.code == stun::error::kIntegrityCheckFailure)
            return r.log;
    return std::nullopt;
}

struct TurnServerObject {
    std::string file, id, username, client_address;
    std::size_t index = 0;
    bool found = false;
};

TurnServerObject CmsTurnServer(const RuleContext& ctx) {
    TurnServerObject t;
    std::string node;
    const nlohmann::json& list = At(ctx.Folder().RoleStatus("cms", &node), "turn_servers");
    if (!list.is_array() || list.empty())
        return t;
    t.found = true;
    t.file = "status/" + node + ".json";
    t.id = StringAt(list[0], "id");
    t.username = StringAt(list[0], "username");
    t.client_address = StringAt(list[0], "clientAddress");
    return t;
}

} // namespace

std::optional<Finding> TurnCredentialsMismatch(const RuleContext& ctx) {
    if (!TurnFailed(ctx))
        return std::nullopt;
    auto rejections = CredentialRejections(ctx);
    if (rejections.empty())
        return std::nullopt;
    // Cite the one the guest got from the Expressway-E's public address, as a person
    // filtering `stun` on the public side sees it; then one for another client (the CMS).
    auto pub = ctx.ExpresswayEPublic();
    const Rejection* guest = &rejections.front();
    for (const Rejection& r : rejections)
        if (pub && r.response->src.address.ToString() == *pub) {
            guest = &r;
            break;
        }
    const Rejection* other = nullptr;
    for (const Rejection& r : rejections)
        if (r.response->dst.address != guest->response->dst.address &&
            r.response->src.address != guest->response->src.address) {
            other = &r;
            break;
        }

    const TurnServerObject turn = CmsTurnServer(ctx);
    std::string user = turn.username;
    if (guest->request && guest->request->username)
        user = *guest->request->username;
    Finding f;
    f.cause = "turn_credentials_mismatch";
    f.summary = "The Expressway-E refuses the TURN credentials (" +
                std::to_string(*guest->response->error_code) + " " + guest->response->error_reason +
                " for user " + user +
                "): the username/password in the CMS turnServers object, which the CMS also "
                "hands to the browser, do not match the Expressway-E local authentication "
                "database. No relay, no media.";
    f.box = "Cisco Meeting Server";
    f.setting = "turnServers object: username and password";
    f.where = "CMS API: PUT /api/v1/turnServers/" + (turn.id.empty() ? "<id>" : turn.id) +
              " with username=" + user + "&password=<password>";
    f.current = "username " + user + " (the API never shows the password)";
    f.should_be = "a username and password that exist together in the Expressway-E local "
                  "authentication database (the TURN account, e.g. " +
                  user + " with its password there)";
    f.also.push_back("or make the Expressway-E account match the CMS: Expressway-E "
                     "Configuration > Authentication > Devices > Local database, user " +
                     user + ", password as in the CMS turnServers object");
    f.evidence.push_back(ctx.StageEvidence(Stage::Turn));
    f.evidence.push_back(
        Evidence::Packet(guest->file, guest->response->number, Describe(*guest->response)));
    if (guest->request)
        f.evidence.push_back(
            Evidence::Packet(guest->file, guest->request->number, Describe(*guest->request)));
    if (other)
        f.evidence.push_back(
            Evidence::Packet(other->file, other->response->number, Describe(*other->response)));
    for (const auto& l : ctx.Folder().FindInRole("cms", log_lines::IceFailure::Parse))
        if (l.line.code == log_lines::kIceFailureUnauthorized) {
            f.evidence.push_back(FromLog(l.log));
            break;
        }
    // The Expressway-E's own line for the guest's refusal (it sees the guest unNATed).
    if (auto e_line =
            ExpresswayERefusal(ctx, *guest->response->error_code, guest->response->dst.ToString()))
        f.evidence.push_back(FromLog(*e_line));
    std::string e_node;
    const nlohmann::json& failures =
        At(ctx.Folder().RoleStatus("expressway_e", &e_node), "turn.counters.integrity_failures");
    if (failures.is_number_unsigned() && failures.get<std::uint64_t>() > 0)
        f.evidence.push_back(Evidence::Status("status/" + e_node + ".json",
                                              "expressway_e.turn.counters.integrity_failures",
                                              std::to_string(failures.get<std::uint64_t>())));
    if (!turn.id.empty())
        f.evidence.push_back(Evidence::Status(turn.file, "cms.turn_servers[0]",
                                              "id " + turn.id + ", username " + turn.username));
    return f;
}

std::optional<Finding> TurnServicesOff(const RuleContext& ctx) {
    if (!TurnFailed(ctx))
        return std::nullopt;
    std::string node;
    const nlohmann::json& turn = At(ctx.Folder().RoleStatus("expressway_e", &node), "turn");
    if (StringAt(turn, "services") != "Off")
        return std::nullopt;
    Finding f;
    f.cause = "turn_services_off";
    f.summary = "TURN services are off on the Expressway-E: nobody answers the guest's (or the "
                "CMS's) TURN Allocate, so there is no relay and no media.";
    f.box = "Expressway-E";
    f.setting = "TURN services";
    f.where = "Expressway-E: Configuration > Traversal > TURN";
    f.current = "Off";
    f.should_be = "On (TURN Relays option key, TURN requests port as the CMS turnServers "
                  "object uses)";
    f.evidence.push_back(ctx.StageEvidence(Stage::Turn));
    f.evidence.push_back(
        Evidence::Status("status/" + node + ".json", "expressway_e.turn.services", "Off"));
    if (auto l = ctx.Folder().FirstInRole("expressway_e", log_lines::TurnServicesOff::Parse))
        f.evidence.push_back(FromLog(l->log));
    if (auto l = GuestAllocateLine(ctx))
        f.evidence.push_back(FromLog(l->log));
    std::string cms;
    const nlohmann::json& list = At(ctx.Folder().RoleStatus("cms", &cms), "turn_servers");
    if (list.is_array() && !list.empty() && StringAt(list[0], "status.status") == "failure")
        f.evidence.push_back(Evidence::Status(
            "status/" + cms + ".json", "cms.turn_servers[0].status", "failure, reachable false"));
    return f;
}

std::optional<Finding> FirewallBlocksTurn(const RuleContext& ctx) {
    if (!TurnFailed(ctx))
        return std::nullopt;
    const std::string target = GuestTurnTarget(ctx);
    if (target.empty())
        return std::nullopt;
    std::optional<Found<log_lines::FirewallDropLine>> drop;
    for (const auto& d : ctx.FirewallDrops())
        if (!drop && d.line.destination == target)
            drop = d;
    if (!drop)
        return std::nullopt;
    const std::string port = PortOf(target);
    const std::string address = AddressOf(target);
    // The browser tries UDP, then TCP: when both were dropped the rule missing is both.
    std::set<std::string> protocols;
    std::vector<Found<log_lines::FirewallDropLine>> drops;
    for (const auto& d : ctx.FirewallDrops())
        if (d.line.destination == target && protocols.insert(d.line.protocol).second)
            drops.push_back(d);
    std::string blocked;
    for (const auto& p : protocols)
        blocked += (blocked.empty() ? "" : " and ") + p;
    Finding f;
    f.cause = "firewall_blocks_turn";
    if (drop->line.path == log_lines::FirewallPath::Outbound) {
        // The guest's own firewall (a company or hotel network): its outbound policy, not
        // the deployment's edge, keeps the requests in.
        f.summary = "The firewall of the guest's network drops the guest's TURN requests to " +
                    target + " (" + blocked +
                    "): no outbound rule lets them out, so there is no relay and no media.";
        f.box = "guest's firewall (" + drop->log.node + ")";
        f.setting = "outbound access rule for TURN (" + blocked + " " + port + ") to " + address;
        f.where = "the outbound rules of the guest network's firewall";
        f.should_be = "allow TCP " + port + " (or UDP " + port + " and the relay ports) to " +
                      address + "; browsers fall back to TURN over TCP when UDP is blocked";
    } else {
        f.summary = "The edge firewall drops the guest's TURN requests to " + target + " (" +
                    blocked + "): no inbound rule allows them, so there is no relay and no media.";
        f.box = "edge firewall (" + drop->log.node + ")";
        f.setting = "inbound access rule for TURN (" + blocked + " " + port + ") to " + address;
        f.where = "the firewall's inbound rules for the Expressway-E public address";
        f.should_be = "allow UDP and TCP " + port + " from any to " + address +
                      " (TURN requests), and UDP to the Expressway-E TURN relay port range";
    }
    f.evidence.push_back(ctx.StageEvidence(Stage::Turn));
    if (auto l = GuestAllocateLine(ctx))
        f.evidence.push_back(FromLog(l->log));
    for (const auto& d : drops)
        f.evidence.push_back(FromLog(d.log));
    return f;
}

std::optional<Finding> TurnClientAddress(const RuleContext& ctx) {
    if (!TurnFailed(ctx))
        return std::nullopt;
    const std::string target = GuestTurnTarget(ctx);
    auto pub = ctx.ExpresswayEPublic();
    if (target.empty() || !pub)
        return std::nullopt;
    const std::string address = AddressOf(target);
    const std::string port = PortOf(target);
    const TurnServerObject turn = CmsTurnServer(ctx);
    std::string e_node;
    const nlohmann::json& listening =
        At(ctx.Folder().RoleStatus("expressway_e", &e_node), "turn.listening.udp");
    bool port_listened = !listening.is_array();
    if (listening.is_array())
        for (const auto& l : listening)
            if (l.is_string() && PortOf(l.get<std::string>()) == port)
                port_listened = true;
    Finding f;
    f.box = "Cisco Meeting Server";
    f.evidence.push_back(ctx.StageEvidence(Stage::Turn));
    if (auto l = GuestAllocateLine(ctx))
        f.evidence.push_back(FromLog(l->log));
    if (address != *pub) {
        f.cause = "turn_client_address";
        f.summary = "The CMS tells the browser to use the TURN server at " + address +
                    ", which is not the Expressway-E's public address " + *pub + ".";
        f.setting = "turnServers object: clientAddress";
        f.where = "CMS API: PUT /api/v1/turnServers/" + (turn.id.empty() ? "<id>" : turn.id) +
                  " with clientAddress=" + *pub;
        f.current = turn.client_address.empty() ? address : turn.client_address;
        f.should_be = *pub + " (the Expressway-E public, static NAT, address)";
        if (turn.found)
            f.evidence.push_back(Evidence::Status(turn.file, "cms.turn_servers[0].clientAddress",
                                                  turn.client_address));
        return f;
    }
    if (!port_listened) {
        f.cause = "turn_port_mismatch";
        f.summary = "The browser sends TURN to port " + port +
                    ", where the Expressway-E TURN server does not listen.";
        f.setting = "turnServers object: tcpPortNumberOverride (the TURN port guests are given)";
        f.where = "CMS API: PUT /api/v1/turnServers/" + (turn.id.empty() ? "<id>" : turn.id) +
                  " with tcpPortNumberOverride=<the Expressway-E TURN requests port>";
        f.current = port;
        f.should_be = "the TURN requests port of Expressway-E (Configuration > Traversal > TURN)";
        f.evidence.push_back(Evidence::Status("status/" + e_node + ".json",
                                              "expressway_e.turn.listening.udp", listening.dump()));
        return f;
    }
    return std::nullopt;
}

} // namespace cmslab::diagnosis
