#include "results_writer.h"

#include "nat_firewall_engine.h"
#include "network_check.h"

#include <ctime>
#include <filesystem>
#include <fstream>

namespace cmslab::network {

namespace {

namespace fs = std::filesystem;

bool WriteJson(const fs::path& path, const nlohmann::json& value) {
    std::ofstream out(path, std::ios::out | std::ios::trunc);
    out << value.dump(2) << '\n';
    out.close();
    return static_cast<bool>(out);
}

} // namespace

std::string IsoUtc(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

nlohmann::json Summary(const World& world, const std::string& out_dir) {
    using nlohmann::json;
    const scenario::Scenario& s = world.Scenario();
    json captures = json::object();
    for (const auto& [network, path] : world.PcapFiles())
        captures[network] = fs::relative(path, out_dir).string();
    json logs = json::object();
    for (const auto& [node, path] : world.LogFiles())
        logs[node] = fs::relative(path, out_dir).string();
    json status = json::object();
    json devices = json::object();
    json not_simulated = json::array();
    for (const scenario::Node& node : s.nodes) {
        auto it = world.Devices().find(node.name);
        if (it != world.Devices().end()) {
            devices[node.name] = it->second;
        } else if (node.role != "router") {
            // Routers are the network itself; every other role is a device model to come.
            not_simulated.push_back({{"node", node.name}, {"role", node.role}});
        }
    }
    for (const std::string& node : world.StatusNodes())
        status[node] = "status/" + FileNameFor(node) + ".json";
    json nat = json::object();
    for (const std::string& node : world.NatFirewallNodes()) {
        const devices::NatCounters& c = world.NatFirewall(node)->Counters();
        nat[node] = {{"translated_inbound", c.translated_inbound},
                     {"translated_outbound", c.translated_outbound},
                     {"reflected", c.reflected},
                     {"dropped_inbound", c.dropped_inbound},
                     {"dropped_outbound", c.dropped_outbound},
                     {"dropped_flows", c.dropped_flows},
                     {"malformed", c.malformed}};
    }
    return {{"scenario", s.name},
            {"source", s.source_path},
            {"source_sha256", s.source_sha256},
            {"description", s.description},
            {"seed", world.Seed()},
            {"start_time", IsoUtc(world.EpochUnixSeconds())},
            {"simulated_duration_s", world.NowSeconds()},
            {"captures", captures},
            {"logs", logs},
            {"status", status},
            {"devices", devices},
            {"not_simulated", not_simulated},
            {"nat_firewalls", nat}};
}

Expected<std::vector<std::string>> WriteStatusPages(const World& world, const std::string& out_dir,
                                                    const std::string& moment) {
    std::error_code ec;
    const fs::path status_dir = fs::path(out_dir) / "status";
    fs::create_directories(status_dir, ec);
    if (ec)
        return Error{"cannot create " + status_dir.string() + ": " + ec.message()};
    std::vector<std::string> written;
    for (const std::string& node : world.StatusNodes()) {
        const std::string name = FileNameFor(node) + (moment.empty() ? "" : "@" + moment) + ".json";
        if (!WriteJson(status_dir / name, world.Status(node)))
            return Error{"cannot write " + (status_dir / name).string()};
        written.push_back("status/" + name);
    }
    return written;
}

Expected<nlohmann::json> WriteResults(const World& world, const std::string& out_dir) {
    auto pages = WriteStatusPages(world, out_dir);
    if (!pages)
        return pages.Err();
    nlohmann::json summary = Summary(world, out_dir);
    const fs::path path = fs::path(out_dir) / "summary.json";
    if (!WriteJson(path, summary))
        return Error{"cannot write " + path.string()};
    return summary;
}

} // namespace cmslab::network
