#include "mutate/derive.h"

#include "mutate/document_facts.h"
#include "mutate/utc_time.h"

#include <algorithm>
#include <regex>
#include <set>

namespace cmslab::mutate {

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

// The top-level keys that describe the file, not the deployment.
const std::set<std::string> kNotSettings = {"$schema",  "name", "description", "expect",
                                            "mutation", "seed", "duration",    "start_time"};

bool IsIpv4(const std::string& s) {
    static const std::regex re(R"(^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$)");
    return std::regex_match(s, re);
}

bool IsTime(const std::string& s) {
    static const std::regex re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)");
    return std::regex_match(s, re);
}

// The parts of an http(s) URL: scheme "://" host [":" port] rest.
struct UrlParts {
    std::string scheme, host, rest;
    std::optional<int> port;
};

std::optional<UrlParts> SplitUrl(const std::string& url) {
    static const std::regex re(R"(^(https?)://([^/:?#]+)(?::(\d+))?(.*)$)");
    std::smatch m;
    if (!std::regex_match(url, m, re))
        return std::nullopt;
    UrlParts p{m[1], m[2], m[4], std::nullopt};
    if (m[3].matched)
        p.port = std::stoi(m[3]);
    return p;
}

std::string JoinUrl(const UrlParts& p) {
    return p.scheme + "://" + p.host + (p.port ? ":" + std::to_string(*p.port) : "") + p.rest;
}

std::string Shown(const ojson& v) {
    return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump();
}

// A schema node with its $ref followed; `def` is the $defs name when there was one.
struct SchemaAt {
    const json* node = nullptr;
    std::string def;
};

SchemaAt Resolve(const json& root, const json* node) {
    SchemaAt at{node, ""};
    while (at.node && at.node->is_object() && at.node->contains("$ref")) {
        const std::string ref = (*at.node)["$ref"].get<std::string>();
        const std::string prefix = "#/$defs/";
        if (ref.rfind(prefix, 0) != 0 || !root["$defs"].contains(ref.substr(prefix.size())))
            return {nullptr, ""};
        at.def = ref.substr(prefix.size());
        at.node = &root["$defs"][at.def];
    }
    return at;
}

// Does the instance satisfy an "if" made of const/enum property conditions (the only form
// the scenario schema uses to pick a node's config by its role)?
bool IfHolds(const json& condition, const ojson& instance) {
    if (!condition.contains("properties"))
        return false;
    for (const auto& [key, rule] : condition["properties"].items()) {
        if (!instance.contains(key))
            return false;
        const json value = json::parse(instance[key].dump());
        if (rule.contains("const") && rule["const"] != value)
            return false;
        if (rule.contains("enum") &&
            std::find(rule["enum"].begin(), rule["enum"].end(), value) == rule["enum"].end())
            return false;
    }
    return true;
}

// The schema of property `key` of an object, through allOf/if/then where it applies.
SchemaAt PropertySchema(const json& root, const SchemaAt& parent, const ojson& instance,
                        const std::string& key) {
    if (!parent.node || !parent.node->is_object())
        return {};
    const json& node = *parent.node;
    if (node.contains("allOf"))
        for (const auto& part : node["allOf"])
            if (part.contains("if") && part.contains("then") && IfHolds(part["if"], instance) &&
                part["then"].contains("properties") && part["then"]["properties"].contains(key))
                return Resolve(root, &part["then"]["properties"][key]);
    if (node.contains("properties") && node["properties"].contains(key))
        return Resolve(root, &node["properties"][key]);
    return {};
}

SchemaAt ItemsSchema(const json& root, const SchemaAt& parent) {
    if (!parent.node || !parent.node->is_object() || !parent.node->contains("items"))
        return {};
    return Resolve(root, &(*parent.node)["items"]);
}

bool NamesAnIdentity(const SchemaAt& item) {
    if (!item.node || !item.node->contains("properties") ||
        !(*item.node)["properties"].contains("name"))
        return false;
    const json& name = (*item.node)["properties"]["name"];
    return name.contains("$ref") && name["$ref"] == "#/$defs/name";
}

class Deriver {
  public:
    Deriver(const ojson& doc, const json& schema) : m_doc(doc), m_schema(schema), m_facts(doc) {}

    std::vector<Mutation> Run() {
        SchemaAt root{&m_schema, ""};
        for (const auto& [key, value] : m_doc.items()) {
            if (kNotSettings.count(key))
                continue;
            Walk(value, "/" + EscapeToken(key), key, PropertySchema(m_schema, root, m_doc, key), 0);
        }
        return std::move(m_out);
    }

  private:
    void Add(std::string kind, const std::string& pointer, std::string change, ojson ops) {
        Mutation m;
        m.kind = std::move(kind);
        m.setting = pointer;
        m.change = ReadablePlace(m_doc, pointer) + ": " + std::move(change);
        m.patch = std::move(ops);
        for (const auto& earlier : m_out)
            if (earlier.patch == m.patch)
                return; // two kinds that make the same change: one variant
        m_out.push_back(std::move(m));
    }

    static ojson Test(const std::string& pointer, const ojson& old) {
        return {{"op", "test"}, {"path", pointer}, {"value", old}};
    }
    void Replace(std::string kind, const std::string& pointer, const ojson& old, const ojson& now,
                 std::string change) {
        Add(std::move(kind), pointer, std::move(change),
            ojson::array(
                {Test(pointer, old), {{"op", "replace"}, {"path", pointer}, {"value", now}}}));
    }
    void Remove(const std::string& pointer, const ojson& old, std::string change) {
        Add("list_entry_removed", pointer, std::move(change),
            ojson::array({Test(pointer, old), {{"op", "remove"}, {"path", pointer}}}));
    }

    void Walk(const ojson& value, const std::string& pointer, const std::string& key,
              const SchemaAt& schema, int depth) {
        if (value.is_boolean()) {
            Replace("boolean_flipped", pointer, value, !value.get<bool>(),
                    std::string("flipped from ") +
                        (value.get<bool>() ? "true to false" : "false to true"));
        } else if (value.is_number_integer()) {
            if (schema.def == "port" || key.find("port") != std::string::npos) {
                const auto port = value.get<std::int64_t>();
                const std::int64_t now = port >= 65535 ? port - 1 : port + 1;
                Replace("port_changed", pointer, value, now,
                        "port " + std::to_string(port) + " changed to " + std::to_string(now));
            }
        } else if (value.is_string()) {
            WalkString(value.get<std::string>(), pointer, schema);
        } else if (value.is_array()) {
            WalkArray(value, pointer, key, schema, depth);
        } else if (value.is_object()) {
            WalkObject(value, pointer, schema, depth);
        }
    }

    void WalkString(const std::string& s, const std::string& pointer, const SchemaAt& schema) {
        const bool in_zones = pointer.rfind("/dns_servers", 0) == 0;
        const bool in_certificates = pointer.rfind("/certificates", 0) == 0;
        if (IsIpv4(s)) {
            // A setting of the address definition, or an address the schema leaves a plain
            // string (a DNS record's, a TURN server's): the value's shape says what it is.
            if (auto other = m_facts.AnotherNodesAddress(s))
                Replace("address_swapped", pointer, s, *other,
                        "address " + s + " pointed at another node's, " + *other);
        } else if (auto url = SplitUrl(s)) {
            UrlParts moved = *url;
            const int port = url->port.value_or(url->scheme == "https" ? 443 : 80);
            moved.port = port >= 65535 ? port - 1 : port + 1;
            Replace("port_changed", pointer, s, JoinUrl(moved),
                    "URL " + s + " given port " + std::to_string(*moved.port));
            if (auto other = m_facts.AnotherNameOfSameAddress(url->host)) {
                UrlParts renamed = *url;
                renamed.host = *other;
                Replace("hostname_swapped", pointer, s, JoinUrl(renamed),
                        "URL host " + url->host + " replaced by " + *other +
                            ", another name of the same address");
            }
        } else if (!in_zones && !in_certificates &&
                   (schema.def == "hostname" || m_facts.IsARecordName(s))) {
            if (auto other = m_facts.AnotherNameOfSameAddress(s))
                Replace("hostname_swapped", pointer, s, *other,
                        "name " + s + " replaced by " + *other +
                            ", another name of the same address");
        }
    }

    void WalkArray(const ojson& value, const std::string& pointer, const std::string& key,
                   const SchemaAt& schema, int depth) {
        const SchemaAt items = ItemsSchema(m_schema, schema);
        const bool strings =
            !value.empty() &&
            std::all_of(value.begin(), value.end(), [](const ojson& v) { return v.is_string(); });
        if (strings) {
            const bool trust = std::all_of(value.begin(), value.end(), [&](const ojson& v) {
                return m_facts.IsCertificateName(v.get<std::string>());
            });
            if (trust)
                Replace("trust_list_emptied", pointer, value, ojson::array(),
                        "trust list emptied (was " + value.dump() + ")");
            if (!(trust && value.size() == 1))
                for (std::size_t i = 0; i < value.size(); ++i)
                    Remove(pointer + "/" + std::to_string(i), value[i],
                           key + " without " + Shown(value[i]));
        }
        const bool inventory = depth == 0 || items.def == "interface" || NamesAnIdentity(items);
        for (std::size_t i = 0; i < value.size(); ++i) {
            const std::string at = pointer + "/" + std::to_string(i);
            if (value[i].is_object() && !inventory)
                Remove(at, value[i], key + " entry removed: " + value[i].dump());
            // An interface is the node itself on a network: its address changed is another
            // deployment (and a duplicate address), not a setting gone wrong.
            if (items.def != "interface")
                Walk(value[i], at, key, items, depth + 1);
        }
    }

    void WalkObject(const ojson& value, const std::string& pointer, const SchemaAt& schema,
                    int depth) {
        // A credential: an object with a password. Each side of the pair it forms with
        // another box is changed alone, so the two disagree.
        if (value.contains("password") && value["password"].is_string()) {
            const std::string pw = value["password"].get<std::string>();
            Replace("credential_mismatch", pointer + "/password", pw, pw + "x",
                    "password changed (no longer the one its peer holds)");
            for (const char* user_key : {"username", "user"})
                if (value.contains(user_key) && value[user_key].is_string()) {
                    const std::string u = value[user_key].get<std::string>();
                    Replace("credential_mismatch", pointer + "/" + user_key, u, u + "x",
                            std::string("user name ") + u + " changed to " + u + "x");
                }
            if (schema.def == "user" && value.contains("name") && value["name"].is_string()) {
                const std::string u = value["name"].get<std::string>();
                Replace("credential_mismatch", pointer + "/name", u, u + "x",
                        "user name " + u + " changed to " + u + "x");
            }
        }
        // A certificate: an issuer that is an authority of the file.
        if (value.contains("issuer") && value["issuer"].is_string() &&
            m_facts.IsCertificateName(value["issuer"].get<std::string>()))
            Replace("certificate_self_signed", pointer + "/issuer", value["issuer"], "self-signed",
                    "certificate made self-signed (issuer was " +
                        value["issuer"].get<std::string>() + ")");
        ExpireWindow(value, pointer);
        for (const auto& [key, sub] : value.items()) {
            if (key == "password" || key == "issuer")
                continue; // changed above as what they are
            Walk(sub, pointer + "/" + EscapeToken(key), key,
                 PropertySchema(m_schema, schema, value, key), depth + 1);
        }
    }

    // A validity window: the object's two time values. The later is its end; the end moves
    // to a day before the scenario's start (and the beginning a year before that, when it
    // would come after the end).
    void ExpireWindow(const ojson& value, const std::string& pointer) {
        std::vector<std::pair<std::string, std::int64_t>> times;
        for (const auto& [key, sub] : value.items())
            if (sub.is_string() && IsTime(sub.get<std::string>()))
                if (auto t = ParseUtc(sub.get<std::string>()))
                    times.emplace_back(key, *t);
        const auto start = ParseUtc(m_facts.StartTime());
        if (times.size() != 2 || !start)
            return;
        if (times[0].second > times[1].second)
            std::swap(times[0], times[1]);
        const auto& [begin_key, begin] = times[0];
        const auto& [end_key, end] = times[1];
        const std::int64_t new_end = *start - 86400;
        if (end <= new_end)
            return; // already over
        const std::string end_ptr = pointer + "/" + EscapeToken(end_key);
        ojson ops =
            ojson::array({Test(end_ptr, value[end_key]),
                          {{"op", "replace"}, {"path", end_ptr}, {"value", FormatUtc(new_end)}}});
        if (begin >= new_end) {
            const std::string begin_ptr = pointer + "/" + EscapeToken(begin_key);
            ops.push_back(Test(begin_ptr, value[begin_key]));
            ops.push_back({{"op", "replace"},
                           {"path", begin_ptr},
                           {"value", FormatUtc(new_end - 365 * 86400)}});
        }
        Add("certificate_expired", end_ptr,
            "expired: " + end_key + " " + value[end_key].get<std::string>() + " moved to " +
                FormatUtc(new_end) + ", a day before the scenario starts",
            std::move(ops));
    }

    const ojson& m_doc;
    const json& m_schema;
    DocumentFacts m_facts;
    std::vector<Mutation> m_out;
};

} // namespace

std::vector<Mutation> DeriveMutations(const ojson& source, const json& schema) {
    return Deriver(source, schema).Run();
}

} // namespace cmslab::mutate
