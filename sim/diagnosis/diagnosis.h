// What `cmslab diagnose` concludes from a results folder, and summary.json's
// "diagnosis": healthy, or the root cause in the product's terms (the setting, where it
// is set, the value it should have) with the evidence a person can open (a log line, a
// status page entry, a packet of a capture), and the things that look like errors but
// are normal (the first 401 on a TURN Allocate).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace cmslab::diagnosis {

struct Evidence {
    enum class Kind { Log, Status, Packet, Summary };
    Kind kind = Kind::Summary;
    std::string file;       // relative to the results folder: "logs/cms.log", "pcap/public.pcap"
    std::size_t line = 0;   // Log: 1-based line
    std::size_t packet = 0; // Packet: 1-based frame number, as Wireshark counts
    std::string path;       // Status, Summary: the JSON path ("cms.faults[0]")
    std::string text;       // what is there (the log line, the value, the packet's summary)

    static Evidence LogLine(std::string file, std::size_t line, std::string text);
    static Evidence Status(std::string file, std::string path, std::string text);
    static Evidence Packet(std::string file, std::size_t number, std::string text);
    static Evidence Summary(std::string path, std::string text);

    // "logs/cms.log:12", "status/cms.json cms.faults[0]", "pcap/public.pcap packet 30",
    // "summary.json stages.turn".
    std::string Where() const;
    nlohmann::ordered_json Json() const;
};

// A root cause: what is wrong, on which box, and how to fix it there.
struct Finding {
    std::string cause;     // stable identifier: "turn_credentials_mismatch", ...
    std::string summary;   // one sentence: what is wrong and what it does
    std::string box;       // the product whose setting is wrong: "Cisco Meeting Server", ...
    std::string setting;   // the setting, as the product names it
    std::string where;     // menu path, API call or command that changes it
    std::string current;   // the value the run shows ("" when the run does not show it)
    std::string should_be; // the value it should have
    std::vector<std::string> also; // other ways to the same fix, or a second step
    std::vector<Evidence> evidence;
    nlohmann::ordered_json Json() const;
};

// Something that looks like an error but is part of the normal exchange.
struct ExpectedNote {
    std::string text;
    Evidence evidence;
};

struct Diagnosis {
    enum class Verdict { Healthy, Fault, Undetermined };
    Verdict verdict = Verdict::Undetermined;
    // The guest's experience: first failed stage and screen ("" when healthy).
    std::string failed_stage;
    std::string symptom;
    std::vector<Finding> causes;        // root cause first
    std::vector<Evidence> observations; // Undetermined: what the run does show
    std::vector<ExpectedNote> expected;
    std::vector<std::string> limits; // what the lab did not carry out that matters here

    bool Healthy() const { return verdict == Verdict::Healthy; }
    // Ends with "text": Text(), for tools that only print it.
    nlohmann::ordered_json Json() const;
    // For a person at a terminal: a few lines, the fix first.
    std::string Text() const;
};

const char* VerdictName(Diagnosis::Verdict verdict); // "healthy", "fault", "undetermined"

} // namespace cmslab::diagnosis
