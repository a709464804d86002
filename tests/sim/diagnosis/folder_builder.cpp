#include "folder_builder.h"

#include "box_log_line.h"
#include "common/address.h"
#include "stun/message.h"
#include "support/pcap_writer.h"

#include <filesystem>
#include <fstream>

namespace cmslab::diagnosis::test {

namespace {

const std::vector<std::string> kStages = {"dns",  "tcp",        "tls",         "certificate",
                                          "http", "web_bridge", "guest_login", "turn",
                                          "ice",  "dtls",       "media"};

Endpoint Ep(const std::string& text) {
    auto colon = text.rfind(':');
    return Endpoint{*IpAddress::Parse(text.substr(0, colon)),
                    static_cast<std::uint16_t>(std::stoi(text.substr(colon + 1)))};
}

} // namespace

FolderBuilder::FolderBuilder() : m_dir("cmslab-diag") {
    m_summary["scenario"] = "crafted";
    m_summary["seed"] = 1;
    for (const auto& s : kStages)
        m_summary["stages"][s] = {{"status", "not_reached"}, {"t_ms", nullptr}, {"detail", ""}};
    m_summary["guest_view"] = {{"screen", "blank"},
                               {"url", "https://meet.example.net"},
                               {"security", ""},
                               {"title", ""},
                               {"text", ""},
                               {"error_code", ""},
                               {"buttons", nlohmann::json::array()}};
    m_summary["media"] = {{"protection", ""},
                          {"sent", {{"packets", 0}, {"bytes", 0}}},
                          {"received", {{"packets", 0}, {"bytes", 0}}}};
    m_summary["devices"] = nlohmann::json::object();
}

FolderBuilder& FolderBuilder::Stage(const std::string& stage, const std::string& status,
                                    const std::string& detail) {
    m_summary["stages"][stage] = {
        {"status", status},
        {"t_ms", status == "not_reached" ? nlohmann::json() : nlohmann::json(1000.0)},
        {"detail", detail}};
    return *this;
}

FolderBuilder& FolderBuilder::FailAt(const std::string& stage, const std::string& detail) {
    bool before = true;
    for (const auto& s : kStages) {
        if (s == stage) {
            Stage(s, "failed", detail);
            before = false;
        } else if (before) {
            Stage(s, "ok", "fine");
        } else {
            Stage(s, "not_reached", "");
        }
    }
    return *this;
}

FolderBuilder& FolderBuilder::AllOk() {
    for (const auto& s : kStages)
        Stage(s, "ok", "fine");
    return Screen("in_call", "Meeting");
}

FolderBuilder& FolderBuilder::Screen(const std::string& screen, const std::string& title,
                                     const std::string& error_code) {
    m_summary["guest_view"]["screen"] = screen;
    m_summary["guest_view"]["title"] = title;
    m_summary["guest_view"]["error_code"] = error_code;
    return *this;
}

FolderBuilder& FolderBuilder::Url(const std::string& url) {
    m_summary["guest_view"]["url"] = url;
    return *this;
}

FolderBuilder& FolderBuilder::Log(const std::string& node, const std::vector<std::string>& lines) {
    auto& log = m_logs[node];
    log.insert(log.end(), lines.begin(), lines.end());
    return *this;
}

FolderBuilder& FolderBuilder::Line(const std::string& node, const std::string& component,
                                   const std::string& text) {
    return Log(node, {devices::FormatBoxLogLine({"2017-01-01 00:00:01.000", component, text})});
}

FolderBuilder& FolderBuilder::Status(const std::string& node, const std::string& role,
                                     const nlohmann::json& body) {
    nlohmann::json page = {{"node", node}, {"role", role}};
    for (auto it = body.begin(); it != body.end(); ++it)
        page[it.key()] = it.value();
    m_status[node] = page;
    return Device(node, role);
}

FolderBuilder& FolderBuilder::Device(const std::string& node, const std::string& role) {
    m_summary["devices"][node] = {role};
    return *this;
}

FolderBuilder& FolderBuilder::Pcap(const std::string& name, const Bytes& file) {
    m_pcaps[name] = file;
    return *this;
}

std::string FolderBuilder::Write() {
    namespace fs = std::filesystem;
    const fs::path root = m_dir.Path();
    fs::create_directories(root / "logs");
    fs::create_directories(root / "status");
    fs::create_directories(root / "pcap");
    std::ofstream(root / "summary.json") << m_summary.dump(2);
    for (const auto& [node, lines] : m_logs) {
        std::ofstream out(root / "logs" / (node + ".log"));
        for (const auto& l : lines)
            out << l << "\n";
    }
    for (const auto& [node, page] : m_status)
        std::ofstream(root / "status" / (node + ".json")) << page.dump(2);
    for (const auto& [name, bytes] : m_pcaps) {
        std::ofstream out(root / "pcap" / (name + ".pcap"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    }
    return m_dir.Path();
}

Bytes StunDatagram(const std::string& from, const std::string& to, const StunSpec& spec) {
    stun::TransactionId id{};
    id.fill(spec.id);
    stun::Message m(static_cast<stun::Class>(spec.cls), stun::method::kAllocate, id);
    if (spec.cls == 0)
        m.AddRequestedTransport(stun::kProtocolUdp);
    if (!spec.username.empty())
        m.AddUsername(spec.username);
    if (!spec.realm.empty())
        m.AddRealm(spec.realm);
    if (!spec.realm.empty())
        m.AddNonce("abcdef");
    if (spec.error)
        m.AddErrorCode(spec.error);
    stun::EncodeOptions options;
    if (spec.integrity)
        options.integrity_key = Bytes(16, 0x11);
    options.fingerprint = true;
    return testkit::Ipv4Udp(Ep(from), Ep(to), m.Encode(options));
}

nlohmann::json ExpresswayEStatus(const std::string& inside, const std::string& services) {
    return {{"expressway_e",
             {{"turn",
               {{"services", services},
                {"listening", {{"udp", {inside + ":3478"}}, {"tcp", {inside + ":3478"}}}},
                {"counters", {{"integrity_failures", 0}}}}},
              {"tunnel", {{"state", "Active"}, {"web_bridges", {"meet.example.net"}}}}}}};
}

nlohmann::json FirewallStatus(const std::string& inside, const std::string& outside) {
    return {{"firewall", {{"dropped_inbound", 0}}},
            {"nat", {{"mappings", {{{"inside", inside}, {"outside", outside}}}}}}};
}

} // namespace cmslab::diagnosis::test
