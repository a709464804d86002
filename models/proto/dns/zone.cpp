#include "dns/zone.h"

#include "dns/name.h"

namespace cmslab::dns {
namespace {

bool SameRdata(const ResourceRecord& a, const ResourceRecord& b) {
    if (a.type != b.type)
        return false;
    if (a.Address() && b.Address())
        return *a.Address() == *b.Address();
    if (a.Srv() && b.Srv()) {
        const auto& x = *a.Srv();
        const auto& y = *b.Srv();
        return x.priority == y.priority && x.weight == y.weight && x.port == y.port &&
               NamesEqual(x.target, y.target);
    }
    if (a.Target() && b.Target())
        return NamesEqual(*a.Target(), *b.Target());
    return false;
}

} // namespace

Expected<Zone> Zone::Build(const ZoneConfig& config) {
    Zone zone;
    auto origin_labels = ParseName(config.origin);
    if (!origin_labels)
        return Error{"zone origin \"" + config.origin + "\": " + origin_labels.Message()};
    zone.m_origin = FormatName(*origin_labels);
    const std::string origin_key = CanonicalName(zone.m_origin);

    SoaRdata soa;
    soa.mname = zone.m_origin;
    soa.rname = origin_labels->empty() ? "hostmaster" : "hostmaster." + zone.m_origin;
    soa.serial = 1;
    soa.refresh = 3600;
    soa.retry = 600;
    soa.expire = 86400;
    soa.minimum = config.negative_ttl;
    zone.m_soa = ResourceRecord::MakeSoa(zone.m_origin, config.negative_ttl, soa);
    zone.m_records[origin_key].push_back(zone.m_soa);
    zone.m_existing.insert(origin_key);

    for (std::size_t i = 0; i < config.records.size(); ++i) {
        const ZoneRecordConfig& rc = config.records[i];
        const std::string where = "zone " + zone.m_origin + ", record " + std::to_string(i + 1) +
                                  " (" + rc.name + " " + rc.type + ")";
        const std::string owner = (rc.name == "@" || rc.name.empty()) ? zone.m_origin : rc.name;
        auto owner_labels = ParseName(owner);
        if (!owner_labels)
            return Error{where + ": name: " + owner_labels.Message()};
        auto type = ParseRecordType(rc.type);
        if (!type || (*type != RecordType::A && *type != RecordType::AAAA &&
                      *type != RecordType::SRV && *type != RecordType::CNAME))
            return Error{where + ": type \"" + rc.type +
                         "\" is not supported (A, AAAA, SRV, CNAME)"};
        const std::string owner_text = FormatName(*owner_labels);
        if (!IsAtOrBelow(owner_text, zone.m_origin)) {
            zone.m_warnings.push_back(where + ": ignoring out-of-zone data (not below " +
                                      zone.m_origin + ")");
            continue;
        }
        ResourceRecord rr;
        switch (*type) {
        case RecordType::A:
        case RecordType::AAAA: {
            const bool want_v4 = *type == RecordType::A;
            if (!rc.address || rc.address->IsV4() != want_v4)
                return Error{where + ": needs an " + (want_v4 ? "IPv4" : "IPv6") + " address" +
                             (rc.address ? ", not " + rc.address->ToString() : "")};
            rr = want_v4 ? ResourceRecord::MakeA(owner_text, rc.ttl, *rc.address)
                         : ResourceRecord::MakeAaaa(owner_text, rc.ttl, *rc.address);
            break;
        }
        default: {
            if (rc.target.empty())
                return Error{where + ": needs a target"};
            auto target = ParseName(rc.target);
            if (!target)
                return Error{where + ": target: " + target.Message()};
            rr = *type == RecordType::CNAME
                     ? ResourceRecord::MakeCname(owner_text, rc.ttl, FormatName(*target))
                     : ResourceRecord::MakeSrv(owner_text, rc.ttl, rc.priority, rc.weight, rc.port,
                                               FormatName(*target));
            break;
        }
        }
        const std::string key = CanonicalName(owner_text);
        auto& at = zone.m_records[key];
        const bool has_cname = !at.empty() && at.front().type == RecordType::CNAME;
        if (*type == RecordType::CNAME && key == origin_key)
            return Error{where + ": CNAME at the zone apex (the apex holds the SOA)"};
        if (has_cname && *type == RecordType::CNAME)
            return Error{where + ": a second CNAME for " + owner_text};
        if ((has_cname || (*type == RecordType::CNAME && !at.empty())))
            return Error{where + ": CNAME and other data at " + owner_text};
        bool duplicate = false;
        for (const auto& existing : at)
            duplicate = duplicate || SameRdata(existing, rr);
        if (duplicate) {
            zone.m_warnings.push_back(where + ": duplicate record ignored");
            continue;
        }
        at.push_back(std::move(rr));
        ++zone.m_record_count;
        // Every name between the owner and the origin exists, records or not.
        Labels walk = *owner_labels;
        while (walk.size() > origin_labels->size()) {
            zone.m_existing.insert(CanonicalName(FormatName(walk)));
            walk.erase(walk.begin());
        }
    }
    return zone;
}

bool Zone::Contains(std::string_view name) const {
    return IsAtOrBelow(name, m_origin);
}

bool Zone::NameExists(std::string_view name) const {
    return m_existing.count(CanonicalName(name)) != 0;
}

std::vector<ResourceRecord> Zone::Find(std::string_view name, RecordType type) const {
    std::vector<ResourceRecord> out;
    auto it = m_records.find(CanonicalName(name));
    if (it == m_records.end())
        return out;
    for (const auto& rr : it->second) {
        if (type == RecordType::ANY || rr.type == type)
            out.push_back(rr);
    }
    return out;
}

} // namespace cmslab::dns
