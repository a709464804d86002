#include "diagnosis/diagnosis.h"

#include <sstream>

namespace cmslab::diagnosis {

Evidence Evidence::LogLine(std::string file, std::size_t line, std::string text) {
    Evidence e;
    e.kind = Kind::Log;
    e.file = std::move(file);
    e.line = line;
    e.text = std::move(text);
    return e;
}

Evidence Evidence::Status(std::string file, std::string path, std::string text) {
    Evidence e;
    e.kind = Kind::Status;
    e.file = std::move(file);
    e.path = std::move(path);
    e.text = std::move(text);
    return e;
}

Evidence Evidence::Packet(std::string file, std::size_t number, std::string text) {
    Evidence e;
    e.kind = Kind::Packet;
    e.file = std::move(file);
    e.packet = number;
    e.text = std::move(text);
    return e;
}

Evidence Evidence::Summary(std::string path, std::string text) {
    Evidence e;
    e.kind = Kind::Summary;
    e.file = "summary.json";
    e.path = std::move(path);
    e.text = std::move(text);
    return e;
}

std::string Evidence::Where() const {
    switch (kind) {
    case Kind::Log:
        return file + ":" + std::to_string(line);
    case Kind::Packet:
        return file + " packet " + std::to_string(packet);
    case Kind::Status:
    case Kind::Summary:
        return file + " " + path;
    }
    return file;
}

nlohmann::ordered_json Evidence::Json() const {
    nlohmann::ordered_json j;
    switch (kind) {
    case Kind::Log:
        j["log"] = file;
        j["line"] = line;
        break;
    case Kind::Packet:
        j["pcap"] = file;
        j["packet"] = packet;
        break;
    case Kind::Status:
        j["status"] = file;
        j["path"] = path;
        break;
    case Kind::Summary:
        j["summary"] = path;
        break;
    }
    j["text"] = text;
    return j;
}

nlohmann::ordered_json Finding::Json() const {
    nlohmann::ordered_json j;
    j["cause"] = cause;
    j["summary"] = summary;
    nlohmann::ordered_json fix;
    fix["box"] = box;
    fix["setting"] = setting;
    fix["where"] = where;
    if (!current.empty())
        fix["current"] = current;
    fix["should_be"] = should_be;
    if (!also.empty())
        fix["also"] = also;
    j["fix"] = fix;
    j["evidence"] = nlohmann::ordered_json::array();
    for (const Evidence& e : evidence)
        j["evidence"].push_back(e.Json());
    return j;
}

const char* VerdictName(Diagnosis::Verdict verdict) {
    switch (verdict) {
    case Diagnosis::Verdict::Healthy:
        return "healthy";
    case Diagnosis::Verdict::Fault:
        return "fault";
    case Diagnosis::Verdict::Undetermined:
        return "undetermined";
    }
    return "undetermined";
}

nlohmann::ordered_json Diagnosis::Json() const {
    nlohmann::ordered_json j;
    j["verdict"] = VerdictName(verdict);
    if (!failed_stage.empty())
        j["failed_stage"] = failed_stage;
    if (!symptom.empty())
        j["symptom"] = symptom;
    j["causes"] = nlohmann::ordered_json::array();
    for (const Finding& f : causes)
        j["causes"].push_back(f.Json());
    if (!observations.empty()) {
        j["observations"] = nlohmann::ordered_json::array();
        for (const Evidence& e : observations)
            j["observations"].push_back(e.Json());
    }
    j["expected"] = nlohmann::ordered_json::array();
    for (const ExpectedNote& n : expected) {
        nlohmann::ordered_json note;
        note["text"] = n.text;
        note["evidence"] = n.evidence.Json();
        j["expected"].push_back(note);
    }
    if (!limits.empty())
        j["limits"] = limits;
    // The same as a person reads it at a terminal, for tools that only print.
    j["text"] = Text();
    return j;
}

std::string Diagnosis::Text() const {
    std::ostringstream os;
    switch (verdict) {
    case Verdict::Healthy:
        os << "Healthy: every stage of the guest join succeeded.\n";
        break;
    case Verdict::Fault:
        os << "Fault: " << symptom << "\n";
        break;
    case Verdict::Undetermined:
        os << "Undetermined: " << symptom << "\n";
        break;
    }
    for (std::size_t i = 0; i < causes.size(); ++i) {
        const Finding& f = causes[i];
        os << "\n" << (i == 0 ? "Root cause" : "Also") << ": " << f.summary << "\n";
        os << "  Fix on " << f.box << ": " << f.setting << "\n";
        os << "    where:     " << f.where << "\n";
        if (!f.current.empty())
            os << "    now:       " << f.current << "\n";
        os << "    should be: " << f.should_be << "\n";
        for (const std::string& a : f.also)
            os << "    also:      " << a << "\n";
        os << "  Evidence:\n";
        for (const Evidence& e : f.evidence)
            os << "    " << e.Where() << ": " << e.text << "\n";
    }
    if (!observations.empty()) {
        os << "\nWhat the run shows:\n";
        for (const Evidence& e : observations)
            os << "    " << e.Where() << ": " << e.text << "\n";
    }
    if (!limits.empty()) {
        os << "\nNot carried out by the lab:\n";
        for (const std::string& l : limits)
            os << "    " << l << "\n";
    }
    if (!expected.empty()) {
        os << "\nExpected, not a fault:\n";
        for (const ExpectedNote& n : expected)
            os << "    " << n.text << " (" << n.evidence.Where() << ")\n";
    }
    return os.str();
}

} // namespace cmslab::diagnosis
