// Each rule on crafted results folders: the cause it names, the fix, and the evidence it
// cites; and what must not be taken for a fault.
#include "diagnosis/diagnose.h"
#include "folder_builder.h"
#include "log_lines/browser_lines.h"
#include "log_lines/cms_lines.h"
#include "log_lines/dns_lines.h"
#include "log_lines/expressway_c_lines.h"
#include "log_lines/expressway_e_lines.h"
#include "log_lines/firewall_lines.h"
#include "log_lines/wording_override.h"
#include "support/pcap_writer.h"

#include <gtest/gtest.h>

#include "common/rng.h"

#include <filesystem>
#include <fstream>

namespace cmslab::diagnosis {
namespace {

using test::FolderBuilder;
using test::StunDatagram;
using test::StunSpec;
using namespace log_lines;

const std::string kInside = "192.0.2.10";
const std::string kPublic = "203.0.113.7";
const std::string kGuest = "198.51.100.20";

// The boxes every crafted deployment has: an Expressway-E behind a static NAT.
void Deployment(FolderBuilder& b) {
    b.Status("edge-e", "expressway_e", test::ExpresswayEStatus(kInside));
    b.Status("fw1", "nat_firewall", test::FirewallStatus(kInside, kPublic));
    b.Device("pc", "browser");
}

FirewallDropLine InboundDrop(const std::string& protocol, const std::string& source,
                             const std::string& destination) {
    FirewallDropLine drop;
    drop.protocol = protocol;
    drop.source = source;
    drop.destination = destination;
    return drop;
}

Diagnosis DiagnoseBuilt(FolderBuilder& b) {
    auto d = DiagnoseFolder(b.Write());
    EXPECT_TRUE(d.Ok()) << (d.Ok() ? "" : d.Message());
    return d.Ok() ? *d : Diagnosis{};
}

const Evidence* FindEvidence(const Finding& f, Evidence::Kind kind, const std::string& file) {
    for (const Evidence& e : f.evidence)
        if (e.kind == kind && e.file == file)
            return &e;
    return nullptr;
}

Bytes TurnCapture(std::uint16_t second_error, bool second_integrity = true) {
    testkit::PcapWriter pcap;
    const std::string guest = kGuest + ":50000", server = kPublic + ":3478";
    pcap.Add(StunDatagram(guest, server, {0, 0, false, "", "", 1}));
    pcap.Add(StunDatagram(server, guest, {3, 401, false, "", "lab", 1}));
    pcap.Add(StunDatagram(guest, server, {0, 0, second_integrity, "alice", "lab", 2}));
    pcap.Add(StunDatagram(server, guest, {3, second_error, false, "", "", 2}));
    return pcap.File();
}

TEST(Healthy, AllStagesOkIsHealthyAndTheChallengeIsExpected) {
    FolderBuilder b;
    Deployment(b);
    b.AllOk();
    testkit::PcapWriter pcap;
    pcap.Add(StunDatagram(kGuest + ":50000", kPublic + ":3478", {0, 0, false, "", "", 1}));
    pcap.Add(StunDatagram(kPublic + ":3478", kGuest + ":50000", {3, 401, false, "", "lab", 1}));
    pcap.Add(StunDatagram(kGuest + ":50000", kPublic + ":3478", {0, 0, true, "alice", "lab", 2}));
    pcap.Add(StunDatagram(kPublic + ":3478", kGuest + ":50000", {2, 0, true, "", "", 2}));
    b.Pcap("outside", pcap.File());
    Diagnosis d = DiagnoseBuilt(b);
    EXPECT_TRUE(d.Healthy());
    EXPECT_TRUE(d.causes.empty());
    ASSERT_EQ(d.expected.size(), 1u);
    EXPECT_EQ(d.expected[0].evidence.file, "pcap/outside.pcap");
    EXPECT_EQ(d.expected[0].evidence.packet, 2u);
    EXPECT_NE(d.expected[0].text.find("challenge"), std::string::npos);
    EXPECT_EQ(d.Json()["verdict"], "healthy");
    EXPECT_EQ(d.Json()["text"], d.Text());
    EXPECT_NE(d.Text().find("Healthy"), std::string::npos);
}

TEST(Turn, Error431AfterTheChallengeIsACredentialMismatch) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "Allocate refused").Screen("connecting_timeout", "Meeting");
    b.Status("meeting", "cms",
             {{"cms",
               {{"turn_servers",
                 {{{"id", "abc-123"}, {"username", "alice"}, {"clientAddress", kPublic}}}}}}});
    b.Line("meeting", "Info", "started")
        .Line("meeting", "Warning",
              IceFailure::Format({3, kIceFailureUnauthorized, "unauthorized - check credentials"}));
    b.Pcap("outside", TurnCapture(431));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.verdict, Diagnosis::Verdict::Fault);
    const Finding& f = d.causes.at(0);
    EXPECT_EQ(f.cause, "turn_credentials_mismatch");
    EXPECT_NE(f.where.find("PUT /api/v1/turnServers/abc-123"), std::string::npos);
    EXPECT_NE(f.current.find("alice"), std::string::npos);
    const Evidence* packet = FindEvidence(f, Evidence::Kind::Packet, "pcap/outside.pcap");
    ASSERT_NE(packet, nullptr);
    EXPECT_EQ(packet->packet, 4u);
    EXPECT_NE(packet->text.find("431"), std::string::npos);
    const Evidence* log = FindEvidence(f, Evidence::Kind::Log, "logs/meeting.log");
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->line, 2u);
    // The 401 before it is the challenge, not the fault.
    ASSERT_EQ(d.expected.size(), 1u);
    EXPECT_EQ(d.expected[0].evidence.packet, 2u);
}

TEST(Turn, A401ToAnAuthenticatedAllocateIsARefusalNotAChallenge) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "Allocate refused");
    b.Pcap("outside", TurnCapture(401));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.verdict, Diagnosis::Verdict::Fault);
    EXPECT_EQ(d.causes.at(0).cause, "turn_credentials_mismatch");
    EXPECT_EQ(FindEvidence(d.causes[0], Evidence::Kind::Packet, "pcap/outside.pcap")->packet, 4u);
    ASSERT_EQ(d.expected.size(), 1u);
    EXPECT_EQ(d.expected[0].evidence.packet, 2u);
}

TEST(Turn, OnlyTheChallengeIsNoCredentialFault) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "no answer");
    testkit::PcapWriter pcap;
    pcap.Add(StunDatagram(kGuest + ":50000", kPublic + ":3478", {0, 0, false, "", "", 1}));
    pcap.Add(StunDatagram(kPublic + ":3478", kGuest + ":50000", {3, 401, false, "", "lab", 1}));
    b.Pcap("outside", pcap.File());
    Diagnosis d = DiagnoseBuilt(b);
    EXPECT_EQ(d.verdict, Diagnosis::Verdict::Undetermined);
    EXPECT_TRUE(d.causes.empty());
    EXPECT_FALSE(d.observations.empty());
}

TEST(Turn, ServicesOff) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "no media 30 s after joining");
    b.Status("edge-e", "expressway_e", test::ExpresswayEStatus(kInside, "Off"));
    b.Line("edge-e", "turn", log_lines::TurnServicesOff::Format({}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "turn_services_off");
    EXPECT_EQ(d.causes[0].where, "Expressway-E: Configuration > Traversal > TURN");
    EXPECT_EQ(FindEvidence(d.causes[0], Evidence::Kind::Log, "logs/edge-e.log")->line, 1u);
}

TEST(Turn, FirewallDropsTheAllocate) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "no media 30 s after joining");
    b.Line("pc", "browser", TurnAllocate::Format({kPublic + ":3478", "alice"}));
    b.Line("fw1", "firewall",
           FirewallAccept::Format({"TCP", kGuest + ":1", kPublic + ":443", "rule 1", ""}))
        .Line("fw1", "firewall",
              FirewallDrop::Format(InboundDrop("UDP", kGuest + ":50000", kPublic + ":3478")));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "firewall_blocks_turn");
    EXPECT_NE(d.causes[0].should_be.find("3478"), std::string::npos);
    EXPECT_EQ(FindEvidence(d.causes[0], Evidence::Kind::Log, "logs/fw1.log")->line, 2u);
}

// The folder is written with other wordings for the two lines the rule reads: the rule
// reads them through the same contract, so it still finds the drop.
TEST(Turn, FirewallDropsTheAllocateWhateverTheLinesWording) {
    ScopedWording allocate(Kind::TurnAllocate, "asking {server} for a relay (user {user})");
    ScopedWording drop(Kind::FirewallDroppedInbound,
                       "DENY in {protocol...} src={source} dst={destination}");
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "no media 30 s after joining");
    b.Line("pc", "browser", TurnAllocate::Format({kPublic + ":3478", "alice"}));
    b.Line("fw1", "firewall",
           FirewallDrop::Format(InboundDrop("UDP", kGuest + ":50000", kPublic + ":3478")));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "firewall_blocks_turn");
    const Evidence* cited = FindEvidence(d.causes[0], Evidence::Kind::Log, "logs/fw1.log");
    ASSERT_NE(cited, nullptr);
    EXPECT_NE(cited->text.find("DENY in UDP"), std::string::npos) << cited->text;
}

TEST(Turn, ClientAddressThatIsNotThePublicAddress) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("turn", "no media 30 s after joining");
    b.Line("pc", "browser", TurnAllocate::Format({"203.0.113.99:3478", "alice"}));
    b.Status("meeting", "cms",
             {{"cms",
               {{"turn_servers",
                 {{{"id", "t1"}, {"username", "alice"}, {"clientAddress", "203.0.113.99"}}}}}}});
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "turn_client_address");
    EXPECT_EQ(d.causes[0].current, "203.0.113.99");
    EXPECT_NE(d.causes[0].should_be.find(kPublic), std::string::npos);
    EXPECT_NE(d.causes[0].where.find("clientAddress=" + kPublic), std::string::npos);
}

TEST(Certificate, HostnameMismatchNamesTheMissingSan) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("certificate", "62 hostname mismatch (depth 0, CN = edge.example.net); "
                            "meet.example.net checked against the SAN list the server sent: "
                            "edge.example.net, core.example.net; alert bad_certificate")
        .Screen("certificate_warning", "Your connection is not private",
                "NET::ERR_CERT_COMMON_NAME_INVALID");
    b.Line("pc", "browser", StageFailed::Format({"certificate", "62 hostname mismatch"}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.causes.size(), 1u);
    const Finding& f = d.causes[0];
    EXPECT_EQ(f.cause, "certificate_name_mismatch");
    EXPECT_EQ(f.box, "Expressway-E");
    EXPECT_EQ(f.current, "SAN: edge.example.net, core.example.net");
    EXPECT_NE(f.should_be.find("meet.example.net"), std::string::npos);
    EXPECT_NE(f.where.find("Maintenance > Security > Server certificate"), std::string::npos);
    EXPECT_EQ(FindEvidence(f, Evidence::Kind::Log, "logs/pc.log")->line, 1u);
}

TEST(Certificate, UntrustedIssuer) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("certificate", "20 unable to get local issuer certificate (depth 0, CN = "
                            "edge.example.net); alert unknown_ca")
        .Screen("certificate_warning", "Your connection is not private",
                "NET::ERR_CERT_AUTHORITY_INVALID");
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.causes.size(), 1u);
    EXPECT_EQ(d.causes[0].cause, "certificate_untrusted");
    EXPECT_NE(d.causes[0].should_be.find("trust"), std::string::npos);
}

// A real Chromium gives its net error, not a verify result and no SAN list: the same
// causes, with what it does say.
TEST(Certificate, ChromiumsNetErrorsNameTheSameCauses) {
    const std::pair<const char*, const char*> cases[] = {
        {"net::ERR_CERT_COMMON_NAME_INVALID", "certificate_name_mismatch"},
        {"net::ERR_CERT_AUTHORITY_INVALID", "certificate_untrusted"},
        {"net::ERR_CERT_DATE_INVALID", "certificate_validity"},
    };
    for (const auto& [code, cause] : cases) {
        FolderBuilder b;
        Deployment(b);
        b.FailAt("certificate", std::string("Chromium: ") + code)
            .Screen("certificate_warning", "Your connection is not private",
                    std::string("NET::") + (code + 5));
        Diagnosis d = DiagnoseBuilt(b);
        ASSERT_EQ(d.causes.size(), 1u) << code;
        EXPECT_EQ(d.causes[0].cause, cause) << code;
        EXPECT_EQ(d.causes[0].box, "Expressway-E") << code;
    }
    FolderBuilder other;
    Deployment(other);
    other.FailAt("certificate", "Chromium: net::ERR_CERT_REVOKED");
    EXPECT_TRUE(DiagnoseBuilt(other).causes.empty());
}

TEST(WebProxy, BadRequestForAHostExpresswayCDoesNotAnnounce) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("http", "GET / -> 400 Bad Request").Screen("bad_request", "Bad Request");
    b.Line("edge-e", "webproxy", "web bridge URLs from Expressway-C: inner.example.lan")
        .Line("edge-e", "webproxy",
              RequestRefused::Format({"GET", "/", "meet.example.net", kGuest + ":1",
                                      HostNotLearned::Format({"meet.example.net"})}));
    auto e = test::ExpresswayEStatus(kInside);
    e["expressway_e"]["tunnel"]["web_bridges"] = {"inner.example.lan"};
    b.Status("edge-e", "expressway_e", e);
    b.Status(
        "core-c", "expressway_c",
        {{"expressway_c",
          {{"traversal_zone", {{"name", "Z"}, {"state", "Active"}}},
           {"meeting_server_web_proxy",
            {{"cache",
              {{{"guest_account_client_uri", "inner.example.lan"},
                {"result", CacheResolved::Format({"inner.example.lan", "No changes."})}}}}}}}}});
    b.Line("core-c", "webproxy", CacheResolved::Format({"inner.example.lan", "No changes."}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.causes.size(), 1u);
    const Finding& f = d.causes[0];
    EXPECT_EQ(f.cause, "expressway_c_guest_account_client_uri");
    EXPECT_EQ(f.box, "Expressway-C");
    EXPECT_EQ(f.where,
              "Expressway-C: Configuration > Unified Communications > Cisco Meeting Server");
    EXPECT_EQ(f.current, "inner.example.lan");
    EXPECT_EQ(f.should_be.substr(0, 16), "meet.example.net");
    EXPECT_EQ(FindEvidence(f, Evidence::Kind::Log, "logs/edge-e.log")->line, 2u);
    // Expressway-C's success is listed as not proving health.
    bool noted = false;
    for (const auto& n : d.expected)
        noted = noted || n.evidence.file == "logs/core-c.log";
    EXPECT_TRUE(noted);
}

TEST(WebProxy, BadRequestWithTheTraversalZoneDownBlamesTheZone) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("http", "GET / -> 400 Bad Request");
    b.Line("edge-e", "traversal",
           TraversalFromPeer::Format(
               {TraversalAuthRefused::Format({"Z", TraversalWrongPassword::Format({"zoneuser"})}),
                "x"}))
        .Line("edge-e", "webproxy",
              RequestRefused::Format({"GET", "/", "meet.example.net", "x",
                                      HostNotLearned::Format({"meet.example.net"})}));
    auto e = test::ExpresswayEStatus(kInside);
    e["expressway_e"]["tunnel"] = {{"state", "Inactive"}, {"web_bridges", nlohmann::json::array()}};
    b.Status("edge-e", "expressway_e", e);
    b.Status("core-c", "expressway_c",
             {{"expressway_c",
               {{"traversal_zone",
                 {{"name", "Z"},
                  {"state", "Failed"},
                  {"reason", "401 Unauthorized (authentication failed)"}}},
                {"ssh_tunnels", {{{"domain", "meet.example.net"}, {"status", "Failed"}}}}}}});
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.causes.size(), 1u);
    EXPECT_EQ(d.causes[0].cause, "traversal_zone_down");
    EXPECT_EQ(d.causes[0].where, "Expressway-C: Configuration > Zones > Zones > Z");
    EXPECT_NE(d.causes[0].should_be.find("zoneuser"), std::string::npos);
}

nlohmann::json CmsLinkDown(const std::string& uri, const std::string& host, int port,
                           const std::string& fault) {
    return {{"cms",
             {{"faults", {fault}},
              {"alarms", {"guestAccountConnectionFailure"}},
              {"web_bridge", {{"port", 443}}},
              {"web_bridge_link",
               {{"host", host}, {"port", port}, {"state", "waiting to retry"}, {"uri", uri}}}}}};
}

TEST(WebBridge, UnresolvableGuestAccountClientUri) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("web_bridge", "page \"Meeting\" without Join call")
        .Screen("no_join_button", "Meeting");
    b.Status("meeting", "cms",
             CmsLinkDown("https://wb.example.lan", "wb.example.lan", 443,
                         "Web bridge connection to \"wb.example.lan\" failed (DNS failure)"));
    b.Line("meeting", "Warning", WebBridgeNameResolutionFailed::Format({1, "wb.example.lan"}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    const Finding& f = d.causes[0];
    EXPECT_EQ(f.cause, "cms_guest_account_client_uri_unresolvable");
    EXPECT_NE(f.where.find("Configuration > General"), std::string::npos);
    EXPECT_EQ(f.current, "https://wb.example.lan");
    const Evidence* fault = FindEvidence(f, Evidence::Kind::Status, "status/meeting.json");
    ASSERT_NE(fault, nullptr);
    EXPECT_EQ(fault->path, "cms.faults[0]");
}

TEST(WebBridge, WrongPortInTheGuestAccountClientUri) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("web_bridge", "page \"Meeting\" without Join call");
    b.Status("meeting", "cms",
             CmsLinkDown("https://wb.example.lan:8443", "wb.example.lan", 8443,
                         "Web bridge connection to \"wb.example.lan\" failed (connect failure)"));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "cms_guest_account_client_uri_unreachable");
    EXPECT_EQ(d.causes[0].should_be, "https://wb.example.lan");
}

TEST(WebBridge, WebBridgeRefusesTheCallBridge) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("web_bridge", "page \"Meeting\" without Join call");
    b.Status("meeting", "cms",
             CmsLinkDown("https://wb.example.lan", "wb.example.lan", 443,
                         "Web bridge connection to \"wb.example.lan\" failed (connect failure)"));
    b.Line("meeting", "Warning", WebBridgeTlsFailed::Format({1, "registration refused: HTTP 403"}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "web_bridge_does_not_trust_call_bridge");
    EXPECT_NE(d.causes[0].where.find("webbridge trust"), std::string::npos);
}

TEST(GuestLogin, CallIdNoSpaceHas) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("guest_login", "call ID 4242: POST /api/guest/call -> 403 callNotRecognized (Call "
                            "ID or passcode not recognized)")
        .Screen("join_refused", "Meeting");
    b.Status("meeting", "cms",
             {{"cms", {{"spaces", {{{"callId", "777"}, {"id", "s1"}, {"name", "Room"}}}}}}});
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.causes.size(), 1u);
    EXPECT_EQ(d.causes[0].cause, "guest_call_id_unknown");
    EXPECT_EQ(d.causes[0].current, "4242");
    EXPECT_NE(d.causes[0].should_be.find("777 (Room)"), std::string::npos);
}

TEST(GuestLogin, KnownCallIdRefusedIsThePasscode) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("guest_login", "call ID 777: POST /api/guest/call -> 403 callNotRecognized (Call "
                            "ID or passcode not recognized)");
    b.Status("meeting", "cms",
             {{"cms", {{"spaces", {{{"callId", "777"}, {"id", "s1"}, {"name", "Room"}}}}}}});
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_EQ(d.causes.size(), 1u);
    EXPECT_EQ(d.causes[0].cause, "guest_passcode");
    EXPECT_NE(d.causes[0].where.find("PUT /api/v1/coSpaces/s1"), std::string::npos);
}

TEST(GuestNetwork, NxdomainForTheUrl) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("dns", "meet.example.net: NXDOMAIN from 203.0.113.53:53")
        .Screen("site_unreachable", "This site can't be reached", "DNS_PROBE_FINISHED_NXDOMAIN");
    b.Status("dns-out", "dns_server", {{"dns_server", {{"nxdomain", 1}}}});
    b.Line("dns-out", "queries",
           DnsQuery::Format({"x", "meet.example.net IN A", "UDP", "NXDOMAIN"}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "guest_dns_record");
    EXPECT_EQ(d.causes[0].should_be.substr(0, 30), "meet.example.net A " + kPublic);
    EXPECT_EQ(FindEvidence(d.causes[0], Evidence::Kind::Log, "logs/dns-out.log")->line, 1u);
}

TEST(GuestNetwork, FirewallDropsTheWebProxyConnection) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("tcp", kPublic + ":443 timed out (no answer)");
    b.Line("fw1", "firewall",
           FirewallDrop::Format(InboundDrop("TCP", kGuest + ":1", kPublic + ":443")));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "firewall_blocks_web_proxy");
    EXPECT_NE(d.causes[0].should_be.find("allow TCP 443"), std::string::npos);
}

TEST(GuestNetwork, UrlResolvesToAnotherAddress) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("tcp", "203.0.113.200:443 timed out (no answer)");
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "guest_dns_wrong_address");
    EXPECT_EQ(d.causes[0].should_be, "meet.example.net A " + kPublic);
}

TEST(GuestNetwork, UrlWithAPortTheWebProxyDoesNotServe) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("tcp", kPublic + ":8443 timed out (no answer)").Url("https://meet.example.net:8443");
    b.Line("edge-e", "general", ListeningOnTcp::Format({kWebProxyService, kInside + ":443"}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "guest_url_port");
}

TEST(Media, IceFailureWithoutEvidenceOfACauseIsUndetermined) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("ice", "no media 30 s after joining; the web app gave up");
    b.Line("meeting", "Info", "call 1: allocated")
        .Line("meeting", "Warning", IceFailure::Format({1, 3, "connectivity checks failed"}));
    b.Device("meeting", "cms");
    b.Line("pc", "browser", NotCarriedOut::Format({"StartIce", "ICE, DTLS and media"}));
    Diagnosis d = DiagnoseBuilt(b);
    EXPECT_EQ(d.verdict, Diagnosis::Verdict::Undetermined);
    EXPECT_TRUE(d.causes.empty());
    EXPECT_EQ(d.failed_stage, "ice");
    bool cites_ice = false;
    for (const auto& e : d.observations)
        cites_ice = cites_ice || (e.file == "logs/meeting.log" && e.line == 2);
    EXPECT_TRUE(cites_ice);
    ASSERT_EQ(d.limits.size(), 1u);
    EXPECT_NE(d.limits[0].find("logs/pc.log:1"), std::string::npos);
}

TEST(Media, NatReflectionOffDropsRelayToRelay) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("ice", "no media");
    auto fw = test::FirewallStatus(kInside, kPublic);
    fw["nat"]["reflection"] = false;
    b.Status("fw1", "nat_firewall", fw);
    FirewallDropLine hairpin = InboundDrop("UDP", kInside + ":29906", kPublic + ":24377");
    hairpin.path = FirewallPath::Hairpin;
    b.Line("fw1", "firewall", FirewallDrop::Format(hairpin));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "nat_reflection_off");
    EXPECT_EQ(d.causes[0].current, "off");
    const Evidence* status = FindEvidence(d.causes[0], Evidence::Kind::Status, "status/fw1.json");
    ASSERT_NE(status, nullptr);
    EXPECT_EQ(status->text, "false");
    // The relay-port firewall rule does not take that drop for a missing inbound rule.
    for (const Finding& f : d.causes)
        EXPECT_NE(f.cause, "firewall_blocks_media");
}

TEST(Media, FirewallDropsRelayTraffic) {
    FolderBuilder b;
    Deployment(b);
    b.FailAt("ice", "no media");
    b.Line("fw1", "firewall",
           FirewallDrop::Format(InboundDrop("UDP", kGuest + ":5", kPublic + ":25000")));
    b.Line("edge-e", "turn", TurnRelays::Format({kInside, 24000, 29999, kPublic, "r"}));
    Diagnosis d = DiagnoseBuilt(b);
    ASSERT_FALSE(d.causes.empty());
    EXPECT_EQ(d.causes[0].cause, "firewall_blocks_media");
    EXPECT_NE(d.causes[0].should_be.find("UDP 24000-29999"), std::string::npos);
}

TEST(Folder, UnusableFoldersAreErrors) {
    EXPECT_FALSE(DiagnoseFolder("/nonexistent/cmslab-diag").Ok());
    testkit::TempDir dir("cmslab-diag");
    EXPECT_FALSE(DiagnoseFolder(dir.Path()).Ok()); // no summary.json
    dir.Write("summary.json", "{not json");
    EXPECT_FALSE(DiagnoseFolder(dir.Path()).Ok());
    dir.Write("summary.json", "{\"stages\": {}}");
    auto d = DiagnoseFolder(dir.Path());
    ASSERT_FALSE(d.Ok());
    EXPECT_NE(d.Message().find("stages."), std::string::npos);
}

// Damaged logs, status pages and captures beside a valid summary: every stage failing in
// turn, with random bytes, truncated JSON and truncated captures. The diagnosis must
// come back (saying less), never crash.
TEST(Folder, GarbageFilesNeverCrash) {
    Rng rng = Rng(7).Fork("diagnosis-garbage");
    const std::vector<std::string> stages = {"dns",  "tcp",        "tls",         "certificate",
                                             "http", "web_bridge", "guest_login", "turn",
                                             "ice",  "dtls",       "media"};
    const std::string valid_status = test::ExpresswayEStatus(kInside).dump();
    const Bytes valid_pcap = TurnCapture(431);
    for (int i = 0; i < 66; ++i) {
        FolderBuilder b;
        b.FailAt(stages[i % stages.size()], kPublic + ":443 timed out; 62 hostname mismatch 400");
        const std::string dir = b.Write();
        auto random_text = [&](std::size_t n) {
            std::string t(n, '\0');
            for (auto& c : t)
                c = static_cast<char>(rng.U32());
            return t;
        };
        std::ofstream(dir + "/logs/edge-e.log")
            << random_text(rng.Uniform(0, 400)) << "\nturn: 431 "
            << "Request refused Host: x TURN Allocate at \n";
        std::ofstream(dir + "/status/edge-e.json")
            << (i % 2 ? valid_status.substr(0, rng.Uniform(0, valid_status.size()))
                      : random_text(rng.Uniform(0, 200)));
        std::ofstream(dir + "/status/fw1.json")
            << R"({"role":"nat_firewall","nat":{"mappings":[{"inside":1,"outside":[]}]}})";
        std::ofstream(dir + "/status/meeting.json")
            << R"({"role":"cms","cms":{"faults":[3,"Web bridge connection"],"web_bridge_link":[],)"
            << R"("turn_servers":"none"}})";
        Bytes pcap = valid_pcap;
        pcap.resize(rng.Uniform(0, pcap.size()));
        if (!pcap.empty() && i % 3 == 0)
            pcap[rng.Uniform(0, pcap.size() - 1)] ^= 0xff;
        std::ofstream(dir + "/pcap/outside.pcap", std::ios::binary)
            .write(reinterpret_cast<const char*>(pcap.data()),
                   static_cast<std::streamsize>(pcap.size()));
        std::ofstream(dir + "/pcap/noise.pcap") << random_text(rng.Uniform(0, 100));
        std::filesystem::create_directories(dir + "/pcap/folder.pcap");
        auto d = DiagnoseFolder(dir);
        ASSERT_TRUE(d.Ok()) << d.Message();
        EXPECT_FALSE(d->Text().empty());
        EXPECT_EQ(d->failed_stage, stages[i % stages.size()]);
    }
}

TEST(Folder, WriteDiagnosisKeepsTheSummaryAndAddsTheDiagnosis) {
    FolderBuilder b;
    Deployment(b);
    b.AllOk();
    b.Summary()["zz_last"] = 1;
    const std::string dir = b.Write();
    auto d = WriteDiagnosis(dir);
    ASSERT_TRUE(d.Ok()) << d.Message();
    std::ifstream in(dir + "/summary.json");
    auto summary = nlohmann::ordered_json::parse(in);
    EXPECT_EQ(summary["diagnosis"]["verdict"], "healthy");
    EXPECT_EQ(summary["zz_last"], 1);
    EXPECT_EQ(summary.begin().key(), "devices"); // nlohmann::json wrote keys sorted
    EXPECT_EQ((--summary.end()).key(), "diagnosis");
}

} // namespace
} // namespace cmslab::diagnosis
