// RTCP sender reports (RFC 3550 6.4.1), the report a sender of media emits every few
// seconds; enough for a lab that shows media flowing.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"

#include <cstdint>
#include <vector>

namespace cmslab::rtp {

constexpr std::uint8_t kRtcpSenderReport = 200;

struct ReportBlock {
    std::uint32_t ssrc = 0;
    std::uint8_t fraction_lost = 0;
    std::int32_t cumulative_lost = 0; // 24-bit signed on the wire
    std::uint32_t highest_sequence = 0;
    std::uint32_t jitter = 0;
    std::uint32_t last_sr = 0;
    std::uint32_t delay_since_last_sr = 0;
    bool operator==(const ReportBlock& o) const {
        return ssrc == o.ssrc && fraction_lost == o.fraction_lost &&
               cumulative_lost == o.cumulative_lost && highest_sequence == o.highest_sequence &&
               jitter == o.jitter && last_sr == o.last_sr &&
               delay_since_last_sr == o.delay_since_last_sr;
    }
};

struct SenderReport {
    std::uint32_t ssrc = 0;
    std::uint64_t ntp_timestamp = 0; // 32.32 fixed point seconds since 1900
    std::uint32_t rtp_timestamp = 0;
    std::uint32_t packet_count = 0;
    std::uint32_t octet_count = 0;
    std::vector<ReportBlock> reports; // at most 31
    bool operator==(const SenderReport& o) const {
        return ssrc == o.ssrc && ntp_timestamp == o.ntp_timestamp &&
               rtp_timestamp == o.rtp_timestamp && packet_count == o.packet_count &&
               octet_count == o.octet_count && reports == o.reports;
    }
};

// Fails for more than 31 report blocks or a cumulative loss outside 24 bits.
Expected<Bytes> EncodeSenderReport(const SenderReport& report);
// Decodes the first packet of a (possibly compound) RTCP datagram, which must be an SR;
// what follows it is ignored. Fails on version, type, length or truncation.
Expected<SenderReport> DecodeSenderReport(ByteView data);

} // namespace cmslab::rtp
