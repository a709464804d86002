// The numbers of RFC 1035 (and RFC 2782, 3596, 6891) the package speaks, as named values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cmslab::dns {

// Any 16-bit value is a valid RecordType: unknown types travel as raw RDATA.
enum class RecordType : std::uint16_t {
    A = 1,
    NS = 2,
    CNAME = 5,
    SOA = 6,
    PTR = 12,
    MX = 15,
    TXT = 16,
    AAAA = 28,
    SRV = 33,
    OPT = 41,
    IXFR = 251,
    AXFR = 252,
    ANY = 255,
};

// Classes stay plain numbers: OPT records reuse the field for the UDP payload size.
constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kClassAny = 255;

enum class Opcode : std::uint8_t { Query = 0, IQuery = 1, Status = 2, Notify = 4, Update = 5 };

// Header RCODEs (4 bits); BadVers needs the EDNS extended RCODE bits.
enum class Rcode : std::uint16_t {
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
    BadVers = 16,
};

// How a message travelled: UDP has the 512-byte limit and TC, TCP the 2-byte length prefix.
enum class Transport : std::uint8_t { Udp, Tcp };

// "A", "SRV", ... as dig prints them; unknown ones as "TYPE<n>" (RFC 3597).
std::string ToString(RecordType type);
std::string ToString(Rcode rcode); // "NOERROR", "NXDOMAIN", ... or "RCODE<n>"
std::string ToString(Opcode opcode);
std::string ToString(Transport transport);
// Accepts the mnemonics above (any case) and "TYPE<n>".
std::optional<RecordType> ParseRecordType(std::string_view text);

} // namespace cmslab::dns
