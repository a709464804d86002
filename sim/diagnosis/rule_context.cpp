#include "diagnosis/rule_context.h"

#include <deque>
#include <memory>
#include <set>

namespace cmslab::diagnosis {

Evidence FromLog(const LogLine& line) {
    return Evidence::LogLine(line.file, line.line, line.text);
}

std::string AddressOf(const std::string& endpoint) {
    const std::size_t colon = endpoint.rfind(':');
    return colon == std::string::npos ? endpoint : endpoint.substr(0, colon);
}

std::string PortOf(const std::string& endpoint) {
    const std::size_t colon = endpoint.rfind(':');
    return colon == std::string::npos ? std::string() : endpoint.substr(colon + 1);
}

std::string Indexed(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

RuleContext::RuleContext(const ResultsFolder& folder) : m_folder(folder) {}

Evidence RuleContext::StageEvidence(outcome::Stage stage) const {
    const auto& record = Stage(stage);
    return Evidence::Summary(std::string("stages.") + outcome::StageKey(stage),
                             std::string(outcome::StageStatusName(record.status)) +
                                 (record.detail.empty() ? "" : ": " + record.detail));
}

std::string RuleContext::GuestHost() const {
    std::string url = m_folder.Outcome().guest_view.url;
    if (url.empty())
        url = StringAt(m_folder.Summary(), "guest_view.url");
    auto scheme = url.find("://");
    if (scheme != std::string::npos)
        url = url.substr(scheme + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (!url.empty() && url.front() != '[')
        url = url.substr(0, url.find(':'));
    return url;
}

std::vector<std::string> RuleContext::ExpresswayEAddresses() const {
    std::set<std::string> out;
    for (const std::string& node : m_folder.NodesWithRole("expressway_e")) {
        const nlohmann::json& listening = At(m_folder.Status(node), "expressway_e.turn.listening");
        for (const char* transport : {"udp", "tcp"}) {
            const nlohmann::json& list = At(listening, transport);
            if (!list.is_array())
                continue;
            for (const auto& e : list)
                if (e.is_string())
                    out.insert(AddressOf(e.get<std::string>()));
        }
        // The web proxy's listeners name the addresses too, when TURN is off.
        for (const auto& f : m_folder.Find(node, log_lines::ListeningOnTcp::Parse))
            if (f.line.service == log_lines::kWebProxyService)
                out.insert(AddressOf(f.line.endpoint));
    }
    return {out.begin(), out.end()};
}

std::optional<std::string> RuleContext::ExpresswayEPublic() const {
    const auto own = ExpresswayEAddresses();
    for (const std::string& fw : m_folder.NodesWithRole("nat_firewall")) {
        const nlohmann::json& mappings = At(m_folder.Status(fw), "nat.mappings");
        if (!mappings.is_array())
            continue;
        for (const auto& m : mappings) {
            const std::string inside = StringAt(m, "inside");
            for (const std::string& a : own)
                if (a == inside && !StringAt(m, "outside").empty())
                    return StringAt(m, "outside");
        }
    }
    for (const std::string& node : m_folder.NodesWithRole("expressway_e")) {
        if (auto f = m_folder.First(node, log_lines::TurnRelays::Parse))
            if (!f->line.advertised.empty())
                return f->line.advertised;
    }
    return std::nullopt;
}

std::optional<LogLine> RuleContext::BrowserFailedLine(outcome::Stage stage) const {
    for (const auto& f : m_folder.FindInRole("browser", log_lines::StageFailed::Parse))
        if (f.line.stage == outcome::StageKey(stage))
            return f.log;
    return std::nullopt;
}

std::vector<Found<log_lines::FirewallDropLine>> RuleContext::FirewallDrops() const {
    return m_folder.FindInRole("nat_firewall", log_lines::FirewallDrop::Parse);
}

const std::vector<CaptureStun>& RuleContext::Stun() const {
    if (!m_stun) {
        m_stun.emplace();
        // One packet at a time: a long call's captures are never held whole.
        for (const std::string& rel : m_folder.Captures()) {
            auto reader = PcapReader::OpenFile(m_folder.Dir() + "/" + rel);
            if (!reader)
                continue;
            CaptureStun capture{rel, {}};
            while (auto packet = reader->Next())
                if (auto stun = StunIn(*packet))
                    capture.messages.push_back(std::move(*stun));
            m_stun->push_back(std::move(capture));
        }
    }
    return *m_stun;
}

const std::vector<StreamPath>& RuleContext::MediaPaths() const {
    if (!m_media_paths) {
        // Each capture read a packet at a time: the tracer holds what has not settled
        // yet, never a capture's worth of packets.
        std::vector<std::string> files;
        std::vector<SightingSource> sources;
        for (const std::string& rel : m_folder.Captures()) {
            auto reader = PcapReader::OpenFile(m_folder.Dir() + "/" + rel);
            if (!reader)
                continue;
            files.push_back(rel);
            sources.push_back(
                [reader = std::make_shared<PcapReader>(std::move(*reader)),
                 pending =
                     std::make_shared<std::deque<RtpSighting>>()]() -> std::optional<RtpSighting> {
                    std::vector<RtpSighting> found; // the sightings of one packet
                    while (pending->empty()) {
                        auto packet = reader->Next();
                        if (!packet)
                            return std::nullopt;
                        found.clear();
                        CollectRtp(*packet, found);
                        pending->assign(found.begin(), found.end());
                    }
                    RtpSighting s = pending->front();
                    pending->pop_front();
                    return s;
                });
        }
        m_media_paths = TraceStreams(std::move(files), std::move(sources));
    }
    return *m_media_paths;
}

} // namespace cmslab::diagnosis
