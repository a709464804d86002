#include "scenario/loader_context.h"
#include "scenario/names.h"

#include <cmath>

namespace cmslab::scenario::detail {

using nlohmann::json;

namespace {

const json& Null() {
    static const json kNull;
    return kNull;
}

bool Matches(const json& v, json::value_t want) {
    switch (want) {
    case json::value_t::number_integer:
        return v.is_number_integer() ||
               (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    case json::value_t::number_float:
        return v.is_number();
    default:
        return v.type() == want;
    }
}

} // namespace

std::string Reader::Ptr(const std::string& key) const {
    return JoinPointer(m_pointer, key);
}

bool Reader::Has(const std::string& key) const {
    return m_object->is_object() && m_object->contains(key);
}

const json& Reader::Raw(const std::string& key) const {
    m_ctx->read.insert(Ptr(key));
    if (!Has(key))
        return Null();
    return (*m_object)[key];
}

const json* Reader::Get(const std::string& key, json::value_t want) const {
    const auto& v = Raw(key);
    if (!Matches(v, want)) {
        m_ctx->bad.insert(Ptr(key));
        return nullptr;
    }
    return &v;
}

std::string Reader::Str(const std::string& key) const {
    auto v = Get(key, json::value_t::string);
    return v ? v->get<std::string>() : std::string();
}

bool Reader::Bool(const std::string& key) const {
    auto v = Get(key, json::value_t::boolean);
    return v ? v->get<bool>() : false;
}

std::int64_t Reader::Int(const std::string& key) const {
    auto v = Get(key, json::value_t::number_integer);
    if (!v)
        return 0;
    const double d = v->get<double>();
    if (d > 9.2e18 || d < -9.2e18) {
        m_ctx->bad.insert(Ptr(key));
        return 0;
    }
    return v->is_number_float() ? static_cast<std::int64_t>(d) : v->get<std::int64_t>();
}

double Reader::Num(const std::string& key) const {
    auto v = Get(key, json::value_t::number_float);
    return v ? v->get<double>() : 0.0;
}

std::uint16_t Reader::Port(const std::string& key) const {
    const auto value = Int(key);
    if (value < 0 || value > 65535) {
        m_ctx->bad.insert(Ptr(key));
        return 0;
    }
    return static_cast<std::uint16_t>(value);
}

std::vector<std::string> Reader::Strings(const std::string& key) const {
    std::vector<std::string> out;
    auto v = Get(key, json::value_t::array);
    if (!v)
        return out;
    for (std::size_t i = 0; i < v->size(); ++i) {
        if ((*v)[i].is_string()) {
            out.push_back((*v)[i].get<std::string>());
        } else {
            m_ctx->bad.insert(JoinPointer(Ptr(key), i));
            out.emplace_back();
        }
    }
    return out;
}

std::optional<IpAddress> Reader::AddressText(const std::string& text, const std::string& pointer,
                                             bool v4_only) const {
    auto a = IpAddress::Parse(text);
    if (!a) {
        m_ctx->Error(pointer, "\"" + text + "\" is not an IP address" +
                                  (v4_only ? " (dotted decimal, like 192.0.2.10)" : ""));
        return std::nullopt;
    }
    if (v4_only && !a->IsV4()) {
        m_ctx->Error(pointer, "\"" + text + "\": only IPv4 addresses are modelled here");
        return std::nullopt;
    }
    return a;
}

std::optional<IpAddress> Reader::Address(const std::string& key, bool v4_only) const {
    auto v = Get(key, json::value_t::string);
    if (!v)
        return std::nullopt;
    return AddressText(v->get<std::string>(), Ptr(key), v4_only);
}

std::optional<Prefix> Reader::PrefixAt(const std::string& key) const {
    auto v = Get(key, json::value_t::string);
    if (!v)
        return std::nullopt;
    const auto text = v->get<std::string>();
    if (auto p = Prefix::Parse(text)) {
        if (!p->address.IsV4()) {
            m_ctx->Error(Ptr(key), "\"" + text + "\": only IPv4 networks are modelled");
            return std::nullopt;
        }
        return p;
    }
    // Say what is wrong: the usual slip is an interface address with the length.
    const auto slash = text.find('/');
    if (slash != std::string::npos) {
        auto a = IpAddress::Parse(text.substr(0, slash));
        const auto len_text = text.substr(slash + 1);
        const bool digits = !len_text.empty() && len_text.size() <= 2 &&
                            len_text.find_first_not_of("0123456789") == std::string::npos;
        const int len = digits ? std::stoi(len_text) : -1;
        if (a && a->IsV4() && len >= 0 && len <= 32) {
            Prefix net;
            const std::uint32_t mask = len == 0 ? 0 : ~std::uint32_t{0} << (32 - len);
            net.address = IpAddress::V4(a->V4Value() & mask);
            net.length = static_cast<std::uint8_t>(len);
            m_ctx->Error(Ptr(key), "\"" + text + "\" has host bits set (did you mean \"" +
                                       net.ToString() + "\"?)");
            return std::nullopt;
        }
    }
    m_ctx->Error(Ptr(key), "\"" + text + "\" is not a network prefix (like 192.0.2.0/24)");
    return std::nullopt;
}

std::optional<std::int64_t> Reader::Time(const std::string& key) const {
    auto v = Get(key, json::value_t::string);
    if (!v)
        return std::nullopt;
    auto t = ParseUtcTime(v->get<std::string>());
    if (!t)
        m_ctx->Error(Ptr(key), "\"" + v->get<std::string>() +
                                   "\" is not a UTC time like 2017-05-20T10:00:00Z");
    return t;
}

Reader Reader::Object(const std::string& key) const {
    return Reader(*m_ctx, Raw(key), Ptr(key));
}

std::vector<Reader> Reader::Objects(const std::string& key) const {
    std::vector<Reader> out;
    const auto& v = Raw(key);
    if (!v.is_array())
        return out;
    for (std::size_t i = 0; i < v.size(); ++i)
        out.emplace_back(*m_ctx, v[i], JoinPointer(Ptr(key), i));
    return out;
}

} // namespace cmslab::scenario::detail
