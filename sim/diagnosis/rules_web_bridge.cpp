// Rules for the page without "Join call": the Call Bridge has no link to the Web Bridge
// (the "c2w" connection to the CMS Guest account client URI).
#include "diagnosis/rules.h"
#include "log_lines/cms_lines.h"
#include "log_lines/dns_lines.h"
#include "log_lines/expressway_c_lines.h"

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

const char* kUriWhere = "CMS: Configuration > General > Web bridge settings, Guest account "
                        "client URI";

struct LinkFacts {
    std::string node; // the CMS
    std::string file; // status/<node>.json
    const nlohmann::json* cms = nullptr;
    std::string host, uri, state;
    std::string fault; // the first web bridge fault, and its index
    std::size_t fault_index = 0;
};

std::optional<LinkFacts> FailedLink(const RuleContext& ctx) {
    if (ctx.Stage(Stage::WebBridge).status != StageStatus::Failed)
        return std::nullopt;
    LinkFacts facts;
    facts.cms = &ctx.Folder().RoleStatus("cms", &facts.node);
    if (facts.node.empty())
        return std::nullopt;
    facts.file = "status/" + facts.node + ".json";
    facts.host = StringAt(*facts.cms, "web_bridge_link.host");
    facts.uri = StringAt(*facts.cms, "web_bridge_link.uri");
    facts.state = StringAt(*facts.cms, "web_bridge_link.state");
    const nlohmann::json& faults = At(*facts.cms, "faults");
    if (faults.is_array())
        for (std::size_t i = 0; i < faults.size(); ++i)
            if (faults[i].is_string() &&
                faults[i].get<std::string>().find("Web bridge connection") != std::string::npos) {
                facts.fault = faults[i].get<std::string>();
                facts.fault_index = i;
                break;
            }
    if (facts.fault.empty() && (facts.state.empty() || facts.state == "up"))
        return std::nullopt;
    return facts;
}

void AddLinkEvidence(const RuleContext& ctx, const LinkFacts& link, Finding& f) {
    f.evidence.push_back(ctx.StageEvidence(Stage::WebBridge));
    if (!link.fault.empty())
        f.evidence.push_back(
            Evidence::Status(link.file, Indexed("cms.faults", link.fault_index), link.fault));
    const nlohmann::json& alarms = At(*link.cms, "alarms");
    if (alarms.is_array())
        for (std::size_t i = 0; i < alarms.size(); ++i)
            if (alarms[i].is_string() &&
                alarms[i].get<std::string>() == "guestAccountConnectionFailure")
                f.evidence.push_back(Evidence::Status(link.file, Indexed("cms.alarms", i),
                                                      "guestAccountConnectionFailure"));
    f.evidence.push_back(
        Evidence::Status(link.file, "cms.web_bridge_link", link.uri + ": " + link.state));
}

// Where Expressway-C reached the web bridge (its probe line), if it did.
std::optional<Found<log_lines::WebBridgeProbedLine>>
ExpresswayCReachedWebBridge(const RuleContext& ctx) {
    return ctx.Folder().FirstInRole("expressway_c", log_lines::WebBridgeProbed::Parse);
}

} // namespace

std::optional<Finding> CmsWebBridgeUnresolvable(const RuleContext& ctx) {
    auto link = FailedLink(ctx);
    if (!link)
        return std::nullopt;
    auto resolution =
        ctx.Folder().First(link->node, log_lines::WebBridgeNameResolutionFailed::Parse);
    if (!resolution && link->fault.find("DNS failure") == std::string::npos)
        return std::nullopt;
    Finding f;
    f.cause = "cms_guest_account_client_uri_unresolvable";
    f.summary = "The Call Bridge cannot resolve " + link->host +
                ", the host of its Guest account client URI, so it never reaches the Web "
                "Bridge and the page offers no Join call.";
    f.box = "Cisco Meeting Server";
    f.setting = "Guest account client URI (the web bridge URL the Call Bridge connects to)";
    f.where = kUriWhere;
    f.current = link->uri;
    std::string suggestion = "a URL whose host the CMS's DNS server resolves to the web bridge";
    if (auto probe = ExpresswayCReachedWebBridge(ctx)) {
        const std::string cn = log_lines::CommonName(probe->line.subject);
        if (!cn.empty() && cn != link->host)
            suggestion += " (the web bridge's certificate names " + cn + ": https://" + cn + ")";
        f.evidence.push_back(FromLog(probe->log));
    }
    f.should_be = suggestion;
    f.also.push_back("or add the missing A record for " + link->host +
                     " (the web bridge's address) on the CMS's DNS server");
    AddLinkEvidence(ctx, *link, f);
    if (resolution)
        f.evidence.push_back(FromLog(resolution->log));
    for (const auto& q : ctx.Folder().FindInRole("dns_server", log_lines::DnsQuery::Parse))
        if (log_lines::QueriedName(q.line) == link->host) {
            f.evidence.push_back(FromLog(q.log));
            break;
        }
    return f;
}

std::optional<Finding> WebBridgeDistrustsCallBridge(const RuleContext& ctx) {
    auto link = FailedLink(ctx);
    if (!link)
        return std::nullopt;
    auto tls = ctx.Folder().First(link->node, log_lines::WebBridgeTlsFailed::Parse);
    if (!tls)
        return std::nullopt;
    Finding f;
    f.cause = "web_bridge_does_not_trust_call_bridge";
    f.summary = "The Web Bridge refuses the Call Bridge's connection (TLS negotiation failed (" +
                tls->line.error +
                ")): it does not trust the Call Bridge certificate, so the page offers no Join "
                "call.";
    f.box = "Cisco Meeting Server";
    f.setting = "Web Bridge trust of the Call Bridge certificate (c2w trust)";
    f.where = "CMS MMP (SSH): webbridge disable; webbridge trust <Call Bridge certificate>; "
              "webbridge enable";
    f.should_be = "the Call Bridge's certificate (the one set with `callbridge certs`) in the "
                  "Web Bridge's trust list";
    AddLinkEvidence(ctx, *link, f);
    f.evidence.push_back(FromLog(tls->log));
    return f;
}

std::optional<Finding> CmsWebBridgeUnreachable(const RuleContext& ctx) {
    auto link = FailedLink(ctx);
    if (!link)
        return std::nullopt;
    if (ctx.Folder().First(link->node, log_lines::WebBridgeNameResolutionFailed::Parse) ||
        ctx.Folder().First(link->node, log_lines::WebBridgeTlsFailed::Parse))
        return std::nullopt;
    const nlohmann::json& link_port = At(*link->cms, "web_bridge_link.port");
    const nlohmann::json& bridge_port = At(*link->cms, "web_bridge.port");
    Finding f;
    f.cause = "cms_guest_account_client_uri_unreachable";
    f.box = "Cisco Meeting Server";
    f.setting = "Guest account client URI (the web bridge URL the Call Bridge connects to)";
    f.where = kUriWhere;
    f.current = link->uri;
    AddLinkEvidence(ctx, *link, f);
    if (auto l = ctx.Folder().First(link->node, log_lines::WebBridgeConnectFailed::Parse))
        f.evidence.push_back(FromLog(l->log));
    if (link_port.is_number_unsigned() && bridge_port.is_number_unsigned() &&
        link_port != bridge_port) {
        const std::string want = std::to_string(bridge_port.get<std::uint64_t>());
        f.summary = "The Guest account client URI " + link->uri + " names port " +
                    std::to_string(link_port.get<std::uint64_t>()) +
                    ", but the Web Bridge listens on " + want +
                    ": the Call Bridge cannot connect, so the page offers no Join call.";
        f.should_be = "https://" + link->host + (want == "443" ? "" : ":" + want);
        f.evidence.push_back(Evidence::Status(link->file, "cms.web_bridge.port", want));
        return f;
    }
    f.summary = "The Call Bridge cannot connect to " + link->host +
                " (connect failure): the address it resolves to is not the Web Bridge, or the "
                "connection is blocked, so the page offers no Join call.";
    f.should_be = "a URL that reaches the web bridge from the Call Bridge";
    if (auto probe = ExpresswayCReachedWebBridge(ctx)) {
        f.evidence.push_back(FromLog(probe->log));
        f.also.push_back("Expressway-C reached the web bridge at " + probe->line.endpoint +
                         ": the A record of " + link->host +
                         " on the CMS's DNS server should give that address");
    }
    return f;
}

} // namespace cmslab::diagnosis
