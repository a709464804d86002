// Rules for the Expressway-E's "400 Bad Request": it proxies only the web bridge URLs
// that Expressway-C announced over the traversal zone's SSH tunnel.
#include "diagnosis/rules.h"
#include "log_lines/expressway_c_lines.h"
#include "log_lines/expressway_e_lines.h"

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

std::optional<Found<log_lines::RequestRefusedLine>> Refused400(const RuleContext& ctx) {
    const auto& record = ctx.Stage(Stage::Http);
    if (record.status != StageStatus::Failed || record.detail.find("400") == std::string::npos)
        return std::nullopt;
    return ctx.Folder().FirstInRole("expressway_e", log_lines::RequestRefused::Parse);
}

std::string Join(const nlohmann::json& list) {
    std::string out;
    if (!list.is_array())
        return out;
    for (const auto& v : list)
        if (v.is_string())
            out += (out.empty() ? "" : ", ") + v.get<std::string>();
    return out;
}

} // namespace

std::optional<Finding> TraversalZoneDown(const RuleContext& ctx) {
    auto refused = Refused400(ctx);
    if (!refused)
        return std::nullopt;
    std::string c_node;
    const nlohmann::json& c = ctx.Folder().RoleStatus("expressway_c", &c_node);
    const std::string state = StringAt(c, "traversal_zone.state");
    if (state.empty() || state == "Active")
        return std::nullopt;
    const std::string zone = StringAt(c, "traversal_zone.name");
    const std::string reason = StringAt(c, "traversal_zone.reason");
    const std::string c_file = "status/" + c_node + ".json";
    Finding f;
    f.cause = "traversal_zone_down";
    f.summary = "The traversal zone " + zone + " between Expressway-C and Expressway-E is down (" +
                reason +
                "), so no SSH tunnel carries the web bridge URLs and Expressway-E "
                "answers the guest's request with 400 Bad Request.";
    f.box = "Expressway-C";
    f.evidence.push_back(ctx.StageEvidence(Stage::Http));
    f.evidence.push_back(FromLog(refused->log));
    f.evidence.push_back(Evidence::Status(c_file, "expressway_c.traversal_zone",
                                          zone + ": " + state + " (" + reason + ")"));
    const nlohmann::json& tunnels = At(c, "ssh_tunnels");
    if (tunnels.is_array())
        for (std::size_t i = 0; i < tunnels.size(); ++i)
            if (StringAt(tunnels[i], "status") != "Active") {
                f.evidence.push_back(Evidence::Status(
                    c_file, Indexed("expressway_c.ssh_tunnels", i),
                    StringAt(tunnels[i], "domain") + ": " + StringAt(tunnels[i], "status")));
                break;
            }
    if (reason.find("authentication") != std::string::npos ||
        reason.find("401") != std::string::npos) {
        std::string user;
        std::optional<LogLine> refusal;
        for (const auto& l :
             ctx.Folder().FindInRole("expressway_e", log_lines::TraversalFromPeer::Parse)) {
            auto refused_auth = log_lines::TraversalAuthRefused::Parse(l.line.line);
            if (!refused_auth)
                continue;
            // The wrong password names the account; another refusal is cited when none does.
            if (auto wrong = log_lines::TraversalWrongPassword::Parse(refused_auth->why)) {
                refusal = l.log;
                user = wrong->user;
                break;
            }
            if (!refusal)
                refusal = l.log;
        }
        if (refusal)
            f.evidence.push_back(FromLog(*refusal));
        f.setting = "traversal zone " + zone + ": Username and Password (client side)";
        f.where = "Expressway-C: Configuration > Zones > Zones > " + zone;
        f.should_be = "the username" + (user.empty() ? std::string() : " (" + user + ")") +
                      " and password of the traversal account in the Expressway-E local "
                      "authentication database";
        f.also.push_back("or set that account's password on Expressway-E: Configuration > "
                         "Authentication > Devices > Local database");
    } else {
        f.setting = "traversal zone " + zone + " (peer address, port, TLS verify subject name)";
        f.where = "Expressway-C: Configuration > Zones > Zones > " + zone +
                  "; Expressway-E: the server side of the same zone";
        f.should_be = "a zone that comes up Active on both Expressways (" + reason + ")";
        if (auto l =
                ctx.Folder().FirstInRole("expressway_c", log_lines::TraversalZoneFailed::Parse))
            f.evidence.push_back(FromLog(l->log));
    }
    return f;
}

std::optional<Finding> ExpresswayCGuestAccountClientUri(const RuleContext& ctx) {
    auto refused = Refused400(ctx);
    if (!refused || !log_lines::HostNotLearned::Parse(refused->line.reason))
        return std::nullopt;
    const std::string host = refused->line.host;
    std::string e_node, c_node;
    const nlohmann::json& e = ctx.Folder().RoleStatus("expressway_e", &e_node);
    const nlohmann::json& c = ctx.Folder().RoleStatus("expressway_c", &c_node);
    const std::string tunnel = StringAt(e, "tunnel.state");
    if (!tunnel.empty() && tunnel != "Active")
        return std::nullopt; // nothing was learned at all: the traversal rule explains it
    const std::string learned = Join(At(e, "tunnel.web_bridges"));
    std::string configured;
    const nlohmann::json& cache = At(c, "meeting_server_web_proxy.cache");
    if (cache.is_array())
        for (const auto& entry : cache)
            configured +=
                (configured.empty() ? "" : ", ") + StringAt(entry, "guest_account_client_uri");
    Finding f;
    f.cause = "expressway_c_guest_account_client_uri";
    f.summary = "Expressway-C announces " + (configured.empty() ? learned : configured) +
                " as the Meeting Server web bridge, not " + host +
                ", the URL the guests open: Expressway-E refuses that Host with 400 Bad Request.";
    f.box = "Expressway-C";
    f.setting = "Meeting Server Web Proxy: Guest account client URI";
    f.where = "Expressway-C: Configuration > Unified Communications > Cisco Meeting Server";
    f.current = configured.empty() ? learned : configured;
    f.should_be = host + " (the external web bridge URL; Expressway-C must resolve it, through "
                         "internal DNS, to the web bridge)";
    f.evidence.push_back(ctx.StageEvidence(Stage::Http));
    f.evidence.push_back(FromLog(refused->log));
    if (!e_node.empty())
        f.evidence.push_back(Evidence::Status("status/" + e_node + ".json",
                                              "expressway_e.tunnel.web_bridges",
                                              learned.empty() ? "(none)" : learned));
    if (cache.is_array())
        for (std::size_t i = 0; i < cache.size(); ++i)
            f.evidence.push_back(
                Evidence::Status("status/" + c_node + ".json",
                                 Indexed("expressway_c.meeting_server_web_proxy.cache", i),
                                 StringAt(cache[i], "guest_account_client_uri") + ": " +
                                     StringAt(cache[i], "result")));
    return f;
}

// Expressway-C reaches the web bridge but their TLS settings share no version (the
// protocol_version alert) or no cipher suite (handshake_failure): its probe fails and so
// does every request it proxies, as between products of different eras in the field.
std::optional<Finding> WebBridgeTlsMismatch(const RuleContext& ctx) {
    if (ctx.Stage(Stage::Http).status != StageStatus::Failed)
        return std::nullopt;
    std::optional<Found<log_lines::WebBridgeProbeFailedLine>> probe;
    std::string alert;
    for (auto& l :
         ctx.Folder().FindInRole("expressway_c", log_lines::WebBridgeProbeFailed::Parse)) {
        for (const char* name : {"protocol_version", "handshake_failure"})
            if (l.line.why.find(name) != std::string::npos) {
                alert = name;
                probe = std::move(l);
                break;
            }
        if (probe)
            break;
    }
    if (!probe)
        return std::nullopt;
    const bool version = alert == "protocol_version";
    Finding f;
    f.cause = version ? "web_bridge_tls_version_mismatch" : "web_bridge_tls_cipher_mismatch";
    f.summary = "Expressway-C and the CMS web bridge " + probe->line.name + " have no TLS " +
                (version ? std::string("version") : std::string("cipher suite")) +
                " in common: their handshake ends with the " + alert +
                " alert, so Expressway-C cannot fetch the page the guest asks for.";
    f.box = "Expressway-C and Cisco Meeting Server";
    f.setting = version ? "TLS versions" : "TLS cipher suites";
    f.where = "Expressway-C: Maintenance > Security > Ciphers; CMS: the web bridge's TLS "
              "settings (MMP)";
    f.current = probe->line.why;
    f.should_be = std::string("a ") + (version ? "version" : "cipher suite") +
                  " both speak (the products of 2017 speak TLS 1.2, with ECDHE and AES-GCM)";
    f.evidence.push_back(ctx.StageEvidence(Stage::Http));
    f.evidence.push_back(FromLog(probe->log));
    return f;
}

} // namespace cmslab::diagnosis
