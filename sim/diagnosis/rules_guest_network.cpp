// Rules for the guest reaching the web proxy: name look-up and TCP.
#include "diagnosis/rules.h"
#include "log_lines/dns_lines.h"
#include "log_lines/expressway_e_lines.h"

namespace cmslab::diagnosis {

namespace {

using outcome::Stage;
using outcome::StageStatus;

bool Failed(const RuleContext& ctx, Stage stage) {
    return ctx.Stage(stage).status == StageStatus::Failed;
}

// "203.0.113.7:443 timed out (...)" -> "203.0.113.7:443".
std::string TargetOf(const std::string& detail) {
    std::string first = detail.substr(0, detail.find(' '));
    return first.find(':') == std::string::npos ? std::string() : first;
}

void AddBrowserLine(const RuleContext& ctx, Finding& f, Stage stage) {
    if (auto l = ctx.BrowserFailedLine(stage))
        f.evidence.push_back(FromLog(*l));
}

void AddGuestScreen(const RuleContext& ctx, Finding& f) {
    const auto& view = ctx.Folder().Outcome().guest_view;
    f.evidence.push_back(Evidence::Summary(
        "guest_view", std::string(outcome::ScreenName(view.screen)) +
                          (view.title.empty() ? "" : ": \"" + view.title + "\"") +
                          (view.error_code.empty() ? "" : " (" + view.error_code + ")")));
}

std::string PublicOr(const RuleContext& ctx, const std::string& fallback) {
    auto pub = ctx.ExpresswayEPublic();
    return pub ? *pub : fallback;
}

} // namespace

std::optional<Finding> GuestDnsRecord(const RuleContext& ctx) {
    if (!Failed(ctx, Stage::Dns))
        return std::nullopt;
    const std::string host = ctx.GuestHost();
    Finding f;
    f.cause = "guest_dns_record";
    f.evidence.push_back(ctx.StageEvidence(Stage::Dns));
    AddGuestScreen(ctx, f);
    AddBrowserLine(ctx, f, Stage::Dns);
    for (const auto& q : ctx.Folder().FindInRole("dns_server", log_lines::DnsQuery::Parse))
        if (log_lines::QueriedName(q.line) == host)
            f.evidence.push_back(FromLog(q.log));
    const std::string& detail = ctx.Stage(Stage::Dns).detail;
    const bool nxdomain = detail.find("NXDOMAIN") != std::string::npos;
    f.summary = nxdomain ? "The guests' DNS has no record for " + host +
                               ", the web bridge URL: the browser cannot find the Expressway-E."
                         : "The guests cannot resolve " + host + " (" + detail + ").";
    f.box = "external (public) DNS";
    f.setting = "A record for " + host;
    f.where = "the public DNS zone that guests query for " + host;
    f.should_be = host + " A " + PublicOr(ctx, "the Expressway-E public address") +
                  " (the Expressway-E public, static NAT, address)";
    if (!nxdomain)
        f.also.push_back("check that the guests' DNS server answers (it did not answer with a "
                         "record here)");
    return f;
}

std::optional<Finding> GuestUrlPort(const RuleContext& ctx) {
    if (!Failed(ctx, Stage::Tcp))
        return std::nullopt;
    const std::string target = TargetOf(ctx.Stage(Stage::Tcp).detail);
    const std::string port = PortOf(target);
    if (target.empty() || port == "443")
        return std::nullopt;
    // Only when the Expressway-E shows where its web proxy listens: that is the evidence.
    std::optional<LogLine> listening;
    for (const auto& l :
         ctx.Folder().FindInRole("expressway_e", log_lines::ListeningOnTcp::Parse)) {
        if (l.line.service != log_lines::kWebProxyService)
            continue;
        if (PortOf(l.line.endpoint) == port)
            return std::nullopt;
        if (!listening)
            listening = l.log;
    }
    if (!listening)
        return std::nullopt;
    Finding f;
    f.cause = "guest_url_port";
    f.summary = "The guests' URL " + ctx.Folder().Outcome().guest_view.url + " uses port " + port +
                ", but the Expressway-E web proxy for CMS listens on 443 only.";
    f.box = "Cisco Meeting Server";
    f.setting = "External access: Web Bridge URI (the URL given to guests)";
    f.where = "CMS: Configuration > General > External access, Web Bridge URI";
    f.current = ctx.Folder().Outcome().guest_view.url;
    f.should_be = "https://" + ctx.GuestHost() + " (port 443)";
    f.evidence.push_back(ctx.StageEvidence(Stage::Tcp));
    AddBrowserLine(ctx, f, Stage::Tcp);
    f.evidence.push_back(FromLog(*listening));
    return f;
}

std::optional<Finding> FirewallBlocksWebProxy(const RuleContext& ctx) {
    if (!Failed(ctx, Stage::Tcp))
        return std::nullopt;
    const std::string target = TargetOf(ctx.Stage(Stage::Tcp).detail);
    if (target.empty())
        return std::nullopt;
    std::optional<LogLine> drop;
    for (const auto& d : ctx.FirewallDrops())
        if (!drop && d.line.protocol == "TCP" && d.line.destination == target)
            drop = d.log;
    if (!drop)
        return std::nullopt;
    const std::string port = PortOf(target);
    const std::string address = AddressOf(target);
    Finding f;
    f.cause = "firewall_blocks_web_proxy";
    f.summary = "The edge firewall drops the guest's TCP connection to " + target +
                " (the Expressway-E web proxy): no inbound rule allows it.";
    f.box = "edge firewall (" + drop->node + ")";
    f.setting = "inbound access rule for TCP " + port + " to " + address;
    f.where = "the firewall's inbound rules for the Expressway-E public address";
    f.should_be = "allow TCP " + port + " from any to " + address +
                  " (WebRTC web client over HTTPS, forwarded to the Expressway-E)";
    f.evidence.push_back(ctx.StageEvidence(Stage::Tcp));
    AddBrowserLine(ctx, f, Stage::Tcp);
    f.evidence.push_back(FromLog(*drop));
    for (const std::string& fw : ctx.Folder().NodesWithRole("nat_firewall")) {
        const nlohmann::json& dropped = At(ctx.Folder().Status(fw), "firewall.dropped_inbound");
        if (dropped.is_number_unsigned() && dropped.get<std::uint64_t>() > 0)
            f.evidence.push_back(Evidence::Status("status/" + fw + ".json",
                                                  "firewall.dropped_inbound",
                                                  std::to_string(dropped.get<std::uint64_t>())));
    }
    return f;
}

std::optional<Finding> GuestDnsWrongAddress(const RuleContext& ctx) {
    if (!Failed(ctx, Stage::Tcp))
        return std::nullopt;
    const std::string target = TargetOf(ctx.Stage(Stage::Tcp).detail);
    auto pub = ctx.ExpresswayEPublic();
    if (target.empty() || !pub)
        return std::nullopt;
    const std::string address = AddressOf(target);
    if (address == *pub)
        return std::nullopt;
    for (const std::string& own : ctx.ExpresswayEAddresses())
        if (own == address)
            return std::nullopt;
    const std::string host = ctx.GuestHost();
    Finding f;
    f.cause = "guest_dns_wrong_address";
    f.summary = host + " resolves for the guests to " + address +
                ", which is not the Expressway-E's public address " + *pub + ".";
    f.box = "external (public) DNS";
    f.setting = "A record for " + host;
    f.where = "the public DNS zone that guests query for " + host;
    f.current = host + " A " + address;
    f.should_be = host + " A " + *pub;
    f.evidence.push_back(ctx.StageEvidence(Stage::Dns));
    f.evidence.push_back(ctx.StageEvidence(Stage::Tcp));
    AddBrowserLine(ctx, f, Stage::Tcp);
    for (const std::string& fw : ctx.Folder().NodesWithRole("nat_firewall")) {
        const nlohmann::json& mappings = At(ctx.Folder().Status(fw), "nat.mappings");
        if (!mappings.is_array())
            continue;
        for (std::size_t i = 0; i < mappings.size(); ++i)
            if (StringAt(mappings[i], "outside") == *pub)
                f.evidence.push_back(
                    Evidence::Status("status/" + fw + ".json", Indexed("nat.mappings", i),
                                     StringAt(mappings[i], "inside") + " <-> " + *pub));
    }
    return f;
}

} // namespace cmslab::diagnosis
