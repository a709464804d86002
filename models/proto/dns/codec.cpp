#include "dns/codec.h"

#include "dns/name.h"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace cmslab::dns {
namespace {

constexpr std::size_t kMaxPointerHops = 127; // one per label at most
constexpr std::uint16_t kPointerLimit = 0x4000;

// Where in a message the codec is. Kept as numbers and pointers, and put into words only
// when there is an error to report, so that valid messages cost no string building.
struct Place {
    const char* section = "";
    std::size_t index = 0; // 1-based
    std::size_t count = 0; // 0: not shown
    const std::string* owner = nullptr;
    std::optional<RecordType> type;
    const char* part = nullptr; // "target", "mname", ...

    std::string Text() const {
        std::string s = std::string(section) + " " + std::to_string(index);
        if (count)
            s += " of " + std::to_string(count);
        if (owner || type) {
            s += " (";
            if (owner)
                s += *owner;
            if (owner && type)
                s += " ";
            if (type)
                s += ToString(*type);
            s += ")";
        }
        if (part)
            s += std::string(" ") + part;
        return s;
    }
};

std::string LowerLabelKey(const Labels& labels, std::size_t from) {
    std::string key;
    for (std::size_t i = from; i < labels.size(); ++i) {
        key.push_back(static_cast<char>(labels[i].size()));
        for (char c : labels[i])
            key.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return key;
}

class Encoder {
  public:
    explicit Encoder(const EncodeOptions& options) : m_options(options) {}

    bool Name(const std::string& text, bool may_point, const char* part) {
        auto labels = ParseName(text);
        if (!labels) {
            m_place.part = part;
            return Fail(labels.Message());
        }
        for (std::size_t i = 0; i < labels->size(); ++i) {
            std::string key = LowerLabelKey(*labels, i);
            auto it = m_suffixes.find(key);
            if (it != m_suffixes.end() && may_point && m_options.compress) {
                m_w.U16(static_cast<std::uint16_t>(0xC000u | it->second));
                return true;
            }
            if (it == m_suffixes.end() && m_w.Size() < kPointerLimit)
                m_suffixes.emplace(std::move(key), static_cast<std::uint16_t>(m_w.Size()));
            const std::string& label = (*labels)[i];
            m_w.U8(static_cast<std::uint8_t>(label.size()));
            m_w.Append(ByteView(label));
        }
        m_w.U8(0);
        return true;
    }

    bool Question(const dns::Question& q, std::size_t index) {
        m_place = Place{"question", index, 0, nullptr, std::nullopt, nullptr};
        if (!Name(q.name, true, nullptr))
            return false;
        m_w.U16(static_cast<std::uint16_t>(q.type));
        m_w.U16(q.qclass);
        return true;
    }

    bool Record(const ResourceRecord& rr, const char* section, std::size_t index) {
        m_place = Place{section, index, 0, nullptr, rr.type, nullptr};
        if (!Name(rr.name, true, "owner"))
            return false;
        m_w.U16(static_cast<std::uint16_t>(rr.type));
        m_w.U16(rr.rclass);
        m_w.U32(rr.ttl);
        const std::size_t length_at = m_w.Size();
        m_w.U16(0);
        if (!Rdata(rr))
            return false;
        const std::size_t length = m_w.Size() - length_at - 2;
        if (length > 0xffff)
            return Fail("RDATA is " + std::to_string(length) + " bytes (at most 65535)");
        m_w.PatchU16(length_at, static_cast<std::uint16_t>(length));
        return true;
    }

    ByteWriter& Writer() { return m_w; }
    const std::string& Err() const { return m_err; }

  private:
    bool Fail(const std::string& detail) {
        m_err = m_place.Text() + ": " + detail;
        return false;
    }

    bool Rdata(const ResourceRecord& rr) {
        if (const auto* raw = std::get_if<RawRdata>(&rr.rdata)) {
            m_w.Append(raw->data);
            return true;
        }
        if (const auto* a = std::get_if<AddressRdata>(&rr.rdata)) {
            if (rr.type == RecordType::A && a->address.IsV4()) {
                m_w.Append(ByteView(a->address.bytes.data(), 4));
                return true;
            }
            if (rr.type == RecordType::AAAA && !a->address.IsV4()) {
                m_w.Append(ByteView(a->address.bytes.data(), 16));
                return true;
            }
            return Fail("address " + a->address.ToString() + " does not fit the type");
        }
        if (const auto* n = std::get_if<NameRdata>(&rr.rdata)) {
            if (rr.type != RecordType::CNAME && rr.type != RecordType::NS &&
                rr.type != RecordType::PTR)
                return Fail("a single-name RDATA only fits CNAME, NS or PTR");
            return Name(n->name, true, "target");
        }
        if (const auto* s = std::get_if<SrvRdata>(&rr.rdata)) {
            if (rr.type != RecordType::SRV)
                return Fail("SRV RDATA in another type");
            m_w.U16(s->priority);
            m_w.U16(s->weight);
            m_w.U16(s->port);
            return Name(s->target, false, "target");
        }
        if (const auto* mx = std::get_if<MxRdata>(&rr.rdata)) {
            if (rr.type != RecordType::MX)
                return Fail("MX RDATA in another type");
            m_w.U16(mx->preference);
            return Name(mx->exchange, true, "exchange");
        }
        const auto& soa = std::get<SoaRdata>(rr.rdata);
        if (rr.type != RecordType::SOA)
            return Fail("SOA RDATA in another type");
        if (!Name(soa.mname, true, "mname") || !Name(soa.rname, true, "rname"))
            return false;
        for (std::uint32_t v : {soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum})
            m_w.U32(v);
        return true;
    }

    EncodeOptions m_options;
    ByteWriter m_w{512};
    std::map<std::string, std::uint16_t> m_suffixes; // lower-cased wire suffix -> offset
    Place m_place;
    std::string m_err;
};

std::uint16_t FlagsWord(const Header& h) {
    return static_cast<std::uint16_t>(
        (h.qr ? 0x8000u : 0u) | ((static_cast<unsigned>(h.opcode) & 0xfu) << 11) |
        (h.aa ? 0x0400u : 0u) | (h.tc ? 0x0200u : 0u) | (h.rd ? 0x0100u : 0u) |
        (h.ra ? 0x0080u : 0u) | (h.z ? 0x0040u : 0u) | (h.ad ? 0x0020u : 0u) |
        (h.cd ? 0x0010u : 0u) | (h.rcode & 0xfu));
}

class Decoder {
  public:
    explicit Decoder(ByteView wire) : m_wire(wire) {}

    bool Question(std::size_t& pos, dns::Question& q, std::size_t index, std::size_t count) {
        m_place = Place{"question", index, count, nullptr, std::nullopt, nullptr};
        if (!Name(pos, m_wire.size, q.name, nullptr))
            return false;
        const std::size_t at = pos;
        if (!Fixed(pos, m_wire.size, 4, "type and class"))
            return false;
        q.type = static_cast<RecordType>(U16At(at));
        q.qclass = U16At(at + 2);
        return true;
    }

    bool Record(std::size_t& pos, ResourceRecord& rr, const char* section, std::size_t index,
                std::size_t count) {
        m_place = Place{section, index, count, nullptr, std::nullopt, nullptr};
        if (!Name(pos, m_wire.size, rr.name, nullptr))
            return false;
        m_place.owner = &rr.name;
        const std::size_t at = pos;
        if (!Fixed(pos, m_wire.size, 10, "type/class/ttl/rdlength"))
            return false;
        rr.type = static_cast<RecordType>(U16At(at));
        rr.rclass = U16At(at + 2);
        rr.ttl = U32At(at + 4);
        m_place.type = rr.type;
        const std::size_t rdlength = U16At(at + 8);
        if (pos + rdlength > m_wire.size)
            return Fail("RDLENGTH " + std::to_string(rdlength) + " at offset " +
                        std::to_string(at + 8) + " overruns the message (" +
                        std::to_string(m_wire.size - pos) + " bytes left)");
        const std::size_t start = pos;
        const std::size_t end = pos + rdlength;
        m_in_rdata = true;
        const bool ok = Rdata(pos, end, rr);
        m_in_rdata = false;
        if (!ok)
            return false;
        if (pos != end)
            return Fail("RDLENGTH " + std::to_string(rdlength) + " but the RDATA is " +
                        std::to_string(pos - start) + " bytes");
        return true;
    }

    const std::string& Err() const { return m_err; }

  private:
    bool Fail(const std::string& detail) {
        m_err = m_place.Text() + ": " + detail;
        return false;
    }

    const char* EndName(bool in_place) const {
        return in_place && m_in_rdata ? "its RDATA" : "the message";
    }

    // Reads the name at `pos`; in-place bytes must stay below `limit`, bytes reached
    // through pointers only inside the message.
    bool Name(std::size_t& pos, std::size_t limit, std::string& out, const char* part) {
        m_place.part = part;
        Labels labels;
        std::size_t p = pos;
        std::size_t segment_start = pos;
        std::size_t resume = SIZE_MAX;
        std::size_t wire_length = 1;
        std::size_t hops = 0;
        for (;;) {
            const bool in_place = resume == SIZE_MAX;
            const std::size_t bound = in_place ? limit : m_wire.size;
            if (p >= bound)
                return Fail("name at offset " + std::to_string(pos) + " runs past the end of " +
                            EndName(in_place));
            const std::uint8_t b = m_wire[p];
            if (b == 0) {
                if (in_place)
                    resume = p + 1;
                break;
            }
            const std::uint8_t kind = b & 0xC0;
            if (kind == 0xC0) {
                if (p + 1 >= bound)
                    return Fail("compression pointer at offset " + std::to_string(p) +
                                " is cut short");
                const std::size_t target = (std::size_t{b & 0x3fu} << 8) | m_wire[p + 1];
                if (in_place)
                    resume = p + 2;
                if (++hops > kMaxPointerHops)
                    return Fail("more than " + std::to_string(kMaxPointerHops) +
                                " compression pointers in one name");
                // Each pointer must land before every byte of the name read so far: then
                // no chain of pointers can come back, whatever the message holds.
                if (target > p)
                    return Fail("compression pointer at offset " + std::to_string(p) +
                                " points forward to offset " + std::to_string(target));
                if (target >= segment_start)
                    return Fail("compression pointer at offset " + std::to_string(p) +
                                " points back into the same name (offset " +
                                std::to_string(target) + "): a loop");
                if (target < kHeaderSize)
                    return Fail("compression pointer at offset " + std::to_string(p) +
                                " points into the header (offset " + std::to_string(target) + ")");
                segment_start = target;
                p = target;
                continue;
            }
            if (kind != 0)
                return Fail("unsupported label type 0x" + ToHex(ByteView(&b, 1)) + " at offset " +
                            std::to_string(p));
            if (p + 1 + b > bound)
                return Fail("label of " + std::to_string(b) + " bytes at offset " +
                            std::to_string(p) + " runs past the end of " + EndName(in_place));
            wire_length += std::size_t{b} + 1;
            if (wire_length > kMaxNameLength)
                return Fail("name at offset " + std::to_string(pos) + " is longer than 255 bytes");
            labels.emplace_back(reinterpret_cast<const char*>(m_wire.data + p + 1), b);
            p += std::size_t{b} + 1;
        }
        pos = resume;
        out = FormatName(labels);
        m_place.part = nullptr;
        return true;
    }

    bool Fixed(std::size_t& pos, std::size_t limit, std::size_t n, const char* what) {
        if (pos + n > limit)
            return Fail(std::string(what) + " at offset " + std::to_string(pos) +
                        " is cut short (" + std::to_string(limit - pos) + " of " +
                        std::to_string(n) + " bytes)");
        pos += n;
        return true;
    }

    std::uint16_t U16At(std::size_t at) const {
        return static_cast<std::uint16_t>((m_wire[at] << 8) | m_wire[at + 1]);
    }
    std::uint32_t U32At(std::size_t at) const {
        return (std::uint32_t{U16At(at)} << 16) | U16At(at + 2);
    }

    bool Address(std::size_t& pos, std::size_t end, std::size_t n, ResourceRecord& rr) {
        if (end - pos != n)
            return Fail("RDLENGTH " + std::to_string(end - pos) + " (must be " + std::to_string(n) +
                        ")");
        IpAddress ip;
        ip.family = n == 4 ? IpAddress::Family::V4 : IpAddress::Family::V6;
        for (std::size_t i = 0; i < n; ++i)
            ip.bytes[i] = m_wire[pos + i];
        pos += n;
        rr.rdata = AddressRdata{ip};
        return true;
    }

    bool Rdata(std::size_t& pos, std::size_t end, ResourceRecord& rr) {
        // Structured decoding only for class IN: other classes (CH, or the ANY/NONE of
        // dynamic update with empty RDATA) keep their bytes.
        if (rr.rclass == kClassIn) {
            switch (rr.type) {
            case RecordType::A:
                return Address(pos, end, 4, rr);
            case RecordType::AAAA:
                return Address(pos, end, 16, rr);
            case RecordType::CNAME:
            case RecordType::NS:
            case RecordType::PTR: {
                NameRdata n;
                if (!Name(pos, end, n.name, "target"))
                    return false;
                rr.rdata = std::move(n);
                return true;
            }
            case RecordType::SRV: {
                SrvRdata s;
                const std::size_t at = pos;
                if (!Fixed(pos, end, 6, "priority/weight/port"))
                    return false;
                s.priority = U16At(at);
                s.weight = U16At(at + 2);
                s.port = U16At(at + 4);
                // RFC 2782 forbids compressing the target, but old servers did: accept it.
                if (!Name(pos, end, s.target, "target"))
                    return false;
                rr.rdata = std::move(s);
                return true;
            }
            case RecordType::MX: {
                MxRdata mx;
                const std::size_t at = pos;
                if (!Fixed(pos, end, 2, "preference"))
                    return false;
                mx.preference = U16At(at);
                if (!Name(pos, end, mx.exchange, "exchange"))
                    return false;
                rr.rdata = std::move(mx);
                return true;
            }
            case RecordType::SOA: {
                SoaRdata soa;
                if (!Name(pos, end, soa.mname, "mname") || !Name(pos, end, soa.rname, "rname"))
                    return false;
                const std::size_t at = pos;
                if (!Fixed(pos, end, 20, "serial/refresh/retry/expire/minimum"))
                    return false;
                soa.serial = U32At(at);
                soa.refresh = U32At(at + 4);
                soa.retry = U32At(at + 8);
                soa.expire = U32At(at + 12);
                soa.minimum = U32At(at + 16);
                rr.rdata = std::move(soa);
                return true;
            }
            default:
                break;
            }
        }
        rr.rdata = RawRdata{Bytes(m_wire.data + pos, m_wire.data + end)};
        pos = end;
        return true;
    }

    ByteView m_wire;
    Place m_place;
    std::string m_err;
    bool m_in_rdata = false; // only for wording the errors
};

} // namespace

Expected<Bytes> EncodeMessage(const Message& message, const EncodeOptions& options) {
    const std::size_t counts[] = {message.questions.size(), message.answers.size(),
                                  message.authorities.size(), message.additionals.size()};
    for (std::size_t c : counts) {
        if (c > 0xffff)
            return Error{"a section holds " + std::to_string(c) + " entries (at most 65535)"};
    }
    Encoder enc(options);
    ByteWriter& w = enc.Writer();
    w.U16(message.header.id);
    w.U16(FlagsWord(message.header));
    for (std::size_t c : counts)
        w.U16(static_cast<std::uint16_t>(c));
    for (std::size_t i = 0; i < message.questions.size(); ++i) {
        if (!enc.Question(message.questions[i], i + 1))
            return Error{enc.Err()};
    }
    const std::pair<const std::vector<ResourceRecord>*, const char*> sections[] = {
        {&message.answers, "answer"},
        {&message.authorities, "authority"},
        {&message.additionals, "additional"}};
    for (const auto& [records, title] : sections) {
        for (std::size_t i = 0; i < records->size(); ++i) {
            if (!enc.Record((*records)[i], title, i + 1))
                return Error{enc.Err()};
        }
    }
    return w.Take();
}

Expected<HeaderCounts> DecodeHeaderCounts(ByteView wire) {
    if (wire.size < kHeaderSize)
        return Error{"message is " + std::to_string(wire.size) +
                     " bytes, shorter than the 12-byte header"};
    auto u16 = [&](std::size_t at) {
        return static_cast<std::uint16_t>((wire[at] << 8) | wire[at + 1]);
    };
    return HeaderCounts{u16(4), u16(6), u16(8), u16(10)};
}

Expected<Header> DecodeHeader(ByteView wire) {
    if (wire.size < kHeaderSize)
        return Error{"message is " + std::to_string(wire.size) +
                     " bytes, shorter than the 12-byte header"};
    Header h;
    h.id = static_cast<std::uint16_t>((wire[0] << 8) | wire[1]);
    const unsigned flags = (unsigned{wire[2]} << 8) | wire[3];
    h.qr = flags & 0x8000u;
    h.opcode = static_cast<Opcode>((flags >> 11) & 0xfu);
    h.aa = flags & 0x0400u;
    h.tc = flags & 0x0200u;
    h.rd = flags & 0x0100u;
    h.ra = flags & 0x0080u;
    h.z = flags & 0x0040u;
    h.ad = flags & 0x0020u;
    h.cd = flags & 0x0010u;
    h.rcode = static_cast<std::uint8_t>(flags & 0xfu);
    return h;
}

Expected<Message> DecodeMessage(ByteView wire) {
    auto header = DecodeHeader(wire);
    if (!header)
        return header.Err();
    const HeaderCounts counts = *DecodeHeaderCounts(wire);
    Message m;
    m.header = *header;
    Decoder dec(wire);
    std::size_t pos = kHeaderSize;
    // Every entry takes at least 5 bytes, so reserving from the counts is bounded by size.
    const std::size_t most = wire.size / 5;
    m.questions.reserve(std::min<std::size_t>(counts.questions, most));
    for (std::size_t i = 0; i < counts.questions; ++i) {
        Question q;
        if (!dec.Question(pos, q, i + 1, counts.questions))
            return Error{dec.Err()};
        m.questions.push_back(std::move(q));
    }
    const std::tuple<std::vector<ResourceRecord>*, std::uint16_t, const char*> sections[] = {
        {&m.answers, counts.answers, "answer record"},
        {&m.authorities, counts.authorities, "authority record"},
        {&m.additionals, counts.additionals, "additional record"}};
    for (const auto& [records, count, title] : sections) {
        records->reserve(std::min<std::size_t>(count, most));
        for (std::size_t i = 0; i < count; ++i) {
            records->emplace_back();
            if (!dec.Record(pos, records->back(), title, i + 1, count))
                return Error{dec.Err()};
        }
    }
    if (pos != wire.size)
        return Error{std::to_string(wire.size - pos) + " bytes after the last record (offset " +
                     std::to_string(pos) + ")"};
    return m;
}

} // namespace cmslab::dns
