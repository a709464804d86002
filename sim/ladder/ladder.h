// The ladder of a run: one arrow per message that matters, across the boxes, in time
// order, built from what a results folder recorded (pcap/<network>.pcap, topology.dot,
// summary.json, the boxes' logs). A packet that a router or the NAT forwards is seen on
// several segments; it is one arrow that keeps each address pair and each sighting
// (capture and frame). No ns-3: it reads files.
//
// HTTP is encrypted in the captures and the lab has no TLS record decryption of its
// own, so the HTTP arrows are the rows the boxes' logs record (Expressway-E's web proxy
// and the guest's browser), marked as such, never drawn from guessed packets;
// `tshark -o tls.keylog_file:sslkeys.log` shows the decrypted requests.
#pragma once

#include "common/address.h"
#include "common/expected.h"
#include "ladder/deployment_map.h"
#include "ladder/packet_messages.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace cmslab::ladder {

// One packet in one capture.
struct Sighting {
    std::string capture; // "pcap/public.pcap"
    std::size_t frame = 0;
    Endpoint src;
    Endpoint dst;
};

struct Arrow {
    double t = 0;     // seconds of simulated time (the first sighting)
    std::string from; // box names, columns of the ladder
    std::string to;
    MessageKind kind = MessageKind::Tcp;
    std::string label;
    bool error = false;
    std::string error_text;
    std::vector<Sighting> seen; // in time order; empty for a log row
    // Address pairs as the packet crossed the segments: more than one when the NAT
    // translated it.
    std::vector<std::string> address_pairs;
    std::string log;        // "logs/vcse.log:16" for an HTTP row read from a log
    std::size_t folded = 0; // RTP: packets of the stream between this arrow and the next shown
    std::string id;         // "a12": the arrow's anchor in report.html
};

struct Column {
    std::string box;
    std::string role;
    std::vector<std::string> addresses; // "inside 198.51.100.1"
};

struct Options {
    bool media = false; // every RTP packet instead of the first and last of each stream
};

struct Ladder {
    std::vector<Column> columns;
    std::vector<Arrow> arrows;
    std::vector<std::string> notes; // what the ladder could not show, and why
    // The arrow that holds this frame of this capture, or nullptr.
    const Arrow* ArrowOfFrame(const std::string& capture, std::size_t frame) const;
};

// Errors: the folder has no summary.json or topology.dot, or no capture can be read.
Expected<Ladder> BuildLadder(const std::string& results_dir, const Options& options = {});

nlohmann::json ToJson(const Ladder& ladder);

} // namespace cmslab::ladder
