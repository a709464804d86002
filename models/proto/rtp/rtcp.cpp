#include "rtcp.h"

namespace cmslab::rtp {

namespace {

constexpr std::size_t kSenderInfoWords = 6; // SSRC + sender info, after the 4-byte header
constexpr std::size_t kReportBlockWords = 6;

} // namespace

Expected<Bytes> EncodeSenderReport(const SenderReport& sr) {
    if (sr.reports.size() > 31)
        return Error{"more than 31 report blocks"};
    ByteWriter w;
    w.U8(static_cast<std::uint8_t>((2 << 6) | sr.reports.size()));
    w.U8(kRtcpSenderReport);
    w.U16(static_cast<std::uint16_t>(kSenderInfoWords + kReportBlockWords * sr.reports.size()));
    w.U32(sr.ssrc);
    w.U64(sr.ntp_timestamp);
    w.U32(sr.rtp_timestamp);
    w.U32(sr.packet_count);
    w.U32(sr.octet_count);
    for (const auto& b : sr.reports) {
        if (b.cumulative_lost < -0x800000 || b.cumulative_lost > 0x7fffff)
            return Error{"cumulative loss does not fit 24 bits"};
        w.U32(b.ssrc);
        w.U32((std::uint32_t{b.fraction_lost} << 24) |
              (static_cast<std::uint32_t>(b.cumulative_lost) & 0xffffff));
        w.U32(b.highest_sequence);
        w.U32(b.jitter);
        w.U32(b.last_sr);
        w.U32(b.delay_since_last_sr);
    }
    return w.Take();
}

Expected<SenderReport> DecodeSenderReport(ByteView data) {
    ByteReader r(data);
    std::uint8_t b0 = 0, pt = 0;
    std::uint16_t words = 0;
    if (!r.U8(b0) || !r.U8(pt) || !r.U16(words))
        return Error{"RTCP packet shorter than its header"};
    if ((b0 >> 6) != 2)
        return Error{"RTCP version " + std::to_string(b0 >> 6) + ", expected 2"};
    if (pt != kRtcpSenderReport)
        return Error{"RTCP packet type " + std::to_string(pt) + " is not a sender report"};
    const unsigned count = b0 & 0x1f;
    const std::size_t needed_words = kSenderInfoWords + kReportBlockWords * count;
    if (words < needed_words)
        return Error{"RTCP length too short for its report blocks"};
    if (data.size < 4 + std::size_t{words} * 4)
        return Error{"RTCP packet truncated"};
    // Padding, if the P bit is set, sits inside the declared length: nothing to check
    // beyond the count not exceeding what lies past the blocks.
    if (b0 & 0x20) {
        const std::uint8_t pad = data[4 + std::size_t{words} * 4 - 1];
        if (pad == 0 || pad > (words - needed_words) * 4)
            return Error{"RTCP padding inconsistent with its length"};
    }
    SenderReport sr;
    r.U32(sr.ssrc);
    r.U64(sr.ntp_timestamp);
    r.U32(sr.rtp_timestamp);
    r.U32(sr.packet_count);
    r.U32(sr.octet_count);
    for (unsigned i = 0; i < count; ++i) {
        ReportBlock b;
        std::uint32_t loss = 0;
        r.U32(b.ssrc);
        r.U32(loss);
        r.U32(b.highest_sequence);
        r.U32(b.jitter);
        r.U32(b.last_sr);
        r.U32(b.delay_since_last_sr);
        b.fraction_lost = static_cast<std::uint8_t>(loss >> 24);
        const std::uint32_t lost24 = loss & 0xffffff;
        b.cumulative_lost = (lost24 & 0x800000) ? static_cast<std::int32_t>(lost24) - 0x1000000
                                                : static_cast<std::int32_t>(lost24);
        sr.reports.push_back(b);
    }
    if (!r.Ok())
        return Error{"RTCP packet truncated"};
    return sr;
}

} // namespace cmslab::rtp
