// The wire format of RFC 1035 4.1: messages to bytes (with name compression) and back.
#pragma once

#include "common/bytes.h"
#include "common/expected.h"
#include "dns/message.h"

namespace cmslab::dns {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMaxUdpPayload = 512; // without EDNS (RFC 1035 4.2.1)

struct EncodeOptions {
    // Names in the question, owner names and the RDATA of CNAME, NS, PTR, MX and SOA
    // point to earlier copies of their suffixes. SRV targets are never compressed
    // (RFC 2782), nor unknown types (kept raw, RFC 3597).
    bool compress = true;
};

// Fails on names that do not parse (label over 63, name over 255 bytes), RDATA that does
// not fit its type (an IPv6 address in an A record), or sections over 65535 records.
Expected<Bytes> EncodeMessage(const Message& message, const EncodeOptions& options = {});

// Only the fixed 12-byte header; lets a server answer FORMERR with the right id.
Expected<Header> DecodeHeader(ByteView wire);
// Also the section counts of the header, for a reader that wants them without decoding.
struct HeaderCounts {
    std::uint16_t questions = 0, answers = 0, authorities = 0, additionals = 0;
};
Expected<HeaderCounts> DecodeHeaderCounts(ByteView wire);

// The whole message. Follows compression pointers (each must point before the part of
// the name that led to it, at most 127 of them, not into the header); rejects labels over
// 63 bytes, names over 255, the reserved label types, truncation anywhere, RDATA that runs
// past its RDLENGTH or the message, RDLENGTH that does not match a known type's RDATA,
// and bytes after the last record. The error message names the section, record and offset.
Expected<Message> DecodeMessage(ByteView wire);

} // namespace cmslab::dns
