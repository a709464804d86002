// A DNS message as values (RFC 1035 4.1): what the codec decodes to and encodes from.
#pragma once

#include "common/address.h"
#include "common/bytes.h"
#include "dns/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cmslab::dns {

struct Header {
    std::uint16_t id = 0;
    bool qr = false; // a response
    Opcode opcode = Opcode::Query;
    bool aa = false;        // authoritative answer
    bool tc = false;        // truncated
    bool rd = false;        // recursion desired
    bool ra = false;        // recursion available
    bool z = false;         // reserved; kept so that odd packets round-trip
    bool ad = false;        // authentic data (RFC 4035); dig sets it in queries
    bool cd = false;        // checking disabled (RFC 4035)
    std::uint8_t rcode = 0; // the 4 header bits; see Message::FullRcode for EDNS

    Rcode GetRcode() const { return static_cast<Rcode>(rcode); }
};

struct Question {
    std::string name;
    RecordType type = RecordType::A;
    std::uint16_t qclass = kClassIn;
};

// A and AAAA: the family says which.
struct AddressRdata {
    IpAddress address;
};
// CNAME, NS, PTR: one domain name.
struct NameRdata {
    std::string name;
};
struct SrvRdata {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::string target;
};
struct MxRdata {
    std::uint16_t preference = 0;
    std::string exchange;
};
struct SoaRdata {
    std::string mname;
    std::string rname;
    std::uint32_t serial = 0;
    std::uint32_t refresh = 0;
    std::uint32_t retry = 0;
    std::uint32_t expire = 0;
    std::uint32_t minimum = 0;
};
// Any type the codec does not model (TXT, OPT, ...), kept byte for byte (RFC 3597).
struct RawRdata {
    Bytes data;
};

using Rdata = std::variant<RawRdata, AddressRdata, NameRdata, SrvRdata, MxRdata, SoaRdata>;

struct ResourceRecord {
    std::string name;
    RecordType type = RecordType::A;
    std::uint16_t rclass = kClassIn; // the UDP payload size for OPT
    std::uint32_t ttl = 0;           // extended RCODE, version and flags for OPT
    Rdata rdata;

    static ResourceRecord MakeA(std::string name, std::uint32_t ttl, const IpAddress& v4);
    static ResourceRecord MakeAaaa(std::string name, std::uint32_t ttl, const IpAddress& v6);
    static ResourceRecord MakeCname(std::string name, std::uint32_t ttl, std::string target);
    static ResourceRecord MakeSrv(std::string name, std::uint32_t ttl, std::uint16_t priority,
                                  std::uint16_t weight, std::uint16_t port, std::string target);
    static ResourceRecord MakeSoa(std::string name, std::uint32_t ttl, SoaRdata soa);
    static ResourceRecord MakeRaw(std::string name, RecordType type, std::uint32_t ttl, Bytes data);

    // Null when the RDATA is not of that shape.
    const IpAddress* Address() const;
    const std::string* Target() const; // CNAME/NS/PTR name, SRV target, MX exchange
    const SrvRdata* Srv() const;
    const SoaRdata* Soa() const;
    const RawRdata* Raw() const;
};

// The EDNS(0) pseudo-record (RFC 6891 6.1.3), read from / written to an OPT record.
struct Edns {
    std::uint16_t udp_payload_size = 1232;
    std::uint8_t extended_rcode = 0; // upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    bool dnssec_ok = false;
    Bytes options; // raw option TLVs

    static std::optional<Edns> FromRecord(const ResourceRecord& opt);
    ResourceRecord ToRecord() const;
};

struct Message {
    Header header;
    std::vector<Question> questions;
    std::vector<ResourceRecord> answers;
    std::vector<ResourceRecord> authorities;
    std::vector<ResourceRecord> additionals;

    // The first OPT record in the additional section, if any.
    std::optional<Edns> GetEdns() const;
    std::size_t OptCount() const;
    // The 12-bit RCODE: header bits plus the OPT record's extended bits.
    Rcode FullRcode() const;
    // Sets the header bits and, for RCODEs above 15, the OPT record's (which must exist).
    void SetRcode(Rcode rcode);

    // A dig-like multi-line text, for logs and test failure messages.
    std::string ToText() const;
};

std::string ToText(const ResourceRecord& rr); // "name. ttl IN A 1.2.3.4"

} // namespace cmslab::dns
