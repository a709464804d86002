// One capture of a results folder read for the ladder a packet at a time: the packets
// that say something (CaptureDecoder's messages), each as a sighting with what a router
// or the NAT leaves unchanged, and the capture's request/answer pairing kept until the
// end, when whether a request was answered is known. Reading a long call this way takes
// the memory of one frame, not of the capture.
#pragma once

#include "common/address.h"
#include "common/expected.h"
#include "diagnosis/pcap_reader.h"
#include "ladder/packet_messages.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace cmslab::ladder::detail {

// A packet seen in one capture, with what it says.
struct Candidate {
    double t = 0;            // seconds since the run's start
    std::size_t capture = 0; // the capture's index in the folder's list
    std::size_t frame = 0;   // 1-based, as Wireshark numbers it
    Endpoint src;            // port 0 for a packet that is not UDP or TCP
    Endpoint dst;
    std::vector<Message> messages;
    // What a router or the NAT does not change: the same packet on another segment
    // (IP protocol, identification, ports, TCP sequence, a hash of the payload).
    std::tuple<std::uint8_t, std::uint16_t, std::uint16_t, std::uint16_t, std::uint32_t,
               std::size_t>
        key;
    // The transaction of the (last) request the packet carries, "" for none.
    std::string request;
};

class CaptureCursor {
  public:
    // Errors: the file cannot be opened as a capture (the reader's message).
    static Expected<CaptureCursor> Open(const std::string& path, std::size_t index,
                                        double start_epoch);

    // The next packet that says something, nullopt once the capture has ended.
    const std::optional<Candidate>& Peek() const { return m_next; }
    Candidate Take();

    // Once the capture has ended: whether it showed an answer to `request`, and how
    // often it showed the request.
    bool Answered(const std::string& request) const { return m_answered.count(request) != 0; }
    std::size_t TimesSent(const std::string& request) const;
    // Why the reading stopped early, "" when the capture ended where its file does.
    const std::string& Truncated() const { return m_reader.Truncated(); }
    bool ShowedAny() const { return m_showed_any; }

  private:
    CaptureCursor(diagnosis::PcapReader reader, std::size_t index, double start_epoch);
    void Advance();

    diagnosis::PcapReader m_reader;
    std::size_t m_index;
    double m_start_epoch;
    CaptureDecoder m_decoder;
    std::optional<Candidate> m_next;
    bool m_showed_any = false;
    std::set<std::string> m_answered;
    std::map<std::string, std::size_t> m_requests;
};

} // namespace cmslab::ladder::detail
